"""The demo's sponsorship programme "Willkommen in Ludwigsburg" (WiL) of the city of Ludwigsburg.

The shape of the council paper's figures: 35 trained sponsors (about half with their own migration experience),
130 newcomers in households (over 50 children) from 24 countries, sponsorships in every state with the reasons they
ended, and the coordinator's check-ins. Built through the services of lotse.volunteers only, from a seeded random
generator (the same county every time); a second load finds the programme's households and creates nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from lotse.core.models import Organisation
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo.data import recorded
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers.choices import EndReason, Skill, SponsorshipState, VolunteerStatus
from lotse.volunteers.models import Programme, Volunteer
from lotse.volunteers.requirements import Purpose, missing_requirements

CITY = "stadt-lb"
PROGRAMME = "Willkommen in Ludwigsburg"
SPONSORS = 35
NEWCOMERS = 130
SEED = 20
# Of the 46 households reached: sponsorships ended, still getting to know each other (the rest are active).
ENDED = 16
GETTING_TO_KNOW = 8
# The households that joined lately (size, children): three with a sponsorship requested, two still waiting.
WAITING = [(3, 1), (1, 0), (4, 2), (2, 0), (3, 2)]
REQUESTED_ONLY = 3
# WiL plans its sponsorships for a year and a half.
PLANNED_DAYS = 540

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

DISTRICTS = ["Innenstadt", "Oststadt", "Weststadt", "Eglosheim", "Grünbühl", "Hoheneck", "Oßweil", "Poppenweiler"]
TOPICS = ["sprache", "schule_kita", "alltag_behoerden", "arbeit", "freizeit_kultur", "engagement"]
# The life cycle the households' sponsorships reached, in the order they are built (ended ones first: they free
# their sponsors for a second sponsorship).
END_REASONS = list(EndReason.values)


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def _sponsors(city: Organisation) -> list[Volunteer]:
    """The programme's sponsors: the city's active volunteers who take on sponsorships, from the coordinator's own
    list (lotse.demo.volunteers imported it), the first 35 of them by their list ID; the next ones wait for a
    household of their own (the matching proposal has someone to propose)."""
    return list(
        Volunteer.objects.filter(
            organisation=city,
            status=VolunteerStatus.ACTIVE,
            anonymised_at__isnull=True,
            skills__contains=[Skill.SPONSORSHIP],
        )
        .exclude(external_id="")
        .order_by("external_id")[:SPONSORS]
    )


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
    """130 newcomers in 46 households, 56 of them children, from each of the 24 countries; then the households
    that joined lately and wait for their sponsors."""
    countries = list(COUNTRIES)
    # Sizes and children per household: singles, couples, single parents and families; 130 persons, 56 children.
    shapes = [(1, 0)] * 11 + [(2, 0)] * 4 + [(2, 1)] * 6 + [(3, 1)] * 8 + [(4, 2)] * 11 + [(5, 3)] * 5 + [(6, 4)]
    assert sum(size for size, _children in shapes) == NEWCOMERS, sum(size for size, _children in shapes)
    rng.shuffle(shapes)
    shapes += WAITING
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
        sponsors = _sponsors(city)
        participations = []
        households = _households(today, rng)
        reached = len(households) - len(WAITING)
        for index, (_country, members) in enumerate(households):
            # The reached households joined over the programme's two years, the waiting ones in the last weeks.
            joined = _day(today, 700 - index * 14) if index < reached else _day(today, 30 - 5 * (index - reached))
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
            participations.append((participation, joined, members))
            counts["households"] += 1
            counts["newcomers"] += len(members)
        made = _sponsorships(participations, sponsors, today, rng)
        counts.update(made)
    return counts


def _choose(
    sponsors: list[Volunteer], used: Counter[int], wanted: int, purpose: Purpose, on: datetime.date
) -> list[Volunteer]:
    """Up to ``wanted`` sponsors who may take on the sponsorship on ``on`` (active, below their capacity, cleared
    for it on that day), those with the fewest sponsorships so far first: every sponsor gets a household."""
    missing = missing_requirements([sponsor.pk for sponsor in sponsors], purpose, on)
    open_counts = services.open_sponsorship_counts(sponsor.pk for sponsor in sponsors)
    free = [
        sponsor
        for sponsor in sponsors
        if not missing[sponsor.pk] and open_counts.get(sponsor.pk, 0) < sponsor.max_sponsorships
    ]
    free.sort(key=lambda sponsor: (used[sponsor.pk], sponsor.external_id))
    return free[:wanted]


def _sponsorships(
    participations: list[tuple[Any, datetime.date, list[dict[str, Any]]]],
    sponsors: list[Volunteer],
    today: datetime.date,
    rng: random.Random,
) -> dict[str, int]:
    """A sponsorship for each of the 46 households reached, in the order they joined: the early ones ended (with
    every ending reason; they free their sponsors for later households), the later ones getting to know each other
    or active, with check-ins (some due); of the households that joined lately, three are requested and the rest
    wait."""
    reached = len(participations) - len(WAITING)
    plan = (
        [SponsorshipState.ENDED] * ENDED
        + [SponsorshipState.ACTIVE] * (reached - ENDED - GETTING_TO_KNOW)
        + [SponsorshipState.GETTING_TO_KNOW] * GETTING_TO_KNOW
        + [SponsorshipState.REQUESTED] * REQUESTED_ONLY
    )
    made = {"sponsors": 0, "sponsorships": 0, "check_ins": 0}
    used: Counter[int] = Counter()
    for number, ((participation, joined, members), state) in enumerate(zip(participations, plan, strict=False)):
        if state == SponsorshipState.REQUESTED:
            requested = min(joined + datetime.timedelta(days=3), today)
        else:
            requested = joined + datetime.timedelta(days=7 + number % 7)
        with_minors = any(member["birth_date"] > requested.replace(year=requested.year - 18) for member in members)
        purpose = Purpose.SPONSORSHIP_WITH_MINORS if with_minors else Purpose.SPONSORSHIP
        pair = _choose(sponsors, used, 2 if number % 7 == 3 else 1, purpose, requested)
        if not pair:
            continue  # nobody free: the household waits
        used.update(sponsor.pk for sponsor in pair)
        sponsorship = services.request_sponsorship(
            acting_user=None,
            participation=participation,
            sponsors=pair,
            requested_on=requested,
            planned_end=requested + datetime.timedelta(days=PLANNED_DAYS),
        )
        made["sponsorships"] += 1
        day = requested
        for step in (SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ACTIVE):
            if state == SponsorshipState.REQUESTED or (
                state == SponsorshipState.GETTING_TO_KNOW and step == SponsorshipState.ACTIVE
            ):
                break
            day = min(day + datetime.timedelta(days=5 + number % 5), today)
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
                on=min(day + datetime.timedelta(days=200 + 10 * number), today),
                end_reason=END_REASONS[number % len(END_REASONS)],
            )
    made["sponsors"] = len(used)
    return made
