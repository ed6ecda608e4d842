"""The fictional demo county: organisations and users modelled on the seeds.

The county press release names the partners of the integration management in
Landkreis Ludwigsburg: Arbeiterwohlfahrt, Caritas, Kreisdiakonieverband, the
Kreisverband of the Deutsches Rotes Kreuz and the Landratsamt. A city
administration joins them for accommodation and volunteer coordination. All
people are fictional.
"""

from __future__ import annotations

from lotse.core.choices import OrganisationKind, Role

# The password of every demo user, printed by `make demo`. Demo only.
DEMO_PASSWORD = "Lotse-Demo-2026!"

ORGANISATIONS: list[tuple[str, str, str]] = [
    ("lra-lb", "Landratsamt Ludwigsburg", OrganisationKind.LANDRATSAMT),
    ("awo-lb", "AWO Kreisverband Ludwigsburg", OrganisationKind.WOHLFAHRTSVERBAND),
    ("caritas-lb", "Caritas Ludwigsburg-Waiblingen-Enz", OrganisationKind.WOHLFAHRTSVERBAND),
    ("kdv-lb", "Kreisdiakonieverband im Landkreis Ludwigsburg", OrganisationKind.WOHLFAHRTSVERBAND),
    ("drk-lb", "DRK-Kreisverband Ludwigsburg", OrganisationKind.WOHLFAHRTSVERBAND),
    ("stadt-lb", "Stadt Ludwigsburg", OrganisationKind.GEMEINDE),
]

# The municipality whose administration an organisation is (AGS): the county's assignments reach it.
ORGANISATION_MUNICIPALITIES: dict[str, str] = {"stadt-lb": "08118048"}

# username, organisation, roles, first name, last name
USERS: list[tuple[str, str, list[str], str, str]] = [
    ("integration", "caritas-lb", [Role.INTEGRATIONSMANAGEMENT], "Miriam", "Haddad"),
    ("integration2", "caritas-lb", [Role.INTEGRATIONSMANAGEMENT], "Jonas", "Weber"),
    ("teamleitung", "caritas-lb", [Role.TEAMLEITUNG, Role.INTEGRATIONSMANAGEMENT], "Sabine", "Kraus"),
    ("orgadmin", "caritas-lb", [Role.ORGANISATIONSADMINISTRATION], "Thomas", "Brenner"),
    ("integration-awo", "awo-lb", [Role.INTEGRATIONSMANAGEMENT], "Aylin", "Demir"),
    ("integration-diakonie", "kdv-lb", [Role.INTEGRATIONSMANAGEMENT], "Daniel", "Schäfer"),
    ("integration-drk", "drk-lb", [Role.INTEGRATIONSMANAGEMENT], "Olena", "Kovalenko"),
    ("integration-lra", "lra-lb", [Role.INTEGRATIONSMANAGEMENT], "Samir", "Nazari"),
    ("unterbringung", "stadt-lb", [Role.UNTERBRINGUNG], "Petra", "Vogel"),
    ("unterbringung-lra", "lra-lb", [Role.UNTERBRINGUNG], "Katrin", "Seibold"),
    ("ehrenamt", "stadt-lb", [Role.EHRENAMTSKOORDINATION], "Lukas", "Maier"),
    # Keeps the network directory and the info sheets (the editor group an administrator names).
    ("netzwerk", "stadt-lb", [Role.NETZWERKPFLEGE], "Selin", "Hartmann"),
    ("statistik", "lra-lb", [Role.STATISTIK], "Julia", "Fehrmann"),
    ("sysadmin", "lra-lb", [Role.SYSTEMADMINISTRATION], "Frank", "Wittig"),
]
