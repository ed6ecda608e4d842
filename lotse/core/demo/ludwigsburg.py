"""The 39 towns and municipalities of Landkreis Ludwigsburg with their official keys (AGS).

Source: the Gemeindeverzeichnis as published with federal statistics (codes 08118xxx).
"""

COUNTY = "Landkreis Ludwigsburg"

MUNICIPALITIES: list[tuple[str, str]] = [
    ("08118001", "Affalterbach"),
    ("08118003", "Asperg"),
    ("08118006", "Benningen am Neckar"),
    ("08118007", "Besigheim"),
    ("08118010", "Bönnigheim"),
    ("08118011", "Ditzingen"),
    ("08118012", "Eberdingen"),
    ("08118014", "Erdmannhausen"),
    ("08118015", "Erligheim"),
    ("08118016", "Freudental"),
    ("08118018", "Gemmrigheim"),
    ("08118019", "Gerlingen"),
    ("08118021", "Großbottwar"),
    ("08118027", "Hemmingen"),
    ("08118028", "Hessigheim"),
    ("08118040", "Kirchheim am Neckar"),
    ("08118046", "Kornwestheim"),
    ("08118047", "Löchgau"),
    ("08118048", "Ludwigsburg"),
    ("08118049", "Marbach am Neckar"),
    ("08118050", "Markgröningen"),
    ("08118051", "Möglingen"),
    ("08118053", "Mundelsheim"),
    ("08118054", "Murr"),
    ("08118059", "Oberriexingen"),
    ("08118060", "Oberstenfeld"),
    ("08118063", "Pleidelsheim"),
    ("08118067", "Schwieberdingen"),
    ("08118068", "Sersheim"),
    ("08118070", "Steinheim an der Murr"),
    ("08118071", "Tamm"),
    ("08118073", "Vaihingen an der Enz"),
    ("08118074", "Walheim"),
    ("08118076", "Sachsenheim"),
    ("08118077", "Ingersheim"),
    ("08118078", "Freiberg am Neckar"),
    ("08118079", "Bietigheim-Bissingen"),
    ("08118080", "Korntal-Münchingen"),
    ("08118081", "Remseck am Neckar"),
]
