"""Closing a case with the reason "moved into own housing" records the clients' own tenancy in the same step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lotse.cases import services
from lotse.cases.choices import CaseStatus, ClosingReason, ConsentPurpose
from lotse.cases.models import Case, CaseStatusChange
from lotse.cases.tests.factories import (
    acting_user_of,
    events_of,
    frozen_today,
    head_of,
    open_case_for,
    refused_with,
)
from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people import services as people_services
from lotse.people.choices import HousingSituation, Relationship
from lotse.people.models import HousingRecord, Person

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 2)
END = datetime.date(2025, 5, 1)
OWN = HousingSituation.PRIVATER_MIETVERTRAG


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


@pytest.fixture
def home(db: None) -> Municipality:
    return MunicipalityFactory.create(ags="08118048", name="Ludwigsburg")


@pytest.fixture
def case(caseworker_a: User, home: Municipality) -> Case:
    return open_case_for(caseworker_a, municipality=home, family_name="Haddad", given_names="Amal")


def member(case: Case, user: User, given_names: str, *, is_client: bool = True) -> Person:
    return services.add_household_member(
        acting_user=user,
        case=case,
        relationship=Relationship.CHILD,
        since=START,
        is_client=is_client,
        person_fields={"family_name": "Haddad", "given_names": given_names},
    )


def close(
    case: Case,
    user: User,
    tenants: list[Person],
    closing_reason: str = ClosingReason.EIGENER_WOHNRAUM,
    tenancy_municipality: Municipality | None = None,
) -> Case:
    return services.change_status(
        acting_user=user,
        case=case,
        expected_version=case.version,
        to_status=CaseStatus.CLOSED,
        on=END,
        closing_reason=closing_reason,
        tenancy_for=tenants,
        tenancy_municipality=tenancy_municipality,
    )


def housing() -> list[tuple[str, datetime.date, str, str | None]]:
    return sorted(
        (r.person.given_names, r.valid_from, r.situation, r.municipality.name if r.municipality else None)
        for r in HousingRecord.objects.select_related("person", "municipality")
    )


def test_it_records_the_tenancy_of_each_client_chosen_with_the_closing(
    case: Case, caseworker_a: User, home: Municipality
) -> None:
    child = member(case, caseworker_a, "Samir")
    member(case, caseworker_a, "Nour")  # a client not ticked
    elsewhere = MunicipalityFactory.create(ags="08118003", name="Asperg")

    close(case, caseworker_a, [head_of(case), child], tenancy_municipality=elsewhere)

    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.end_date, stored.closing_reason) == (
        CaseStatus.CLOSED,
        END,
        ClosingReason.EIGENER_WOHNRAUM,
    )
    assert housing() == [("Amal", END, OWN, "Asperg"), ("Samir", END, OWN, "Asperg")]
    assert set(HousingRecord.objects.values_list("recorded_by", flat=True)) == {caseworker_a.pk}
    # The history names the caseworker for the case and for each record.
    for record in HousingRecord.objects.all():
        [event] = events_of(record)
        assert (event.pgh_label, event.situation, acting_user_of(event)) == ("insert", OWN, caseworker_a.pk)
    assert acting_user_of(events_of(stored).last()) == caseworker_a.pk
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.CLOSED, on=END).count() == 1


def test_it_takes_the_municipality_of_the_case_by_default(case: Case, caseworker_a: User) -> None:
    close(case, caseworker_a, [head_of(case)])

    assert housing() == [("Amal", END, OWN, "Ludwigsburg")]


def test_it_corrects_an_entry_of_the_closing_day_instead_of_adding_a_second(
    case: Case, caseworker_a: User, home: Municipality
) -> None:
    child = member(case, caseworker_a, "Samir")
    shelter = people_services.add_status_record(
        acting_user=caseworker_a,
        person=head_of(case),
        kind="housing",
        valid_from=END,
        situation=HousingSituation.ANSCHLUSSUNTERBRINGUNG,
        municipality=home,
    )
    already = people_services.add_status_record(
        acting_user=caseworker_a, person=child, kind="housing", valid_from=END, situation=OWN, municipality=home
    )

    close(case, caseworker_a, [head_of(case), child])

    assert housing() == [("Amal", END, OWN, "Ludwigsburg"), ("Samir", END, OWN, "Ludwigsburg")]
    assert HousingRecord.objects.get(pk=shelter.pk).version == shelter.version + 1
    assert [(e.pgh_label, e.situation) for e in events_of(shelter)] == [
        ("insert", HousingSituation.ANSCHLUSSUNTERBRINGUNG),
        ("update", OWN),
    ]
    # Already an own tenancy in that municipality: left as it was.
    assert [e.pgh_label for e in events_of(already)] == ["insert"]


def test_it_records_nothing_when_the_closing_is_refused(case: Case, caseworker_a: User, org_b: Organisation) -> None:
    services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head_of(case),
        purpose=ConsentPurpose.SHARING,
        given_on=datetime.date(2025, 2, 1),
        recipient_organisation=org_b,
    )
    services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)

    with refused_with("A handover of this case is waiting for an answer. Withdraw it before closing the case."):
        close(case, caseworker_a, [head_of(case)])

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    assert not HousingRecord.objects.exists()


def test_it_records_nothing_after_a_concurrent_change_of_the_case(
    case: Case, caseworker_a: User, colleague_a: User
) -> None:
    stale = Case.objects.get(pk=case.pk)
    services.change_status(
        acting_user=colleague_a, case=case, expected_version=case.version, to_status=CaseStatus.DORMANT, on=END
    )

    with pytest.raises(ConcurrentEditError):
        close(stale, caseworker_a, [head_of(case)])

    assert Case.objects.get(pk=case.pk).status == CaseStatus.DORMANT
    assert not HousingRecord.objects.exists()


def test_it_refuses_a_tenancy_with_another_closing_reason(case: Case, caseworker_a: User) -> None:
    with refused_with(
        "An own tenancy is recorded only when the case is closed with the reason “moved into own housing”."
    ):
        close(case, caseworker_a, [head_of(case)], closing_reason=ClosingReason.ZIELE_ERREICHT)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    assert not HousingRecord.objects.exists()
    assert not CaseStatusChange.objects.filter(to_status=CaseStatus.CLOSED).exists()


def test_it_refuses_a_person_who_is_no_client_of_the_case(case: Case, caseworker_a: User) -> None:
    not_a_client = member(case, caseworker_a, "Yara", is_client=False)

    with refused_with("Haddad, Yara is not a client of this case."):
        close(case, caseworker_a, [head_of(case), not_a_client])

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    assert not HousingRecord.objects.exists()


# --- the form -------------------------------------------------------------------------------------------------------


def test_the_form_offers_each_client_ticked_and_the_municipality_of_the_case(
    case: Case, caseworker_a: User, home: Municipality
) -> None:
    child = member(case, caseworker_a, "Samir")
    member(case, caseworker_a, "Yara", is_client=False)

    response = client_for(caseworker_a).get(reverse("cases:case_status", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Eigenen Mietvertrag ab dem obigen Datum erfassen für" in html
    for person in (head_of(case), child):
        assert re.search(rf'name="tenancy_for" value="{person.pk}" id="id_tenancy_for_\d+" checked>', html)
    assert html.count('name="tenancy_for"') == 2
    assert "Yara" not in html.split('name="tenancy_for"', 1)[1].split("</fieldset>", 1)[0]
    assert f'<option value="{home.pk}" selected>Ludwigsburg (08118048)</option>' in html
    assert AccessLogEntry.objects.filter(by=caseworker_a, record_type="cases.case", record_id=str(case.pk)).exists()


def test_closing_through_the_form_records_the_ticked_tenancies(
    case: Case, caseworker_a: User, home: Municipality
) -> None:
    child = member(case, caseworker_a, "Samir")
    client = client_for(caseworker_a)

    response = client.post(
        reverse("cases:case_status", args=[case.pk]),
        {
            "to_status": CaseStatus.CLOSED,
            "on": END.isoformat(),
            "closing_reason": ClosingReason.EIGENER_WOHNRAUM,
            "tenancy_for": [str(child.pk)],
            "tenancy_municipality": str(home.pk),
            "version": case.version,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Der eigene Mietvertrag ab dem 01.05.2025 wurde erfasst für: Haddad, Samir." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert housing() == [("Samir", END, OWN, "Ludwigsburg")]


def test_the_form_records_no_tenancy_when_closing_for_another_reason(case: Case, caseworker_a: User) -> None:
    response = client_for(caseworker_a).post(
        reverse("cases:case_status", args=[case.pk]),
        {
            "to_status": CaseStatus.CLOSED,
            "on": END.isoformat(),
            "closing_reason": ClosingReason.ZIELE_ERREICHT,
            "tenancy_for": [str(head_of(case).pk)],
            "version": case.version,
        },
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert not HousingRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"tenancy_municipality": ""},
            "tenancy_municipality",
            "Bitte die Gemeinde des eigenen Mietverhältnisses wählen.",
        ),
        (
            {"tenancy_for": ["999999"]},
            "tenancy_for",
            "Bitte eine gültige Auswahl treffen. 999999 ist keine gültige Auswahl.",
        ),
        ({"on": "2025-06-17"}, None, "Das Datum der Statusänderung darf nicht in der Zukunft liegen."),
    ],
)
def test_the_form_refuses_bad_input_in_german_and_changes_nothing(
    case: Case, caseworker_a: User, home: Municipality, changes: dict[str, object], field: str | None, message: str
) -> None:
    data = {
        "to_status": CaseStatus.CLOSED,
        "on": END.isoformat(),
        "closing_reason": ClosingReason.EIGENER_WOHNRAUM,
        "tenancy_for": [str(head_of(case).pk)],
        "tenancy_municipality": str(home.pk),
        "version": case.version,
        **changes,
    }

    response = client_for(caseworker_a).post(reverse("cases:case_status", args=[case.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    if field is not None:
        assert message in response.context["form"].errors[field]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (CaseStatus.ACTIVE, case.version)
    assert not HousingRecord.objects.exists()
    assert not CaseStatusChange.objects.filter(to_status=CaseStatus.CLOSED).exists()


def test_an_outsider_cannot_close_the_case_or_record_a_tenancy(case: Case, caseworker_b: User) -> None:
    response = client_for(caseworker_b).post(
        reverse("cases:case_status", args=[case.pk]),
        {
            "to_status": CaseStatus.CLOSED,
            "on": END.isoformat(),
            "closing_reason": ClosingReason.EIGENER_WOHNRAUM,
            "tenancy_for": [str(head_of(case).pk)],
            "version": case.version,
        },
    )

    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    assert not HousingRecord.objects.exists()
