"""The demo's sponsorship programme "Willkommen in Ludwigsburg" (WiL) of the city of Ludwigsburg.

The shape of the council paper's figures: 35 trained sponsors (about half with their own migration experience),
130 newcomers in households (over 50 children) from 24 countries, sponsorships in every state with the reasons they
ended, and the coordinator's check-ins. Built through the services of lotse.volunteers only, from a seeded random
generator (the same county every time); a second load finds the programme's households and creates nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from lotse.core.models import Organisation
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo.data import recorded
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers import volunteer_services
from lotse.volunteers.choices import EndReason, RequirementKind, SponsorshipState, VolunteerStatus
from lotse.volunteers.models import Programme, Volunteer

CITY = "stadt-lb"
PROGRAMME = "Willkommen in Ludwigsburg"
SPONSORS = 35
NEWCOMERS = 130
SEED = 20

# Country → languages of its newcomers, family names, given names of women and of men.
COUNTRIES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "SY": (["ara", "apc"], ["Haddad", "Khatib", "Mansour"], ["Rania", "Lina", "Amal"], ["Omar", "Khaled", "Sami"]),
    "AF": (["prs", "pus"], ["Rahimi", "Ahmadi", "Karimi"], ["Mina", "Farzana"], ["Ali", "Hamid", "Jawad"]),
    "IQ": (["ara", "kmr"], ["Al-Bayati", "Hussein"], ["Zahra", "Noor"], ["Mustafa", "Ahmed"]),
    "TR": (["tur", "kmr"], ["Yılmaz", "Demir"], ["Elif", "Ayşe"], ["Mehmet", "Emre"]),
    "UA": (["ukr", "rus"], ["Kovalenko", "Shevchenko", "Bondarenko"], ["Olena", "Iryna", "Daria"], ["Andrii", "Taras"]),
    "ER": (["tir"], ["Tesfay", "Gebremedhin"], ["Helen", "Selam"], ["Yonas", "Dawit"]),
    "SO": (["som"], ["Abdi", "Warsame"], ["Hodan", "Amina"], ["Abdirahman", "Yusuf"]),
    "NG": (["yor", "eng"], ["Adeyemi", "Okafor"], ["Funmilayo", "Chiamaka"], ["Tunde", "Emeka"]),
    "IR": (["fas"], ["Hosseini", "Moradi"], ["Shirin", "Parisa"], ["Reza", "Arash"]),
    "GE": (["kat"], ["Beridze", "Kapanadze"], ["Nino", "Tamar"], ["Giorgi", "Levan"]),
    "RU": (["rus"], ["Ivanov", "Smirnova"], ["Anna", "Olga"], ["Dmitri", "Sergei"]),
    "AL": (["sqi"], ["Hoxha", "Krasniqi"], ["Arta", "Blerta"], ["Arben", "Driton"]),
    "RS": (["srp"], ["Jovanović", "Petrović"], ["Milica", "Jelena"], ["Nikola", "Marko"]),
    "MK": (["mkd", "sqi"], ["Stojanovski", "Ademi"], ["Ana", "Elena"], ["Goran", "Besnik"]),
    "PK": (["urd"], ["Khan", "Qureshi"], ["Ayesha", "Sana"], ["Imran", "Bilal"]),
    "IN": (["hin", "eng"], ["Sharma", "Patel"], ["Priya", "Ananya"], ["Rahul", "Arjun"]),
    "VN": (["vie"], ["Nguyen", "Tran"], ["Linh", "Mai"], ["Minh", "Duc"]),
    "GN": (["fra"], ["Diallo", "Barry"], ["Mariama", "Kadiatou"], ["Mamadou", "Ibrahima"]),
    "CM": (["fra", "eng"], ["Nkemdirim", "Mbarga"], ["Nadège", "Estelle"], ["Serge", "Paul"]),
    "ET": (["amh"], ["Tadesse", "Bekele"], ["Meron", "Hiwot"], ["Abebe", "Getachew"]),
    "EG": (["arz", "ara"], ["Ibrahim", "Farouk"], ["Mona", "Yasmin"], ["Karim", "Tarek"]),
    "MA": (["ary", "ara"], ["El Idrissi", "Benali"], ["Salma", "Imane"], ["Youssef", "Hamza"]),
    "VE": (["spa"], ["González", "Rodríguez"], ["María", "Valentina"], ["José", "Luis"]),
    "BR": (["por"], ["Silva", "Santos"], ["Ana Clara", "Beatriz"], ["João", "Lucas"]),
}

# The sponsors: family name, given names, gender, own migration experience, languages beyond German, skills.
SPONSOR_FAMILY_NAMES = [
    "Bauer",
    "Becker",
    "Braun",
    "Fischer",
    "Frank",
    "Graf",
    "Hartmann",
    "Hoffmann",
    "Huber",
    "Kaiser",
    "Keller",
    "Koch",
    "König",
    "Krause",
    "Lang",
    "Lehmann",
    "Maier",
    "Meyer",
    "Müller",
    "Neumann",
    "Richter",
    "Roth",
    "Schäfer",
    "Schmid",
    "Schneider",
    "Schröder",
    "Schulz",
    "Schwarz",
    "Vogel",
    "Wagner",
    "Walter",
    "Weber",
    "Werner",
    "Wolf",
    "Zimmermann",
]
SPONSOR_GIVEN = {
    "w": ["Anna", "Claudia", "Eva", "Julia", "Katrin", "Sabine", "Ute"],
    "m": ["Jan", "Lukas", "Peter", "Thomas"],
}
SKILL_SETS = [
    ["patenschaft", "deutschunterricht", "behoerdenbegleitung"],
    ["patenschaft", "hausaufgabenhilfe", "kinderbetreuung"],
    ["patenschaft", "ausfluege", "sport"],
    ["patenschaft", "behoerdenbegleitung", "fahrdienst"],
    ["patenschaft", "deutschunterricht", "ausfluege"],
]
DISTRICTS = ["Innenstadt", "Oststadt", "Weststadt", "Eglosheim", "Grünbühl", "Hoheneck", "Oßweil", "Poppenweiler"]
TOPICS = ["sprache", "schule_kita", "alltag_behoerden", "arbeit", "freizeit_kultur", "engagement"]
# The life cycle the households' sponsorships reached, in the order they are built (ended ones first: they free
# their sponsors for a second sponsorship).
END_REASONS = list(EndReason.values)


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def _sponsors(city: Organisation, today: datetime.date, rng: random.Random) -> list[Volunteer]:
    """The programme's 35 sponsors: the city's volunteers of these names, registered where missing."""
    existing = {
        (volunteer.family_name, volunteer.given_names): volunteer
        for volunteer in Volunteer.objects.filter(organisation=city, family_name__in=SPONSOR_FAMILY_NAMES)
    }
    migrant_languages = [["ara"], ["tur"], ["ukr", "rus"], ["fas", "prs"], ["rus"], ["sqi"], ["tir"], ["spa"]]
    sponsors = []
    for number, family_name in enumerate(SPONSOR_FAMILY_NAMES):
        gender = "w" if number % 3 else "m"
        given_names = SPONSOR_GIVEN[gender][number % len(SPONSOR_GIVEN[gender])]
        found = existing.get((family_name, given_names))
        if found is None:
            # About half of the sponsors have their own migration experience (and often a language of the newcomers).
            migrated = number % 2 == 0
            languages = {"deu": "muttersprache"} if not migrated else {"deu": "fliessend"}
            if migrated:
                languages.update(dict.fromkeys(migrant_languages[number % len(migrant_languages)], "muttersprache"))
            elif number % 5 == 1:
                languages["eng"] = "gut"
            found = volunteer_services.register_volunteer(
                acting_user=None,
                organisation=city,
                family_name=family_name,
                given_names=given_names,
                gender=gender,
                municipality=city.municipality,
                district=DISTRICTS[number % len(DISTRICTS)],
                skills=SKILL_SETS[number % len(SKILL_SETS)],
                weekdays=rng.sample(["mo", "di", "mi", "do", "fr", "sa"], 1 + number % 4),
                day_times=["nachmittags"] if number % 2 else ["abends"],
                migration_experience=migrated,
                max_sponsorships=2 if number % 3 == 0 else 1,
                started_on=_day(today, 700 - number * 5),
                status=VolunteerStatus.ACTIVE,
                status_since=_day(today, 650 - number * 5),
                consent_on=_day(today, 700 - number * 5),
                languages=list(languages.items()),
            )
            # WiL trains its sponsors; pledge, agreement and (for work with children) the certificate were seen.
            for kind in (
                RequirementKind.CONFIDENTIALITY,
                RequirementKind.AGREEMENT,
                RequirementKind.TRAINING,
                RequirementKind.CONDUCT_CERTIFICATE,
            ):
                volunteer_services.add_requirement(
                    acting_user=None, volunteer=found, kind=kind, met_on=_day(today, 640 - number * 5)
                )
        sponsors.append(found)
    return sponsors


def _household_members(
    country: str, size: int, children: int, today: datetime.date, rng: random.Random
) -> list[dict[str, Any]]:
    languages, families, women, men = COUNTRIES[country]
    family_name = rng.choice(families)
    members: list[dict[str, Any]] = []
    adults = size - children
    for position in range(size):
        child = position >= adults
        gender = rng.choice(["w", "m"]) if child or position else ("w" if rng.random() < 0.55 else "m")
        if position == 1 and not child:
            gender = "m" if members[0]["gender"] == "w" else "w"
        given = rng.choice(women if gender == "w" else men)
        age_days = rng.randint(365, 365 * 16) if child else rng.randint(365 * 20, 365 * 60)
        members.append(
            {
                "family_name": family_name,
                "given_names": given,
                "gender": gender,
                "birth_date": _day(today, age_days),
                "birth_date_precision": "day",
                "nationalities": [country],
                "languages": list(languages) if not child else [*languages[:1], "deu"],
                "relationship": "haushaltsvorstand" if position == 0 else ("kind" if child else "partner"),
            }
        )
    return members


def _households(today: datetime.date, rng: random.Random) -> list[tuple[str, list[dict[str, Any]]]]:
    """130 newcomers in households, 56 of them children, from each of the 24 countries."""
    countries = list(COUNTRIES)
    # Sizes and children per household: singles, couples, single parents and families; 130 persons, 56 children.
    shapes = [(1, 0)] * 11 + [(2, 0)] * 4 + [(2, 1)] * 6 + [(3, 1)] * 8 + [(4, 2)] * 11 + [(5, 3)] * 5 + [(6, 4)]
    assert sum(size for size, _children in shapes) == NEWCOMERS, sum(size for size, _children in shapes)
    rng.shuffle(shapes)
    return [
        (
            countries[index % len(countries)],
            _household_members(countries[index % len(countries)], size, kids, today, rng),
        )
        for index, (size, kids) in enumerate(shapes)
    ]


def load_demo_sponsorships(today: datetime.date) -> dict[str, int]:
    city = Organisation.objects.filter(short_name=CITY).select_related("municipality").first()
    if city is None:
        return {}
    existing = Programme.objects.filter(organisation=city, name=PROGRAMME).first()
    if existing is not None and existing.participations.exists():
        return {"created": 0}
    rng = random.Random(SEED)
    counts = {"sponsors": 0, "households": 0, "newcomers": 0, "sponsorships": 0, "check_ins": 0}
    with one_savepoint_per_step(), recorded():
        programme = services.ensure_programme(
            acting_user=None,
            organisation=city,
            name=PROGRAMME,
            started_on=_day(today, 730),
            description="Patenschaften für Neuzugewanderte in Ludwigsburg: geschulte Ehrenamtliche begleiten "
            "Familien und Einzelne beim Ankommen (Sprache, Schule und Kita, Alltag und Behörden, Arbeit, Freizeit).",
        )
        sponsors = _sponsors(city, today, rng)
        counts["sponsors"] = len(sponsors)
        participations = []
        for index, (_country, members) in enumerate(_households(today, rng)):
            joined = _day(today, 600 - index * 13)
            for member in members:
                member["municipality"] = city.municipality
            participation = services.register_newcomers(
                acting_user=None,
                programme=programme,
                members=members,
                joined_on=joined,
                district=DISTRICTS[index % len(DISTRICTS)],
                wanted_topics=rng.sample(TOPICS, 2 + index % 2),
                preferred_sponsor_gender="w"
                if len(members) > 1 and members[0]["gender"] == "w" and index % 3 == 0
                else "",
                needs="",
            )
            participations.append((participation, joined))
            counts["households"] += 1
            counts["newcomers"] += len(members)
        counts.update(_sponsorships(participations, sponsors, today, rng))
    return counts


def _sponsorships(
    participations: list[tuple[Any, datetime.date]], sponsors: list[Volunteer], today: datetime.date, rng: random.Random
) -> dict[str, int]:
    """Sponsorships for the first 38 households (the last 8 wait): ended ones first, with every ending reason, then
    open ones requested, getting to know each other, and active, the active ones with check-ins (some due)."""
    plan = (
        [SponsorshipState.ENDED] * 9
        + [SponsorshipState.ACTIVE] * 16
        + [SponsorshipState.GETTING_TO_KNOW] * 7
        + [SponsorshipState.REQUESTED] * 6
    )
    made = {"sponsorships": 0, "check_ins": 0}
    sponsor_cycle = iter(sponsors * 2)
    for number, ((participation, joined), state) in enumerate(zip(participations, plan, strict=False)):
        pair = [next(sponsor_cycle)]
        if number % 7 == 3:
            pair.append(next(sponsor_cycle))
        requested = min(joined + datetime.timedelta(days=14 + number % 20), _day(today, 40))
        sponsorship = services.request_sponsorship(
            acting_user=None,
            participation=participation,
            sponsors=pair,
            requested_on=requested,
            planned_end=requested + datetime.timedelta(days=365),
        )
        made["sponsorships"] += 1
        day = requested
        for step in (SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ACTIVE):
            if state == SponsorshipState.REQUESTED or (
                state == SponsorshipState.GETTING_TO_KNOW and step == SponsorshipState.ACTIVE
            ):
                break
            day = min(day + datetime.timedelta(days=10 + number % 9), today)
            sponsorship = services.change_state(
                acting_user=None,
                sponsorship=sponsorship,
                expected_version=sponsorship.version,
                to_state=step,
                on=day,
            )
        if state in (SponsorshipState.ACTIVE, SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ENDED):
            if state == SponsorshipState.ENDED:
                check_day = min(day + datetime.timedelta(days=21), today)
                next_due = check_day + datetime.timedelta(days=42)
            elif number % 4 == 0:
                # Every fourth open sponsorship's next check-in is overdue: the coordinator's worklist has work.
                check_day = max(day, _day(today, 60))
                next_due = check_day + datetime.timedelta(days=14)
            else:
                check_day = max(day, _day(today, 1 + number % 25))
                next_due = check_day + datetime.timedelta(days=42)
            services.record_check_in(
                acting_user=None,
                sponsorship=sponsorship,
                on=check_day,
                note=rng.choice(
                    [
                        "Treffen alle zwei Wochen, Begleitung zur Ausländerbehörde geklappt.",
                        "Familie ist gut angekommen; Kita-Platz gefunden.",
                        "Gemeinsamer Besuch der Stadtbibliothek, Deutschkurs läuft.",
                        "Pat:in wünscht Austausch beim nächsten Treffen der Ehrenamtlichen.",
                    ]
                ),
                next_due=next_due,
            )
            made["check_ins"] += 1
            day = check_day
        if state == SponsorshipState.ENDED:
            services.change_state(
                acting_user=None,
                sponsorship=sponsorship,
                expected_version=sponsorship.version,
                to_state=SponsorshipState.ENDED,
                on=min(day + datetime.timedelta(days=60), today),
                end_reason=END_REASONS[number % len(END_REASONS)],
            )
    return made
