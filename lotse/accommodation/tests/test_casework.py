"""What caseworkers see of their clients' accommodation: the stays on the person page, and a move
into an own tenancy in "Meine Arbeit" with the offer to update or close the case."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.models import Occupancy, Shelter
from lotse.cases import queries
from lotse.cases import services as case_services
from lotse.cases.choices import CaseStatus, ClosingReason
from lotse.cases.models import Case
from lotse.cases.tests.factories import frozen_today, open_case_for
from lotse.conftest import client_for
from lotse.core.models import User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
MOVED_IN = datetime.date(2025, 1, 10)
MOVED_OUT = datetime.date(2025, 5, 20)


@pytest.fixture(autouse=True)
def _today():
    with frozen_today(TODAY):
        yield


@pytest.fixture
def case(caseworker_a: User) -> Case:
    return open_case_for(caseworker_a, family_name="Haddad", given_names="Amal")


@pytest.fixture
def stay(case: Case, follow_up_shelter: Shelter, housing_officer: User) -> Occupancy:
    return services.move_in(
        acting_user=housing_officer, shelter=follow_up_shelter, person=case.clients.get(), on=MOVED_IN
    )


def move_out(
    stay: Occupancy, acting_user: User, on: datetime.date = MOVED_OUT, reason: str = "privater_mietvertrag"
) -> None:
    services.move_out(acting_user=acting_user, occupancy=stay, on=on, reason=reason, expected_version=stay.version)


def test_it_lists_a_clients_move_into_an_own_tenancy_in_my_work(
    case: Case, stay: Occupancy, housing_officer: User, caseworker_a: User, colleague_a: User
) -> None:
    move_out(stay, housing_officer)
    work = queries.worklist_for(caseworker_a, TODAY)
    assert work.moved_into_own_tenancy == [stay]
    assert work.moved_into_own_tenancy[0].case_id == case.pk  # type: ignore[attr-defined]
    assert work.total == 1
    assert queries.worklist_for(colleague_a, TODAY).moved_into_own_tenancy == []
    page = client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()
    assert "In eigene Wohnung gezogen" in page
    assert "ist am 20.05.2025 aus Oststadt, Fuchshofstraße ausgezogen" in page
    closing = reverse("cases:case_status", args=[case.pk])
    assert f"{closing}?to=abgeschlossen&amp;reason=eigener_wohnraum&amp;on=2025-05-20" in page


def test_the_close_link_presets_the_closing_of_the_case(case: Case, stay: Occupancy, housing_officer, caseworker_a):
    move_out(stay, housing_officer)
    url = reverse("cases:case_status", args=[case.pk]) + "?to=abgeschlossen&reason=eigener_wohnraum&on=2025-05-20"
    form = client_for(caseworker_a).get(url).context["form"]
    assert form["to_status"].value() == CaseStatus.CLOSED
    assert form["closing_reason"].value() == ClosingReason.EIGENER_WOHNRAUM
    assert form["on"].value() == "2025-05-20"


@pytest.mark.parametrize("reason", [MoveOutReason.WEGZUG, MoveOutReason.SONSTIGES])
def test_it_lists_no_other_move_out(stay: Occupancy, housing_officer: User, caseworker_a: User, reason: str) -> None:
    move_out(stay, housing_officer, reason=reason)
    assert queries.worklist_for(caseworker_a, TODAY).moved_into_own_tenancy == []


def test_a_contact_since_the_move_out_settles_it(case: Case, stay: Occupancy, housing_officer, caseworker_a) -> None:
    move_out(stay, housing_officer)
    case_services.record_contact(
        acting_user=caseworker_a, case=case, date=MOVED_OUT - datetime.timedelta(1), duration_minutes=30, form="buero"
    )
    assert queries.worklist_for(caseworker_a, TODAY).moved_into_own_tenancy == [stay]
    case_services.record_contact(acting_user=caseworker_a, case=case, date=MOVED_OUT, duration_minutes=30, form="buero")
    assert queries.worklist_for(caseworker_a, TODAY).moved_into_own_tenancy == []


def test_closing_the_case_settles_it(case: Case, stay: Occupancy, housing_officer, caseworker_a) -> None:
    move_out(stay, housing_officer)
    case_services.change_status(
        acting_user=caseworker_a,
        case=case,
        expected_version=case.version,
        to_status=CaseStatus.CLOSED,
        on=TODAY,
        closing_reason=ClosingReason.EIGENER_WOHNRAUM,
    )
    assert queries.worklist_for(caseworker_a, TODAY).moved_into_own_tenancy == []


def test_a_move_out_older_than_ninety_days_is_no_longer_listed(stay: Occupancy, housing_officer, caseworker_a) -> None:
    move_out(stay, housing_officer, on=TODAY - datetime.timedelta(91))
    assert queries.worklist_for(caseworker_a, TODAY).moved_into_own_tenancy == []
    with frozen_today(TODAY - datetime.timedelta(1)):
        assert queries.worklist_for(caseworker_a, TODAY - datetime.timedelta(1)).moved_into_own_tenancy == [stay]


def test_the_person_page_shows_the_clients_stays(case: Case, stay: Occupancy, caseworker_a: User, caseworker_b) -> None:
    person = case.clients.get()
    url = reverse("cases:person_detail", args=[case.pk, person.pk])
    page = client_for(caseworker_a).get(url).content.decode()
    assert "Oststadt, Fuchshofstraße" in page
    assert "Fuchshofstraße 10, 71638 Ludwigsburg" in page
    assert "wohnt dort" in page
    assert client_for(caseworker_b).get(url).status_code == 404
