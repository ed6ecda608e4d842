"""The network of the demo county: the "Ludwigsburger Akteure für Integration" and two info sheets.

The council paper of Ludwigsburg is the yardstick: since 2015 the Büro für
Integration und Migration won 105 institutions and organisations as
"Ludwigsburger Akteure für Integration" in six categories (Arbeit 16,
Beratung 31, Blaulicht 4, Engagement 26, Sprache/Bildung 21, Kunst und
Kultur 7), and their first network meeting gave the online "Stadtkarte
Integration". The directory here has exactly those counts: mostly in
Ludwigsburg, some in the towns around it. The kinds of institutions are real
(job centre, migration counselling of the welfare associations, language
course providers, Freundeskreise Asyl, ...), the addresses are not: real
street names with made-up numbers, phone numbers from the fictional 555
block, e-mail addresses under example.org and fictional contact persons.

About nine in ten actors are published on the city map; the others are kept
for internal referrals only (a protection house whose address must not be
public, offers inside a shelter, groups that have not yet agreed to be
published). The info sheets of Ludwigsburg and Bietigheim-Bissingen list
published actors and carry three text blocks written in German and
translated into the six other public languages; in Ludwigsburg the Turkish
emergency block predates the last change of its German original (so the
editor marks it outdated), in Bietigheim-Bissingen one translation is still
missing. Referrals of the demo casework that name an actor of the directory
are linked to it.

``load_demo_network`` is idempotent: it creates only the actors not yet in
the directory (by name and municipality) and sheets only for municipalities
without one, and links only referrals not yet linked.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lotse.cases.models import Referral
from lotse.core.models import Municipality, User
from lotse.core.services import audit_context
from lotse.demo import data
from lotse.network.choices import MASTER_LANGUAGE, Accessibility, OrganisationType, TargetGroup
from lotse.network.models import Actor, ActorCategory, InfoSheet, InfoSheetBlock, InfoSheetText
from lotse.network.services import create_actor

COUNT_KEYS = ("actors", "published", "sheets", "blocks", "texts", "referrals")

# The demo user who keeps the directory (core.demo.data.USERS) writes the sheets' texts.
EDITOR = "netzwerk"

LB = "Ludwigsburg"
BB = "Bietigheim-Bissingen"
KW = "Kornwestheim"
MA = "Marbach am Neckar"
VA = "Vaihingen an der Enz"
AS = "Asperg"
DI = "Ditzingen"

# Category slugs (seeded by the migration 0002_six_categories).
ARBEIT = "arbeit"
BERATUNG = "beratung"
BLAULICHT = "blaulicht"
ENGAGEMENT = "engagement"
SPRACHE = "sprache-bildung"
KULTUR = "kunst-kultur"

# The counts of the council paper, per category.
CATEGORY_COUNTS: dict[str, int] = {
    ARBEIT: 16,
    BERATUNG: 31,
    BLAULICHT: 4,
    ENGAGEMENT: 26,
    SPRACHE: 21,
    KULTUR: 7,
}

OT = OrganisationType
T = TargetGroup
ACCESSIBLE = Accessibility.BARRIEREFREI
PARTLY = Accessibility.TEILWEISE
NOT_ACCESSIBLE = Accessibility.NICHT

# Centre, postcode and area code of each town; markers of actors there are spread a few hundred metres
# around the centre.
TOWNS: dict[str, tuple[float, float, str, str]] = {
    LB: (48.8963, 9.1918, "71638", "07141"),
    BB: (48.9630, 9.1310, "74321", "07142"),
    KW: (48.8610, 9.1845, "70806", "07154"),
    MA: (48.9390, 9.2610, "71672", "07144"),
    VA: (48.9328, 8.9565, "71665", "07042"),
    AS: (48.9063, 9.1407, "71679", "07141"),
    DI: (48.8270, 9.0665, "71254", "07156"),
}

# Streets of Ludwigsburg with a point on them and their postcode: actors on a street sit near its point.
LB_STREETS: dict[str, tuple[float, float, str]] = {
    "Alt-Württemberg-Allee": (48.8955, 9.2090, "71638"),
    "Arsenalstraße": (48.8975, 9.1885, "71634"),
    "Asperger Straße": (48.8995, 9.1760, "71634"),
    "Bahnhofstraße": (48.8935, 9.1885, "71638"),
    "Eberhardstraße": (48.8968, 9.1880, "71634"),
    "Friedrichstraße": (48.8905, 9.1815, "71638"),
    "Heilbronner Straße": (48.9075, 9.1905, "71634"),
    "Hindenburgstraße": (48.9020, 9.1815, "71638"),
    "Hohenzollernstraße": (48.8915, 9.1990, "71638"),
    "Karlstraße": (48.8930, 9.1890, "71638"),
    "Kirchstraße": (48.8958, 9.1900, "71634"),
    "Königsallee": (48.8885, 9.1960, "71638"),
    "Kurfürstenstraße": (48.8960, 9.1960, "71636"),
    "Leonberger Straße": (48.8870, 9.1780, "71636"),
    "Marbacher Straße": (48.9035, 9.2000, "71634"),
    "Marktplatz": (48.8963, 9.1918, "71634"),
    "Mathildenstraße": (48.8935, 9.1960, "71638"),
    "Mömpelgardstraße": (48.8930, 9.1975, "71640"),
    "Myliusstraße": (48.8925, 9.1870, "71638"),
    "Obere Marktstraße": (48.8968, 9.1930, "71634"),
    "Osterholzallee": (48.8985, 9.1815, "71636"),
    "Pflugfelder Straße": (48.8915, 9.1590, "71636"),
    "Posilipostraße": (48.9003, 9.2055, "71640"),
    "Reuteallee": (48.9045, 9.1780, "71634"),
    "Schorndorfer Straße": (48.8945, 9.2050, "71638"),
    "Schwieberdinger Straße": (48.8935, 9.1690, "71636"),
    "Seestraße": (48.8990, 9.1905, "71638"),
    "Solitudestraße": (48.8950, 9.1825, "71638"),
    "Sonnenbergstraße": (48.8805, 9.2130, "71640"),
    "Stuttgarter Straße": (48.8870, 9.1905, "71638"),
    "Tammer Straße": (48.9105, 9.1640, "71634"),
    "Wilhelmstraße": (48.8948, 9.1935, "71638"),
}


@dataclass(frozen=True)
class _ActorSpec:
    name: str
    category: str
    kind: str
    town: str
    street: str
    services: str
    groups: tuple[str, ...]
    languages: tuple[str, ...]
    hours: str
    contact: str
    email: str
    phone: str = ""  # empty: a number of the fictional 555 block in the town's area
    access: str = Accessibility.UNBEKANNT
    appointment: bool = False
    public: bool = True
    located: bool = True  # False: no marker on the map (no office, or an address kept confidential)


def _mbe(town: str, street: str, carrier: str, languages: tuple[str, ...], contact: str, email: str) -> _ActorSpec:
    return _ActorSpec(
        "Migrationsberatung für Erwachsene (MBE)",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        town,
        street,
        "Beratung für Zugewanderte ab 27 Jahren in den ersten Jahren nach der Ankunft: Aufenthalt, "
        f"Integrationskurs, Arbeit, Wohnen, Familie und Briefe von Behörden. Ein Angebot {carrier}.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.FAMILIEN),
        languages,
        "Mo 9–12 Uhr offene Sprechstunde, Di–Do nach Vereinbarung",
        contact,
        email,
        access=ACCESSIBLE,
    )


def _freundeskreis(town: str, street: str, services: str, hours: str, contact: str, email: str) -> _ActorSpec:
    return _ActorSpec(
        "Freundeskreis Asyl",
        ENGAGEMENT,
        OT.VEREIN,
        town,
        street,
        services,
        (T.GEFLUECHTETE, T.FAMILIEN, T.EHRENAMTLICHE),
        ("ar", "de", "en"),
        hours,
        contact,
        email,
    )


ARBEIT_ACTORS: tuple[_ActorSpec, ...] = (
    _ActorSpec(
        "Agentur für Arbeit Ludwigsburg",
        ARBEIT,
        OT.ARBEITSMARKT,
        LB,
        "Stuttgarter Straße 20",
        "Berufsberatung, Ausbildungs- und Arbeitsvermittlung für alle, die kein Bürgergeld beziehen. Beratung zu "
        "Weiterbildung, Förderung und zur Anerkennung ausländischer Abschlüsse.",
        (T.ARBEITSUCHENDE, T.KINDER_JUGENDLICHE, T.NEUZUGEWANDERTE),
        ("ar", "de", "en", "tr"),
        "Mo–Fr 8–12:30 Uhr, Do 14–18 Uhr; Beratung mit Termin",
        "Herr M. Ostertag (Team Arbeitsmarktintegration)",
        "ludwigsburg@arbeitsagentur.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Jobcenter Ludwigsburg",
        ARBEIT,
        OT.ARBEITSMARKT,
        LB,
        "Hohenzollernstraße 12",
        "Bürgergeld, Vermittlung in Arbeit und Ausbildung sowie Förderung von Sprach- und Qualifizierungskursen für "
        "anerkannte Geflüchtete. Eigenes Team mit Integrationsfachkräften für Zugewanderte.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE, T.FAMILIEN),
        ("ar", "de", "en", "fa", "ru", "uk"),
        "Mo–Fr 8–12 Uhr, Do 14–17 Uhr",
        "Frau S. Albrecht (Team Migration)",
        "migration.ludwigsburg@jobcenter.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Jobcenter Ludwigsburg – Geschäftsstelle Bietigheim-Bissingen",
        ARBEIT,
        OT.ARBEITSMARKT,
        BB,
        "Stuttgarter Straße 9",
        "Bürgergeld und Arbeitsvermittlung für Menschen in Bietigheim-Bissingen, Besigheim und Umgebung.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE, T.FAMILIEN),
        ("ar", "de", "en", "tr"),
        "Mo–Fr 8–12 Uhr",
        "Herr D. Seitz (Arbeitsvermittlung)",
        "bietigheim@jobcenter.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Agentur für Arbeit – Geschäftsstelle Vaihingen an der Enz",
        ARBEIT,
        OT.ARBEITSMARKT,
        VA,
        "Grabenstraße 8",
        "Berufsberatung und Arbeitsvermittlung im Westen des Landkreises; Sprechstunden der Berufsberatung an den "
        "Schulen.",
        (T.ARBEITSUCHENDE, T.KINDER_JUGENDLICHE),
        ("de", "en"),
        "Mo–Fr 8–12 Uhr, Do 14–16 Uhr",
        "Frau K. Lutz (Berufsberatung)",
        "vaihingen@arbeitsagentur.example.org",
        access=PARTLY,
        appointment=True,
    ),
    _ActorSpec(
        "IQ-Anerkennungsberatung",
        ARBEIT,
        OT.SONSTIGE,
        LB,
        "Wilhelmstraße 30",
        "Kostenlose Beratung zur Anerkennung ausländischer Berufs- und Hochschulabschlüsse: welche Stelle zuständig "
        "ist, welche Unterlagen nötig sind und welche Anpassungsqualifizierung weiterhilft.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("ar", "de", "en", "es", "fa", "ru", "uk"),
        "Di und Do 9–16 Uhr nach Vereinbarung, auch telefonisch oder per Video",
        "Frau L. Marinescu (Anerkennungsberatung)",
        "anerkennung@iq-netzwerk.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "IHK Region Stuttgart – Bezirkskammer Ludwigsburg",
        ARBEIT,
        OT.ARBEITSMARKT,
        LB,
        "Kurfürstenstraße 4",
        "Berät Betriebe, die Geflüchtete ausbilden oder beschäftigen möchten, und vermittelt junge Geflüchtete über "
        "das Kümmerer-Programm in Ausbildung. Auskunft zur Anerkennung kaufmännischer und technischer Abschlüsse.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE, T.KINDER_JUGENDLICHE),
        ("de", "en"),
        "Mo–Do 8–17 Uhr, Fr 8–14 Uhr",
        "Herr T. Brückner (Ausbildungsberatung)",
        "ausbildung.ludwigsburg@ihk.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Kreishandwerkerschaft Ludwigsburg – Willkommenslotsen",
        ARBEIT,
        OT.ARBEITSMARKT,
        LB,
        "Schorndorfer Straße 40",
        "Die Willkommenslotsen des Handwerks vermitteln Geflüchtete in Praktika, Einstiegsqualifizierung und "
        "Ausbildung in Handwerksbetrieben der Region.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE, T.KINDER_JUGENDLICHE),
        ("ar", "de", "en"),
        "Nach Vereinbarung",
        "Frau J. Heckmann (Willkommenslotsin)",
        "lotsen@handwerk-lb.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Welcome Center für internationale Fachkräfte",
        ARBEIT,
        OT.SONSTIGE,
        LB,
        "Bahnhofstraße 12",
        "Erste Anlaufstelle für internationale Fachkräfte und ihre Familien: Arbeit, Anerkennung, Wohnen und "
        "Ankommen in der Region. Beratung auch für Arbeitgeber.",
        (T.NEUZUGEWANDERTE, T.FAMILIEN, T.ARBEITSUCHENDE),
        ("bg", "de", "en", "es", "fr", "ro"),
        "Mo–Do 9–16 Uhr, Fr 9–12 Uhr",
        "Herr P. Nikolov (Beratung)",
        "welcome@fachkraefte-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Arbeitsmarktkoordination der Stadt Ludwigsburg",
        ARBEIT,
        OT.BEHOERDE,
        LB,
        "Obere Marktstraße 5",
        "Begleitet Geflüchtete in der Anschlussunterbringung auf dem Weg in Praktikum, Ausbildung und Arbeit und hält "
        "den Kontakt zu Betrieben, die Geflüchtete einstellen.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("ar", "de", "en"),
        "Nach Vereinbarung",
        "Frau N. Baumgärtner (Arbeitsmarktkoordination)",
        "arbeitsmarkt@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Technische Dienste Ludwigsburg – Praktika in grünen Berufen",
        ARBEIT,
        OT.BEHOERDE,
        LB,
        "Tammer Straße 40",
        "Praktika und Einstiegsqualifizierung im Garten- und Landschaftsbau, in der Grünpflege und der "
        "Stadtreinigung, hervorgegangen aus dem Projekt „Geflüchtete in grünen Berufen“.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("de",),
        "Mo–Fr 7–15 Uhr",
        "Herr F. Renz (Ausbildungsleitung)",
        "praktikum.tdl@ludwigsburg.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Kolping-Bildungswerk Ludwigsburg – Berufsorientierung",
        ARBEIT,
        OT.BILDUNG,
        LB,
        "Friedrichstraße 20",
        "Berufsorientierungskurse für Zugewanderte mit Praktika in Handwerk und Pflege sowie Bewerbungstraining.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("ar", "de", "fa"),
        "Kursbüro Mo–Do 9–13 Uhr",
        "Frau E. Kandemir (Kursleitung)",
        "bo@kolping-lb.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Ausbildungsverbund Pflege Ludwigsburg",
        ARBEIT,
        OT.GESUNDHEIT,
        LB,
        "Posilipostraße 10",
        "Informiert über Ausbildung und Anerkennung in der Pflege, bietet Pflegehelferkurse mit berufsbezogenem "
        "Deutsch an und vermittelt in Kliniken und Pflegeheime der Region.",
        (T.ARBEITSUCHENDE, T.NEUZUGEWANDERTE),
        ("de", "en", "ru", "uk"),
        "Mo–Fr 8–15 Uhr",
        "Frau R. Demirci (Praxisanleitung)",
        "pflegeausbildung@klinikum-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Netzwerk Unternehmen integrieren Geflüchtete",
        ARBEIT,
        OT.UNTERNEHMEN,
        LB,
        "Mathildenstraße 18",
        "Zusammenschluss von Betrieben aus Ludwigsburg, die Praktikums- und Ausbildungsplätze für Geflüchtete "
        "anbieten. Die Zustimmung zur Veröffentlichung steht noch aus.",
        (T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("de", "en"),
        "Nach Vereinbarung",
        "Herr B. Kühn (Sprecher des Netzwerks)",
        "netzwerk@unternehmen-lb.example.org",
        public=False,
    ),
    _ActorSpec(
        "Beratungsstelle Frau und Beruf",
        ARBEIT,
        OT.SONSTIGE,
        LB,
        "Karlstraße 14",
        "Beratung für Frauen zum beruflichen Einstieg und Wiedereinstieg, zu Teilzeitausbildung und Kinderbetreuung; "
        "mehrsprachige Infoabende für zugewanderte Frauen.",
        (T.FRAUEN, T.ARBEITSUCHENDE),
        ("ar", "de", "en", "tr"),
        "Di 9–12 Uhr, Do 14–17 Uhr",
        "Frau M. Scholz (Beratung)",
        "frauundberuf@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Jugendberufshilfe Ludwigsburg",
        ARBEIT,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Schwieberdinger Straße 22",
        "Begleitet junge Menschen bis 27 Jahre von der Schule in die Ausbildung: Bewerbungstraining, Suche nach "
        "Praktika, Nachhilfe für die Berufsschule.",
        (T.KINDER_JUGENDLICHE, T.GEFLUECHTETE),
        ("ar", "de", "en", "fa"),
        "Mo–Do 10–17 Uhr",
        "Herr A. Rahimi (Jugendberufshilfe)",
        "jbh@diakonie-lb.example.org",
    ),
    _ActorSpec(
        "Jobcafé Kornwestheim",
        ARBEIT,
        OT.VEREIN,
        KW,
        "Bahnhofstraße 10",
        "Ehrenamtliche helfen bei Lebenslauf und Bewerbung, bei Online-Bewerbungen und beim Üben von "
        "Vorstellungsgesprächen.",
        (T.ARBEITSUCHENDE, T.GEFLUECHTETE),
        ("ar", "de", "en"),
        "Mi 16–18 Uhr, ohne Anmeldung",
        "Frau I. Pfeiffer (Ehrenamtliche Koordination)",
        "jobcafe@kornwestheim-hilft.example.org",
    ),
)

BERATUNG_ACTORS: tuple[_ActorSpec, ...] = (
    _mbe(
        LB,
        "Wilhelmstraße 45",
        "des Caritasverbands",
        ("ar", "de", "en", "fr", "tr"),
        "Frau A. Yilmaz (Migrationsberatung)",
        "mbe@caritas-lb.example.org",
    ),
    _mbe(
        BB,
        "Hauptstraße 30",
        "der AWO",
        ("ar", "de", "en", "ku", "tr"),
        "Herr K. Doğan (Migrationsberatung)",
        "mbe@awo-lb.example.org",
    ),
    _mbe(
        VA,
        "Stuttgarter Straße 12",
        "des Kreisdiakonieverbands",
        ("de", "en", "ru", "uk"),
        "Frau T. Kowalczyk (Migrationsberatung)",
        "mbe-vaihingen@diakonie-lb.example.org",
    ),
    _mbe(
        MA,
        "Marktstraße 20",
        "des DRK-Kreisverbands",
        ("ar", "de", "en", "fa"),
        "Frau H. Azizi (Migrationsberatung)",
        "mbe-marbach@drk-lb.example.org",
    ),
    _ActorSpec(
        "Jugendmigrationsdienst (JMD)",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Mömpelgardstraße 8",
        "Beratung und Begleitung junger Zugewanderter von 12 bis 27 Jahren: Schule, Ausbildung, Studium, Sprachkurse "
        "und Freizeit. Gruppenangebote und Bewerbungstraining.",
        (T.KINDER_JUGENDLICHE, T.NEUZUGEWANDERTE, T.GEFLUECHTETE),
        ("ar", "de", "en", "fa", "uk"),
        "Mo–Do 9–17 Uhr, Fr 9–12 Uhr",
        "Herr J. Okafor (Jugendmigrationsdienst)",
        "jmd@diakonie-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Migrationszentrum Ludwigsburg",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Obere Marktstraße 7",
        "Anlaufstelle für Zugewanderte und für privat wohnende Geflüchtete mit Aufenthaltserlaubnis: erste "
        "Orientierung, Begleitung zu Ämtern und Vermittlung an die Fachdienste.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.FAMILIEN),
        ("ar", "bg", "de", "en", "ro", "tr"),
        "Mo–Fr 9–12 Uhr, Di 14–17 Uhr",
        "Frau C. Ionescu (Sozialberatung)",
        "migrationszentrum@ludwigsburg.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Integrationsmanagement der Stadt Ludwigsburg",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Obere Marktstraße 3",
        "Integrationsmanagerinnen und Integrationsmanager beraten Geflüchtete in der Anschlussunterbringung und privat "
        "wohnende Geflüchtete mit Gestattung oder Duldung; Sprechstunden auch in den großen Unterkünften.",
        (T.GEFLUECHTETE, T.FAMILIEN),
        ("ar", "de", "en", "fa", "tr"),
        "Mo–Fr 9–12 Uhr, Do 14–17 Uhr",
        "Frau D. Reinhardt (Teamleitung Flüchtlingsarbeit)",
        "fluechtlingsarbeit@ludwigsburg.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Ausländerbehörde der Stadt Ludwigsburg",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Wilhelmstraße 11",
        "Aufenthaltstitel und ihre Verlängerung, Fiktionsbescheinigungen, Verpflichtungserklärungen und Einbürgerung. "
        "Vorsprache nur mit Termin, den Sie online oder telefonisch vereinbaren.",
        (T.ALLE,),
        ("de", "en"),
        "Mo, Di und Do 8–12 Uhr, Do 14–18 Uhr (nur mit Termin)",
        "Servicetelefon der Ausländerbehörde",
        "auslaenderbehoerde@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Asylverfahrensberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Seestraße 10",
        "Unabhängige Beratung zum Asylverfahren: Vorbereitung auf die Anhörung beim Bundesamt, Erklärung von "
        "Bescheiden und Fristen, Vermittlung an Anwältinnen und Anwälte.",
        (T.GEFLUECHTETE,),
        ("ar", "de", "en", "fa", "fr", "ti"),
        "Di und Do 9–15 Uhr",
        "Herr O. Tekle (Verfahrensberatung)",
        "asylberatung@drk-lb.example.org",
        access=PARTLY,
        appointment=True,
    ),
    _ActorSpec(
        "Psychosoziales Zentrum",
        BERATUNG,
        OT.GESUNDHEIT,
        LB,
        "Hohenzollernstraße 30",
        "Beratung und Psychotherapie für Geflüchtete nach Krieg, Flucht und Gewalt, mit Dolmetscherinnen und "
        "Dolmetschern. Auch Beratung für Fachkräfte und Ehrenamtliche.",
        (T.GEFLUECHTETE, T.FAMILIEN),
        ("ar", "de", "en", "fa", "ku", "uk"),
        "Telefonische Sprechzeit Mo–Do 10–12 Uhr",
        "Frau V. Lang (Psychologische Psychotherapeutin)",
        "psz@psz-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Sozialpsychiatrischer Dienst",
        BERATUNG,
        OT.GESUNDHEIT,
        LB,
        "Solitudestraße 20",
        "Beratung und Begleitung für Menschen mit psychischen Erkrankungen und ihre Angehörigen; Hausbesuche sind "
        "möglich.",
        (T.ALLE,),
        ("de", "en"),
        "Mo–Fr 9–12 Uhr und nach Vereinbarung",
        "Herr S. Bauer (Sozialpädagoge)",
        "spdi@caritas-lb.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Schwangerenberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Mathildenstraße 5",
        "Beratung in der Schwangerschaft und nach der Geburt, Hilfe bei Anträgen (etwa an die Bundesstiftung Mutter "
        "und Kind) und Schwangerschaftskonfliktberatung.",
        (T.FRAUEN, T.FAMILIEN),
        ("ar", "de", "en", "ru", "tr"),
        "Mo–Fr 9–12 Uhr, Mi 14–17 Uhr",
        "Frau G. Engel (Beratung)",
        "schwangerenberatung@diakonie-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Schuldnerberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Kirchstraße 8",
        "Kostenlose Beratung bei Schulden: Überblick über die Forderungen, Verhandlung mit Gläubigern, "
        "Pfändungsschutzkonto und Verbraucherinsolvenz.",
        (T.ALLE,),
        ("de", "en", "tr"),
        "Offene Sprechstunde Di 14–16 Uhr, sonst nach Vereinbarung",
        "Herr R. Vogt (Schuldnerberatung)",
        "schuldnerberatung@awo-lb.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Schuldnerberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        BB,
        "Farbstraße 5",
        "Kostenlose Schuldner- und Insolvenzberatung für Menschen in Bietigheim-Bissingen und den umliegenden "
        "Gemeinden; Hilfe beim Pfändungsschutzkonto.",
        (T.ALLE,),
        ("de", "ru"),
        "Mo und Do 9–12 Uhr",
        "Frau U. Maurer (Schuldnerberatung)",
        "schuldnerberatung-bietigheim@diakonie-lb.example.org",
        access=PARTLY,
        appointment=True,
    ),
    _ActorSpec(
        "Familienkasse",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Stuttgarter Straße 24",
        "Kindergeld und Kinderzuschlag: Anträge, Nachweise und Fragen zu Bescheiden. Gespräche vor Ort nach "
        "Vereinbarung.",
        (T.FAMILIEN,),
        ("de", "en"),
        "Mo–Fr 8–12 Uhr (mit Termin)",
        "Servicecenter der Familienkasse",
        "familienkasse.ludwigsburg@arbeitsagentur.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Wohngeldstelle",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Wilhelmstraße 13",
        "Antrag und Beratung zum Wohngeld, dem Zuschuss zur Miete für Haushalte mit eigenem Einkommen.",
        (T.FAMILIEN, T.SENIOREN),
        ("de",),
        "Mo–Fr 8–12 Uhr, Do 14–18 Uhr",
        "Fachbereich Bürgerschaftliches Engagement, Soziales und Wohnen",
        "wohngeld@ludwigsburg.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Kreisjugendamt",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Hindenburgstraße 40",
        "Hilfen zur Erziehung, Beratung bei Trennung und Scheidung, Schutz von Kindern und Jugendlichen; Jugendhilfe "
        "für unbegleitete minderjährige Geflüchtete.",
        (T.KINDER_JUGENDLICHE, T.FAMILIEN),
        ("de", "en"),
        "Mo–Fr 8–12 Uhr und nach Vereinbarung",
        "Sozialer Dienst, Bezirk Mitte",
        "jugendamt@landkreis-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Psychologische Beratungsstelle",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Karlstraße 30",
        "Erziehungs- und Familienberatung für Eltern, Kinder und Jugendliche: bei Sorgen um die Entwicklung, in "
        "Krisen und bei Trennung.",
        (T.FAMILIEN, T.KINDER_JUGENDLICHE),
        ("de", "en", "tr"),
        "Anmeldung Mo–Fr 9–12 Uhr",
        "Frau P. Hauser (Diplom-Psychologin)",
        "pbs@landkreis-lb.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Frauenberatungsstelle",
        BERATUNG,
        OT.VEREIN,
        LB,
        "Bahnhofstraße 28",
        "Beratung für Frauen bei häuslicher und sexualisierter Gewalt, Begleitung zu Polizei und Gericht, "
        "Vermittlung in ein Schutzhaus. Auf Wunsch anonym.",
        (T.FRAUEN,),
        ("ar", "de", "en", "fa", "ru", "tr"),
        "Telefonische Sprechzeit Mo–Fr 9–12 Uhr, Mi 15–18 Uhr",
        "Frau B. Schmid (Beratung)",
        "beratung@frauen-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Frauen- und Kinderschutzhaus",
        BERATUNG,
        OT.VEREIN,
        LB,
        "",
        "Schutz und Unterkunft für Frauen und ihre Kinder bei häuslicher Gewalt. Die Adresse wird nicht "
        "weitergegeben; Aufnahme über das Telefon oder über die Frauenberatungsstelle.",
        (T.FRAUEN, T.KINDER_JUGENDLICHE),
        ("ar", "de", "en", "tr"),
        "Rund um die Uhr erreichbar",
        "Diensthabende Mitarbeiterin",
        "aufnahme@schutzhaus-lb.example.org",
        phone="07141 555-0999 (rund um die Uhr)",
        public=False,
        located=False,
    ),
    _ActorSpec(
        "Fachberatungsstelle gegen Menschenhandel",
        BERATUNG,
        OT.VEREIN,
        LB,
        "",
        "Beratung und Schutz für Betroffene von Menschenhandel und Arbeitsausbeutung. Kontakt nur telefonisch oder "
        "per E-Mail, die Adresse ist vertraulich.",
        (T.FRAUEN, T.NEUZUGEWANDERTE),
        ("bg", "de", "en", "ro", "ru"),
        "Mo–Fr 9–16 Uhr",
        "Frau Z. Petrova (Fachberatung)",
        "kontakt@fachstelle-mh.example.org",
        public=False,
        located=False,
    ),
    _ActorSpec(
        "Mieterverein",
        BERATUNG,
        OT.VEREIN,
        LB,
        "Eberhardstraße 12",
        "Mietrechtliche Beratung für Mitglieder: Mietvertrag, Nebenkostenabrechnung, Mängel und Kündigung. Für "
        "Haushalte mit geringem Einkommen ist der Beitrag ermäßigt.",
        (T.ALLE,),
        ("de",),
        "Mo–Do 9–12 Uhr, Di 16–18 Uhr",
        "Geschäftsstelle",
        "info@mieterverein-lb.example.org",
        access=NOT_ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Suchtberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Leonberger Straße 10",
        "Beratung bei Problemen mit Alkohol, Drogen, Medikamenten und Glücksspiel, für Betroffene und Angehörige; "
        "Vermittlung in Therapie.",
        (T.ALLE,),
        ("de", "en", "ru", "tr"),
        "Offene Sprechstunde Mi 15–17 Uhr",
        "Herr W. Ertl (Suchtberatung)",
        "suchtberatung@caritas-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Antidiskriminierungsberatung",
        BERATUNG,
        OT.VEREIN,
        LB,
        "Arsenalstraße 6",
        "Beratung und Unterstützung bei Diskriminierung, etwa bei der Wohnungssuche, bei der Arbeit, bei Behörden "
        "oder in der Schule; auf Wunsch Begleitung und Beschwerde.",
        (T.ALLE,),
        ("ar", "de", "en", "tr"),
        "Di 10–13 Uhr, Do 14–17 Uhr",
        "Frau F. Nasser (Beratung)",
        "adb@vielfalt-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Rückkehr- und Perspektivberatung",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Schorndorfer Straße 22",
        "Ergebnisoffene Beratung zu Perspektiven in Deutschland, zur Weiterwanderung oder zur freiwilligen Rückkehr "
        "und zu den Förderprogrammen dafür.",
        (T.GEFLUECHTETE,),
        ("ar", "de", "en", "fa", "ru"),
        "Nach Vereinbarung",
        "Herr G. Mahmoud (Perspektivberatung)",
        "perspektive@drk-lb.example.org",
        appointment=True,
    ),
    _ActorSpec(
        "Pflegestützpunkt Landkreis Ludwigsburg",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Hindenburgstraße 30",
        "Unabhängige Beratung zu Pflege, Pflegegrad und Hilfen im Alltag für ältere Menschen und ihre Angehörigen; "
        "Hausbesuche sind möglich.",
        (T.SENIOREN, T.FAMILIEN),
        ("de", "ru", "tr"),
        "Mo–Fr 9–12 Uhr, Do 14–16 Uhr",
        "Frau E. Kraft (Pflegeberatung)",
        "pflegestuetzpunkt@landkreis-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Gesundheitsamt – Gesundheitsberatung für Zugewanderte",
        BERATUNG,
        OT.BEHOERDE,
        LB,
        "Hindenburgstraße 20",
        "Impfberatung, Untersuchungen nach der Ankunft und vor der Einschulung, Information über das "
        "Gesundheitssystem und die Krankenversicherung.",
        (T.NEUZUGEWANDERTE, T.FAMILIEN),
        ("ar", "de", "en"),
        "Mo–Fr 8–12 Uhr",
        "Frau I. Weiß (Kinder- und Jugendgesundheitsdienst)",
        "gesundheitsamt@landkreis-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Integrationsbeauftragte der Stadt Kornwestheim",
        BERATUNG,
        OT.BEHOERDE,
        KW,
        "Jakob-Sigle-Platz 3",
        "Ansprechpartnerin für Integration in Kornwestheim: vermittelt an Beratungsstellen, Sprachkurse und Vereine "
        "und koordiniert den Arbeitskreis Asyl.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.EHRENAMTLICHE),
        ("de", "en", "tr"),
        "Di und Do 9–12 Uhr",
        "Frau S. Kaya (Integrationsbeauftragte)",
        "integration@kornwestheim.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Integrationsbeauftragte der Stadt Bietigheim-Bissingen",
        BERATUNG,
        OT.BEHOERDE,
        BB,
        "Marktplatz 8",
        "Ansprechpartnerin für Zugewanderte, Vereine und Ehrenamtliche in Bietigheim-Bissingen; vermittelt an "
        "Beratungsstellen, Sprachkurse und Patenschaften.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.EHRENAMTLICHE),
        ("de", "en", "it"),
        "Mo–Fr 8:30–12 Uhr, Do 14–17 Uhr",
        "Frau R. Lehmann (Integrationsbeauftragte)",
        "integration@bietigheim-bissingen.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Ausländerbehörde der Stadt Bietigheim-Bissingen",
        BERATUNG,
        OT.BEHOERDE,
        BB,
        "Marktplatz 10",
        "Aufenthaltstitel, Verlängerungen, Fiktionsbescheinigungen und Einbürgerung für Einwohnerinnen und Einwohner "
        "von Bietigheim-Bissingen. Vorsprache nur mit Termin.",
        (T.ALLE,),
        ("de", "en"),
        "Mo–Fr 8–12 Uhr, Do 14–17:30 Uhr (nur mit Termin)",
        "Bürgeramt, Sachgebiet Ausländerwesen",
        "auslaenderbehoerde@bietigheim-bissingen.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Mobile Jugendarbeit Ludwigsburg",
        BERATUNG,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Schwieberdinger Straße 40",
        "Streetwork, Einzelhilfe und Gruppenangebote für junge Menschen in der Weststadt, der Oststadt und in "
        "Grünbühl; Fragen zum Aufenthalt klärt sie gemeinsam mit dem Team Ausländerrecht.",
        (T.KINDER_JUGENDLICHE,),
        ("ar", "de", "ku", "tr"),
        "Treff Mo–Do 15–20 Uhr",
        "Herr D. Marković (Streetwork)",
        "mobile-jugendarbeit@ludwigsburg.example.org",
    ),
)

BLAULICHT_ACTORS: tuple[_ActorSpec, ...] = (
    _ActorSpec(
        "Klinikum Ludwigsburg",
        BLAULICHT,
        OT.GESUNDHEIT,
        LB,
        "Posilipostraße 6",
        "Krankenhaus mit Zentraler Notaufnahme rund um die Uhr, Kinderklinik und Geburtshilfe. Bei Lebensgefahr "
        "rufen Sie den Notruf 112.",
        (T.ALLE,),
        ("ar", "de", "en", "ru", "tr"),
        "Notaufnahme rund um die Uhr",
        "Zentrale Notaufnahme",
        "info@klinikum-lb.example.org",
        phone="112 (Notruf) · Zentrale 07141 555-0400",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Feuerwehr Ludwigsburg",
        BLAULICHT,
        OT.BEHOERDE,
        LB,
        "Hindenburgstraße 52",
        "Brandschutz, technische Hilfe und Rettungsdienst, Notruf 112. Die Freiwillige Feuerwehr und die "
        "Jugendfeuerwehr freuen sich über neue Mitglieder, auch ohne perfekte Deutschkenntnisse.",
        (T.ALLE, T.KINDER_JUGENDLICHE),
        ("de",),
        "Notruf rund um die Uhr; Verwaltung Mo–Fr 8–12 Uhr",
        "Abteilung Brandschutzaufklärung",
        "feuerwehr@ludwigsburg.example.org",
        phone="112 (Notruf) · Verwaltung 07141 555-0410",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Polizeirevier Ludwigsburg",
        BLAULICHT,
        OT.BEHOERDE,
        LB,
        "Friedrichstraße 32",
        "Rund um die Uhr besetzt: Anzeigen, Hilfe bei Gewalt und Bedrohung, Opferschutz. Im Notfall rufen Sie 110.",
        (T.ALLE,),
        ("de", "en"),
        "Rund um die Uhr",
        "Wache des Polizeireviers",
        "ludwigsburg.revier@polizei.example.org",
        phone="110 (Notruf) · Revier 07141 555-0420",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "DRK Notfallseelsorge",
        BLAULICHT,
        OT.WOHLFAHRTSVERBAND,
        LB,
        "Schorndorfer Straße 60",
        "Ehrenamtliche Notfallseelsorgerinnen und -seelsorger begleiten Menschen nach Unglücken, plötzlichen "
        "Todesfällen und in akuten Krisen, auch gemeinsam mit der muslimischen Notfallseelsorge. Alarmiert werden sie "
        "über Polizei, Feuerwehr oder Rettungsdienst.",
        (T.ALLE,),
        ("ar", "de", "en", "tr"),
        "Rund um die Uhr über die Leitstelle (112)",
        "Koordination Notfallseelsorge",
        "notfallseelsorge@drk-lb.example.org",
        phone="112 (über die Leitstelle) · Büro 07141 555-0430",
    ),
)

ENGAGEMENT_ACTORS: tuple[_ActorSpec, ...] = (
    _freundeskreis(
        LB,
        "Kirchstraße 12",
        "Ehrenamtliche begleiten Geflüchtete im Alltag: Patenschaften, Hausaufgabenhilfe, Begleitung zu Ämtern und "
        "Arztpraxen, Sprachcafé und Ausflüge.",
        "Sprachcafé Di 16–18 Uhr; Koordination per E-Mail",
        "Frau H. Brenner (Koordination)",
        "kontakt@fk-asyl-lb.example.org",
    ),
    _freundeskreis(
        BB,
        "Kronenbergstraße 10",
        "Patinnen und Paten, Fahrradwerkstatt, Kleiderstube und Deutschtreff in Bietigheim und Bissingen.",
        "Deutschtreff Do 17–19 Uhr",
        "Herr K. Wagner (Sprecher)",
        "kontakt@fk-asyl-bb.example.org",
    ),
    _freundeskreis(
        KW,
        "Stuttgarter Straße 40",
        "Begegnungscafé, Hausaufgabenbetreuung und Begleitung bei der Wohnungssuche in Kornwestheim.",
        "Begegnungscafé Fr 15–17 Uhr",
        "Frau E. Roth (Koordination)",
        "info@fk-asyl-kornwestheim.example.org",
    ),
    _freundeskreis(
        MA,
        "Strohgasse 5",
        "Patenschaften, Fahrdienste und Deutschtreff in Marbach am Neckar und Benningen.",
        "Deutschtreff Mi 18–19:30 Uhr",
        "Herr P. Sailer (Sprecher)",
        "fk-asyl@marbach-hilft.example.org",
    ),
    _freundeskreis(
        AS,
        "Lindenstraße 4",
        "Sprachpatenschaften, Nähcafé und Hilfe beim Ausfüllen von Formularen in Asperg.",
        "Nähcafé Mo 15–17 Uhr",
        "Frau C. Hofmann (Koordination)",
        "freundeskreis@asperg-asyl.example.org",
    ),
    _freundeskreis(
        VA,
        "Grabenstraße 20",
        "Begleitung Geflüchteter in Vaihingen und seinen Stadtteilen; Kleiderkammer und Deutschtreff.",
        "Kleiderkammer Sa 10–12 Uhr",
        "Herr L. Frank (Sprecher)",
        "fk@asyl-vaihingen.example.org",
    ),
    _ActorSpec(
        "Tafelladen",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Schwieberdinger Straße 12",
        "Lebensmittel zu kleinen Preisen für Menschen mit geringem Einkommen. Einkaufsberechtigung mit einem Bescheid "
        "über Bürgergeld, Asylbewerberleistungen, Wohngeld oder Grundsicherung.",
        (T.ALLE,),
        ("ar", "de", "ru", "uk"),
        "Mo–Fr 10–13 Uhr, Mi 15–17 Uhr",
        "Ladenleitung",
        "tafel@tafel-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Tafelladen",
        ENGAGEMENT,
        OT.VEREIN,
        BB,
        "Bahnhofstraße 30",
        "Lebensmittel zu kleinen Preisen für Haushalte mit geringem Einkommen aus Bietigheim-Bissingen und Umgebung.",
        (T.ALLE,),
        ("de", "uk"),
        "Di, Do und Fr 10–13 Uhr",
        "Ladenleitung",
        "tafel-bietigheim@tafel-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Willkommen in Ludwigsburg (WiL) – Patenschaften",
        ENGAGEMENT,
        OT.BEHOERDE,
        LB,
        "Obere Marktstraße 9",
        "Geschulte ehrenamtliche Patinnen und Paten begleiten Neuzugewanderte beim Ankommen: Deutsch üben, das "
        "Schulsystem verstehen, Menschen in Ludwigsburg kennenlernen. Regelmäßige Treffen für Patinnen, Paten und "
        "Neuzugewanderte.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.EHRENAMTLICHE),
        ("bg", "de", "en", "it", "ro"),
        "Nach Vereinbarung",
        "Frau K. Lindner (Koordination WiL)",
        "wil@ludwigsburg.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Ehrenamtlicher Dolmetscherdienst der Stadt Ludwigsburg",
        ENGAGEMENT,
        OT.BEHOERDE,
        LB,
        "",
        "Ehrenamtliche Dolmetscherinnen und Dolmetscher begleiten zu Gesprächen in Schulen, Kitas und "
        "Beratungsstellen. Bitte mindestens eine Woche vorher per E-Mail anfragen; kein Einsatz bei Gericht.",
        (T.GEFLUECHTETE, T.NEUZUGEWANDERTE),
        ("ar", "de", "fa", "ku", "ru", "so", "ti", "tr", "uk"),
        "Anfragen per E-Mail, Rückmeldung innerhalb von drei Werktagen",
        "Frau M. Kessler (Koordination)",
        "dolmetscherdienst@ludwigsburg.example.org",
        located=False,
    ),
    _ActorSpec(
        "Kleiderstube Ludwigsburg",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Asperger Straße 14",
        "Gut erhaltene Kleidung, Schuhe und Haushaltswaren gegen eine kleine Spende; Sachspenden werden zu den "
        "Öffnungszeiten angenommen.",
        (T.ALLE,),
        ("de",),
        "Di und Do 14–17 Uhr, Sa 10–12 Uhr",
        "Frau W. Haag (ehrenamtliche Leitung)",
        "kleiderstube@ludwigsburg-hilft.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Offene Fahrradwerkstatt",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Pflugfelder Straße 8",
        "Gespendete Fahrräder werden gemeinsam repariert und gegen eine kleine Gebühr abgegeben; im Frühjahr "
        "Radfahrkurse für Frauen.",
        (T.ALLE, T.FRAUEN),
        ("ar", "de", "fa"),
        "Sa 10–14 Uhr",
        "Herr N. Hamidi (Werkstatt)",
        "werkstatt@rad-lb.example.org",
    ),
    _ActorSpec(
        "TSV Eglosheim – Integration durch Sport",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Tammer Straße 20",
        "Fußball, Leichtathletik, Schwimmkurse und Frauensport; im ersten Jahr ist die Mitgliedschaft für "
        "Geflüchtete beitragsfrei, Sportkleidung gibt es aus der Vereinskammer.",
        (T.KINDER_JUGENDLICHE, T.FRAUEN, T.ALLE),
        ("de", "en"),
        "Geschäftsstelle Mo und Mi 17–19 Uhr",
        "Herr T. Gruber (Integrationsbeauftragter des Vereins)",
        "integration@tsv-eglosheim.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Sportkreis Ludwigsburg – Integration durch Sport",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Osterholzallee 20",
        "Vermittelt Geflüchtete und Neuzugewanderte in Sportvereine des Landkreises und bildet Übungsleiterinnen und "
        "Übungsleiter mit Migrationsgeschichte aus.",
        (T.ALLE, T.EHRENAMTLICHE),
        ("de", "en"),
        "Mo–Do 9–13 Uhr",
        "Frau D. Albers (Programmkoordination)",
        "ids@sportkreis-lb.example.org",
    ),
    _ActorSpec(
        "Islamische Gemeinde Ludwigsburg",
        ENGAGEMENT,
        OT.RELIGION,
        LB,
        "Schwieberdinger Straße 55",
        "Moscheegemeinde mit Freitagsgebet, Frauenkreis und Hausaufgabenhilfe für Kinder; Ansprechpartnerin im "
        "Runden Tisch der Religionen.",
        (T.ALLE, T.FAMILIEN),
        ("ar", "de", "tr"),
        "Büro Sa und So 11–15 Uhr",
        "Herr Y. Aslan (Vorstand)",
        "info@moschee-lb.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Evangelische Friedenskirchengemeinde – Begegnungscafé",
        ENGAGEMENT,
        OT.RELIGION,
        LB,
        "Seestraße 20",
        "Offenes Begegnungscafé für Einheimische und Zugewanderte mit Kinderecke und Deutschtreff; Ehrenamtliche "
        "helfen bei Briefen und Formularen.",
        (T.ALLE, T.FAMILIEN),
        ("de", "en", "fa"),
        "Mi 15–17:30 Uhr",
        "Frau J. Albrecht (Pfarrerin)",
        "cafe@friedenskirche-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Katholische Kirchengemeinde St. Johann – Café International",
        ENGAGEMENT,
        OT.RELIGION,
        LB,
        "Karlstraße 40",
        "Café International am ersten Sonntag im Monat, Kleiderbasar und Hilfe bei Fragen des Alltags; Gottesdienste "
        "auch auf Kroatisch, Italienisch und Polnisch.",
        (T.ALLE, T.FAMILIEN),
        ("de", "hr", "it", "pl"),
        "Pfarrbüro Mo–Fr 9–12 Uhr",
        "Herr M. Novak (Gemeindereferent)",
        "cafe-international@st-johann-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Muslimische Notfallseelsorge",
        ENGAGEMENT,
        OT.RELIGION,
        LB,
        "Hohenzollernstraße 44",
        "Ehrenamtliche muslimische Seelsorgerinnen und Seelsorger begleiten Betroffene und Angehörige in akuten "
        "Krisen, gemeinsam mit der DRK Notfallseelsorge. Alarmierung nur über die Leitstelle, daher keine "
        "öffentliche Kontaktadresse.",
        (T.ALLE,),
        ("ar", "de", "tr"),
        "Rund um die Uhr über die Leitstelle",
        "Koordination über die DRK Notfallseelsorge",
        "koordination@mns-lb.example.org",
        public=False,
    ),
    _ActorSpec(
        "Runder Tisch Türkei",
        ENGAGEMENT,
        OT.MIGRANTENORGANISATION,
        LB,
        "Arsenalstraße 10",
        "Zusammenschluss türkeistämmiger Vereine und Initiativen in Ludwigsburg; Ansprechpartner für "
        "Veranstaltungen, Elternabende und Projekte der interkulturellen Öffnung.",
        (T.ALLE,),
        ("de", "ku", "tr"),
        "Treffen am zweiten Donnerstag im Monat, 19 Uhr",
        "Herr E. Çelik (Sprecher)",
        "runder-tisch-tuerkei@vielfalt-lb.example.org",
    ),
    _ActorSpec(
        "Ukrainische Gemeinschaft Ludwigsburg",
        ENGAGEMENT,
        OT.MIGRANTENORGANISATION,
        LB,
        "Mömpelgardstraße 20",
        "Treffpunkt für Geflüchtete aus der Ukraine: Samstagsschule für Kinder, Beratung durch Ehrenamtliche und "
        "Kulturabende.",
        (T.GEFLUECHTETE, T.FAMILIEN, T.KINDER_JUGENDLICHE),
        ("de", "ru", "uk"),
        "Sa 10–14 Uhr",
        "Frau O. Shevchenko (Vorsitzende)",
        "kontakt@ua-lb.example.org",
    ),
    _ActorSpec(
        "Afghanischer Kulturverein Ludwigsburg",
        ENGAGEMENT,
        OT.MIGRANTENORGANISATION,
        LB,
        "Leonberger Straße 30",
        "Begegnung, Hausaufgabenhilfe und Unterstützung bei Behördengängen für Familien aus Afghanistan; Feste zu "
        "Nouruz und zum Fastenbrechen.",
        (T.FAMILIEN, T.GEFLUECHTETE),
        ("de", "fa", "ps"),
        "So 14–18 Uhr",
        "Herr H. Sultani (Vorstand)",
        "info@afghan-kultur-lb.example.org",
    ),
    _ActorSpec(
        "Eritreische Gemeinschaft Ludwigsburg",
        ENGAGEMENT,
        OT.MIGRANTENORGANISATION,
        LB,
        "Stuttgarter Straße 60",
        "Selbsthilfe und Begegnung von Familien aus Eritrea, Hilfe beim Übersetzen ins Tigrinya. Die Zustimmung zur "
        "Veröffentlichung steht noch aus.",
        (T.FAMILIEN, T.GEFLUECHTETE),
        ("de", "en", "ti"),
        "Nach Vereinbarung",
        "Herr S. Tesfay (Ansprechpartner)",
        "eritrea@gemeinschaft-lb.example.org",
        public=False,
    ),
    _ActorSpec(
        "Mehrgenerationenhaus Ludwigsburg",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Mathildenstraße 25",
        "Offener Treff für alle Generationen mit Mittagstisch, Elterncafé und Nähwerkstatt; vermittelt "
        "Nachbarschaftshilfe.",
        (T.ALLE, T.FAMILIEN, T.SENIOREN),
        ("de", "en", "tr"),
        "Mo–Fr 9–17 Uhr",
        "Frau L. Gerber (Leitung)",
        "mgh@mgh-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Stadtteiltreff Grünbühl",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Sonnenbergstraße 8",
        "Stadtteiltreff mit Hausaufgabenhilfe, Mütterfrühstück, Sprechstunde der Integrationsmanagerin und "
        "Nachbarschaftsfesten.",
        (T.FAMILIEN, T.KINDER_JUGENDLICHE, T.ALLE),
        ("ar", "de", "ru", "tr"),
        "Mo–Do 10–18 Uhr",
        "Herr B. Yıldız (Stadtteilarbeit)",
        "gruenbuehl@stadtteil-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Freiwilligenagentur Ludwigsburg",
        ENGAGEMENT,
        OT.VEREIN,
        LB,
        "Wilhelmstraße 26",
        "Vermittelt Menschen, die sich engagieren möchten, in ein Ehrenamt, auch Zugewanderte, die selbst helfen "
        "wollen; Fortbildungen für Ehrenamtliche.",
        (T.EHRENAMTLICHE, T.ALLE),
        ("de", "en"),
        "Di und Do 10–13 Uhr",
        "Frau A. Baur (Beratung Engagement)",
        "engagement@freiwillige-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Begegnungscafé in der Gemeinschaftsunterkunft",
        ENGAGEMENT,
        OT.BEHOERDE,
        LB,
        "",
        "Wöchentliches Café mit Kinderbetreuung und Deutschtreff in der vorläufigen Unterbringung; nur für "
        "Bewohnerinnen, Bewohner und Ehrenamtliche, darum nicht öffentlich.",
        (T.GEFLUECHTETE, T.EHRENAMTLICHE),
        ("ar", "de", "fa", "tr"),
        "Do 15–17 Uhr",
        "Frau V. Scholl (Ehrenamtskoordination)",
        "cafe-gu@ludwigsburg.example.org",
        public=False,
        located=False,
    ),
)

SPRACHE_ACTORS: tuple[_ActorSpec, ...] = (
    _ActorSpec(
        "Volkshochschule Ludwigsburg",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Solitudestraße 24",
        "Integrationskurse (auch Alphabetisierungs-, Jugend- und Elternkurse), Berufssprachkurse und Prüfungen wie "
        "der „Deutsch-Test für Zuwanderer“. Einstufung ohne Termin zu den Beratungszeiten.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.ALLE),
        ("ar", "de", "en", "tr", "uk"),
        "Beratung und Einstufung Mo 14–17 Uhr, Mi 9–12 Uhr",
        "Frau R. Aksoy (Fachbereich Deutsch)",
        "deutsch@vhs-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Volkshochschule Bietigheim-Bissingen",
        SPRACHE,
        OT.BILDUNG,
        BB,
        "Hauptstraße 50",
        "Integrations- und Berufssprachkurse am Vormittag und am Abend, Einstufungstests und Prüfungen.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.ALLE),
        ("de", "en", "uk"),
        "Beratung Di 10–12 Uhr, Do 15–18 Uhr",
        "Herr S. Werner (Integrationskurse)",
        "integrationskurse@vhs-bb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Volkshochschule Kornwestheim",
        SPRACHE,
        OT.BILDUNG,
        KW,
        "Bahnhofstraße 30",
        "Integrationskurse mit Kinderbetreuung, Deutsch am Abend für Berufstätige und Vorbereitung auf die Prüfung "
        "zum Einbürgerungstest.",
        (T.NEUZUGEWANDERTE, T.FAMILIEN),
        ("de", "en", "tr"),
        "Mo–Fr 9–12 Uhr",
        "Frau L. Braun (Kursberatung)",
        "deutsch@vhs-kornwestheim.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Staatliches Schulamt Ludwigsburg",
        SPRACHE,
        OT.BEHOERDE,
        LB,
        "Marbacher Straße 20",
        "Vermittelt Kinder und Jugendliche, die neu nach Deutschland kommen, in Vorbereitungsklassen und Schulen; "
        "berät Eltern zum Schulsystem.",
        (T.KINDER_JUGENDLICHE, T.FAMILIEN, T.NEUZUGEWANDERTE),
        ("de", "en"),
        "Mo–Fr 8–12 Uhr",
        "Frau M. Hertel (Beratung Seiteneinsteiger)",
        "seiteneinsteiger@schulamt-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Kita-Fachberatung der Stadt",
        SPRACHE,
        OT.BEHOERDE,
        LB,
        "Mathildenstraße 12",
        "Beratung zu Kita-Plätzen, zur Anmeldung über das zentrale Vormerksystem und zu Zuschüssen für die "
        "Kita-Gebühren; Infoabende für Eltern mit Dolmetschung.",
        (T.FAMILIEN, T.KINDER_JUGENDLICHE),
        ("ar", "de", "en", "tr"),
        "Di 9–12 Uhr, Do 14–17 Uhr",
        "Frau C. Böhm (Kita-Fachberatung)",
        "kita@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Stadtbibliothek Ludwigsburg",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Wilhelmstraße 15",
        "Kostenloser Ausweis für Kinder und Jugendliche, Bücher und Medien in vielen Sprachen, Lernplätze mit WLAN, "
        "Sprachcafé und Lesepatenschaften.",
        (T.ALLE, T.KINDER_JUGENDLICHE),
        ("de", "en"),
        "Di–Fr 10–19 Uhr, Sa 10–16 Uhr",
        "Frau H. Pohl (Interkulturelle Bibliotheksarbeit)",
        "stadtbibliothek@ludwigsburg.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Stadtbibliothek Bietigheim-Bissingen",
        SPRACHE,
        OT.BILDUNG,
        BB,
        "Hauptstraße 60",
        "Medien in vielen Sprachen, Deutschlernmaterial zum Ausleihen und ein wöchentliches Sprachcafé.",
        (T.ALLE,),
        ("de", "en"),
        "Di–Fr 10–18 Uhr, Sa 10–14 Uhr",
        "Frau E. Graf (Bibliotheksleitung)",
        "bibliothek@bietigheim-bissingen.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Sprachinstitut am Bahnhof – Integrationskurse",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Myliusstraße 10",
        "Zugelassener Träger von Integrationskursen und Berufssprachkursen (B1 bis C1) am Vormittag und am Abend; "
        "Kurse mit Kinderbetreuung.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE, T.ARBEITSUCHENDE),
        ("ar", "de", "en", "ru"),
        "Mo–Fr 8:30–18 Uhr",
        "Herr D. Fischer (Kursberatung)",
        "kurse@sprachinstitut-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "IB Bildungszentrum Ludwigsburg",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Friedrichstraße 40",
        "Integrationskurse, Jugendintegrationskurse und Erstorientierungskurse für Asylsuchende, mit "
        "sozialpädagogischer Begleitung während des Kurses.",
        (T.GEFLUECHTETE, T.NEUZUGEWANDERTE, T.KINDER_JUGENDLICHE),
        ("ar", "de", "fa", "ti"),
        "Mo–Do 8–16 Uhr, Fr 8–13 Uhr",
        "Frau Y. Barzani (Kurskoordination)",
        "ludwigsburg@ib-bildung.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Berufliches Schulzentrum Ludwigsburg – VABO-Klassen",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Reuteallee 20",
        "VABO-Klassen (Vorqualifizierungsjahr Arbeit/Beruf mit Schwerpunkt Deutsch) für Jugendliche von 15 bis 20 "
        "Jahren; Anmeldung über das Schulamt oder im Sekretariat.",
        (T.KINDER_JUGENDLICHE, T.NEUZUGEWANDERTE),
        ("de",),
        "Sekretariat Mo–Fr 7:30–12 Uhr",
        "Sekretariat",
        "vabo@bsz-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Pädagogische Hochschule Ludwigsburg – Beratung für geflüchtete Studieninteressierte",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Reuteallee 46",
        "Beratung zu Studium, Hochschulzugang und Anerkennung von Zeugnissen; Deutschkurse zur Vorbereitung auf das "
        "Studium.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE),
        ("ar", "de", "en"),
        "Sprechstunde Mi 13–15 Uhr",
        "Frau N. Hadžić (International Office)",
        "international@ph-lb.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Familienzentrum Ludwigsburg – Mama lernt Deutsch",
        SPRACHE,
        OT.VEREIN,
        LB,
        "Königsallee 20",
        "Deutschkurs für Mütter am Vormittag, die Kinder werden im Nebenraum betreut; Einstieg jederzeit möglich.",
        (T.FRAUEN, T.FAMILIEN, T.NEUZUGEWANDERTE),
        ("ar", "de", "fa", "tr"),
        "Mo und Mi 9–11:30 Uhr",
        "Frau S. Keller (Kursleitung)",
        "mama-lernt-deutsch@familienzentrum-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Lernpaten Ludwigsburg – Hausaufgabenhilfe",
        SPRACHE,
        OT.VEREIN,
        LB,
        "",
        "Ehrenamtliche Lernpatinnen und Lernpaten helfen Schulkindern einmal in der Woche bei den Hausaufgaben und "
        "beim Lesen, an der Schule oder in der Stadtbibliothek.",
        (T.KINDER_JUGENDLICHE, T.EHRENAMTLICHE),
        ("de",),
        "Vermittlung per E-Mail",
        "Frau G. Wolf (Koordination)",
        "lernpaten@ludwigsburg-hilft.example.org",
        located=False,
    ),
    _ActorSpec(
        "Bildungsberatung der Stadt Ludwigsburg",
        SPRACHE,
        OT.BEHOERDE,
        LB,
        "Obere Marktstraße 11",
        "Bildungsberatung für Erwachsene: Schulabschlüsse nachholen, Weiterbildung, Sprachkurse und Förderung wie "
        "Bildungsgutschein oder Aufstiegs-BAföG.",
        (T.ALLE, T.ARBEITSUCHENDE),
        ("de", "en", "tr"),
        "Di 14–18 Uhr und nach Vereinbarung",
        "Herr U. Schneider (Bildungsberatung)",
        "bildungsberatung@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Elternbildung im Stadtteil – Rucksack-Programm",
        SPRACHE,
        OT.VEREIN,
        LB,
        "Sonnenbergstraße 10",
        "Elternkurse an Kitas und Grundschulen: Eltern lernen Deutsch und erfahren, wie sie ihre Kinder beim Lernen "
        "unterstützen, begleitet von mehrsprachigen Elternbegleiterinnen.",
        (T.FAMILIEN, T.FRAUEN),
        ("ar", "de", "ru", "tr"),
        "Kurse vormittags in den Kitas, Termine auf Anfrage",
        "Frau A. Popescu (Elternbegleiterin)",
        "rucksack@familienbildung-lb.example.org",
    ),
    _ActorSpec(
        "Volkshochschule Strohgäu – Außenstelle Ditzingen",
        SPRACHE,
        OT.BILDUNG,
        DI,
        "Marktstraße 10",
        "Integrations- und Alphabetisierungskurse, Deutsch am Abend und Prüfungsvorbereitung im Strohgäu.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE),
        ("de", "en"),
        "Mo–Do 9–12 Uhr",
        "Frau M. Ott (Programmbereich Deutsch)",
        "ditzingen@vhs-strohgaeu.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Erstorientierungskurs in der vorläufigen Unterbringung",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "",
        "Erstorientierungskurse für Asylsuchende: Alltag, Werte und erste Deutschkenntnisse, direkt in der "
        "Unterkunft. Anmeldung nur über die Sozialbetreuung der Unterkunft.",
        (T.GEFLUECHTETE,),
        ("ar", "de", "fa", "ku"),
        "Mo–Do 9–12 Uhr",
        "Kurskoordination des IB",
        "eok@ib-bildung.example.org",
        public=False,
        located=False,
    ),
    _ActorSpec(
        "Sprachpatenschaften in der Anschlussunterbringung",
        SPRACHE,
        OT.VEREIN,
        LB,
        "",
        "Ehrenamtliche üben mit Bewohnerinnen und Bewohnern der Anschlussunterbringung Deutsch; vermittelt nur über "
        "die Integrationsmanagerinnen und Integrationsmanager.",
        (T.GEFLUECHTETE, T.EHRENAMTLICHE),
        ("de",),
        "Nach Vereinbarung",
        "Frau K. Lindner (Koordination WiL)",
        "sprachpaten@ludwigsburg.example.org",
        public=False,
        located=False,
    ),
    _ActorSpec(
        "Volkshochschule Marbach – Bottwartal",
        SPRACHE,
        OT.BILDUNG,
        MA,
        "Marktstraße 30",
        "Integrationskurse und Deutschkurse für den Alltag in Marbach, Benningen und im Bottwartal.",
        (T.NEUZUGEWANDERTE, T.GEFLUECHTETE),
        ("de", "en"),
        "Di und Do 9–12 Uhr",
        "Herr C. Ziegler (Kursberatung)",
        "deutsch@vhs-marbach.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Grund- und Werkrealschule Eglosheim – Vorbereitungsklassen",
        SPRACHE,
        OT.BILDUNG,
        LB,
        "Tammer Straße 30",
        "Vorbereitungsklassen für neu zugewanderte Kinder der Klassen 1 bis 6 mit viel Deutschunterricht und "
        "schrittweisem Wechsel in die Regelklasse.",
        (T.KINDER_JUGENDLICHE,),
        ("de",),
        "Sekretariat Mo–Fr 7:30–12:30 Uhr",
        "Frau R. Kurz (Konrektorin)",
        "sekretariat@gws-eglosheim.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Lerncafé Kornwestheim",
        SPRACHE,
        OT.VEREIN,
        KW,
        "Güterbahnhofstraße 5",
        "Kostenlose Nachhilfe für Schülerinnen und Schüler der Klassen 5 bis 10 in Deutsch, Mathematik und Englisch, "
        "betreut von Ehrenamtlichen und Studierenden.",
        (T.KINDER_JUGENDLICHE,),
        ("ar", "de", "en"),
        "Mo–Do 15–17:30 Uhr",
        "Herr J. Beck (Koordination)",
        "lerncafe@kornwestheim-hilft.example.org",
    ),
)

KULTUR_ACTORS: tuple[_ActorSpec, ...] = (
    _ActorSpec(
        "Musikschule Ludwigsburg",
        KULTUR,
        OT.KULTUR,
        LB,
        "Eberhardstraße 20",
        "Instrumental- und Gesangsunterricht, Kinderchor und Bandprojekte; ermäßigte Gebühren mit der Familiencard, "
        "Leihinstrumente.",
        (T.KINDER_JUGENDLICHE, T.FAMILIEN),
        ("de", "en"),
        "Verwaltung Mo–Fr 9–12 Uhr",
        "Frau T. Sommer (Verwaltung)",
        "musikschule@ludwigsburg.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Bürgertheater Ludwigsburg",
        KULTUR,
        OT.KULTUR,
        LB,
        "Arsenalstraße 14",
        "Theater zum Mitspielen für alle, die Lust auf Bühne haben: mehrsprachige Produktionen wie „Urban Prayers“, "
        "Probenabende ohne Vorkenntnisse.",
        (T.ALLE,),
        ("de", "en", "tr"),
        "Proben Di 19–21:30 Uhr",
        "Herr R. Hahn (Theaterpädagogik)",
        "buergertheater@theater-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Haus der Kulturen",
        KULTUR,
        OT.KULTUR,
        LB,
        "Schorndorfer Straße 30",
        "Veranstaltungsreihe der Migrantenvereine und Kulturinitiativen: Konzerte, Lesungen, Filmabende und Feste "
        "aus vielen Ländern; Räume für Vereine.",
        (T.ALLE,),
        ("ar", "de", "en", "tr"),
        "Programm siehe Aushang; Büro Mi 10–14 Uhr",
        "Frau S. Ortiz (Programm)",
        "programm@hausderkulturen-lb.example.org",
        access=ACCESSIBLE,
    ),
    _ActorSpec(
        "Jugendkunstschule Ludwigsburg",
        KULTUR,
        OT.KULTUR,
        LB,
        "Alt-Württemberg-Allee 10",
        "Malen, Töpfern, Fotografie und Film für Kinder und Jugendliche; in den Ferienkursen sind Plätze für Kinder "
        "aus geflüchteten Familien frei.",
        (T.KINDER_JUGENDLICHE,),
        ("de",),
        "Kursbüro Di und Do 14–17 Uhr",
        "Frau L. Engel (Kursbüro)",
        "kurse@jugendkunstschule-lb.example.org",
        access=PARTLY,
    ),
    _ActorSpec(
        "Lieder einer Stadt",
        KULTUR,
        OT.KULTUR,
        LB,
        "Karlstraße 22",
        "Musikprojekt, in dem Ludwigsburgerinnen und Ludwigsburger aus vielen Herkunftsländern Lieder ihrer Heimat "
        "teilen, gemeinsam proben und auftreten.",
        (T.ALLE,),
        ("ar", "de", "en", "fa", "tr", "uk"),
        "Proben Do 18–20 Uhr",
        "Herr J. Amiri (Projektleitung)",
        "lieder@kultur-lb.example.org",
    ),
    _ActorSpec(
        "Ludwigsburg Museum – Führungen in einfacher Sprache",
        KULTUR,
        OT.KULTUR,
        LB,
        "Eberhardstraße 3",
        "Stadtgeschichte zum Anfassen: Führungen in einfacher Sprache und in Fremdsprachen für Sprachkurse und "
        "Gruppen; für Kursgruppen ist der Eintritt frei.",
        (T.ALLE, T.NEUZUGEWANDERTE),
        ("de", "en", "fr"),
        "Di–So 10–18 Uhr; Führungen nach Vereinbarung",
        "Frau B. Keller (Museumspädagogik)",
        "museum@ludwigsburg.example.org",
        access=ACCESSIBLE,
        appointment=True,
    ),
    _ActorSpec(
        "Interkultureller Chor Ludwigsburg",
        KULTUR,
        OT.VEREIN,
        LB,
        "Mathildenstraße 40",
        "Chor für Sängerinnen und Sänger aus aller Welt, Proben donnerstags. Die Zustimmung zur Veröffentlichung "
        "steht noch aus.",
        (T.ALLE,),
        ("de", "en"),
        "Proben Do 19:30–21 Uhr",
        "Frau N. Rossi (Chorleitung)",
        "chor@kultur-lb.example.org",
        public=False,
    ),
)

ACTORS: tuple[_ActorSpec, ...] = (
    ARBEIT_ACTORS + BERATUNG_ACTORS + BLAULICHT_ACTORS + ENGAGEMENT_ACTORS + SPRACHE_ACTORS + KULTUR_ACTORS
)

# Referrals of the casework (lotse.demo.casework.REFERRALS) name these services. A referral goes to the actor of
# that name in the case's town, else to the one in Ludwigsburg: most services work for the whole county.
# These are local: a client elsewhere is not sent to Ludwigsburg's, so the free text stays unlinked.
LOCAL_SERVICES = frozenset({"Freundeskreis Asyl", "Tafelladen", "Kita-Fachberatung der Stadt", "Wohngeldstelle"})

# The info sheets: municipality, actors listed (name, town).
SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    LB: (
        ("Integrationsmanagement der Stadt Ludwigsburg", LB),
        ("Migrationsberatung für Erwachsene (MBE)", LB),
        ("Jugendmigrationsdienst (JMD)", LB),
        ("Migrationszentrum Ludwigsburg", LB),
        ("Ausländerbehörde der Stadt Ludwigsburg", LB),
        ("Jobcenter Ludwigsburg", LB),
        ("Agentur für Arbeit Ludwigsburg", LB),
        ("IQ-Anerkennungsberatung", LB),
        ("Volkshochschule Ludwigsburg", LB),
        ("Stadtbibliothek Ludwigsburg", LB),
        ("Willkommen in Ludwigsburg (WiL) – Patenschaften", LB),
        ("Frauenberatungsstelle", LB),
        ("Psychosoziales Zentrum", LB),
        ("Schuldnerberatung", LB),
        ("Klinikum Ludwigsburg", LB),
    ),
    BB: (
        ("Integrationsbeauftragte der Stadt Bietigheim-Bissingen", BB),
        ("Migrationsberatung für Erwachsene (MBE)", BB),
        ("Ausländerbehörde der Stadt Bietigheim-Bissingen", BB),
        ("Jobcenter Ludwigsburg – Geschäftsstelle Bietigheim-Bissingen", BB),
        ("Agentur für Arbeit Ludwigsburg", LB),
        ("Volkshochschule Bietigheim-Bissingen", BB),
        ("Stadtbibliothek Bietigheim-Bissingen", BB),
        ("Freundeskreis Asyl", BB),
        ("Tafelladen", BB),
        ("Schuldnerberatung", BB),
        ("Frauenberatungsstelle", LB),
        ("Psychosoziales Zentrum", LB),
    ),
}

# Free, round-the-clock numbers; a no-break space keeps each number together (and in order in
# right-to-left text, where a plain space would let the two groups swap).
DOCTOR = "116\u00a0117"
HELPLINE = "116\u00a0016"

WELCOME_HEADINGS: dict[str, dict[str, str]] = {
    LB: {
        "de": "Willkommen in Ludwigsburg",
        "en": "Welcome to Ludwigsburg",
        "ar": "مرحباً بكم في لودفيغسبورغ",
        "fa": "به لودویگزبورگ خوش آمدید",
        "uk": "Ласкаво просимо до Людвігсбурга",
        "ru": "Добро пожаловать в Людвигсбург",
        "tr": "Ludwigsburg'a hoş geldiniz",
    },
    BB: {
        "de": "Willkommen in Bietigheim-Bissingen",
        "en": "Welcome to Bietigheim-Bissingen",
        "ar": "مرحباً بكم في بيتيغهايم-بيسينغن",
        "fa": "به بیتیگهایم-بیسینگن خوش آمدید",
        "uk": "Ласкаво просимо до Бітігайма-Біссінгена",
        "ru": "Добро пожаловать в Битигхайм-Биссинген",
        "tr": "Bietigheim-Bissingen'e hoş geldiniz",
    },
}

WELCOME: dict[str, str] = {
    "de": (
        "Auf diesem Blatt finden Sie Stellen, die Ihnen beim Ankommen helfen: Beratung, Sprachkurse, Arbeit, "
        "Gesundheit und Hilfe im Notfall. Die Beratung ist kostenlos und vertraulich. Viele Stellen beraten auch in "
        "anderen Sprachen; fragen Sie danach, wenn Sie einen Termin vereinbaren. Wenn Sie nicht wissen, wohin Sie "
        "sich wenden können, hilft Ihnen Ihre Integrationsmanagerin oder Ihr Integrationsmanager weiter."
    ),
    "en": (
        "This sheet lists places that help you settle in: counselling, language courses, work, health and help in "
        "an emergency. Counselling is free of charge and confidential. Many places also offer counselling in other "
        "languages; ask about this when you make an appointment. If you do not know where to turn, your integration "
        "manager will help you."
    ),
    "ar": (
        "تجدون في هذه الورقة جهاتٍ تساعدكم على الاستقرار هنا: الاستشارة ودورات اللغة والعمل والصحة والمساعدة في "
        "حالات الطوارئ. الاستشارة مجانية وسرية. تقدّم جهاتٌ كثيرة الاستشارة بلغات أخرى أيضاً، فاسألوا عن ذلك عند "
        "حجز الموعد. وإذا لم تعرفوا إلى أين تتوجهون، فستساعدكم مديرة الاندماج أو مدير الاندماج المسؤول عنكم."
    ),
    "fa": (
        "در این برگه مراکزی را می‌یابید که در آغاز زندگی در اینجا به شما کمک می‌کنند: مشاوره، کلاس‌های زبان، کار، "
        "سلامت و کمک در مواقع اضطراری. مشاوره رایگان و محرمانه است. بسیاری از این مراکز به زبان‌های دیگر هم مشاوره "
        "می‌دهند؛ هنگام گرفتن وقت در این باره بپرسید. اگر نمی‌دانید به کجا مراجعه کنید، مشاور ادغام "
        "(Integrationsmanagement) شما راهنمایی‌تان می‌کند."
    ),
    "uk": (
        "На цьому аркуші ви знайдете установи, які допоможуть вам облаштуватися: консультації, мовні курси, робота, "
        "здоров’я та допомога в надзвичайних ситуаціях. Консультації безкоштовні та конфіденційні. Багато установ "
        "консультують також іншими мовами; запитайте про це, коли домовлятиметеся про зустріч. Якщо ви не знаєте, "
        "куди звернутися, вам допоможе ваша менеджерка або ваш менеджер з інтеграції."
    ),
    "ru": (
        "На этом листе перечислены организации, которые помогут вам обустроиться: консультации, языковые курсы, "
        "работа, здоровье и помощь в экстренных случаях. Консультации бесплатные и конфиденциальные. Во многих "
        "организациях консультируют и на других языках; спросите об этом, когда будете записываться на приём. Если "
        "вы не знаете, куда обратиться, вам поможет ваш менеджер по интеграции."
    ),
    "tr": (
        "Bu sayfada buraya yerleşmenize yardımcı olan kurumları bulabilirsiniz: danışmanlık, dil kursları, iş, "
        "sağlık ve acil durumlarda yardım. Danışmanlık ücretsiz ve gizlidir. Birçok kurum başka dillerde de "
        "danışmanlık veriyor; randevu alırken bunu sorun. Nereye başvuracağınızı bilmiyorsanız entegrasyon "
        "danışmanınız size yardımcı olur."
    ),
}

EMERGENCY: dict[str, tuple[str, str]] = {
    "de": (
        "Im Notfall",
        "Polizei: 110\n"
        "Feuerwehr und Rettungsdienst: 112\n"
        f"Ärztlicher Bereitschaftsdienst (nachts, am Wochenende und an Feiertagen): {DOCTOR}\n"
        f"Hilfetelefon Gewalt gegen Frauen (rund um die Uhr, in vielen Sprachen): {HELPLINE}\n"
        "Diese Nummern sind kostenlos und jederzeit erreichbar, auch von einem Handy ohne Guthaben. Sagen Sie, wo Sie "
        "sind und was passiert ist, und legen Sie erst auf, wenn man Sie darum bittet.",
    ),
    "en": (
        "In an emergency",
        "Police: 110\n"
        "Fire brigade and ambulance: 112\n"
        f"Out-of-hours medical service (at night, at weekends and on public holidays): {DOCTOR}\n"
        f"Violence against women helpline (day and night, in many languages): {HELPLINE}\n"
        "These numbers are free of charge and can be reached at any time, even from a mobile phone without credit. "
        "Say where you are and what has happened, and do not hang up until you are asked to.",
    ),
    "ar": (
        "في حالات الطوارئ",
        "الشرطة: 110\n"
        "الإطفاء والإسعاف: 112\n"
        f"خدمة الطبيب المناوب (ليلاً وفي عطلة نهاية الأسبوع وأيام العطل الرسمية): {DOCTOR}\n"
        f"هاتف المساعدة للنساء المعرّضات للعنف (على مدار الساعة، بلغات عديدة): {HELPLINE}\n"
        "هذه الأرقام مجانية ومتاحة في أي وقت، حتى من هاتف محمول بلا رصيد. قولوا أين أنتم وماذا حدث، ولا تُنهوا "
        "المكالمة قبل أن يُطلب منكم ذلك.",
    ),
    "fa": (
        "در مواقع اضطراری",
        "پلیس: 110\n"
        "آتش‌نشانی و اورژانس: 112\n"
        f"پزشک کشیک (شب‌ها، آخر هفته‌ها و روزهای تعطیل رسمی): {DOCTOR}\n"
        f"تلفن کمک به زنان در برابر خشونت (شبانه‌روزی، به زبان‌های مختلف): {HELPLINE}\n"
        "این شماره‌ها رایگان هستند و همیشه در دسترس‌اند، حتی با تلفن همراهی که اعتبار ندارد. بگویید کجا هستید و چه "
        "اتفاقی افتاده است و تا وقتی از شما خواسته نشده، تماس را قطع نکنید.",
    ),
    "uk": (
        "У надзвичайній ситуації",
        "Поліція: 110\n"
        "Пожежна охорона та швидка допомога: 112\n"
        f"Чергова лікарська служба (вночі, у вихідні та святкові дні): {DOCTOR}\n"
        f"Гаряча лінія допомоги жінкам, які постраждали від насильства (цілодобово, багатьма мовами): {HELPLINE}\n"
        "Ці номери безкоштовні й доступні будь-коли, навіть із мобільного телефону без коштів на рахунку. Скажіть, де "
        "ви перебуваєте і що сталося, і не кладіть слухавку, доки вас про це не попросять.",
    ),
    "ru": (
        "В экстренной ситуации",
        "Полиция: 110\n"
        "Пожарная охрана и скорая помощь: 112\n"
        f"Дежурная врачебная служба (ночью, в выходные и праздничные дни): {DOCTOR}\n"
        f"Телефон помощи женщинам, пострадавшим от насилия (круглосуточно, на многих языках): {HELPLINE}\n"
        "Эти номера бесплатные и доступны в любое время, даже с мобильного телефона без денег на счёте. Скажите, где "
        "вы находитесь и что случилось, и не кладите трубку, пока вас об этом не попросят.",
    ),
    "tr": (
        "Acil durumlarda",
        "Polis: 110\n"
        "İtfaiye ve ambulans: 112\n"
        f"Nöbetçi doktor hizmeti (geceleri, hafta sonları ve resmî tatillerde): {DOCTOR}\n"
        f"Kadına Yönelik Şiddet Yardım Hattı (7/24, birçok dilde): {HELPLINE}\n"
        "Bu numaralar ücretsizdir ve her an aranabilir, bakiyesi olmayan bir cep telefonundan bile. Nerede olduğunuzu "
        "ve ne olduğunu söyleyin; sizden istenmeden telefonu kapatmayın.",
    ),
}

# The Turkish translation as it was before the helpline was added to the German original: Ludwigsburg's
# sheet still carries it, so the editor shows it as outdated.
EMERGENCY_TR_BEFORE_HELPLINE = (
    "Polis: 110\n"
    "İtfaiye ve ambulans: 112\n"
    f"Nöbetçi doktor hizmeti (geceleri, hafta sonları ve resmî tatillerde): {DOCTOR}\n"
    "Bu numaralar ücretsizdir ve her an aranabilir, bakiyesi olmayan bir cep telefonundan bile. Nerede olduğunuzu "
    "ve ne olduğunu söyleyin; sizden istenmeden telefonu kapatmayın."
)

DOCUMENTS: dict[str, tuple[str, str]] = {
    "de": (
        "Bitte bringen Sie Ihre Unterlagen mit",
        "Bringen Sie zu jedem Termin mit:\n"
        "– Aufenthaltstitel, Aufenthaltsgestattung oder Duldung\n"
        "– Reisepass oder ein anderes Ausweisdokument\n"
        "– Briefe von Behörden, zum Beispiel vom Jobcenter, von der Ausländerbehörde oder der Familienkasse\n"
        "– Gesundheitskarte der Krankenkasse\n"
        "– Zeugnisse und Nachweise über Schule, Ausbildung und Beruf, wenn Sie welche haben\n"
        "Geben Sie Originale nur ab, wenn man Sie ausdrücklich darum bittet; meistens reichen Kopien.",
    ),
    "en": (
        "Please bring your documents",
        "Bring to every appointment:\n"
        "– your residence permit, permission to reside (Aufenthaltsgestattung) or Duldung\n"
        "– your passport or another identity document\n"
        "– letters from public authorities, for example from the job centre, the immigration office or the family "
        "benefits office (Familienkasse)\n"
        "– your health insurance card\n"
        "– certificates and proof of your schooling, training and work, if you have them\n"
        "Only hand over originals if you are explicitly asked to; copies are usually enough.",
    ),
    "ar": (
        "يرجى إحضار وثائقكم معكم",
        "أحضروا معكم إلى كل موعد:\n"
        "– تصريح الإقامة (Aufenthaltstitel) أو إذن الإقامة المؤقت (Aufenthaltsgestattung) أو وثيقة التسامح "
        "(Duldung)\n"
        "– جواز السفر أو وثيقة هوية أخرى\n"
        "– رسائل الدوائر الرسمية، مثل مركز العمل (Jobcenter) ودائرة الأجانب وصندوق الأسرة (Familienkasse)\n"
        "– بطاقة التأمين الصحي\n"
        "– الشهادات وإثباتات الدراسة والتدريب المهني والعمل، إن وُجدت\n"
        "لا تسلّموا الوثائق الأصلية إلا إذا طُلب منكم ذلك صراحةً؛ فالنسخ تكفي في أغلب الأحيان.",
    ),
    "fa": (
        "لطفاً مدارک خود را همراه بیاورید",
        "برای هر قرار ملاقات این مدارک را همراه بیاورید:\n"
        "– اجازهٔ اقامت (Aufenthaltstitel)، مجوز اقامت در دوران رسیدگی به پناهندگی (Aufenthaltsgestattung) یا "
        "برگهٔ تحمل اقامت (Duldung)\n"
        "– گذرنامه یا مدرک شناسایی دیگر\n"
        "– نامه‌های ادارات، برای مثال از جاب‌سنتر (Jobcenter)، ادارهٔ اتباع خارجی یا صندوق خانواده (Familienkasse)\n"
        "– کارت بیمهٔ درمانی\n"
        "– مدارک تحصیلی و گواهی‌های مربوط به مدرسه، آموزش حرفه‌ای و کار، اگر دارید\n"
        "اصل مدارک را فقط زمانی تحویل دهید که صراحتاً از شما خواسته شود؛ معمولاً کپی کافی است.",
    ),
    "uk": (
        "Будь ласка, візьміть із собою документи",
        "Беріть із собою на кожну зустріч:\n"
        "– посвідку на проживання (Aufenthaltstitel), посвідчення на час процедури надання притулку "
        "(Aufenthaltsgestattung) або Duldung\n"
        "– закордонний паспорт або інший документ, що посвідчує особу\n"
        "– листи від установ, наприклад від Jobcenter, відомства у справах іноземців або Familienkasse\n"
        "– картку медичного страхування\n"
        "– атестати, дипломи та підтвердження навчання й роботи, якщо вони у вас є\n"
        "Віддавайте оригінали лише тоді, коли вас про це прямо попросять; зазвичай достатньо копій.",
    ),
    "ru": (
        "Пожалуйста, возьмите с собой документы",
        "Берите с собой на каждый приём:\n"
        "– разрешение на проживание (Aufenthaltstitel), разрешение на пребывание на время процедуры предоставления "
        "убежища (Aufenthaltsgestattung) или Duldung\n"
        "– заграничный паспорт или другой документ, удостоверяющий личность\n"
        "– письма от ведомств, например от Jobcenter, ведомства по делам иностранцев или Familienkasse\n"
        "– карточку медицинского страхования\n"
        "– аттестаты, дипломы и подтверждения учёбы и работы, если они у вас есть\n"
        "Отдавайте оригиналы только тогда, когда вас об этом прямо попросят; обычно достаточно копий.",
    ),
    "tr": (
        "Lütfen belgelerinizi yanınızda getirin",
        "Her randevuya yanınızda getirin:\n"
        "– oturma izni (Aufenthaltstitel), ikamet müsaadesi (Aufenthaltsgestattung) veya Duldung belgesi\n"
        "– pasaport veya başka bir kimlik belgesi\n"
        "– resmî kurumlardan gelen mektuplar, örneğin Jobcenter, Yabancılar Dairesi veya Familienkasse'den\n"
        "– sağlık sigortası kartı\n"
        "– varsa okul, meslek eğitimi ve işle ilgili diploma ve belgeler\n"
        "Asıl belgeleri yalnızca sizden açıkça istenirse teslim edin; çoğu zaman fotokopi yeterlidir.",
    ),
}

SHEET_LANGUAGES = ("de", "en", "ar", "fa", "uk", "ru", "tr")


@dataclass(frozen=True)
class _TextSpec:
    language: str
    heading: str
    body: str
    days_ago: int  # when the text was written, in days before now


def _sheet_blocks(town: str) -> list[list[_TextSpec]]:
    """The three blocks of the town's sheet with the dates their texts were written."""
    if town == LB:
        # Written in spring; the helpline was added to the German emergency block two weeks ago and every
        # translation but the Turkish one followed.
        welcome = [
            _TextSpec(lang, WELCOME_HEADINGS[town][lang], WELCOME[lang], 70 if lang == MASTER_LANGUAGE else 66)
            for lang in SHEET_LANGUAGES
        ]
        emergency = [
            _TextSpec(lang, *EMERGENCY[lang], 14 if lang == MASTER_LANGUAGE else 9)
            if lang != "tr"
            else _TextSpec(lang, EMERGENCY[lang][0], EMERGENCY_TR_BEFORE_HELPLINE, 66)
            for lang in SHEET_LANGUAGES
        ]
        documents = [
            _TextSpec(lang, *DOCUMENTS[lang], 70 if lang == MASTER_LANGUAGE else 66) for lang in SHEET_LANGUAGES
        ]
        return [welcome, emergency, documents]
    # Written later, from Ludwigsburg's; the Farsi text of the documents block is still missing.
    welcome = [
        _TextSpec(lang, WELCOME_HEADINGS[town][lang], WELCOME[lang], 40 if lang == MASTER_LANGUAGE else 35)
        for lang in SHEET_LANGUAGES
    ]
    emergency = [_TextSpec(lang, *EMERGENCY[lang], 40 if lang == MASTER_LANGUAGE else 35) for lang in SHEET_LANGUAGES]
    documents = [
        _TextSpec(lang, *DOCUMENTS[lang], 40 if lang == MASTER_LANGUAGE else 35)
        for lang in SHEET_LANGUAGES
        if lang != "fa"
    ]
    return [welcome, emergency, documents]


class _Positions:
    """Deterministic marker positions: near the actor's street in Ludwigsburg, around the centre elsewhere."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def place(self, spec: _ActorSpec) -> tuple[str, Decimal | None, Decimal | None]:
        lat, lon, postcode, _area = TOWNS[spec.town]
        spread_lat, spread_lon = 0.0025, 0.0035
        street = spec.street.rsplit(" ", 1)[0] if spec.street else ""
        if spec.town == LB and street in LB_STREETS:
            lat, lon, postcode = LB_STREETS[street]
            spread_lat, spread_lon = 0.0007, 0.0010
        # Drawn for every actor, so one actor's position does not depend on whether another one has a marker.
        d_lat, d_lon = self.rng.uniform(-spread_lat, spread_lat), self.rng.uniform(-spread_lon, spread_lon)
        if not spec.street:
            postcode = ""
        if not spec.located:
            return postcode, None, None
        return postcode, _degrees(lat + d_lat), _degrees(lon + d_lon)


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _phones() -> dict[str, str]:
    """A number of the fictional 555 block for every actor without one of its own, per area code."""
    numbers: dict[str, str] = {}
    next_of_area: dict[str, int] = defaultdict(lambda: 100)
    for spec in ACTORS:
        if spec.phone:
            continue
        area = TOWNS[spec.town][3]
        numbers[_key(spec)] = f"{area} 555-{next_of_area[area]:04d}"
        next_of_area[area] += 1
    return numbers


def _key(spec: _ActorSpec) -> str:
    return f"{spec.name}|{spec.town}"


def _website(email: str) -> str:
    return f"https://www.{email.rsplit('@', 1)[1]}"


def _create_actors(
    categories: dict[str, ActorCategory], municipalities: dict[str, Municipality], seed: int
) -> tuple[int, int]:
    existing = set(Actor.objects.values_list("name", "municipality__name"))
    positions = _Positions(seed)
    phones = _phones()
    created = published = 0
    for spec in ACTORS:
        postcode, latitude, longitude = positions.place(spec)
        if (spec.name, spec.town) in existing or spec.category not in categories:
            continue
        create_actor(
            acting_user=None,
            name=spec.name,
            category=categories[spec.category],
            organisation_type=spec.kind,
            services=spec.services,
            target_groups=[code for code in TargetGroup.values if code in spec.groups],
            languages=sorted(spec.languages),
            street=spec.street,
            postcode=postcode,
            town=spec.town,
            municipality=municipalities[spec.town],
            latitude=latitude,
            longitude=longitude,
            opening_hours=spec.hours,
            contact_person=spec.contact,
            phone=spec.phone or phones[_key(spec)],
            email=spec.email,
            website=_website(spec.email) if spec.public else "",
            accessibility=spec.access,
            appointment_needed=spec.appointment,
            is_public=spec.public,
        )
        created += 1
        published += spec.public
    return created, published


def _create_sheets(municipalities: dict[str, Municipality], now: datetime.datetime) -> dict[str, int]:
    counts = {"sheets": 0, "blocks": 0, "texts": 0}
    have_sheet = set(InfoSheet.objects.values_list("municipality__name", flat=True))
    editor = User.objects.filter(username=EDITOR).first()
    actors = {(a.name, a.municipality.name): a for a in Actor.objects.select_related("municipality")}
    for town, listed in SHEETS.items():
        if town in have_sheet or town not in municipalities:
            continue
        sheet = InfoSheet.objects.create(municipality=municipalities[town])
        sheet.actors.set([actors[key] for key in listed if key in actors and actors[key].is_public])
        counts["sheets"] += 1
        for position, texts in enumerate(_sheet_blocks(town), start=1):
            block = InfoSheetBlock.objects.create(sheet=sheet, position=position)
            counts["blocks"] += 1
            InfoSheetText.objects.bulk_create(
                InfoSheetText(
                    block=block,
                    language=text.language,
                    heading=text.heading,
                    body=text.body,
                    written_at=now - datetime.timedelta(days=text.days_ago),
                    written_by=editor,
                )
                for text in texts
            )
            counts["texts"] += len(texts)
    return counts


def _link_referrals(municipalities: dict[str, Municipality]) -> int:
    """Point the demo casework's referrals at the actor they name (see LOCAL_SERVICES)."""
    names = {spec.name for spec in ACTORS}
    by_name: dict[str, dict[int, int]] = defaultdict(dict)
    for pk, name, municipality_id in Actor.objects.filter(name__in=names).values_list("pk", "name", "municipality_id"):
        by_name[name][municipality_id] = pk
    home = municipalities[LB].pk
    demo_organisations = [short for short, _name, _kind in data.ORGANISATIONS]
    referrals = Referral.objects.filter(
        network_actor__isnull=True, to_whom__in=list(by_name), case__organisation__short_name__in=demo_organisations
    ).values_list("pk", "to_whom", "case__municipality_id")
    targets: dict[int, list[int]] = defaultdict(list)
    for pk, to_whom, municipality_id in referrals:
        actors = by_name[to_whom]
        actor_id = actors.get(municipality_id)
        if actor_id is None and to_whom not in LOCAL_SERVICES:
            actor_id = actors.get(home)
        if actor_id is not None:
            targets[actor_id].append(pk)
    for actor_id, pks in targets.items():
        Referral.objects.filter(pk__in=pks).update(network_actor_id=actor_id, version=F("version") + 1)
    return sum(len(pks) for pks in targets.values())


def load_demo_network(*, now: datetime.datetime | None = None, seed: int = 2015) -> dict[str, int]:
    """Fill the directory of the demo county, write two info sheets, link the casework's referrals.

    The demo municipalities must exist (load_demo_data creates them first);
    run after the casework, whose referrals it links. Creates only what is
    missing; returns how many rows of each kind were created (``published``:
    of the actors created, those shown publicly).
    """
    now = now or timezone.now()
    towns = set(TOWNS)
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=towns)}
    if set(municipalities) != towns:
        return dict.fromkeys(COUNT_KEYS, 0)
    categories = {c.slug: c for c in ActorCategory.objects.filter(slug__in=CATEGORY_COUNTS)}
    with transaction.atomic(), audit_context(command="load_demo_data"):
        actors, published = _create_actors(categories, municipalities, seed)
        counts = {"actors": actors, "published": published, **_create_sheets(municipalities, now)}
        counts["referrals"] = _link_referrals(municipalities)
    return counts
