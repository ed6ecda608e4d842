"""Persons, households and dated status facts: the model and its services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from lotse.cases.tests.factories import (
    TODAY,
    HouseholdFactory,
    HouseholdMembershipFactory,
    PersonFactory,
    acting_user_of,
    days,
    events_of,
    frozen_today,
    refused_with,
)
from lotse.core.services import ConcurrentEditError
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people import services
from lotse.people.choices import (
    STATELESS,
    BirthDatePrecision,
    HousingSituation,
    LanguageCourse,
    LanguageEvidence,
    LanguageLevel,
    Relationship,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.dates import format_partial_date, parse_partial_date
from lotse.people.models import (
    HouseholdMembership,
    HousingRecord,
    LanguageRecord,
    Person,
    ResidenceRecord,
    WorkRecord,
)
from lotse.people.search import fold, plain

pytestmark = pytest.mark.django_db

NOT_A_DATE = "“%s” is not a date of birth. Write DD.MM.YYYY, MM.YYYY or only the year YYYY."
NOT_OWNER = "Only the organisation responsible for the case may change it."


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


def make_person(acting_user, **fields) -> Person:
    fields.setdefault("family_name", "Haddad")
    return services.create_person(acting_user=acting_user, organisation=acting_user.organisation, **fields)


# Partial dates of birth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.1990", (datetime.date(1990, 3, 12), "day")),
        ("2.3.1990", (datetime.date(1990, 3, 2), "day")),
        ("1990-03-12", (datetime.date(1990, 3, 12), "day")),
        ("03.1990", (datetime.date(1990, 3, 1), "month")),
        ("3/1990", (datetime.date(1990, 3, 1), "month")),
        ("1990", (datetime.date(1990, 1, 1), "year")),
        ("  1990 ", (datetime.date(1990, 1, 1), "year")),
        ("", (None, "")),
        ("   ", (None, "")),
        ("16.06.2025", (TODAY, "day")),
        ("1900", (datetime.date(1900, 1, 1), "year")),
    ],
)
def test_it_parses_full_and_partial_dates_of_birth(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.1990", "abc", "13.1990", "00.1990", "12.03.90", "1990-3-12", "12.03.1990x"])
def test_it_refuses_text_that_is_no_date_of_birth(text):
    with refused_with(NOT_A_DATE % text.strip()):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["17.06.2025", "07.2025", "2026", "2025-06-17"])
def test_it_refuses_a_date_of_birth_in_the_future(text):
    with refused_with("The date of birth cannot be in the future."):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["1899", "12.1899", "31.12.1899", "0990"])
def test_it_refuses_a_date_of_birth_before_1900(text):
    with refused_with("The date of birth cannot be before 1900."):
        parse_partial_date(text)


@pytest.mark.parametrize("text", ["12.03.1990", "03.1990", "1990", ""])
def test_it_formats_a_stored_date_of_birth_as_it_was_typed(text):
    assert format_partial_date(*parse_partial_date(text)) == text


@pytest.mark.parametrize(
    ("birth_date", "precision"),
    [
        (datetime.date(1990, 3, 12), BirthDatePrecision.YEAR),
        (datetime.date(1990, 3, 1), BirthDatePrecision.YEAR),
        (datetime.date(1990, 1, 12), BirthDatePrecision.YEAR),
        (datetime.date(1990, 3, 12), BirthDatePrecision.MONTH),
        (datetime.date(1990, 3, 12), ""),
        (None, BirthDatePrecision.DAY),
    ],
)
def test_it_refuses_an_inconsistent_precision_in_the_database(org_a, birth_date, precision):
    with pytest.raises(IntegrityError, match="person_birth_date_precision_consistent"), transaction.atomic():
        PersonFactory.create(organisation=org_a, birth_date=birth_date, birth_date_precision=precision)
    assert not Person.objects.exists()


def test_it_refuses_an_inconsistent_precision_in_the_service(caseworker_a):
    with refused_with("Constraint “person_birth_date_precision_consistent” is violated."):
        make_person(caseworker_a, birth_date=datetime.date(1990, 3, 12), birth_date_precision=BirthDatePrecision.YEAR)
    assert not Person.objects.exists()


def test_it_checks_a_constraint_over_several_fields_when_an_edit_changes_only_one_of_them(caseworker_a):
    """An edit validates only what it changes, but a constraint still sees the field it shares with the change."""
    person = make_person(
        caseworker_a, birth_date=datetime.date(1990, 1, 1), birth_date_precision=BirthDatePrecision.YEAR
    )
    with refused_with("Constraint “person_birth_date_precision_consistent” is violated."):
        services.update_person(
            acting_user=caseworker_a, person=person, expected_version=1, birth_date=datetime.date(1990, 3, 12)
        )
    person.refresh_from_db()
    assert (person.birth_date, person.version) == (datetime.date(1990, 1, 1), 1)


@pytest.mark.parametrize(
    ("text", "display", "age_before", "age_on"),
    [
        # (typed, displayed, age the day before the (first possible) birthday in 2025, age on it)
        ("12.03.1990", "12.03.1990", (datetime.date(2025, 3, 11), 34), (datetime.date(2025, 3, 12), 35)),
        ("03.1990", "03.1990", (datetime.date(2025, 2, 28), 34), (datetime.date(2025, 3, 1), 35)),
        ("1990", "1990", (datetime.date(2024, 12, 31), 34), (datetime.date(2025, 1, 1), 35)),
    ],
)
def test_it_displays_a_date_of_birth_and_counts_the_age_by_its_precision(org_a, text, display, age_before, age_on):
    birth_date, precision = parse_partial_date(text)
    person = PersonFactory.create(organisation=org_a, birth_date=birth_date, birth_date_precision=precision)
    person.refresh_from_db()
    with translation.override("de"):
        assert person.birth_date_display == display
    assert person.age_on(age_before[0]) == age_before[1]
    assert person.age_on(age_on[0]) == age_on[1]


def test_it_has_no_display_and_no_age_without_a_date_of_birth(org_a):
    person = PersonFactory.create(organisation=org_a)
    assert person.birth_date_display == ""
    assert person.age_on(TODAY) is None


def test_it_counts_a_birthday_on_29_february(org_a):
    person = PersonFactory.create(organisation=org_a, birth_date=datetime.date(2000, 2, 29), birth_date_precision="day")
    assert person.age_on(datetime.date(2025, 2, 28)) == 24
    assert person.age_on(datetime.date(2025, 3, 1)) == 25
    assert person.age_on(datetime.date(2024, 2, 29)) == 24


# Creating and changing persons


def test_it_creates_a_person_with_cleaned_lists_and_an_audit_trail(caseworker_a):
    person = make_person(
        caseworker_a,
        family_name="Al-Hassan",
        given_names="Mohammed",
        aliases=[" Mohamad ", "Mohamad", "", "  "],
        nationalities=["SY", "SY", STATELESS],
        languages=["ara", "kur", "ara"],
        birth_date=datetime.date(1990, 1, 1),
        birth_date_precision=BirthDatePrecision.YEAR,
    )
    person.refresh_from_db()
    assert person.organisation == caseworker_a.organisation
    assert person.aliases == ["Mohamad"]
    assert person.nationalities == ["SY", STATELESS]
    assert person.languages == ["ara", "kur"]
    assert person.search_text == "al hassan mohammed mohamad"
    assert person.search_key == "al hasan mahamad mahamad"
    assert person.version == 1
    (event,) = events_of(person)
    assert event.pgh_label == "insert"
    assert acting_user_of(event) == caseworker_a.pk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"nationalities": ["SY", "XX"]},
            "Unknown nationality “XX”: use a two-letter ISO 3166 code, “staatenlos” or “ungeklaert”.",
        ),
        (
            {"nationalities": ["syrisch"]},
            "Unknown nationality “syrisch”: use a two-letter ISO 3166 code, “staatenlos” or “ungeklaert”.",
        ),
        ({"languages": ["ara", "arabic"]}, "Unknown language “arabic”: use a three-letter ISO 639-3 code."),
        ({"languages": ["ar"]}, "Unknown language “ar”: use a three-letter ISO 639-3 code."),
        (
            {"birth_date": TODAY + days(1), "birth_date_precision": BirthDatePrecision.DAY},
            "The date of birth cannot be in the future.",
        ),
        (
            {"birth_date": datetime.date(1850, 1, 1), "birth_date_precision": BirthDatePrecision.YEAR},
            "The date of birth cannot be before 1900.",
        ),
    ],
)
def test_it_refuses_unknown_codes_and_impossible_dates_of_birth(caseworker_a, fields, message):
    with refused_with(message):
        make_person(caseworker_a, **fields)
    assert not Person.objects.exists()


def test_it_refuses_unknown_person_fields(caseworker_a):
    with pytest.raises(TypeError, match="unknown person fields"):
        make_person(caseworker_a, shoe_size=42)


def test_it_refuses_to_create_a_person_for_another_organisation(caseworker_b, org_a):
    with refused_with(NOT_OWNER):
        services.create_person(acting_user=caseworker_b, organisation=org_a, family_name="Haddad")
    assert not Person.objects.exists()


def test_it_refuses_a_person_from_a_user_without_a_casework_role(org_admin_a):
    with refused_with(NOT_OWNER):
        make_person(org_admin_a)
    assert not Person.objects.exists()


def test_it_updates_a_person_and_refreshes_the_search_texts(caseworker_a, colleague_a):
    person = make_person(caseworker_a, family_name="Haddad", given_names="Amal")
    services.update_person(
        acting_user=colleague_a,
        person=person,
        expected_version=1,
        family_name="Yousef",
        aliases=["Abu Karim", "Abu Karim "],
    )
    person.refresh_from_db()
    assert (person.family_name, person.given_names) == ("Yousef", "Amal")
    assert person.aliases == ["Abu Karim"]
    assert person.search_text == plain("Yousef Amal Abu Karim") == "yousef amal abu karim"
    assert person.search_key == fold("Yousef Amal Abu Karim")
    assert person.version == 2
    event = events_of(person).last()
    assert event.pgh_label == "update"
    assert event.family_name == "Yousef"
    assert acting_user_of(event) == colleague_a.pk


def test_it_refuses_an_update_with_a_stale_version_and_changes_nothing(caseworker_a, colleague_a):
    person = make_person(caseworker_a, family_name="Haddad")
    services.update_person(acting_user=colleague_a, person=person, expected_version=1, given_names="Amal")
    stale = Person.objects.get(pk=person.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        services.update_person(acting_user=caseworker_a, person=stale, expected_version=1, family_name="Schmidt")
    person.refresh_from_db()
    assert (person.family_name, person.given_names, person.version) == ("Haddad", "Amal", 2)
    assert person.search_text == "haddad amal"
    assert [e.pgh_label for e in events_of(person)] == ["insert", "update"]


def test_it_refuses_an_update_with_an_unknown_code_and_changes_nothing(caseworker_a):
    person = make_person(caseworker_a, nationalities=["SY"])
    with refused_with("Unknown nationality “ZZ”: use a two-letter ISO 3166 code, “staatenlos” or “ungeklaert”."):
        services.update_person(acting_user=caseworker_a, person=person, expected_version=1, nationalities=["ZZ"])
    person.refresh_from_db()
    assert (person.nationalities, person.version) == (["SY"], 1)


def test_it_refuses_an_update_by_another_organisation(caseworker_a, caseworker_b):
    person = make_person(caseworker_a)
    with refused_with(NOT_OWNER):
        services.update_person(acting_user=caseworker_b, person=person, expected_version=1, family_name="Fremd")
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Haddad", 1)


def test_it_records_and_changes_the_municipality_of_residence(caseworker_a, colleague_a):
    bietigheim = MunicipalityFactory.create(name="Bietigheim-Bissingen")
    remseck = MunicipalityFactory.create(name="Remseck am Neckar")
    person = make_person(caseworker_a, municipality=bietigheim)
    assert Person.objects.get(pk=person.pk).municipality == bietigheim

    services.update_person(acting_user=colleague_a, person=person, expected_version=1, municipality=remseck)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.municipality, stored.version, stored.family_name) == (remseck, 2, "Haddad")
    event = events_of(person).last()
    assert (event.pgh_label, event.municipality_id) == ("update", remseck.pk)
    assert acting_user_of(event) == colleague_a.pk

    services.update_person(acting_user=colleague_a, person=stored, expected_version=2, municipality=None)
    assert Person.objects.get(pk=person.pk).municipality is None


def test_it_keeps_a_municipality_that_is_somebodys_residence(caseworker_a):
    municipality = MunicipalityFactory.create()
    person = make_person(caseworker_a, municipality=municipality)
    with pytest.raises(ProtectedError), transaction.atomic():
        municipality.delete()
    assert Person.objects.get(pk=person.pk).municipality == municipality


def test_it_names_the_municipality_of_residence_in_german():
    with translation.override("de"):
        assert str(Person._meta.get_field("municipality").verbose_name) == "Wohnort (Gemeinde)"


def test_it_refreshes_the_search_texts_on_a_partial_save(org_a):
    person = PersonFactory.create(organisation=org_a, family_name="Haddad", given_names="")
    person.family_name = "Hadad"
    person.save(update_fields=["family_name"])
    person.refresh_from_db()
    assert (person.search_text, person.search_key) == ("hadad", "hadad")


# Households


def test_it_moves_a_person_to_another_household_and_keeps_the_old_membership(caseworker_a):
    person = make_person(caseworker_a)
    first = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    second = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    earlier = services.join_household(
        acting_user=caseworker_a,
        person=person,
        household=first,
        relationship=Relationship.CHILD,
        since=datetime.date(2024, 1, 1),
    )
    later = services.join_household(
        acting_user=caseworker_a,
        person=person,
        household=second,
        relationship=Relationship.HEAD,
        since=datetime.date(2025, 3, 1),
    )
    earlier.refresh_from_db()
    assert (earlier.household, earlier.valid_from, earlier.valid_to) == (
        first,
        datetime.date(2024, 1, 1),
        datetime.date(2025, 3, 1),
    )
    assert (later.household, later.relationship, later.valid_from, later.valid_to) == (
        second,
        Relationship.HEAD,
        datetime.date(2025, 3, 1),
        None,
    )
    assert list(HouseholdMembership.objects.filter(person=person)) == [earlier, later]
    assert list(HouseholdMembership.objects.filter(person=person).current()) == [later]
    assert [e.pgh_label for e in events_of(earlier)] == ["insert", "update"]
    assert acting_user_of(events_of(earlier).last()) == caseworker_a.pk


def test_it_records_a_member_whose_relationship_is_not_recorded(caseworker_a):
    person = make_person(caseworker_a)
    home = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    membership = services.join_household(
        acting_user=caseworker_a,
        person=person,
        household=home,
        relationship=Relationship.UNKNOWN,
        since=datetime.date(2024, 1, 1),
    )
    stored = HouseholdMembership.objects.get(pk=membership.pk)
    assert (stored.person, stored.household, stored.relationship) == (person, home, "unbekannt")
    assert Relationship.values[-1] == "unbekannt"
    with translation.override("de"):
        assert stored.get_relationship_display() == "nicht erfasst"


def test_it_refuses_an_unknown_relationship_in_the_database(org_a):
    with pytest.raises(IntegrityError, match="membership_relationship_valid"), transaction.atomic():
        HouseholdMembershipFactory.create(household=HouseholdFactory.create(organisation=org_a), relationship="boss")
    HouseholdMembershipFactory.create(household=HouseholdFactory.create(organisation=org_a), relationship="unbekannt")
    assert HouseholdMembership.objects.get().relationship == Relationship.UNKNOWN


def test_it_allows_only_one_open_membership_per_person_in_the_database(org_a):
    membership = HouseholdMembershipFactory.create(household=HouseholdFactory.create(organisation=org_a))
    with pytest.raises(IntegrityError, match="person_in_one_household_at_a_time"), transaction.atomic():
        HouseholdMembershipFactory.create(
            person=membership.person, household=HouseholdFactory.create(organisation=org_a)
        )
    # A closed earlier membership is allowed alongside the open one.
    HouseholdMembershipFactory.create(
        person=membership.person,
        household=HouseholdFactory.create(organisation=org_a),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2023, 12, 31),
    )
    assert HouseholdMembership.objects.filter(person=membership.person).count() == 2


def test_it_refuses_a_membership_ending_before_it_began_in_the_database(org_a):
    with pytest.raises(IntegrityError, match="membership_dates_ordered"), transaction.atomic():
        HouseholdMembershipFactory.create(
            household=HouseholdFactory.create(organisation=org_a),
            valid_from=datetime.date(2024, 1, 1),
            valid_to=datetime.date(2023, 1, 1),
        )


def test_it_refuses_a_move_dated_before_joining_the_current_household(caseworker_a):
    person = make_person(caseworker_a)
    first = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    second = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    services.join_household(
        acting_user=caseworker_a, person=person, household=first, relationship="kind", since=datetime.date(2024, 1, 1)
    )
    current = services.join_household(
        acting_user=caseworker_a, person=person, household=second, relationship="kind", since=datetime.date(2025, 3, 1)
    )
    message = "The move cannot be dated before the person joined the current household (01.03.2025)."
    with refused_with(message):
        services.join_household(
            acting_user=caseworker_a,
            person=person,
            household=first,
            relationship="kind",
            since=datetime.date(2025, 2, 1),
        )
    current.refresh_from_db()
    assert current.valid_to is None
    assert HouseholdMembership.objects.filter(person=person).count() == 2
    # Moving back on or after that day works.
    back = services.join_household(
        acting_user=caseworker_a, person=person, household=first, relationship="kind", since=datetime.date(2025, 3, 1)
    )
    assert list(HouseholdMembership.objects.filter(person=person).current()) == [back]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"same": True}, "The person already lives in this household."),
        ({"relationship": "cousin"}, "Unknown relationship “cousin”."),
        ({"since": TODAY + days(1)}, "The date of moving in cannot be in the future."),
        ({"foreign": True}, "The person and the household belong to different organisations."),
    ],
)
def test_it_refuses_impossible_moves(caseworker_a, org_b, change, message):
    person = make_person(caseworker_a)
    home = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    services.join_household(
        acting_user=caseworker_a, person=person, household=home, relationship="kind", since=datetime.date(2024, 1, 1)
    )
    if change.get("same"):
        target = home
    elif change.get("foreign"):
        target = HouseholdFactory.create(organisation=caseworker_a.organisation)
        person = PersonFactory.create(organisation=org_b)
    else:
        target = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    with refused_with(message):
        services.join_household(
            acting_user=caseworker_a,
            person=person,
            household=target,
            relationship=change.get("relationship", Relationship.CHILD),
            since=change.get("since", datetime.date(2025, 1, 1)),
        )
    assert HouseholdMembership.objects.count() == 1
    assert HouseholdMembership.objects.get().valid_to is None


def test_it_refuses_a_move_into_a_household_of_another_organisation(caseworker_a, caseworker_b):
    person = make_person(caseworker_a)
    theirs = services.create_household(acting_user=caseworker_b, organisation=caseworker_b.organisation)
    with refused_with(NOT_OWNER):
        services.join_household(
            acting_user=caseworker_a,
            person=person,
            household=theirs,
            relationship="kind",
            since=datetime.date(2025, 1, 1),
        )
    assert not HouseholdMembership.objects.exists()


def test_it_changes_the_relationship_of_a_membership(caseworker_a, caseworker_b):
    person = make_person(caseworker_a)
    home = services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation)
    membership = services.join_household(
        acting_user=caseworker_a, person=person, household=home, relationship="kind", since=datetime.date(2024, 1, 1)
    )
    services.set_relationship(acting_user=caseworker_a, membership=membership, relationship=Relationship.PARTNER)
    membership.refresh_from_db()
    assert membership.relationship == Relationship.PARTNER
    with refused_with("Unknown relationship “boss”."):
        services.set_relationship(acting_user=caseworker_a, membership=membership, relationship="boss")
    with refused_with(NOT_OWNER):
        services.set_relationship(acting_user=caseworker_b, membership=membership, relationship=Relationship.CHILD)
    membership.refresh_from_db()
    assert membership.relationship == Relationship.PARTNER


def test_it_refuses_two_households_with_one_import_id(caseworker_a):
    services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation, external_id="HH-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        services.create_household(acting_user=caseworker_a, organisation=caseworker_a.organisation, external_id="HH-1")


# Dated status records

RECORD_KINDS: list[tuple[str, type[Any], dict[str, Any]]] = [
    (
        "residence",
        ResidenceRecord,
        {
            "status": ResidenceStatus.AUFENTHALTSERLAUBNIS,
            "legal_basis": "§ 25 Abs. 2 AufenthG",
            "valid_until": datetime.date(2027, 3, 1),
        },
    ),
    (
        "language",
        LanguageRecord,
        {
            "level": LanguageLevel.B1,
            "evidence": LanguageEvidence.CERTIFICATE,
            "course": LanguageCourse.INTEGRATION,
        },
    ),
    ("work", WorkRecord, {"situation": WorkSituation.AUSBILDUNG}),
    ("housing", HousingRecord, {"situation": HousingSituation.PRIVATER_MIETVERTRAG}),
]


@pytest.mark.parametrize(("kind", "model", "fields"), RECORD_KINDS)
def test_it_adds_a_status_record_of_each_kind(caseworker_a, kind, model, fields):
    person = make_person(caseworker_a)
    record = services.add_status_record(
        acting_user=caseworker_a, person=person, kind=kind, valid_from=datetime.date(2025, 3, 1), **fields
    )
    stored = model.objects.get()
    assert stored == record
    assert (stored.person, stored.valid_from, stored.recorded_by) == (person, datetime.date(2025, 3, 1), caseworker_a)
    for name, value in fields.items():
        assert getattr(stored, name) == value
    (event,) = events_of(stored)
    assert event.pgh_label == "insert"
    assert acting_user_of(event) == caseworker_a.pk


def test_it_records_the_municipality_of_a_housing_situation(caseworker_a):
    person = make_person(caseworker_a)
    municipality = MunicipalityFactory.create()
    record = services.add_status_record(
        acting_user=caseworker_a,
        person=person,
        kind="housing",
        valid_from=datetime.date(2025, 3, 1),
        situation=HousingSituation.ANSCHLUSSUNTERBRINGUNG,
        municipality=municipality,
    )
    assert HousingRecord.objects.get(pk=record.pk).municipality == municipality


@pytest.mark.parametrize(("kind", "model", "fields"), RECORD_KINDS)
def test_it_refuses_a_second_record_of_a_kind_on_the_same_day(caseworker_a, kind, model, fields):
    person = make_person(caseworker_a)
    services.add_status_record(
        acting_user=caseworker_a, person=person, kind=kind, valid_from=datetime.date(2025, 3, 1), **fields
    )
    message = "There is already an entry from 01.03.2025. Correct that entry instead of adding a second one."
    with refused_with(message):
        services.add_status_record(
            acting_user=caseworker_a, person=person, kind=kind, valid_from=datetime.date(2025, 3, 1), **fields
        )
    assert model.objects.count() == 1


def test_it_allows_records_of_different_kinds_on_the_same_day(caseworker_a):
    person = make_person(caseworker_a)
    for kind, _model, fields in RECORD_KINDS:
        services.add_status_record(
            acting_user=caseworker_a, person=person, kind=kind, valid_from=datetime.date(2025, 3, 1), **fields
        )
    assert [model.objects.filter(person=person).count() for _kind, model, _fields in RECORD_KINDS] == [1, 1, 1, 1]


@pytest.mark.parametrize(("kind", "model", "fields"), RECORD_KINDS)
def test_it_refuses_a_status_record_from_the_future(caseworker_a, kind, model, fields):
    person = make_person(caseworker_a)
    with refused_with("The date from which it holds cannot be in the future."):
        services.add_status_record(
            acting_user=caseworker_a, person=person, kind=kind, valid_from=TODAY + days(1), **fields
        )
    assert not model.objects.exists()


def test_it_accepts_a_status_record_from_today(caseworker_a):
    person = make_person(caseworker_a)
    services.add_status_record(
        acting_user=caseworker_a, person=person, kind="work", valid_from=TODAY, situation="schule"
    )
    assert WorkRecord.objects.get().valid_from == TODAY


def test_it_refuses_an_unknown_value_of_a_status_record(caseworker_a):
    person = make_person(caseworker_a)
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            services.add_status_record(
                acting_user=caseworker_a, person=person, kind="residence", valid_from=TODAY, status="gefuehlt"
            )
        assert info.value.message_dict == {"status": ["Value 'gefuehlt' is not a valid choice."]}
    assert not ResidenceRecord.objects.exists()


def test_it_refuses_a_permit_expiring_before_it_holds(caseworker_a):
    person = make_person(caseworker_a)
    with refused_with("The entry contradicts the stored data and was not saved."):
        services.add_status_record(
            acting_user=caseworker_a,
            person=person,
            kind="residence",
            valid_from=datetime.date(2025, 3, 1),
            valid_until=datetime.date(2025, 2, 1),
            status=ResidenceStatus.DULDUNG,
        )
    assert not ResidenceRecord.objects.exists()


def test_it_refuses_a_status_record_from_another_organisation(caseworker_a, caseworker_b):
    person = make_person(caseworker_a)
    with refused_with(NOT_OWNER):
        services.add_status_record(
            acting_user=caseworker_b, person=person, kind="work", valid_from=TODAY, situation="schule"
        )
    assert not WorkRecord.objects.exists()


def test_it_deletes_a_wrong_status_record_and_keeps_it_in_the_history(caseworker_a, caseworker_b):
    person = make_person(caseworker_a)
    record = services.add_status_record(
        acting_user=caseworker_a, person=person, kind="work", valid_from=TODAY, situation="schule"
    )
    record_id = record.pk
    with refused_with(NOT_OWNER):
        services.delete_status_record(acting_user=caseworker_b, record=record)
    assert WorkRecord.objects.filter(pk=record_id).exists()
    services.delete_status_record(acting_user=caseworker_a, record=record)
    assert not WorkRecord.objects.exists()
    events = events_of(WorkRecord, record_id)
    assert [e.pgh_label for e in events] == ["insert", "delete"]
    assert events.last().situation == "schule"
    assert acting_user_of(events.last()) == caseworker_a.pk


def test_it_finds_the_record_holding_on_a_day_per_person(caseworker_a):
    first, second, third = make_person(caseworker_a), make_person(caseworker_a), make_person(caseworker_a)
    for person, valid_from, status in [
        (first, datetime.date(2024, 1, 1), ResidenceStatus.GESTATTUNG),
        (first, datetime.date(2025, 1, 1), ResidenceStatus.AUFENTHALTSERLAUBNIS),
        (first, datetime.date(2025, 6, 1), ResidenceStatus.NIEDERLASSUNGSERLAUBNIS),
        (second, datetime.date(2025, 2, 1), ResidenceStatus.DULDUNG),
        (third, datetime.date(2025, 6, 10), ResidenceStatus.GESTATTUNG),
    ]:
        services.add_status_record(
            acting_user=caseworker_a, person=person, kind="residence", valid_from=valid_from, status=status
        )

    def holding_on(day):
        return {record.person_id: record.status for record in ResidenceRecord.objects.on(day)}

    assert holding_on(datetime.date(2023, 12, 31)) == {}
    assert holding_on(datetime.date(2024, 12, 31)) == {first.pk: ResidenceStatus.GESTATTUNG}
    assert holding_on(datetime.date(2025, 1, 1)) == {first.pk: ResidenceStatus.AUFENTHALTSERLAUBNIS}
    assert holding_on(datetime.date(2025, 3, 1)) == {
        first.pk: ResidenceStatus.AUFENTHALTSERLAUBNIS,
        second.pk: ResidenceStatus.DULDUNG,
    }
    assert holding_on(TODAY) == {
        first.pk: ResidenceStatus.NIEDERLASSUNGSERLAUBNIS,
        second.pk: ResidenceStatus.DULDUNG,
        third.pk: ResidenceStatus.GESTATTUNG,
    }
