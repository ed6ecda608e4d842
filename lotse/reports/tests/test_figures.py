"""Key figures at a reference date D: every definition at its edges, with exact numbers.

The definitions are those of ``docs/kennzahlen.md``. Each test builds the few
rows it speaks of directly (cases, clients, persons and their dated records)
and asserts the figures exactly.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

import pytest

from lotse.cases.choices import CaseStatus, ClosingReason
from lotse.cases.models import Case, CaseClient
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people.choices import BirthDatePrecision, HousingSituation, LanguageLevel, WorkSituation
from lotse.people.models import Household, HousingRecord, LanguageRecord, Person, WorkRecord
from lotse.reports.figures import (
    FIGURE_KEYS,
    KeyFigures,
    Scope,
    compute,
    default_period_start,
    key_figure_series,
    key_figures,
    key_figures_by,
    key_figures_by_both,
    month_ends,
    share,
)

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 6, 30)
V = datetime.date(2020, 1, 1)
OPENED = datetime.date(2024, 1, 10)
GROWN_UP = datetime.date(1990, 5, 1)
CHILD = datetime.date(2015, 2, 1)
NO_REASONS = dict.fromkeys(ClosingReason.values, 0)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- builders ---------------------------------------------------------------------------------------------------


def person(
    organisation: Organisation,
    born: datetime.date | None = GROWN_UP,
    precision: str = BirthDatePrecision.DAY,
    name: str = "Muster",
) -> Person:
    """A person born on ``born`` (stored as given: a partial date is already its first possible day)."""
    return Person.objects.create(
        organisation=organisation,
        family_name=name,
        birth_date=born,
        birth_date_precision=precision if born is not None else "",
    )


def case(
    organisation: Organisation,
    municipality: Municipality,
    clients: Sequence[Person],
    start: datetime.date = OPENED,
    end: datetime.date | None = None,
    reason: str = ClosingReason.ZIELE_ERREICHT,
) -> Case:
    """A case with the given clients; closed (with ``reason``) when it has an end date."""
    created = Case.objects.create(
        organisation=organisation,
        municipality=municipality,
        household=Household.objects.create(organisation=organisation),
        start_date=start,
        end_date=end,
        status=CaseStatus.CLOSED if end else CaseStatus.ACTIVE,
        closing_reason=reason if end else "",
    )
    for client in clients:
        CaseClient.objects.create(case=created, person=client)
    return created


def language(who: Person, valid_from: datetime.date, level: str) -> None:
    LanguageRecord.objects.create(person=who, valid_from=valid_from, level=level)


def work(who: Person, valid_from: datetime.date, situation: str) -> None:
    WorkRecord.objects.create(person=who, valid_from=valid_from, situation=situation)


def housing(who: Person, valid_from: datetime.date, situation: str) -> None:
    HousingRecord.objects.create(person=who, valid_from=valid_from, situation=situation)


def ages(figures: KeyFigures) -> tuple[int, int, int, int]:
    """(klienten, minderjaehrige, erwachsene, alter_unbekannt)."""
    return figures.klienten, figures.minderjaehrige, figures.erwachsene, figures.alter_unbekannt


def reasons(**counts: int) -> dict[str, int]:
    return {**NO_REASONS, **counts}


def as_values(figures: KeyFigures) -> dict[str, object]:
    return {"stichtag": figures.stichtag, "von": figures.von, **{key: figures.value(key) for key in FIGURE_KEYS}}


@pytest.fixture
def place(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg")


@pytest.fixture
def other_place(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118003", name="Asperg")


@pytest.fixture
def third_place(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118079", name="Freiberg am Neckar")


# --- active cases -------------------------------------------------------------------------------------------------


def test_it_counts_a_case_that_starts_on_the_reference_date_as_active(org_a: Organisation, place: Municipality) -> None:
    case(org_a, place, [person(org_a)], start=D)
    case(org_a, place, [person(org_a)], start=D + days(1))

    figures = key_figures(D, V)
    assert (figures.faelle_aktiv, figures.klienten, figures.erwachsene) == (1, 1, 1)
    before = key_figures(D - days(1), V)
    assert (before.faelle_aktiv, before.klienten) == (0, 0)


def test_it_counts_a_case_ending_on_the_reference_date_as_ended_not_active(
    org_a: Organisation, place: Municipality
) -> None:
    case(org_a, place, [person(org_a), person(org_a, CHILD)], end=D, reason=ClosingReason.WEGZUG)

    figures = key_figures(D, V)
    assert (figures.faelle_aktiv, *ages(figures)) == (0, 0, 0, 0, 0)
    assert figures.beendet_personen == 2
    assert figures.abschlussgruende == reasons(wegzug=1)

    day_before = key_figures(D - days(1), V)
    assert (day_before.faelle_aktiv, *ages(day_before)) == (1, 2, 1, 1, 0)
    assert day_before.beendet_personen == 0
    assert day_before.abschlussgruende == NO_REASONS


def test_it_counts_a_case_ending_the_day_after_the_reference_date_as_active_not_ended(
    org_a: Organisation, place: Municipality
) -> None:
    case(org_a, place, [person(org_a)], end=D + days(1), reason=ClosingReason.RUECKKEHR)

    figures = key_figures(D, V)
    assert (figures.faelle_aktiv, figures.klienten, figures.beendet_personen) == (1, 1, 0)
    assert figures.abschlussgruende == NO_REASONS
    after = key_figures(D + days(1), V)
    assert (after.faelle_aktiv, after.klienten, after.beendet_personen) == (0, 0, 1)
    assert after.abschlussgruende == reasons(rueckkehr=1)


def test_it_counts_a_case_without_clients_as_active_but_no_client(org_a: Organisation, place: Municipality) -> None:
    case(org_a, place, [])

    figures = key_figures(D, V)
    assert (figures.faelle_aktiv, *ages(figures)) == (1, 0, 0, 0, 0)


def test_it_counts_a_client_of_two_active_cases_once(
    org_a: Organisation, org_b: Organisation, place: Municipality, other_place: Municipality
) -> None:
    both = person(org_a)
    case(org_a, place, [both, person(org_a, CHILD)])
    case(org_a, other_place, [both], start=D)
    case(org_b, place, [both])

    figures = key_figures(D, V)
    assert figures.faelle_aktiv == 3
    assert ages(figures) == (2, 1, 1, 0)


# --- age ----------------------------------------------------------------------------------------------------------


def test_it_counts_the_18th_birthday_on_the_reference_date_as_adult(org_a: Organisation, place: Municipality) -> None:
    case(
        org_a,
        place,
        [
            person(org_a, date("2007-06-30")),  # 18 on D
            person(org_a, date("2007-07-01")),  # 18 the day after D
            person(org_a, date("2007-06-29")),  # 18 the day before D
        ],
    )

    assert ages(key_figures(D - days(1), V)) == (3, 2, 1, 0)
    assert ages(key_figures(D, V)) == (3, 1, 2, 0)
    assert ages(key_figures(D + days(1), V)) == (3, 0, 3, 0)


def test_it_lets_a_person_born_on_29_february_come_of_age_on_1_march(org_a: Organisation, place: Municipality) -> None:
    case(org_a, place, [person(org_a, date("2008-02-29"))], start=date("2024-01-01"))

    assert ages(key_figures(date("2024-02-29"), V)) == (1, 1, 0, 0)  # 16th birthday, still a minor
    assert ages(key_figures(date("2026-02-28"), V)) == (1, 1, 0, 0)
    assert ages(key_figures(date("2026-03-01"), V)) == (1, 0, 1, 0)


def test_it_counts_ages_on_29_february_of_a_leap_year(org_a: Organisation, place: Municipality) -> None:
    case(
        org_a,
        place,
        [person(org_a, date("2006-02-28")), person(org_a, date("2006-03-01"))],
        start=date("2024-01-01"),
    )

    assert ages(key_figures(date("2024-02-28"), V)) == (2, 1, 1, 0)
    assert ages(key_figures(date("2024-02-29"), V)) == (2, 1, 1, 0)
    assert ages(key_figures(date("2024-03-01"), V)) == (2, 0, 2, 0)


def test_it_counts_a_birth_month_from_its_first_day(org_a: Organisation, place: Municipality) -> None:
    # Born "06.2007": possibly on 30.06.2007, but counted from 01.06.2007.
    case(org_a, place, [person(org_a, date("2007-06-01"), BirthDatePrecision.MONTH)])

    assert ages(key_figures(date("2025-05-31"), V)) == (1, 1, 0, 0)
    assert ages(key_figures(date("2025-06-01"), V)) == (1, 0, 1, 0)


def test_it_counts_a_birth_year_from_1_january(org_a: Organisation, place: Municipality) -> None:
    # Born "2008": counted from 01.01.2008.
    case(org_a, place, [person(org_a, date("2008-01-01"), BirthDatePrecision.YEAR)])

    assert ages(key_figures(date("2025-12-31"), V)) == (1, 1, 0, 0)
    assert ages(key_figures(date("2026-01-01"), V)) == (1, 0, 1, 0)


def test_it_counts_a_client_without_date_of_birth_as_age_unknown_only(org_a: Organisation, place: Municipality) -> None:
    unknown = person(org_a, None)
    language(unknown, date("2024-01-01"), LanguageLevel.C1)
    work(unknown, date("2024-01-01"), WorkSituation.BESCHAEFTIGT_SVP)
    case(org_a, place, [unknown, person(org_a)])

    figures = key_figures(D, V)
    assert ages(figures) == (2, 0, 1, 1)
    assert (figures.erwachsene_b1_plus, figures.erwachsene_beschaeftigt) == (0, 0)
    assert (figures.anteil_b1_plus, figures.anteil_beschaeftigt) == (Decimal("0.0"), Decimal("0.0"))


def test_it_counts_a_person_born_after_the_reference_date_as_minor(org_a: Organisation, place: Municipality) -> None:
    case(org_a, place, [person(org_a, D + days(30))])

    assert ages(key_figures(D, V)) == (1, 1, 0, 0)


# --- language level -----------------------------------------------------------------------------------------------


def test_it_takes_a_language_record_dated_on_the_reference_date(org_a: Organisation, place: Municipality) -> None:
    on_d = person(org_a)
    language(on_d, date("2024-01-01"), LanguageLevel.A2)
    language(on_d, D, LanguageLevel.B1)
    case(org_a, place, [on_d])

    assert key_figures(D - days(1), V).erwachsene_b1_plus == 0
    assert key_figures(D, V).erwachsene_b1_plus == 1


def test_it_ignores_a_language_record_dated_after_the_reference_date(org_a: Organisation, place: Municipality) -> None:
    later = person(org_a)
    language(later, D + days(1), LanguageLevel.C2)
    case(org_a, place, [later])

    assert key_figures(D, V).erwachsene_b1_plus == 0
    assert key_figures(D + days(1), V).erwachsene_b1_plus == 1


def test_it_lets_a_later_lower_language_record_override_a_higher_one(org_a: Organisation, place: Municipality) -> None:
    fallen = person(org_a)
    language(fallen, date("2024-02-01"), LanguageLevel.B2)
    language(fallen, date("2025-03-01"), LanguageLevel.A2)
    case(org_a, place, [fallen])

    assert key_figures(date("2025-02-28"), V).erwachsene_b1_plus == 1
    assert key_figures(date("2025-03-01"), V).erwachsene_b1_plus == 0
    assert key_figures(D, V).erwachsene_b1_plus == 0


def test_it_counts_each_level_from_b1_and_no_record_as_none(org_a: Organisation, place: Municipality) -> None:
    clients = []
    for level in LanguageLevel.values:
        client = person(org_a)
        language(client, date("2024-01-01"), level)
        clients.append(client)
    clients.append(person(org_a))  # no record: "keine"
    minor = person(org_a, CHILD)
    language(minor, date("2024-01-01"), LanguageLevel.C2)
    clients.append(minor)
    case(org_a, place, clients)

    figures = key_figures(D, V)
    assert ages(figures) == (9, 1, 8, 0)
    assert figures.erwachsene_b1_plus == 4  # B1, B2, C1, C2; not keine, A1, A2, no record, nor the minor
    assert figures.anteil_b1_plus == Decimal("50.0")


# --- work situation -----------------------------------------------------------------------------------------------


def test_it_counts_employed_and_in_training_adults_by_their_work_situation(
    org_a: Organisation, place: Municipality
) -> None:
    clients = []
    for situation in WorkSituation.values:
        client = person(org_a)
        work(client, date("2024-01-01"), situation)
        clients.append(client)
    clients.append(person(org_a))  # no work record
    for situation in (WorkSituation.BESCHAEFTIGT_SVP, WorkSituation.AUSBILDUNG):
        minor = person(org_a, CHILD)
        work(minor, date("2024-01-01"), situation)
        clients.append(minor)
    case(org_a, place, clients)

    figures = key_figures(D, V)
    assert ages(figures) == (15, 2, 13, 0)
    assert figures.erwachsene_beschaeftigt == 1  # beschaeftigt_svp only, not geringfuegig nor selbststaendig
    assert figures.erwachsene_ausbildung == 3  # ausbildung, praktikum, studium
    assert figures.anteil_beschaeftigt == Decimal("7.7")  # 1 of 13 = 7.69…
    assert figures.anteil_ausbildung == Decimal("23.1")  # 3 of 13 = 23.08…


def test_it_takes_the_work_situation_holding_on_the_reference_date(org_a: Organisation, place: Municipality) -> None:
    on_d = person(org_a)
    work(on_d, date("2024-01-01"), WorkSituation.ARBEITSUCHEND)
    work(on_d, D, WorkSituation.BESCHAEFTIGT_SVP)
    after_d = person(org_a)
    work(after_d, D + days(1), WorkSituation.STUDIUM)
    lost = person(org_a)
    work(lost, date("2024-01-01"), WorkSituation.BESCHAEFTIGT_SVP)
    work(lost, date("2025-05-01"), WorkSituation.GERINGFUEGIG)
    left_training = person(org_a)
    work(left_training, date("2024-01-01"), WorkSituation.PRAKTIKUM)
    work(left_training, D - days(1), WorkSituation.SONSTIGES)
    case(org_a, place, [on_d, after_d, lost, left_training])

    figures = key_figures(D, V)
    assert (figures.erwachsene, figures.erwachsene_beschaeftigt, figures.erwachsene_ausbildung) == (4, 1, 0)
    day_before = key_figures(D - days(1), V)
    assert (day_before.erwachsene_beschaeftigt, day_before.erwachsene_ausbildung) == (0, 0)
    earlier = key_figures(date("2025-04-30"), V)
    assert (earlier.erwachsene_beschaeftigt, earlier.erwachsene_ausbildung) == (1, 1)
    after = key_figures(D + days(1), V)
    assert (after.erwachsene_beschaeftigt, after.erwachsene_ausbildung) == (1, 1)


def test_it_counts_a_minor_by_work_situation_once_of_age(org_a: Organisation, place: Municipality) -> None:
    trainee = person(org_a, date("2007-06-30"))
    work(trainee, date("2024-09-01"), WorkSituation.AUSBILDUNG)
    language(trainee, date("2024-09-01"), LanguageLevel.B1)
    case(org_a, place, [trainee])

    before = key_figures(D - days(1), V)
    assert (before.erwachsene, before.erwachsene_ausbildung, before.erwachsene_b1_plus) == (0, 0, 0)
    assert before.anteil_ausbildung is None
    on_d = key_figures(D, V)
    assert (on_d.erwachsene, on_d.erwachsene_ausbildung, on_d.erwachsene_b1_plus) == (1, 1, 1)
    assert on_d.anteil_ausbildung == Decimal("100.0")


# --- shares -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, "12.5"),
        (1, 6, "16.7"),
        (2, 3, "66.7"),
        (1, 3, "33.3"),
        (1, 16, "6.3"),  # 6.25: round(6.25, 1) == 6.2 in floating point
        (1, 80, "1.3"),  # 1.25: round(1.25, 1) == 1.2
        (3, 16, "18.8"),  # 18.75
        (7, 80, "8.8"),  # 8.75
        (1, 2000, "0.1"),  # 0.05
        (1, 2001, "0.0"),  # 0.04997…
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_it_rounds_a_share_half_up_to_one_decimal(part: int, whole: int, expected: str) -> None:
    result = share(part, whole)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_it_gives_no_share_of_nobody() -> None:
    assert share(0, 0) is None
    assert share(3, 0) is None


@pytest.mark.parametrize(
    ("adults", "counted", "expected", "expected_training"),
    [
        (8, 1, "12.5", "12.5"),
        (6, 1, "16.7", "16.7"),
        (3, 2, "66.7", "33.3"),
        (16, 1, "6.3", "6.3"),
        (16, 3, "18.8", "18.8"),
    ],
)
def test_it_computes_the_shares_of_adults_rounded_half_up(
    org_a: Organisation, place: Municipality, adults: int, counted: int, expected: str, expected_training: str
) -> None:
    clients = [person(org_a) for _ in range(adults)]
    for client in clients[:counted]:
        language(client, date("2024-01-01"), LanguageLevel.B1)
        work(client, date("2024-01-01"), WorkSituation.BESCHAEFTIGT_SVP)
    for client in clients[counted : 2 * counted]:
        work(client, date("2024-01-01"), WorkSituation.STUDIUM)
    clients.append(person(org_a, CHILD))  # minors are not part of the whole
    case(org_a, place, clients)

    figures = key_figures(D, V)
    assert (figures.erwachsene, figures.minderjaehrige) == (adults, 1)
    assert figures.anteil_b1_plus == figures.anteil_beschaeftigt == Decimal(expected)
    assert figures.anteil_ausbildung == Decimal(expected_training)
    as_json = figures.as_json()
    assert as_json["anteil_b1_plus"] == as_json["anteil_beschaeftigt"] == float(expected)
    assert as_json["anteil_ausbildung"] == float(expected_training)


def test_it_gives_no_shares_without_adults(org_a: Organisation, place: Municipality) -> None:
    minor = person(org_a, CHILD)
    language(minor, date("2024-01-01"), LanguageLevel.B1)
    case(org_a, place, [minor, person(org_a, None)])

    figures = key_figures(D, V)
    assert ages(figures) == (2, 1, 0, 1)
    assert (figures.anteil_b1_plus, figures.anteil_beschaeftigt, figures.anteil_ausbildung) == (None, None, None)
    as_json = figures.as_json()
    assert (as_json["anteil_b1_plus"], as_json["anteil_beschaeftigt"], as_json["anteil_ausbildung"]) == (
        None,
        None,
        None,
    )


def test_it_gives_no_shares_on_an_empty_installation(db: None) -> None:
    figures = key_figures(D, V)
    assert as_values(figures) == {
        "stichtag": D,
        "von": V,
        **dict.fromkeys(FIGURE_KEYS, 0),
        "anteil_b1_plus": None,
        "anteil_beschaeftigt": None,
        "anteil_ausbildung": None,
        "abschlussgruende": NO_REASONS,
    }


# --- ended cases --------------------------------------------------------------------------------------------------


def test_it_counts_a_person_of_two_ended_cases_once(org_a: Organisation, place: Municipality) -> None:
    twice = person(org_a)
    case(org_a, place, [twice], start=date("2021-01-01"), end=date("2022-05-31"), reason=ClosingReason.WEGZUG)
    case(org_a, place, [twice, person(org_a)], end=date("2025-01-15"), reason=ClosingReason.ZIELE_ERREICHT)

    figures = key_figures(D, V)
    assert figures.beendet_personen == 2
    assert figures.abschlussgruende == reasons(wegzug=1, ziele_erreicht=1)
    between = key_figures(date("2023-01-01"), V)
    assert between.beendet_personen == 1
    assert between.abschlussgruende == reasons(wegzug=1)


def test_it_counts_every_closing_reason_code(org_a: Organisation, place: Municipality) -> None:
    for index, reason in enumerate(ClosingReason.values):
        for _ in range(index % 3):
            case(org_a, place, [person(org_a)], end=date("2025-01-01"), reason=reason)

    figures = key_figures(D, V)
    assert list(figures.abschlussgruende) == list(ClosingReason.values)
    assert figures.abschlussgruende == {reason: index % 3 for index, reason in enumerate(ClosingReason.values)}
    assert figures.beendet_personen == sum(index % 3 for index in range(len(ClosingReason.values)))


def test_it_counts_ended_cases_from_the_period_start_on(org_a: Organisation, place: Municipality) -> None:
    von = date("2025-01-01")
    case(org_a, place, [person(org_a)], start=date("2023-01-01"), end=von - days(1), reason=ClosingReason.WEGZUG)
    case(org_a, place, [person(org_a)], end=von, reason=ClosingReason.UEBERGABE)
    case(org_a, place, [person(org_a)], end=D, reason=ClosingReason.HOECHSTDAUER)
    case(org_a, place, [person(org_a)], end=D + days(1), reason=ClosingReason.VERSTORBEN)

    figures = key_figures(D, von)
    assert figures.von == von
    assert figures.beendet_personen == 2
    assert figures.abschlussgruende == reasons(uebergabe=1, hoechstdauer=1)
    everything = key_figures(D, V)
    assert everything.beendet_personen == 3
    assert everything.abschlussgruende == reasons(wegzug=1, uebergabe=1, hoechstdauer=1)
    assert key_figures(D, D + days(1)).beendet_personen == 0


def test_it_counts_own_tenancies_by_the_housing_on_the_end_date(org_a: Organisation, place: Municipality) -> None:
    end = date("2025-03-31")
    on_end = person(org_a, name="on the end date")
    housing(on_end, date("2024-01-01"), HousingSituation.ANSCHLUSSUNTERBRINGUNG)
    housing(on_end, end, HousingSituation.PRIVATER_MIETVERTRAG)
    after_end = person(org_a, name="the day after")
    housing(after_end, date("2024-01-01"), HousingSituation.VORLAEUFIGE_UNTERBRINGUNG)
    housing(after_end, end + days(1), HousingSituation.PRIVATER_MIETVERTRAG)
    moved_out = person(org_a, name="tenancy given up")
    housing(moved_out, date("2024-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    housing(moved_out, end - days(1), HousingSituation.NOTUNTERKUNFT)
    long_ago = person(org_a, name="tenant since long")
    housing(long_ago, date("2022-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    no_record = person(org_a, name="no housing record")
    case(org_a, place, [on_end, after_end, moved_out, long_ago, no_record], end=end)

    # Two ended cases: only the second ended into an own tenancy; the person counts once.
    twice = person(org_a, name="two cases")
    housing(twice, date("2022-01-01"), HousingSituation.NOTUNTERKUNFT)
    housing(twice, date("2023-06-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [twice], start=date("2021-01-01"), end=date("2023-05-31"))
    case(org_a, place, [twice], start=date("2023-07-01"), end=end)

    figures = key_figures(D, V)
    assert figures.beendet_personen == 6
    assert figures.beendet_mit_mietvertrag == 3  # on_end, long_ago, twice
    assert figures.beendet_erstmals_privat == 3  # none of them had an own tenancy before
    # Before the second case of ``twice`` ended, only its first (into a shelter) had.
    before = key_figures(end - days(1), V)
    assert (before.beendet_personen, before.beendet_mit_mietvertrag) == (1, 0)
    # With V after the first case of ``twice`` the person still counts, by the second.
    later = key_figures(D, date("2024-01-01"))
    assert (later.beendet_personen, later.beendet_mit_mietvertrag) == (6, 3)


def test_it_counts_the_tenancy_of_the_case_that_ended_into_it(org_a: Organisation, place: Municipality) -> None:
    # The first case ended into an own tenancy, the second (a year later) into a shelter: one suffices.
    tenant = person(org_a)
    housing(tenant, date("2022-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    housing(tenant, date("2023-01-01"), HousingSituation.NOTUNTERKUNFT)
    case(org_a, place, [tenant], start=date("2021-01-01"), end=date("2022-06-30"))
    case(org_a, place, [tenant], start=date("2023-02-01"), end=date("2024-06-30"))

    figures = key_figures(D, V)
    assert (figures.beendet_personen, figures.beendet_mit_mietvertrag) == (1, 1)
    # A period starting after the first end leaves only the case that ended into the shelter.
    later = key_figures(D, date("2023-01-01"))
    assert (later.beendet_personen, later.beendet_mit_mietvertrag) == (1, 0)


def test_it_ignores_housing_changes_after_the_end_even_before_the_reference_date(
    org_a: Organisation, place: Municipality
) -> None:
    moved_later = person(org_a)
    housing(moved_later, date("2024-01-01"), HousingSituation.ANSCHLUSSUNTERBRINGUNG)
    housing(moved_later, date("2025-05-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [moved_later], end=date("2025-03-31"))

    figures = key_figures(D, V)
    assert (figures.beendet_personen, figures.beendet_mit_mietvertrag) == (1, 0)


def test_it_counts_first_own_tenancies_only_without_an_earlier_one_at_the_period_boundaries(
    org_a: Organisation, place: Municipality
) -> None:
    von = date("2025-01-01")
    # Ended on the period start, into a first tenancy recorded on the end date itself.
    first_on_start = person(org_a, name="first, ended on V")
    housing(first_on_start, date("2024-01-01"), HousingSituation.ANSCHLUSSUNTERBRINGUNG)
    housing(first_on_start, von, HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [first_on_start], end=von)
    # Ended on the reference date, in a first tenancy since long.
    first_on_d = person(org_a, name="first, ended on D")
    housing(first_on_d, date("2023-03-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [first_on_d], end=D)
    # An own tenancy before, then a shelter, then an own tenancy again: not the first.
    again = person(org_a, name="tenant again")
    housing(again, date("2019-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    housing(again, date("2022-01-01"), HousingSituation.NOTUNTERKUNFT)
    housing(again, date("2025-02-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [again], end=date("2025-03-31"))
    # From one rented flat into the next: not the first either.
    next_flat = person(org_a, name="next flat")
    housing(next_flat, date("2023-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    housing(next_flat, date("2025-02-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [next_flat], end=date("2025-03-31"))
    # A first tenancy, but the case ended the day before the period or the day after the reference date.
    before = person(org_a, name="ended before V")
    housing(before, date("2024-12-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [before], start=date("2023-01-01"), end=von - days(1))
    after = person(org_a, name="ends after D")
    housing(after, date("2025-01-15"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [after], end=D + days(1))
    # The first tenancy begins the day after the end: the end date's housing counts, not later ones.
    too_late = person(org_a, name="tenancy after the end")
    housing(too_late, date("2024-01-01"), HousingSituation.ANSCHLUSSUNTERBRINGUNG)
    housing(too_late, date("2025-04-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [too_late], end=date("2025-03-31"))

    figures = key_figures(D, von)
    assert (figures.beendet_personen, figures.beendet_mit_mietvertrag, figures.beendet_erstmals_privat) == (5, 4, 2)
    day_before = key_figures(D - days(1), von)
    assert (day_before.beendet_mit_mietvertrag, day_before.beendet_erstmals_privat) == (3, 1)
    on_start = key_figures(von, von)
    assert (on_start.beendet_personen, on_start.beendet_erstmals_privat) == (1, 1)
    # From the whole history on, the case that ended the day before V counts as well.
    assert key_figures(D, V).beendet_erstmals_privat == 3
    # A series counts the same as single dates.
    series = key_figure_series([von, D - days(1), D], von)
    assert [f.beendet_erstmals_privat for f in series] == [1, 1, 2]


def test_it_counts_a_first_tenancy_from_the_case_that_ended_into_it(org_a: Organisation, place: Municipality) -> None:
    # The first case ended into the first tenancy, the second into the next one: the person counts once, by
    # the first case; a period starting after it sees only the second tenancy, which is not the first.
    tenant = person(org_a)
    housing(tenant, date("2022-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    housing(tenant, date("2024-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [tenant], start=date("2021-01-01"), end=date("2022-06-30"))
    case(org_a, place, [tenant], start=date("2023-02-01"), end=date("2024-06-30"))

    figures = key_figures(D, V)
    assert (figures.beendet_personen, figures.beendet_mit_mietvertrag, figures.beendet_erstmals_privat) == (1, 1, 1)
    later = key_figures(D, date("2023-01-01"))
    assert (later.beendet_personen, later.beendet_mit_mietvertrag, later.beendet_erstmals_privat) == (1, 1, 0)


# --- period start, filters and groups -----------------------------------------------------------------------------


def test_it_starts_the_period_at_the_earliest_case_start_in_the_scope(
    org_a: Organisation, org_b: Organisation, place: Municipality, other_place: Municipality
) -> None:
    case(org_a, place, [person(org_a)], start=date("2018-03-05"), end=date("2019-02-01"), reason="wegzug")
    case(org_b, other_place, [person(org_b)], start=date("2021-07-01"))
    case(org_b, place, [person(org_b)], start=date("2022-02-02"), end=date("2023-03-03"))

    figures = key_figures(D)
    assert figures.von == date("2018-03-05")
    assert figures.beendet_personen == 2
    assert figures.abschlussgruende == reasons(wegzug=1, ziele_erreicht=1)
    assert key_figures(D, scope=Scope(organisation=org_b)).von == date("2021-07-01")
    assert key_figures(D, scope=Scope(organisation=org_b, municipality=place)).von == date("2022-02-02")
    assert default_period_start(Scope(municipality=place), D) == date("2018-03-05")
    assert default_period_start(Scope(municipality=other_place), D) == date("2021-07-01")


def test_it_starts_the_period_at_the_reference_date_without_cases(
    org_a: Organisation, org_b: Organisation, place: Municipality, other_place: Municipality
) -> None:
    case(org_a, place, [person(org_a)], start=date("2018-03-05"))

    assert default_period_start(Scope(organisation=org_b), D) == D
    assert key_figures(D, scope=Scope(municipality=other_place)).von == D
    assert key_figures(D).von == date("2018-03-05")


@pytest.fixture
def two_organisations(
    org_a: Organisation, org_b: Organisation, place: Municipality, other_place: Municipality
) -> dict[str, Person]:
    """Org A: a family of an adult and a child in ``place``, the same adult alone in ``other_place``, and a
    case in ``other_place`` that ended in 2024; org B: one adult in ``place`` and that same adult of org A's
    family; each adult is employed."""
    parent, child, single, former = person(org_a), person(org_a, CHILD), person(org_b), person(org_a)
    for adult in (parent, single):
        work(adult, date("2024-01-01"), WorkSituation.BESCHAEFTIGT_SVP)
    case(org_a, place, [parent, child])
    case(org_a, other_place, [parent])
    case(org_a, other_place, [former], end=date("2024-12-31"), reason=ClosingReason.EIGENER_WOHNRAUM)
    case(org_b, place, [single, parent])
    return {"parent": parent, "child": child, "single": single, "former": former}


def test_it_filters_by_the_organisation_of_the_case(
    org_a: Organisation, org_b: Organisation, two_organisations: dict[str, Person]
) -> None:
    everything = key_figures(D, V)
    assert (*ages(everything), everything.faelle_aktiv, everything.beendet_personen) == (3, 1, 2, 0, 3, 1)
    of_a = key_figures(D, V, Scope(organisation=org_a))
    assert (*ages(of_a), of_a.faelle_aktiv, of_a.beendet_personen) == (2, 1, 1, 0, 2, 1)
    assert of_a.abschlussgruende == reasons(eigener_wohnraum=1)
    of_b = key_figures(D, V, Scope(organisation=org_b))
    assert (*ages(of_b), of_b.faelle_aktiv, of_b.beendet_personen) == (2, 0, 2, 0, 1, 0)
    assert (of_b.erwachsene_beschaeftigt, of_b.anteil_beschaeftigt) == (2, Decimal("100.0"))
    assert of_b.abschlussgruende == NO_REASONS


def test_it_filters_by_the_municipality_of_the_case(
    org_a: Organisation,
    org_b: Organisation,
    place: Municipality,
    other_place: Municipality,
    third_place: Municipality,
    two_organisations: dict[str, Person],
) -> None:
    in_place = key_figures(D, V, Scope(municipality=place))
    assert (*ages(in_place), in_place.faelle_aktiv, in_place.beendet_personen) == (3, 1, 2, 0, 2, 0)
    in_other = key_figures(D, V, Scope(municipality=other_place))
    assert (*ages(in_other), in_other.faelle_aktiv, in_other.beendet_personen) == (1, 0, 1, 0, 1, 1)
    assert in_other.anteil_beschaeftigt == Decimal("100.0")
    nowhere = key_figures(D, V, Scope(municipality=third_place))
    assert (*ages(nowhere), nowhere.faelle_aktiv, nowhere.beendet_personen) == (0, 0, 0, 0, 0, 0)
    both = key_figures(D, V, Scope(organisation=org_b, municipality=other_place))
    assert (both.klienten, both.faelle_aktiv, both.beendet_personen) == (0, 0, 0)
    both = key_figures(D, V, Scope(organisation=org_a, municipality=place))
    assert (*ages(both), both.faelle_aktiv, both.beendet_personen) == (2, 1, 1, 0, 1, 0)


def test_it_counts_a_person_in_each_group_of_their_cases(
    org_a: Organisation,
    org_b: Organisation,
    county: Organisation,
    place: Municipality,
    other_place: Municipality,
    third_place: Municipality,
    two_organisations: dict[str, Person],
) -> None:
    by_municipality = key_figures_by("municipality", D, V)
    assert set(by_municipality) == {place.pk, other_place.pk}  # no case in the third place
    in_place, in_other = by_municipality[place.pk], by_municipality[other_place.pk]
    assert (*ages(in_place), in_place.faelle_aktiv, in_place.beendet_personen) == (3, 1, 2, 0, 2, 0)
    assert (*ages(in_other), in_other.faelle_aktiv, in_other.beendet_personen) == (1, 0, 1, 0, 1, 1)
    assert in_other.abschlussgruende == reasons(eigener_wohnraum=1)
    assert (in_other.stichtag, in_other.von) == (D, V)

    by_organisation = key_figures_by("organisation", D, V)
    assert set(by_organisation) == {org_a.pk, org_b.pk}  # the county has no case
    of_a, of_b = by_organisation[org_a.pk], by_organisation[org_b.pk]
    assert (*ages(of_a), of_a.faelle_aktiv, of_a.beendet_personen) == (2, 1, 1, 0, 2, 1)
    assert (*ages(of_b), of_b.faelle_aktiv, of_b.beendet_personen) == (2, 0, 2, 0, 1, 0)
    # The parent counts in both organisations, once in the total.
    assert of_a.klienten + of_b.klienten == key_figures(D, V).klienten + 1
    # Both breakdowns at once (as the dashboard computes them) give exactly the same figures.
    both = key_figures_by_both(D, V)
    assert both == {"municipality": by_municipality, "organisation": by_organisation}

    # Each group's figures are those of the scope narrowed to it.
    for pk, figures in by_municipality.items():
        narrowed = key_figures(D, V, Scope(municipality=Municipality.objects.get(pk=pk)))
        assert as_values(figures) == as_values(narrowed)
    for pk, figures in by_organisation.items():
        narrowed = key_figures(D, V, Scope(organisation=Organisation.objects.get(pk=pk)))
        assert as_values(figures) == as_values(narrowed)


def test_it_groups_within_the_scope(
    org_a: Organisation, org_b: Organisation, place: Municipality, two_organisations: dict[str, Person]
) -> None:
    of_b = key_figures_by("municipality", D, V, Scope(organisation=org_b))
    assert set(of_b) == {place.pk}
    assert (of_b[place.pk].klienten, of_b[place.pk].faelle_aktiv) == (2, 1)
    in_place = key_figures_by("organisation", D, V, Scope(municipality=place))
    assert {pk: figures.klienten for pk, figures in in_place.items()} == {org_a.pk: 2, org_b.pk: 2}


# --- series and month ends ----------------------------------------------------------------------------------------


def test_it_gives_the_same_figures_in_a_series_as_at_each_date(
    org_a: Organisation, place: Municipality, other_place: Municipality, two_organisations: dict[str, Person]
) -> None:
    teen = person(org_a, date("2007-03-15"))
    language(teen, date("2025-02-01"), LanguageLevel.B1)
    work(teen, date("2025-04-01"), WorkSituation.AUSBILDUNG)
    housing(teen, date("2025-01-20"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [teen], start=date("2024-11-15"), end=date("2025-05-20"), reason=ClosingReason.KONTAKTABBRUCH)
    case(org_a, other_place, [person(org_a)], start=date("2025-02-28"), end=date("2025-03-31"))

    # Out of order and with a repeated day: each figure stands at its place.
    series_days = [*month_ends(date("2024-10-01"), D), date("2025-03-15"), date("2025-03-31")]
    series = key_figure_series(series_days, V)
    assert [figures.stichtag for figures in series] == series_days
    for figures in series:
        assert as_values(figures) == as_values(key_figures(figures.stichtag, V))
    for scope in (Scope(organisation=org_a), Scope(municipality=other_place)):
        for figures in key_figure_series(series_days, V, scope):
            assert as_values(figures) == as_values(key_figures(figures.stichtag, V, scope))
    by_day = {figures.stichtag: figures for figures in series}
    assert [by_day[day].beendet_personen for day in month_ends(date("2025-01-01"), D)] == [1, 1, 2, 2, 3, 3]
    assert by_day[date("2025-04-30")].erwachsene_ausbildung == 1  # the teen came of age in March
    assert by_day[date("2025-02-28")].erwachsene_b1_plus == 0


def test_it_lets_clients_come_of_age_within_a_series(org_a: Organisation, place: Municipality) -> None:
    leap_born = person(org_a, date("2008-02-29"))
    leap_born_employed = person(org_a, date("2008-02-29"))
    work(leap_born_employed, date("2025-09-01"), WorkSituation.AUSBILDUNG)
    case(
        org_a,
        place,
        [
            leap_born,
            leap_born_employed,
            person(org_a, date("2008-03-01")),
            person(org_a, date("2008-02-28")),
            person(org_a, date("2008-02-01"), BirthDatePrecision.MONTH),  # "02.2008"
            person(org_a, date("2008-01-01"), BirthDatePrecision.YEAR),  # "2008"
        ],
        start=date("2025-06-01"),
    )
    every_day = [date("2025-12-30") + days(n) for n in range(65)]  # 30.12.2025 to 04.03.2026

    series = key_figure_series(every_day, V)
    for figures in series:
        assert as_values(figures) == as_values(key_figures(figures.stichtag, V)), figures.stichtag
    by_day = {figures.stichtag: figures for figures in series}
    assert ages(by_day[date("2025-12-31")]) == (6, 6, 0, 0)
    assert ages(by_day[date("2026-01-01")]) == (6, 5, 1, 0)
    assert ages(by_day[date("2026-02-01")]) == (6, 4, 2, 0)
    assert ages(by_day[date("2026-02-27")]) == (6, 4, 2, 0)
    assert ages(by_day[date("2026-02-28")]) == (6, 3, 3, 0)
    assert ages(by_day[date("2026-03-01")]) == (6, 0, 6, 0)
    assert by_day[date("2026-02-28")].erwachsene_ausbildung == 0
    assert by_day[date("2026-03-01")].erwachsene_ausbildung == 1


def test_it_counts_a_client_of_overlapping_cases_once_in_a_series(
    org_a: Organisation, org_b: Organisation, place: Municipality, other_place: Municipality
) -> None:
    twice = person(org_a)
    language(twice, date("2025-03-01"), LanguageLevel.B2)
    case(org_a, place, [twice, person(org_a, CHILD)], start=date("2025-01-10"))
    case(org_a, place, [twice], start=date("2025-02-15"), end=date("2025-04-30"))
    case(org_b, other_place, [twice], start=date("2025-03-20"), end=date("2025-05-31"))
    case(org_a, place, [twice], start=date("2025-04-30"), end=date("2025-06-15"))  # starts as another ends

    series_days = month_ends(date("2025-01-01"), D)
    series = key_figure_series(series_days, V)
    assert [(f.klienten, f.erwachsene, f.erwachsene_b1_plus, f.faelle_aktiv) for f in series] == [
        (2, 1, 0, 1),
        (2, 1, 0, 2),
        (2, 1, 1, 3),
        (2, 1, 1, 3),
        (2, 1, 1, 2),
        (2, 1, 1, 1),
    ]
    for figures in series:
        assert as_values(figures) == as_values(key_figures(figures.stichtag, V))
    grouped = compute(series_days, V, Scope(), "municipality")
    for day in series_days:
        for pk, figures in key_figures_by("municipality", day, V).items():
            assert as_values(grouped[(day, pk)]) == as_values(figures)
    assert grouped[(date("2025-03-31"), place.pk)].klienten == 2
    assert grouped[(date("2025-03-31"), other_place.pk)].klienten == 1


def test_it_computes_every_day_and_group_in_one_go(
    org_a: Organisation, org_b: Organisation, two_organisations: dict[str, Person]
) -> None:
    series_days = [date("2023-12-31"), date("2024-12-31"), D]
    result = compute(series_days, V, Scope(), "organisation")
    for day in series_days:
        by_organisation = key_figures_by("organisation", day, V)
        assert {group: as_values(figures) for (d, group), figures in result.items() if d == day} == {
            group: as_values(figures) for group, figures in by_organisation.items()
        }
    assert compute([], V, Scope()) == {}


def test_it_lists_the_month_ends_up_to_the_reference_date() -> None:
    assert month_ends(date("2024-11-10"), date("2025-03-15")) == [
        date("2024-11-30"),
        date("2024-12-31"),
        date("2025-01-31"),
        date("2025-02-28"),
        date("2025-03-15"),
    ]
    assert month_ends(date("2024-01-31"), date("2024-03-31")) == [
        date("2024-01-31"),
        date("2024-02-29"),
        date("2024-03-31"),
    ]
    assert month_ends(date("2025-06-01"), date("2025-06-01")) == [date("2025-06-01")]
    assert month_ends(date("2025-06-30"), date("2025-06-30")) == [date("2025-06-30")]
    assert len(month_ends(date("2023-07-01"), date("2025-06-30"))) == 24
    assert month_ends(date("2025-07-01"), date("2025-06-30")) == []


def test_it_does_not_count_youth_welfare_or_a_foster_family_as_an_own_tenancy(
    org_a: Organisation, place: Municipality
) -> None:
    end = date("2025-03-31")
    foster, youth, tenant = (person(org_a, name=name) for name in ("foster family", "youth welfare", "tenant"))
    housing(foster, date("2024-01-01"), HousingSituation.PFLEGEFAMILIE)
    housing(youth, date("2024-01-01"), HousingSituation.JUGENDHILFE)
    housing(tenant, date("2024-01-01"), HousingSituation.PRIVATER_MIETVERTRAG)
    case(org_a, place, [foster, youth, tenant], end=end)

    figures = key_figures(D, V)
    assert (figures.beendet_personen, figures.beendet_mit_mietvertrag) == (3, 1)
