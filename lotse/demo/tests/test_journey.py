"""The demo county's chain from the assignment to counselling (lotse.demo.journey), loaded once per session."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.accommodation.monitor import DEFAULT_WARNING_MONTHS, Flag, monitor_rows, vu_shelters
from lotse.arrivals.choices import ArrivalState, HandoverSheetStatus
from lotse.arrivals.exchange import FROM_ACCOMMODATION
from lotse.arrivals.models import (
    Arrival,
    ExchangeNotice,
    HandoverSheet,
    LinkRequest,
    LinkRequestStatus,
    PersonLink,
    PlannedMoveOut,
    PlannedMoveOutStatus,
)
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import CaseClient, Consent, FollowUp
from lotse.core.models import User
from lotse.demo.arrivals import start
from lotse.demo.journey import load_demo_journey
from lotse.people.models import AsylumRecord, HousingRecord

pytestmark = pytest.mark.django_db


def test_only_the_last_months_of_assignments_are_new_arrivals(demo: str):
    today = timezone.localdate()
    since = start(today)
    assert since.day == 1 and 120 <= (today - since).days <= 185
    assert Arrival.objects.exists()
    assert not Arrival.objects.filter(assignment__date__lt=since).exists()


def test_the_responsible_organisations_have_entries_in_several_states(demo: str):
    today = timezone.localdate()
    states = set(Arrival.objects.values_list("state", flat=True))
    assert {
        ArrivalState.NEW,
        ArrivalState.CONTACT_PLANNED,
        ArrivalState.CONTACT_MADE,
        ArrivalState.COUNSELLING,
        ArrivalState.DECLINED,
        ArrivalState.FORWARDED,
    } <= states
    receivers = set(Arrival.objects.values_list("organisation__short_name", flat=True))
    assert {"caritas-lb", "awo-lb"} <= receivers
    towns = set(
        Arrival.objects.filter(organisation__short_name="caritas-lb").values_list(
            "assignment__municipality__name", flat=True
        )
    )
    assert {"Ludwigsburg", "Tamm"} <= towns
    # The county assigned two households to Tamm this week: one new, one with its first contact planned.
    tamm = Arrival.objects.filter(
        assignment__municipality__name="Tamm", assignment__date__gt=today - datetime.timedelta(days=7)
    )
    assert sorted(tamm.values_list("state", flat=True)) == [ArrivalState.CONTACT_PLANNED, ArrivalState.NEW]
    # A few wait beyond 14 days (overdue in "Meine Arbeit"), not a flood.
    overdue = Arrival.objects.filter(
        state=ArrivalState.NEW, assignment__date__lt=today - datetime.timedelta(days=14), forwarded_from__isnull=True
    ).count()
    assert 1 <= overdue <= 3
    declined = Arrival.objects.get(state=ArrivalState.DECLINED)
    assert declined.reason
    forwarded = Arrival.objects.get(state=ArrivalState.FORWARDED)
    assert forwarded.forwarded_to is not None and forwarded.forwarded_to.short_name == "awo-lb"
    assert Arrival.objects.get(forwarded_from=forwarded).state == ArrivalState.NEW
    # Counselling begun: the case opened, the records linked, mostly with the consent to the exchange.
    begun = list(Arrival.objects.filter(state=ArrivalState.COUNSELLING).select_related("case", "assignment"))
    assert len(begun) >= 5
    for arrival in begun:
        clients = CaseClient.objects.filter(case=arrival.case).values("person")
        if arrival.organisation_id == arrival.assignment.organisation_id:
            # The district office's own integration management counsels the records it keeps: nothing to link.
            assigned = arrival.assignment.persons.values("pk")
            assert not PersonLink.objects.filter(casework_person__in=clients).exists()
            assert set(clients.values_list("person", flat=True)) <= set(assigned.values_list("pk", flat=True))
        else:
            assert PersonLink.objects.filter(casework_person__in=clients).exists()
    assert Consent.objects.filter(case__in=[a.case for a in begun], purpose=ConsentPurpose.HOUSING_EXCHANGE).exists()
    assert Arrival.objects.filter(prints__isnull=False).exists()
    # Every new entry's first contact planned lies ahead.
    for arrival in Arrival.objects.filter(state=ArrivalState.CONTACT_PLANNED):
        assert arrival.first_contact_on is not None and arrival.first_contact_on > today


def test_linked_clients_consented_and_their_housing_facts_flowed(demo: str):
    links = PersonLink.objects.all()
    assert links.count() >= 20
    consented = Consent.objects.filter(
        purpose=ConsentPurpose.HOUSING_EXCHANGE, person__in=links.values("casework_person")
    )
    assert consented.count() >= 10
    # Not every linked client consented (a realistic share).
    assert links.exclude(casework_person__in=consented.values("person")).exists()
    # Housing facts flowed into casework records: their history context marks the flow.
    flowed = [
        event
        for event in HousingRecord.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
            pgh_obj__person__in=links.values("casework_person")
        ).select_related("pgh_context")
        if event.pgh_context is not None
        and (event.pgh_context.metadata.get("flow") or {}).get("direction") == FROM_ACCOMMODATION
    ]
    assert flowed
    assert ExchangeNotice.objects.exists()
    # Old notices were read through the service; the newer ones wait in "Meine Arbeit".
    old = timezone.localdate() - datetime.timedelta(days=21)
    assert not ExchangeNotice.objects.filter(seen_at__isnull=True, valid_from__lt=old).exists()
    assert ExchangeNotice.objects.filter(seen_at__isnull=False, seen_by__isnull=False).exists()
    assert ExchangeNotice.objects.filter(seen_at__isnull=True).exists()


def test_one_consent_was_withdrawn_a_link_request_waits_and_a_move_out_is_planned(demo: str):
    withdrawn = Consent.objects.get(purpose=ConsentPurpose.HOUSING_EXCHANGE, withdrawn_on__isnull=False)
    assert withdrawn.recipient_organisation is not None
    assert withdrawn.recipient_organisation.short_name == "stadt-lb"
    assert PersonLink.objects.filter(casework_person=withdrawn.person).exists()
    request = LinkRequest.objects.get(status=LinkRequestStatus.OPEN)
    assert request.housing_organisation.short_name == "stadt-lb"
    assert not PersonLink.objects.filter(casework_person=request.casework_person).exists()
    # The move-out the Caritas announced, beside those the housing demo's leases planned (lotse.demo.housing).
    plans = PlannedMoveOut.objects.filter(status=PlannedMoveOutStatus.PLANNED).select_related("occupancy")
    assert plans.filter(shelter__organisation__short_name="stadt-lb", from_organisation__short_name="caritas-lb")
    assert all(plan.occupancy.move_out is None for plan in plans)


def test_the_county_handed_two_households_over_one_accepted(demo: str):
    sheets = list(HandoverSheet.objects.order_by("pk"))
    assert [s.status for s in sheets] == [HandoverSheetStatus.ACCEPTED, HandoverSheetStatus.SENT]
    accepted, waiting = sheets
    for sheet in sheets:
        assert sheet.sending_organisation.short_name == "lra-lb"
        assert sheet.shelter.kind == "gu_vorlaeufig"
        assert sheet.consent_given_on is not None and sheet.consent_given_by_id is not None
        assert sheet.needs.count() == 2 and sheet.tasks.count() == 2 and sheet.contacts.count() == 1
    assert waiting.case is None
    case = accepted.case
    assert case is not None and case.organisation_id == accepted.receiving_organisation_id
    clients = CaseClient.objects.filter(case=case).values("person")
    assert PersonLink.objects.filter(casework_person__in=clients).count() == accepted.persons.count()
    assert FollowUp.objects.filter(case=case).count() == 4
    assert Consent.objects.filter(
        case=case, purpose=ConsentPurpose.HOUSING_EXCHANGE, recipient_organisation=accepted.sending_organisation
    ).exists()


def test_households_assigned_to_homes_in_gruenbuehl_reach_the_awo(demo: str):
    ludwigsburg = Arrival.objects.filter(assignment__municipality__name="Ludwigsburg")
    awo = list(ludwigsburg.filter(organisation__short_name="awo-lb", forwarded_from__isnull=True))
    assert len(awo) >= 2
    homes = {
        (a.assignment.future_shelter.name if a.assignment.future_shelter else "", a.assignment.future_address)
        for a in awo
    }
    assert any("Grünbühl" in shelter for shelter, _address in homes)
    assert any("Ludwigsburg-Grünbühl" in address for _shelter, address in homes)
    # The rest of the town's households reach the Caritas, and none reaches both.
    assert ludwigsburg.filter(organisation__short_name="caritas-lb").exists()
    assert not ludwigsburg.filter(
        organisation__short_name="caritas-lb", assignment__in=[a.assignment_id for a in awo]
    ).exists()


def test_the_vu_monitor_shows_asylum_stages_and_every_flag(demo: str):
    county_user = User.objects.get(username="unterbringung-lra")
    today = timezone.localdate()
    rows = monitor_rows(county_user, today, DEFAULT_WARNING_MONTHS, vu_shelters(county_user))
    with_stage = [row for row in rows if row.stage is not None]
    assert len(rows) >= 50
    assert len(rows) / 2 <= len(with_stage) < len(rows)  # a good share, not everyone
    # Recorded by the county's integration management, on the records the county keeps.
    assert {row.person.organisation.short_name for row in with_stage} == {"lra-lb"}
    assert set(
        AsylumRecord.objects.filter(person__in=[row.person for row in with_stage]).values_list(
            "recorded_by__username", flat=True
        )
    ) == {"integration-lra"}
    flags = {row.flag for row in rows}
    assert {Flag.DECISION, Flag.REACHED, Flag.SOON, Flag.NONE} <= flags
    for row in rows:
        if row.flag == Flag.DECISION:
            assert row.decision is not None and row.decision.outcome
    reached = [row for row in rows if row.flag == Flag.REACHED]
    assert all(row.months >= 24 and row.decision is None for row in reached)
    # The page shows them as the county's accommodation staff see it.
    client = Client()
    client.force_login(county_user)
    page = client.get(reverse("accommodation:vu_monitor"))
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Entscheidung ergangen", "24 Monate erreicht", "erreicht bald 24 Monate", "Bescheid", "Anhörung"):
        assert label in text, label


def test_a_second_load_of_the_journey_creates_nothing(demo: str):
    counts = (
        Arrival.objects.count(),
        PersonLink.objects.count(),
        Consent.objects.count(),
        HandoverSheet.objects.count(),
    )
    assert load_demo_journey(today=timezone.localdate()) == {
        "arrivals": 0,
        "counselling": 0,
        "relocated": 0,
        "notices_seen": 0,
        "sheets": 0,
    }
    assert (
        Arrival.objects.count(),
        PersonLink.objects.count(),
        Consent.objects.count(),
        HandoverSheet.objects.count(),
    ) == counts
