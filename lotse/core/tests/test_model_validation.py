"""Records validated in few queries give the same verdicts as Django's own validation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.test.utils import CaptureQueriesContext

from lotse.core.transactions import one_savepoint_per_step
from lotse.people import services as people_services
from lotse.people.models import Household, HouseholdMembership, Person


def _errors(check) -> dict[str, list[str]]:
    try:
        check()
    except ValidationError as error:
        return {field: sorted(messages) for field, messages in error.message_dict.items()}
    return {}


def _django_constraints(instance: models.Model) -> dict[str, list[str]]:
    return _errors(lambda: models.Model.validate_constraints(instance))


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"gender": "x"},
        {"birth_date": None, "birth_date_precision": "day"},
        {"birth_date": datetime.date(1990, 5, 3), "birth_date_precision": "year"},
        {"gender": "?", "birth_date": datetime.date(1990, 5, 3), "birth_date_precision": "month"},
        {"external_id": "P-1"},
        {"external_id": "P-1", "gender": "q"},
    ],
)
def test_person_constraints_as_django_checks_them(org_a, values) -> None:
    Person.objects.create(organisation=org_a, family_name="Haddad", given_names="Rami", gender="m", external_id="P-1")
    person = Person(organisation=org_a, family_name="Aboud", given_names="Mohammed", **{"gender": "m", **values})
    ours = _errors(person.validate_constraints)
    assert ours == _django_constraints(person)
    if "gender" in values:
        assert "Bedingung „person_gender_valid“ ist nicht erfüllt." in ours["__all__"]


def test_all_check_constraints_in_one_query(org_a) -> None:
    person = Person(organisation=org_a, family_name="Aboud", gender="x", birth_date_precision="day")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        errors = _errors(person.validate_constraints)
    asked = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(errors["__all__"]) == 2
    # Two checks and the condition of the unique external ID in one SELECT; without an external ID the
    # unique constraint itself is not asked.
    assert len(asked) == 1, asked
    assert len(queries.captured_queries) == 3  # with its savepoint


def test_excluded_fields_skip_their_constraints(org_a) -> None:
    person = Person(organisation=org_a, family_name="Aboud", gender="x")
    assert _errors(lambda: person.validate_constraints(exclude={"gender"})) == _errors(
        lambda: models.Model.validate_constraints(person, exclude={"gender"})
    )
    assert _errors(lambda: person.validate_constraints(exclude={"gender"})) == {}


def test_foreign_key_in_hand_is_not_asked_again(org_a) -> None:
    person = Person.objects.create(organisation=org_a, family_name="Haddad", gender="m")
    household = Household.objects.create(organisation=org_a)
    membership = HouseholdMembership(
        household=household, person=person, relationship="haushaltsvorstand", valid_from=datetime.date(2024, 1, 1)
    )
    with CaptureQueriesContext(connection) as queries:
        membership.full_clean()
    looked_up = [q["sql"] for q in queries.captured_queries if '"people_person"."id" =' in q["sql"]]
    assert not looked_up
    assert not [q["sql"] for q in queries.captured_queries if '"people_household"."id" =' in q["sql"]]

    by_id = HouseholdMembership(
        household_id=household.pk,
        person_id=person.pk + 1000,
        relationship="haushaltsvorstand",
        valid_from=datetime.date(2024, 1, 1),
    )
    errors = _errors(by_id.full_clean)
    assert list(errors) == ["person"]  # a bare key is still looked up, with Django's message


def test_one_savepoint_per_step(org_a) -> None:
    """Services inside a step open no savepoints; a refusal undoes the step and only the step."""
    household = Household.objects.create(organisation=org_a)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, one_savepoint_per_step():
            person = people_services.create_person(
                acting_user=None, organisation=org_a, family_name="Haddad", given_names="Rami", gender="m"
            )
            people_services.join_household(
                acting_user=None,
                person=person,
                household=household,
                relationship="haushaltsvorstand",
                since=datetime.date(2024, 1, 1),
            )
        # (the change history's context is set in front of statements: "SELECT set_config(...); SAVEPOINT ...")
        savepoints = [q["sql"] for q in queries.captured_queries if re.search(r"(^|; )SAVEPOINT ", q["sql"])]
        # The step's only: not even the check-constraint query has one of its own (see the test below).
        assert len(savepoints) == 1, "\n".join(q["sql"][:150] for q in queries.captured_queries)

        with pytest.raises(ValidationError) as refused, one_savepoint_per_step():
            people_services.create_person(
                acting_user=None, organisation=org_a, family_name="Nasser", given_names="Lina", gender="w"
            )
            people_services.join_household(
                acting_user=None,
                person=person,
                household=household,
                relationship="haushaltsvorstand",
                since=datetime.date(2024, 2, 1),
            )
        assert refused.value.code == "same_household"
        # The refused step left nothing behind, the earlier one stays, and the transaction goes on.
        assert list(Person.objects.filter(organisation=org_a).values_list("family_name", flat=True)) == ["Haddad"]
        assert HouseholdMembership.objects.filter(person=person).count() == 1


def test_a_database_error_in_the_one_query_falls_back_to_djangos_checks(org_a, monkeypatch) -> None:
    from lotse.core import constraints

    person = Person(organisation=org_a, family_name="Aboud", gender="x", birth_date_precision="day")
    monkeypatch.setattr(constraints, "failed_conditions", lambda *args: None)
    assert _errors(person.validate_constraints) == _django_constraints(person)
    assert len(_errors(person.validate_constraints)["__all__"]) == 2


def test_a_database_error_in_the_one_query_undoes_the_batch_step(org_a) -> None:
    """Inside a batch step the check query has no savepoint to fall back on: the error undoes the step."""

    def failing(execute, sql, params, many, context):
        if '"_check_0"' in sql:
            return execute("SELECT 1 / 0", (), many, context)  # a real error: it aborts the transaction
        return execute(sql, params, many, context)

    with transaction.atomic():
        with one_savepoint_per_step():
            people_services.create_person(
                acting_user=None, organisation=org_a, family_name="Haddad", given_names="Rami", gender="m"
            )
        with pytest.raises(DatabaseError), connection.execute_wrapper(failing), one_savepoint_per_step():
            people_services.create_person(
                acting_user=None, organisation=org_a, family_name="Nasser", given_names="Lina", gender="w"
            )
        # The step's savepoint undid it; the transaction goes on with the earlier step's person.
        assert list(Person.objects.filter(organisation=org_a).values_list("family_name", flat=True)) == ["Haddad"]
    # Outside a batch step the same error falls back to Django's checks (the query had its savepoint).
    with transaction.atomic(), connection.execute_wrapper(failing):
        person = people_services.create_person(
            acting_user=None, organisation=org_a, family_name="Nasser", given_names="Lina", gender="w"
        )
    assert person.pk is not None
