"""The small county of the reports tests: two organisations, two municipalities, four persons."""

from __future__ import annotations

import datetime

import pytest

from lotse.cases import services
from lotse.cases.models import Case
from lotse.core.models import Municipality, Organisation
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people import services as people_services
from lotse.people.models import Person


def make_case(
    organisation: Organisation,
    municipality: Municipality,
    start: datetime.date,
    family_name: str,
    born: datetime.date,
) -> Case:
    return services.open_case(
        acting_user=None,
        organisation=organisation,
        municipality=municipality,
        start_date=start,
        responsible=None,
        head={"family_name": family_name, "given_names": "Test", "birth_date": born, "birth_date_precision": "day"},
    )


def _head(case: Case) -> Person:
    return case.clients.get()


@pytest.fixture
def places(db: None) -> tuple[Municipality, Municipality]:
    return (
        MunicipalityFactory.create(ags="08118048", name="Ludwigsburg"),
        MunicipalityFactory.create(ags="08118003", name="Asperg"),
    )


@pytest.fixture
def figures_data(
    org_a: Organisation, org_b: Organisation, places: tuple[Municipality, Municipality]
) -> dict[str, Case]:
    """On 30.06.2025: org A has a family of two in Ludwigsburg (adult B1 and employed, a child) and a
    closed case in Asperg (ended 31.03.2025 into an own tenancy); org B has one adult in Ludwigsburg."""
    ludwigsburg, asperg = places
    family = make_case(org_a, ludwigsburg, datetime.date(2024, 1, 10), "Haddad", datetime.date(1990, 5, 1))
    services.add_household_member(
        acting_user=None,
        case=family,
        relationship="kind",
        since=datetime.date(2024, 1, 10),
        is_client=True,
        person_fields={
            "family_name": "Haddad",
            "given_names": "Lina",
            "birth_date": datetime.date(2015, 2, 1),
            "birth_date_precision": "day",
        },
    )
    head = family.clients.get(given_names="Test")
    people_services.add_status_record(
        acting_user=None, person=head, kind="language", valid_from=datetime.date(2024, 6, 1), level="B1"
    )
    people_services.add_status_record(
        acting_user=None, person=head, kind="work", valid_from=datetime.date(2025, 1, 1), situation="beschaeftigt_svp"
    )
    closed = make_case(org_a, asperg, datetime.date(2024, 2, 1), "Rahimi", datetime.date(1985, 7, 7))
    people_services.add_status_record(
        acting_user=None,
        person=_head(closed),
        kind="housing",
        valid_from=datetime.date(2025, 3, 15),
        situation="privater_mietvertrag",
    )
    closed = services.change_status(
        acting_user=None,
        case=closed,
        expected_version=closed.version,
        to_status="abgeschlossen",
        on=datetime.date(2025, 3, 31),
        closing_reason="eigener_wohnraum",
    )
    other = make_case(org_b, ludwigsburg, datetime.date(2024, 3, 1), "Kovalenko", datetime.date(2000, 1, 1))
    return {"family": family, "closed": closed, "other": other}
