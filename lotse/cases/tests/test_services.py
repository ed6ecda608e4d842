"""Cases and what is recorded in them: intake, status machine, plan, contacts, consent, handover."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lotse.cases import services
from lotse.cases.choices import (
    CaseStatus,
    ClosingReason,
    ConsentPurpose,
    ContactForm,
    FieldOfAction,
    GoalStatus,
    HandoverStatus,
    InterpreterKind,
    ReferralOutcome,
    Responsible,
)
from lotse.cases.models import (
    Case,
    CaseClient,
    CaseStatusChange,
    Consent,
    Contact,
    FollowUp,
    Goal,
    Handover,
    IntegrationPlan,
    Referral,
    Step,
    add_years,
)
from lotse.cases.tests.factories import (
    TODAY,
    acting_user_of,
    days,
    events_of,
    frozen_today,
    head_of,
    open_case_for,
    refused_with,
)
from lotse.core.choices import Role
from lotse.core.services import ConcurrentEditError
from lotse.core.tests.factories import MunicipalityFactory, UserFactory
from lotse.people.choices import Relationship
from lotse.people.models import Household, HouseholdMembership, Person

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 2)
NOT_OWNER = "Only the organisation responsible for the case may change it."
CLOSED = "The case is closed. Reopen it to record something new."
OLD_PLAN = "Only the newest version of the plan can be changed; earlier versions are kept as agreed."


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


@pytest.fixture
def case(caseworker_a) -> Case:
    return open_case_for(caseworker_a, family_name="Haddad", given_names="Amal")


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def change_status(case, acting_user, to_status, on=datetime.date(2025, 3, 1), **kwargs) -> Case:
    return services.change_status(
        acting_user=acting_user, case=case, expected_version=case.version, to_status=to_status, on=on, **kwargs
    )


def close(case, acting_user, on=datetime.date(2025, 5, 1), reason=ClosingReason.ZIELE_ERREICHT) -> Case:
    return change_status(case, acting_user, CaseStatus.CLOSED, on=on, closing_reason=reason)


def add_member(case, acting_user, family_name="Haddad", given_names="Samir", *, is_client=True) -> Person:
    return services.add_household_member(
        acting_user=acting_user,
        case=case,
        relationship=Relationship.CHILD,
        since=START,
        is_client=is_client,
        person_fields={"family_name": family_name, "given_names": given_names},
    )


def share_with(case, acting_user, organisation, given_on=datetime.date(2025, 2, 1)) -> Consent:
    return services.record_consent(
        acting_user=acting_user,
        case=case,
        person=head_of(case),
        purpose=ConsentPurpose.SHARING,
        given_on=given_on,
        recipient_organisation=organisation,
    )


def status_history(case) -> list[tuple]:
    return list(
        CaseStatusChange.objects.filter(case=case)
        .order_by("pk")
        .values_list("from_status", "to_status", "on", "closing_reason", "by_id")
    )


# Intake


def test_it_opens_a_case_with_a_household_and_its_head_as_client(caseworker_a):
    municipality = MunicipalityFactory.create(name="Gemeinde Bietigheim")
    case = services.open_case(
        acting_user=caseworker_a,
        organisation=caseworker_a.organisation,
        municipality=municipality,
        start_date=START,
        responsible=caseworker_a,
        head={"family_name": "Haddad", "given_names": "Amal", "nationalities": ["SY"]},
        external_id="IM-2025-001",
    )
    case = reload(case)
    person = Person.objects.get()
    household = Household.objects.get()
    assert (case.organisation, case.municipality, case.responsible) == (
        caseworker_a.organisation,
        municipality,
        caseworker_a,
    )
    assert (case.status, case.start_date, case.end_date, case.closing_reason) == (CaseStatus.ACTIVE, START, None, "")
    assert (case.household, case.number, case.version) == (household, "IM-2025-001", 1)
    assert list(case.clients.all()) == [person]
    assert (person.organisation, person.full_name, person.nationalities) == (
        caseworker_a.organisation,
        "Haddad, Amal",
        ["SY"],
    )
    assert household.organisation == caseworker_a.organisation
    membership = HouseholdMembership.objects.get()
    assert (membership.household, membership.person, membership.relationship, membership.valid_from) == (
        household,
        person,
        Relationship.HEAD,
        START,
    )
    assert membership.valid_to is None
    assert status_history(case) == [("", CaseStatus.ACTIVE, START, "", caseworker_a.pk)]
    for row in (case, person, household, membership):
        (event,) = events_of(row)
        assert event.pgh_label == "insert"
        assert acting_user_of(event) == caseworker_a.pk


def test_it_numbers_a_case_without_an_import_id(case):
    assert case.number == f"F-{case.pk:06d}"
    with translation.override("en"):
        assert str(case) == f"Case F-{case.pk:06d}"


def test_it_lets_a_team_lead_open_a_case(teamlead_a):
    case = open_case_for(teamlead_a)
    assert reload(case).organisation == teamlead_a.organisation


@pytest.mark.parametrize(
    ("responsible", "message"),
    [
        ("caseworker_b", "The responsible caseworker must work in integration management at the case's organisation."),
        ("org_admin_a", "The responsible caseworker must work in integration management at the case's organisation."),
        ("inactive_colleague", "The responsible caseworker's account is deactivated."),
    ],
)
def test_it_refuses_a_responsible_caseworker_who_may_not_do_casework(request, caseworker_a, responsible, message):
    if responsible == "inactive_colleague":
        user = UserFactory.create(
            organisation=caseworker_a.organisation, roles=[Role.INTEGRATIONSMANAGEMENT], is_active=False
        )
    else:
        user = request.getfixturevalue(responsible)
    with refused_with(message):
        open_case_for(caseworker_a, responsible=user)
    assert not Case.objects.exists()
    assert not Person.objects.exists()
    assert not Household.objects.exists()


def test_it_refuses_to_open_a_case_starting_in_the_future(caseworker_a):
    with refused_with("The start of counselling cannot be in the future."):
        open_case_for(caseworker_a, start_date=TODAY + days(1))
    assert not Case.objects.exists()


def test_it_refuses_to_open_a_case_for_another_organisation(caseworker_b, org_a):
    with refused_with(NOT_OWNER):
        services.open_case(
            acting_user=caseworker_b,
            organisation=org_a,
            municipality=MunicipalityFactory.create(),
            start_date=START,
            responsible=None,
            head={"family_name": "Haddad"},
        )
    assert not Case.objects.exists()


def test_it_rolls_the_intake_back_when_the_head_is_invalid(caseworker_a):
    with refused_with("Unknown language “xx”: use a three-letter ISO 639-3 code."):
        open_case_for(caseworker_a, languages=["xx"])
    assert not Case.objects.exists()
    assert not Household.objects.exists()
    assert not Person.objects.exists()


# Household members and clients


def test_it_adds_household_members_as_clients_or_not(case, caseworker_a):
    child = add_member(case, caseworker_a, given_names="Samir")
    grandmother = add_member(case, caseworker_a, given_names="Fatima", is_client=False)
    assert set(case.clients.all()) == {head_of(case), child}
    assert set(Person.objects.filter(household_memberships__household=case.household)) == {
        head_of(case),
        child,
        grandmother,
    }
    assert child.organisation == case.organisation


def test_it_makes_a_member_a_client_and_no_longer_one(case, caseworker_a):
    member = add_member(case, caseworker_a, is_client=False)
    services.set_client(acting_user=caseworker_a, case=case, person=member, is_client=True)
    assert CaseClient.objects.filter(case=case, person=member).exists()
    services.set_client(acting_user=caseworker_a, case=case, person=member, is_client=True)  # idempotent
    assert CaseClient.objects.filter(case=case).count() == 2
    services.set_client(acting_user=caseworker_a, case=case, person=member, is_client=False)
    assert list(case.clients.all()) == [head_of(case)]


def test_it_keeps_at_least_one_client_and_those_who_consented(case, caseworker_a, org_b):
    head = head_of(case)
    with refused_with("A case needs at least one client."):
        services.set_client(acting_user=caseworker_a, case=case, person=head, is_client=False)
    add_member(case, caseworker_a)
    share_with(case, caseworker_a, org_b)
    with refused_with("This client gave consents recorded in the case, so they stay a client of it."):
        services.set_client(acting_user=caseworker_a, case=case, person=head, is_client=False)
    assert CaseClient.objects.filter(case=case, person=head).exists()


def test_it_refuses_a_client_from_outside_the_household(case, caseworker_a):
    other = head_of(open_case_for(caseworker_a, family_name="Schmidt"))
    with refused_with("Only members of the case's household can be its clients."):
        services.set_client(acting_user=caseworker_a, case=case, person=other, is_client=True)
    assert not CaseClient.objects.filter(case=case, person=other).exists()


def test_it_moves_a_member_into_a_new_household(case, caseworker_a):
    child = add_member(case, caseworker_a)
    new_home = services.move_to_new_household(
        acting_user=caseworker_a, case=case, person=child, since=datetime.date(2025, 4, 1)
    )
    old = HouseholdMembership.objects.get(person=child, household=case.household)
    assert old.valid_to == datetime.date(2025, 4, 1)
    current = HouseholdMembership.objects.get(person=child, valid_to__isnull=True)
    assert (current.household, current.relationship) == (new_home, Relationship.HEAD)
    assert new_home.organisation == case.organisation
    assert list(case.clients.all()) == [head_of(case)]


def test_it_refuses_a_former_member_as_client(case, caseworker_a):
    child = add_member(case, caseworker_a)
    services.move_to_new_household(acting_user=caseworker_a, case=case, person=child, since=datetime.date(2025, 4, 1))
    with refused_with("Only members of the case's household can be its clients."):
        services.set_client(acting_user=caseworker_a, case=case, person=child, is_client=True)
    assert list(case.clients.all()) == [head_of(case)]


def test_it_refuses_to_move_out_a_person_of_another_household(case, caseworker_a):
    other_case = open_case_for(caseworker_a, family_name="Schmidt")
    add_member(other_case, caseworker_a, family_name="Schmidt")
    stranger = head_of(other_case)
    with pytest.raises(ValidationError):
        services.move_to_new_household(
            acting_user=caseworker_a, case=case, person=stranger, since=datetime.date(2025, 4, 1)
        )
    assert HouseholdMembership.objects.get(person=stranger, valid_to__isnull=True).household == other_case.household


def test_it_refuses_to_move_the_only_client_out(case, caseworker_a):
    head = head_of(case)
    with refused_with("The case's only client cannot move out of its household; close the case instead."):
        services.move_to_new_household(
            acting_user=caseworker_a, case=case, person=head, since=datetime.date(2025, 4, 1)
        )
    assert Household.objects.count() == 1
    assert HouseholdMembership.objects.get(person=head).valid_to is None
    assert list(case.clients.all()) == [head]


def test_it_creates_no_member_when_the_move_in_is_refused(case, caseworker_a):
    with refused_with("The date of moving in cannot be in the future."):
        services.add_household_member(
            acting_user=caseworker_a,
            case=case,
            relationship=Relationship.CHILD,
            since=TODAY + days(1),
            is_client=True,
            person_fields={"family_name": "Haddad", "given_names": "Samir"},
        )
    assert Person.objects.count() == 1
    assert CaseClient.objects.filter(case=case).count() == 1


def test_it_refuses_new_members_of_a_closed_case(case, caseworker_a):
    close(case, caseworker_a)
    with refused_with(CLOSED):
        add_member(case, caseworker_a)
    assert Person.objects.count() == 1


# Updating a case


def test_it_updates_a_case(case, caseworker_a, colleague_a):
    municipality = MunicipalityFactory.create()
    services.update_case(
        acting_user=caseworker_a,
        case=case,
        expected_version=1,
        responsible=colleague_a,
        municipality=municipality,
        start_date=datetime.date(2025, 1, 1),
    )
    case = reload(case)
    assert (case.responsible, case.municipality, case.start_date, case.version) == (
        colleague_a,
        municipality,
        datetime.date(2025, 1, 1),
        2,
    )
    event = events_of(case).last()
    assert (event.pgh_label, event.responsible_id, acting_user_of(event)) == ("update", colleague_a.pk, caseworker_a.pk)


def test_it_refuses_an_update_of_a_case_with_a_stale_version(case, caseworker_a, colleague_a):
    services.update_case(
        acting_user=caseworker_a,
        case=case,
        expected_version=1,
        responsible=colleague_a,
        municipality=case.municipality,
        start_date=START,
    )
    with pytest.raises(ConcurrentEditError):
        services.update_case(
            acting_user=caseworker_a,
            case=case,
            expected_version=1,
            responsible=caseworker_a,
            municipality=case.municipality,
            start_date=START,
        )
    assert (reload(case).responsible, reload(case).version) == (colleague_a, 2)


def test_it_refuses_a_start_after_the_end_of_a_closed_case(case, caseworker_a):
    close(case, caseworker_a, on=datetime.date(2025, 3, 1))
    with refused_with("The start of counselling cannot be after its end."):
        services.update_case(
            acting_user=caseworker_a,
            case=case,
            expected_version=case.version,
            responsible=caseworker_a,
            municipality=case.municipality,
            start_date=datetime.date(2025, 3, 2),
        )
    assert reload(case).start_date == START


# The status machine


def test_it_pauses_resumes_closes_and_reopens_a_case(case, caseworker_a, colleague_a):
    change_status(case, caseworker_a, CaseStatus.DORMANT, on=datetime.date(2025, 3, 1), note="Kur")
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason, stored.version) == (
        CaseStatus.DORMANT,
        None,
        "",
        2,
    )

    change_status(case, caseworker_a, CaseStatus.ACTIVE, on=datetime.date(2025, 4, 1))
    assert reload(case).status == CaseStatus.ACTIVE

    close(case, colleague_a, on=datetime.date(2025, 5, 1), reason=ClosingReason.EIGENER_WOHNRAUM)
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason, stored.version) == (
        CaseStatus.CLOSED,
        datetime.date(2025, 5, 1),
        ClosingReason.EIGENER_WOHNRAUM,
        4,
    )

    change_status(case, caseworker_a, CaseStatus.ACTIVE, on=datetime.date(2025, 6, 1))
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason, stored.version) == (CaseStatus.ACTIVE, None, "", 5)

    assert status_history(case) == [
        ("", CaseStatus.ACTIVE, START, "", caseworker_a.pk),
        (CaseStatus.ACTIVE, CaseStatus.DORMANT, datetime.date(2025, 3, 1), "", caseworker_a.pk),
        (CaseStatus.DORMANT, CaseStatus.ACTIVE, datetime.date(2025, 4, 1), "", caseworker_a.pk),
        (
            CaseStatus.ACTIVE,
            CaseStatus.CLOSED,
            datetime.date(2025, 5, 1),
            ClosingReason.EIGENER_WOHNRAUM,
            colleague_a.pk,
        ),
        (CaseStatus.CLOSED, CaseStatus.ACTIVE, datetime.date(2025, 6, 1), "", caseworker_a.pk),
    ]
    assert CaseStatusChange.objects.filter(case=case, note="Kur").count() == 1
    events = list(events_of(case))
    assert [e.status for e in events] == ["aktiv", "ruhend", "aktiv", "abgeschlossen", "aktiv"]
    assert [acting_user_of(e) for e in events] == [
        caseworker_a.pk,
        caseworker_a.pk,
        caseworker_a.pk,
        colleague_a.pk,
        caseworker_a.pk,
    ]


def walk_to(case, acting_user, status) -> Case:
    """Bring a fresh case into ``status`` through the status machine."""
    if status == CaseStatus.DORMANT:
        change_status(case, acting_user, CaseStatus.DORMANT, on=datetime.date(2025, 2, 1))
    elif status == CaseStatus.CLOSED:
        close(case, acting_user, on=datetime.date(2025, 2, 1))
    return reload(case)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (CaseStatus.ACTIVE, CaseStatus.DORMANT),
        (CaseStatus.ACTIVE, CaseStatus.CLOSED),
        (CaseStatus.DORMANT, CaseStatus.ACTIVE),
        (CaseStatus.DORMANT, CaseStatus.CLOSED),
        (CaseStatus.CLOSED, CaseStatus.ACTIVE),
    ],
)
def test_it_allows_each_transition_of_the_status_machine(case, caseworker_a, from_status, to_status):
    case = walk_to(case, caseworker_a, from_status)
    changes = CaseStatusChange.objects.count()
    reason = ClosingReason.WEGZUG if to_status == CaseStatus.CLOSED else ""
    change_status(case, caseworker_a, to_status, on=datetime.date(2025, 3, 1), closing_reason=reason)
    stored = reload(case)
    assert stored.status == to_status
    if to_status == CaseStatus.CLOSED:
        assert (stored.end_date, stored.closing_reason) == (datetime.date(2025, 3, 1), ClosingReason.WEGZUG)
    else:
        assert (stored.end_date, stored.closing_reason) == (None, "")
    assert CaseStatusChange.objects.count() == changes + 1
    assert status_history(case)[-1] == (from_status, to_status, datetime.date(2025, 3, 1), reason, caseworker_a.pk)


@pytest.mark.parametrize(
    ("from_status", "to_status", "message"),
    [
        (CaseStatus.ACTIVE, CaseStatus.ACTIVE, "A case that is “active” cannot become “active”."),
        (CaseStatus.DORMANT, CaseStatus.DORMANT, "A case that is “dormant” cannot become “dormant”."),
        (CaseStatus.CLOSED, CaseStatus.CLOSED, "A case that is “closed” cannot become “closed”."),
        (CaseStatus.CLOSED, CaseStatus.DORMANT, "A case that is “closed” cannot become “dormant”."),
        (CaseStatus.ACTIVE, "archiviert", "A case that is “active” cannot become “archiviert”."),
    ],
)
def test_it_refuses_each_forbidden_transition_and_changes_nothing(case, caseworker_a, from_status, to_status, message):
    case = walk_to(case, caseworker_a, from_status)
    before = (case.status, case.end_date, case.closing_reason, case.version)
    history = status_history(case)
    reason = ClosingReason.SONSTIGES if to_status == CaseStatus.CLOSED else ""
    with refused_with(message):
        change_status(case, caseworker_a, to_status, on=datetime.date(2025, 3, 1), closing_reason=reason)
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason, stored.version) == before
    assert status_history(case) == history


@pytest.mark.parametrize("reason", ["", "keine_lust"])
def test_it_refuses_to_close_without_a_known_reason(case, caseworker_a, reason):
    with refused_with("Choose the reason for closing the case."):
        close(case, caseworker_a, reason=reason)
    assert reload(case).status == CaseStatus.ACTIVE
    assert len(status_history(case)) == 1


def test_it_refuses_a_closing_reason_without_closing(case, caseworker_a):
    with refused_with("Only closing a case takes a closing reason."):
        change_status(case, caseworker_a, CaseStatus.DORMANT, closing_reason=ClosingReason.WEGZUG)
    assert reload(case).status == CaseStatus.ACTIVE


def test_it_refuses_to_close_before_the_start_of_counselling(case, caseworker_a):
    with refused_with("The date cannot be before the start of counselling (01/02/2025)."):
        close(case, caseworker_a, on=START - days(1))
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason) == (CaseStatus.ACTIVE, None, "")


def test_it_names_the_start_of_counselling_in_the_users_date_format(case, caseworker_a):
    with translation.override("de"), pytest.raises(ValidationError) as info:
        close(case, caseworker_a, on=START - days(1))
    assert "(02.01.2025)" in info.value.messages[0]


def test_it_closes_on_the_first_day_of_counselling(case, caseworker_a):
    close(case, caseworker_a, on=START)
    assert reload(case).end_date == START


def test_it_refuses_a_status_change_in_the_future(case, caseworker_a):
    with refused_with("The date of the status change cannot be in the future."):
        change_status(case, caseworker_a, CaseStatus.DORMANT, on=TODAY + days(1))
    assert reload(case).status == CaseStatus.ACTIVE


def test_it_refuses_to_close_a_case_with_a_pending_handover(case, caseworker_a, org_b):
    share_with(case, caseworker_a, org_b)
    services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with refused_with("A handover of this case is waiting for an answer. Withdraw it before closing the case."):
        close(case, caseworker_a)
    assert reload(case).status == CaseStatus.ACTIVE
    assert len(status_history(case)) == 1


def test_it_refuses_a_status_change_with_a_stale_version(case, caseworker_a, colleague_a):
    stale = reload(case)
    change_status(case, colleague_a, CaseStatus.DORMANT)
    with pytest.raises(ConcurrentEditError):
        close(stale, caseworker_a)
    stored = reload(case)
    assert (stored.status, stored.end_date, stored.closing_reason, stored.version) == (CaseStatus.DORMANT, None, "", 2)
    assert [row[1] for row in status_history(case)] == [CaseStatus.ACTIVE, CaseStatus.DORMANT]


def test_it_refuses_a_status_change_by_another_organisation(case, caseworker_b):
    with refused_with(NOT_OWNER):
        close(case, caseworker_b)
    assert reload(case).status == CaseStatus.ACTIVE


def test_it_warns_when_a_case_nears_its_maximum_duration(caseworker_a):
    case = open_case_for(caseworker_a, start_date=add_years(TODAY, -3) + days(60))
    assert case.max_duration_ends_on == TODAY + days(60)
    assert case.nears_max_duration(TODAY)
    assert not case.nears_max_duration(TODAY - days(31))
    close(case, caseworker_a, on=TODAY, reason=ClosingReason.HOECHSTDAUER)
    assert not reload(case).nears_max_duration(TODAY)


def test_it_adds_years_to_29_february():
    assert add_years(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)
    assert add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert add_years(datetime.date(2025, 6, 16), -3) == datetime.date(2022, 6, 16)


# The integration plan


def plan_with_goal(case, acting_user) -> tuple[IntegrationPlan, Goal, Step]:
    plan = services.create_plan_version(
        acting_user=acting_user, case=case, agreed_on=datetime.date(2025, 2, 1), notes="Erstgespräch"
    )
    goal = services.add_goal(
        acting_user=acting_user,
        plan=plan,
        field_of_action=FieldOfAction.SPRACHE,
        title="B1-Zertifikat",
        due_date=datetime.date(2025, 12, 31),
    )
    step = services.add_step(
        acting_user=acting_user, goal=goal, description="Integrationskurs anmelden", responsible=Responsible.CLIENT
    )
    return plan, goal, step


def test_it_numbers_plan_versions_and_copies_goals_and_steps(case, caseworker_a):
    first, goal, step = plan_with_goal(case, caseworker_a)
    second_goal = services.add_goal(
        acting_user=caseworker_a, plan=first, field_of_action=FieldOfAction.WOHNEN, title="Eigene Wohnung"
    )
    services.add_step(
        acting_user=caseworker_a,
        goal=second_goal,
        description="WBS beantragen",
        responsible=Responsible.ACTOR,
        responsible_name="Wohnungsamt",
    )
    services.set_step_done(acting_user=caseworker_a, step=step, done=True)
    services.update_goal(
        acting_user=caseworker_a,
        goal=goal,
        expected_version=1,
        field_of_action=FieldOfAction.SPRACHE,
        title="B1-Zertifikat",
        due_date=datetime.date(2025, 12, 31),
        review_date=None,
        status=GoalStatus.IN_PROGRESS,
    )
    old_goal_ids = set(first.goals.values_list("pk", flat=True))
    old_step_ids = set(Step.objects.filter(goal__plan=first).values_list("pk", flat=True))

    second = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 4, 1))
    third = services.create_plan_version(
        acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 5, 1), notes="Folgegespräch"
    )

    assert [p.number for p in case.plans.order_by("number")] == [1, 2, 3]
    assert services.current_plan(case) == third
    assert (second.notes, third.notes, third.created_by) == ("Erstgespräch", "Folgegespräch", caseworker_a)
    for plan in (first, second, third):
        goals = list(plan.goals.order_by("position"))
        assert [(g.title, g.field_of_action, g.status, g.position) for g in goals] == [
            ("B1-Zertifikat", FieldOfAction.SPRACHE, GoalStatus.IN_PROGRESS, 0),
            ("Eigene Wohnung", FieldOfAction.WOHNEN, GoalStatus.OPEN, 1),
        ]
        steps = list(Step.objects.filter(goal__plan=plan).order_by("goal__position", "position"))
        assert [(s.description, s.responsible, s.responsible_name, s.done) for s in steps] == [
            ("Integrationskurs anmelden", Responsible.CLIENT, "", True),
            ("WBS beantragen", Responsible.ACTOR, "Wohnungsamt", False),
        ]
        assert {s.goal.plan_id for s in steps} == {plan.pk}
    # New rows for each version; the old ones stay where they were, unchanged.
    assert set(first.goals.values_list("pk", flat=True)) == old_goal_ids
    assert set(Step.objects.filter(goal__plan=first).values_list("pk", flat=True)) == old_step_ids
    assert not old_goal_ids & set(second.goals.values_list("pk", flat=True))
    assert Goal.objects.count() == 6
    assert Step.objects.count() == 6
    assert set(second.goals.values_list("version", flat=True)) == {1}
    goal.refresh_from_db()
    assert (goal.plan, goal.version) == (first, 2)


def test_it_adds_a_step_that_is_already_done(case, caseworker_a):
    _plan, goal, _step = plan_with_goal(case, caseworker_a)
    done = services.add_step(
        acting_user=caseworker_a, goal=goal, description="Antrag abgegeben", responsible=Responsible.CLIENT, done=True
    )
    assert list(goal.steps.order_by("position").values_list("description", "done", "position")) == [
        ("Integrationskurs anmelden", False, 0),
        ("Antrag abgegeben", True, 1),
    ]
    assert done.done


def test_it_adds_a_goal_with_its_steps_all_or_nothing(case, caseworker_a):
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 2, 1))
    goal = services.add_goal(
        acting_user=caseworker_a,
        plan=plan,
        field_of_action=FieldOfAction.WOHNEN,
        title="Eigene Wohnung",
        steps=[
            services.NewStep("WBS beantragen", Responsible.ACTOR, " Wohnungsamt ", datetime.date(2025, 3, 1)),
            services.NewStep("Wohnungsanzeigen lesen", Responsible.CLIENT, "Wohnungsamt", done=True),
        ],
    )
    assert list(goal.steps.values_list("description", "responsible_name", "due_date", "done", "position")) == [
        ("WBS beantragen", "Wohnungsamt", datetime.date(2025, 3, 1), False, 0),
        ("Wohnungsanzeigen lesen", "", None, True, 1),
    ]
    for step in goal.steps.all():  # each step in the change history, by the caseworker
        (event,) = events_of(step)
        assert (event.pgh_label, acting_user_of(event)) == ("insert", caseworker_a.pk)

    with pytest.raises(ValidationError) as refused:
        services.add_goal(
            acting_user=caseworker_a,
            plan=plan,
            field_of_action=FieldOfAction.ARBEIT,
            title="Ausbildung",
            steps=[
                services.NewStep("Berufsberatung", Responsible.CLIENT),
                services.NewStep("Praktikum suchen", Responsible.ACTOR),
            ],
        )
    assert refused.value.messages == ["Bitte den Akteur angeben, der für den Schritt zuständig ist."]
    assert list(plan.goals.values_list("title", flat=True)) == ["Eigene Wohnung"]
    assert Step.objects.count() == 2


def test_it_refuses_to_change_an_earlier_plan_version(case, caseworker_a):
    first, goal, step = plan_with_goal(case, caseworker_a)
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 4, 1))
    with refused_with(OLD_PLAN):
        services.add_goal(acting_user=caseworker_a, plan=first, field_of_action=FieldOfAction.ARBEIT, title="Job")
    with refused_with(OLD_PLAN):
        services.update_goal(
            acting_user=caseworker_a,
            goal=goal,
            expected_version=1,
            field_of_action=FieldOfAction.SPRACHE,
            title="Geändert",
            due_date=None,
            review_date=None,
            status=GoalStatus.ACHIEVED,
        )
    with refused_with(OLD_PLAN):
        services.add_step(acting_user=caseworker_a, goal=goal, description="Neu", responsible=Responsible.CLIENT)
    with refused_with(OLD_PLAN):
        services.set_step_done(acting_user=caseworker_a, step=step, done=True)
    with refused_with(OLD_PLAN):
        services.delete_step(acting_user=caseworker_a, step=step)
    with refused_with(OLD_PLAN):
        services.update_plan(
            acting_user=caseworker_a,
            plan=first,
            expected_version=1,
            agreed_on=datetime.date(2025, 2, 1),
            review_on=None,
            notes="Geändert",
        )
    first.refresh_from_db()
    goal.refresh_from_db()
    step.refresh_from_db()
    assert (first.notes, first.version) == ("Erstgespräch", 1)
    assert (goal.title, goal.status, goal.version) == ("B1-Zertifikat", GoalStatus.OPEN, 1)
    assert step.done is False
    assert first.goals.count() == 1
    assert goal.steps.count() == 1


def test_it_refuses_a_plan_version_dated_before_the_previous_one(case, caseworker_a):
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 3, 1))
    with refused_with("The new version cannot be dated before the previous one (03/01/2025)."):
        services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 2, 28))
    assert case.plans.count() == 1


def test_it_refuses_to_redate_a_plan_version_before_the_previous_one(case, caseworker_a):
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 3, 1))
    second = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 4, 1))
    with pytest.raises(ValidationError):
        services.update_plan(
            acting_user=caseworker_a,
            plan=second,
            expected_version=1,
            agreed_on=datetime.date(2025, 2, 1),
            review_on=None,
            notes="",
        )
    second.refresh_from_db()
    assert second.agreed_on == datetime.date(2025, 4, 1)


def test_it_refuses_a_plan_agreed_in_the_future(case, caseworker_a):
    with refused_with("The date of the agreement cannot be in the future."):
        services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY + days(1))
    assert not case.plans.exists()


def test_it_refuses_plan_changes_in_a_closed_case(case, caseworker_a):
    plan, goal, step = plan_with_goal(case, caseworker_a)
    close(case, caseworker_a)
    with refused_with(CLOSED):
        services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    with refused_with(CLOSED):
        services.add_goal(acting_user=caseworker_a, plan=plan, field_of_action=FieldOfAction.ARBEIT, title="Job")
    with refused_with(CLOSED):
        services.add_step(acting_user=caseworker_a, goal=goal, description="Neu", responsible=Responsible.CLIENT)
    with refused_with(CLOSED):
        services.set_step_done(acting_user=caseworker_a, step=step, done=True)
    assert (case.plans.count(), Goal.objects.count(), Step.objects.count()) == (1, 1, 1)
    assert Step.objects.get(pk=step.pk).done is False


def test_it_updates_the_current_plan(case, caseworker_a):
    plan, _goal, _step = plan_with_goal(case, caseworker_a)
    services.update_plan(
        acting_user=caseworker_a,
        plan=plan,
        expected_version=1,
        agreed_on=datetime.date(2025, 2, 3),
        review_on=datetime.date(2025, 8, 1),
        notes="Korrigiert",
    )
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.review_on, plan.notes, plan.version) == (
        datetime.date(2025, 2, 3),
        datetime.date(2025, 8, 1),
        "Korrigiert",
        2,
    )
    with pytest.raises(ConcurrentEditError):
        services.update_plan(
            acting_user=caseworker_a, plan=plan, expected_version=1, agreed_on=TODAY, review_on=None, notes="Alt"
        )
    plan.refresh_from_db()
    assert plan.notes == "Korrigiert"


def test_it_adds_and_updates_goals(case, caseworker_a):
    plan, goal, _step = plan_with_goal(case, caseworker_a)
    second = services.add_goal(
        acting_user=caseworker_a,
        plan=plan,
        field_of_action=FieldOfAction.ARBEIT,
        title="Ausbildungsplatz",
        review_date=datetime.date(2025, 7, 1),
        status=GoalStatus.IN_PROGRESS,
    )
    assert [(g.title, g.position) for g in plan.goals.all()] == [("B1-Zertifikat", 0), ("Ausbildungsplatz", 1)]
    assert (second.review_date, second.status) == (datetime.date(2025, 7, 1), GoalStatus.IN_PROGRESS)
    services.update_goal(
        acting_user=caseworker_a,
        goal=goal,
        expected_version=1,
        field_of_action=FieldOfAction.SPRACHE,
        title="B2-Zertifikat",
        due_date=None,
        review_date=datetime.date(2025, 9, 1),
        status=GoalStatus.ACHIEVED,
    )
    goal.refresh_from_db()
    assert (goal.title, goal.due_date, goal.review_date, goal.status, goal.version) == (
        "B2-Zertifikat",
        None,
        datetime.date(2025, 9, 1),
        GoalStatus.ACHIEVED,
        2,
    )
    event = events_of(goal).last()
    assert (event.pgh_label, event.title, acting_user_of(event)) == ("update", "B2-Zertifikat", caseworker_a.pk)
    with pytest.raises(ConcurrentEditError):
        services.update_goal(
            acting_user=caseworker_a,
            goal=goal,
            expected_version=1,
            field_of_action=FieldOfAction.SPRACHE,
            title="Veraltet",
            due_date=None,
            review_date=None,
            status=GoalStatus.OPEN,
        )
    goal.refresh_from_db()
    assert (goal.title, goal.version) == ("B2-Zertifikat", 2)


@pytest.mark.parametrize(
    ("field_of_action", "status", "message"),
    [
        ("magie", GoalStatus.OPEN, "Choose a field of action."),
        (FieldOfAction.SPRACHE, "vielleicht", "Choose the goal's status."),
    ],
)
def test_it_refuses_unknown_goal_values(case, caseworker_a, field_of_action, status, message):
    plan, goal, _step = plan_with_goal(case, caseworker_a)
    with refused_with(message):
        services.add_goal(
            acting_user=caseworker_a, plan=plan, field_of_action=field_of_action, title="X", status=status
        )
    with refused_with(message):
        services.update_goal(
            acting_user=caseworker_a,
            goal=goal,
            expected_version=1,
            field_of_action=field_of_action,
            title="X",
            due_date=None,
            review_date=None,
            status=status,
        )
    assert [g.title for g in Goal.objects.all()] == ["B1-Zertifikat"]


def test_it_adds_steps_and_marks_them_done(case, caseworker_a):
    _plan, goal, first = plan_with_goal(case, caseworker_a)
    second = services.add_step(
        acting_user=caseworker_a,
        goal=goal,
        description="Kursplatz suchen",
        responsible=Responsible.ACTOR,
        responsible_name="  Migrationsberatung  ",
        due_date=datetime.date(2025, 7, 1),
    )
    third = services.add_step(
        acting_user=caseworker_a,
        goal=goal,
        description="Kinderbetreuung klären",
        responsible=Responsible.CASEWORKER,
        responsible_name="wird verworfen",
    )
    assert [(s.description, s.position) for s in goal.steps.all()] == [
        ("Integrationskurs anmelden", 0),
        ("Kursplatz suchen", 1),
        ("Kinderbetreuung klären", 2),
    ]
    assert Step.objects.get(pk=second.pk).responsible_name == "Migrationsberatung"
    assert Step.objects.get(pk=third.pk).responsible_name == ""
    services.set_step_done(acting_user=caseworker_a, step=first, done=True)
    assert Step.objects.get(pk=first.pk).done is True
    services.set_step_done(acting_user=caseworker_a, step=first, done=False)
    assert Step.objects.get(pk=first.pk).done is False
    services.delete_step(acting_user=caseworker_a, step=third)
    assert goal.steps.count() == 2
    assert [e.pgh_label for e in events_of(first)] == [
        "insert",
        "update",
        "update",
    ]


@pytest.mark.parametrize(
    ("responsible", "name", "message"),
    [
        (Responsible.ACTOR, "", "Name the actor who is responsible for the step."),
        (Responsible.ACTOR, "   ", "Name the actor who is responsible for the step."),
        ("nachbar", "", "Choose who is responsible for the step."),
    ],
)
def test_it_refuses_a_step_without_a_clear_responsible(case, caseworker_a, responsible, name, message):
    _plan, goal, _step = plan_with_goal(case, caseworker_a)
    with refused_with(message):
        services.add_step(
            acting_user=caseworker_a, goal=goal, description="Termin", responsible=responsible, responsible_name=name
        )
    assert goal.steps.count() == 1


# Contacts and follow-ups


def record(case, acting_user, **kwargs) -> Contact:
    kwargs.setdefault("date", datetime.date(2025, 3, 1))
    kwargs.setdefault("duration_minutes", 45)
    kwargs.setdefault("form", ContactForm.OFFICE)
    return services.record_contact(acting_user=acting_user, case=case, **kwargs)


def test_it_records_a_contact_with_follow_ups(case, caseworker_a):
    contact = record(
        case,
        caseworker_a,
        fields_of_action=[FieldOfAction.SPRACHE, FieldOfAction.ARBEIT, FieldOfAction.SPRACHE],
        interpreter_kind=InterpreterKind.PROFESSIONAL,
        interpreter_language="ara",
        note="Kursanmeldung besprochen",
        follow_ups=[("Kursträger anrufen", datetime.date(2025, 3, 5)), ("Unterlagen prüfen", TODAY + days(3))],
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.case, contact.date, contact.duration_minutes, contact.form) == (
        case,
        datetime.date(2025, 3, 1),
        45,
        ContactForm.OFFICE,
    )
    assert contact.fields_of_action == [FieldOfAction.SPRACHE, FieldOfAction.ARBEIT]
    assert (contact.interpreter_kind, contact.interpreter_language) == (InterpreterKind.PROFESSIONAL, "ara")
    assert contact.created_by == caseworker_a
    assert [(f.description, f.due_date, f.case, f.done_on) for f in contact.follow_ups.order_by("due_date")] == [
        ("Kursträger anrufen", datetime.date(2025, 3, 5), case, None),
        ("Unterlagen prüfen", TODAY + days(3), case, None),
    ]
    (event,) = events_of(contact)
    assert acting_user_of(event) == caseworker_a.pk


def test_it_records_a_contact_with_an_interpreter_of_unrecorded_kind(case, caseworker_a):
    contact = record(case, caseworker_a, interpreter_kind=InterpreterKind.UNSPECIFIED, interpreter_language="ukr")
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.interpreter_kind, stored.interpreter_language) == ("ohne_angabe", "ukr")
    assert InterpreterKind.values[-1] == "ohne_angabe"
    with translation.override("de"):
        assert stored.get_interpreter_kind_display() == "Dolmetschung (Art nicht erfasst)"


def test_it_drops_the_language_when_there_was_no_interpreter(case, caseworker_a):
    contact = record(case, caseworker_a, interpreter_kind=InterpreterKind.NONE, interpreter_language="ara")
    assert Contact.objects.get(pk=contact.pk).interpreter_language == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interpreter_kind": InterpreterKind.VOLUNTEER}, "Name the language the interpreter interpreted."),
        (
            {"interpreter_kind": InterpreterKind.RELATIVE, "interpreter_language": ""},
            "Name the language the interpreter interpreted.",
        ),
        ({"interpreter_kind": InterpreterKind.PROFESSIONAL, "interpreter_language": "xx"}, "Unknown language “xx”."),
        ({"interpreter_kind": InterpreterKind.UNSPECIFIED}, "Name the language the interpreter interpreted."),
        ({"date": START - days(1)}, "The contact cannot be dated before the start of counselling (01/02/2025)."),
        ({"date": TODAY + days(1)}, "The date of the contact cannot be in the future."),
        ({"fields_of_action": [FieldOfAction.SPRACHE, "zauberei"]}, "Unknown field of action “zauberei”."),
    ],
)
def test_it_refuses_an_incomplete_or_impossible_contact(case, caseworker_a, kwargs, message):
    with refused_with(message):
        record(case, caseworker_a, follow_ups=[("Anrufen", TODAY)], **kwargs)
    assert not Contact.objects.exists()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("duration", [0, 721])
def test_it_refuses_a_contact_of_impossible_length(case, caseworker_a, duration):
    with pytest.raises(ValidationError):
        record(case, caseworker_a, duration_minutes=duration)
    assert not Contact.objects.exists()


def test_it_records_a_contact_on_the_first_day_and_today(case, caseworker_a):
    record(case, caseworker_a, date=START)
    record(case, caseworker_a, date=TODAY)
    assert sorted(Contact.objects.values_list("date", flat=True)) == [START, TODAY]


def test_it_refuses_contacts_and_follow_ups_in_a_closed_case(case, caseworker_a):
    close(case, caseworker_a)
    with refused_with(CLOSED):
        record(case, caseworker_a)
    with refused_with(CLOSED):
        services.add_follow_up(acting_user=caseworker_a, case=case, description="Anrufen", due_date=TODAY)
    assert not Contact.objects.exists()
    assert not FollowUp.objects.exists()


def test_it_adds_and_completes_follow_ups(case, caseworker_a, caseworker_b):
    follow_up = services.add_follow_up(
        acting_user=caseworker_a, case=case, description="Jobcenter anrufen", due_date=TODAY + days(2)
    )
    assert (follow_up.contact, follow_up.done_on) == (None, None)
    with refused_with(NOT_OWNER):
        services.complete_follow_up(acting_user=caseworker_b, follow_up=follow_up)
    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None
    services.complete_follow_up(acting_user=caseworker_a, follow_up=follow_up)
    assert FollowUp.objects.get(pk=follow_up.pk).done_on == TODAY
    other = services.add_follow_up(acting_user=caseworker_a, case=case, description="Brief", due_date=TODAY)
    services.complete_follow_up(acting_user=caseworker_a, follow_up=other, on=datetime.date(2025, 6, 1))
    assert FollowUp.objects.get(pk=other.pk).done_on == datetime.date(2025, 6, 1)


# Referrals


def test_it_records_a_referral_and_its_outcome(case, caseworker_a):
    referral = services.add_referral(
        acting_user=caseworker_a,
        case=case,
        date=datetime.date(2025, 3, 1),
        to_whom="Schuldnerberatung",
        field_of_action=FieldOfAction.FINANZEN,
        topic="Mietschulden",
    )
    services.set_referral_outcome(
        acting_user=caseworker_a,
        referral=referral,
        expected_version=1,
        outcome=ReferralOutcome.ATTENDED,
        outcome_note="Termin wahrgenommen",
    )
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.outcome, referral.outcome_note, referral.version, referral.created_by) == (
        ReferralOutcome.ATTENDED,
        "Termin wahrgenommen",
        2,
        caseworker_a,
    )
    with refused_with("Choose the outcome of the referral."):
        services.set_referral_outcome(acting_user=caseworker_a, referral=referral, expected_version=2, outcome="egal")
    with pytest.raises(ConcurrentEditError):
        services.set_referral_outcome(
            acting_user=caseworker_a, referral=referral, expected_version=1, outcome=ReferralOutcome.DECLINED
        )
    assert Referral.objects.get(pk=referral.pk).outcome == ReferralOutcome.ATTENDED


def test_it_refuses_a_referral_in_the_future_or_in_a_closed_case(case, caseworker_a):
    kwargs: dict[str, Any] = {"to_whom": "Jobcenter", "field_of_action": FieldOfAction.ARBEIT, "topic": "Vermittlung"}
    with refused_with("The date of the referral cannot be in the future."):
        services.add_referral(acting_user=caseworker_a, case=case, date=TODAY + days(1), **kwargs)
    close(case, caseworker_a)
    with refused_with(CLOSED):
        services.add_referral(acting_user=caseworker_a, case=case, date=TODAY, **kwargs)
    assert not Referral.objects.exists()


# Consent


def test_it_records_consents(case, caseworker_a, org_b):
    head = head_of(case)
    sharing = share_with(case, caseworker_a, org_b)
    processing = services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head,
        purpose=ConsentPurpose.PROCESSING,
        given_on=START,
        recipient_organisation=org_b,
        recipient_name="wird verworfen",
    )
    release = services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head,
        purpose=ConsentPurpose.CONFIDENTIALITY,
        given_on=START,
        recipient_name="  Ausländerbehörde  ",
    )
    sharing, processing, release = (Consent.objects.get(pk=c.pk) for c in (sharing, processing, release))
    assert (sharing.recipient_organisation, sharing.recorded_by, sharing.in_force) == (org_b, caseworker_a, True)
    assert (processing.recipient_organisation, processing.recipient_name) == (None, "")
    assert (release.recipient_organisation, release.recipient, release.purpose) == (
        None,
        "Ausländerbehörde",
        ConsentPurpose.CONFIDENTIALITY,
    )
    (event,) = events_of(sharing)
    assert acting_user_of(event) == caseworker_a.pk


NO_RECIPIENT = "Name the organisation the data may be shared with, or the office released from confidentiality."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"purpose": ConsentPurpose.SHARING}, NO_RECIPIENT),
        ({"purpose": ConsentPurpose.CONFIDENTIALITY}, NO_RECIPIENT),
        ({"purpose": ConsentPurpose.SHARING, "recipient_name": "  "}, NO_RECIPIENT),
        ({"purpose": "alles"}, "Choose what the consent is for."),
        (
            {"purpose": ConsentPurpose.SHARING, "recipient_organisation": "own"},
            "Consent to share is given for another organisation than your own.",
        ),
        (
            {"purpose": ConsentPurpose.PROCESSING, "given_on": TODAY + days(1)},
            "The date of the consent cannot be in the future.",
        ),
        ({"purpose": ConsentPurpose.PROCESSING, "person": "not a client"}, "Consent is given by a client of the case."),
    ],
)
def test_it_refuses_an_incomplete_consent(case, caseworker_a, kwargs, message):
    kwargs = dict(kwargs)
    if kwargs.get("recipient_organisation") == "own":
        kwargs["recipient_organisation"] = case.organisation
    if kwargs.get("person") == "not a client":
        kwargs["person"] = add_member(case, caseworker_a, is_client=False)
    kwargs.setdefault("person", head_of(case))
    kwargs.setdefault("given_on", START)
    with refused_with(message):
        services.record_consent(acting_user=caseworker_a, case=case, **kwargs)
    assert not Consent.objects.exists()


def test_it_withdraws_a_consent_once(case, caseworker_a, org_b):
    consent = share_with(case, caseworker_a, org_b, given_on=datetime.date(2025, 2, 1))
    with refused_with("A consent cannot be withdrawn before it was given."):
        services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=datetime.date(2025, 1, 31))
    with refused_with("The date of withdrawal cannot be in the future."):
        services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY + days(1))
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None
    services.withdraw_consent(acting_user=caseworker_a, consent=consent)
    consent = Consent.objects.get(pk=consent.pk)
    assert (consent.withdrawn_on, consent.in_force) == (TODAY, False)
    with refused_with("This consent was already withdrawn."):
        services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=TODAY)
    assert acting_user_of(events_of(consent).last()) == caseworker_a.pk


# Handover


def test_it_refuses_a_handover_without_consent(case, caseworker_a, org_b, county):
    message = (
        "A handover to AWO Testkreis needs the client's consent to share their data with it. Record the consent first."
    )
    with refused_with(message):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    # A consent for another organisation, or one not about sharing, does not count.
    share_with(case, caseworker_a, county)
    services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head_of(case),
        purpose=ConsentPurpose.CONFIDENTIALITY,
        given_on=START,
        recipient_organisation=org_b,
    )
    with refused_with(message):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    # Nor does a withdrawn one.
    withdrawn = share_with(case, caseworker_a, org_b)
    services.withdraw_consent(acting_user=caseworker_a, consent=withdrawn)
    with refused_with(message):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    assert not Handover.objects.exists()


def test_it_requests_a_handover_with_the_clients_consent(case, caseworker_a, org_a, org_b):
    consent = share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b, note="Umzug")
    handover = Handover.objects.get(pk=handover.pk)
    assert (handover.case, handover.from_organisation, handover.to_organisation, handover.consent) == (
        case,
        org_a,
        org_b,
        consent,
    )
    assert (handover.status, handover.note, handover.requested_by, handover.decided_by) == (
        HandoverStatus.REQUESTED,
        "Umzug",
        caseworker_a,
        None,
    )
    (event,) = events_of(handover)
    assert acting_user_of(event) == caseworker_a.pk
    with refused_with("A handover of this case is already waiting for an answer."):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    assert Handover.objects.count() == 1
    # The case stays with its organisation until the handover is accepted.
    assert reload(case).organisation == org_a


def test_it_refuses_a_handover_to_the_own_organisation_or_of_a_closed_case(case, caseworker_a, org_a, org_b):
    with refused_with("Choose another organisation than your own."):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_a)
    share_with(case, caseworker_a, org_b)
    close(case, caseworker_a)
    with refused_with(CLOSED):
        services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    assert not Handover.objects.exists()


def test_it_hands_a_case_over_with_its_household_persons_and_history(case, caseworker_a, caseworker_b, org_b):
    child = add_member(case, caseworker_a, given_names="Samir")
    grandmother = add_member(case, caseworker_a, given_names="Fatima", is_client=False)
    plan, goal, _step = plan_with_goal(case, caseworker_a)
    contact = record(case, caseworker_a, follow_ups=[("Anrufen", TODAY)])
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    assert not Case.objects.visible_to(caseworker_b).filter(organisation=org_b).exists()

    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)

    stored = reload(case)
    assert (stored.organisation, stored.responsible, stored.status, stored.version) == (
        org_b,
        caseworker_b,
        CaseStatus.ACTIVE,
        case.version + 1,
    )
    assert Household.objects.get(pk=case.household_id).organisation == org_b
    for person in (head_of(case), child, grandmother):
        assert Person.objects.get(pk=person.pk).organisation == org_b
    handover.refresh_from_db()
    assert (handover.status, handover.decided_by) == (HandoverStatus.ACCEPTED, caseworker_b)
    assert handover.decided_at is not None
    # The sender loses access, the receiver gains it, and the history stays with the case.
    assert not Case.objects.visible_to(caseworker_a).filter(pk=case.pk).exists()
    assert not Person.objects.visible_to(caseworker_a).exists()
    assert list(Case.objects.visible_to(caseworker_b)) == [stored]
    assert list(Case.objects.editable_by(caseworker_b)) == [stored]
    assert list(stored.plans.all()) == [plan]
    assert list(plan.goals.all()) == [goal]
    assert list(stored.contacts.all()) == [contact]
    assert stored.follow_ups.count() == 1
    assert status_history(stored)[0][:2] == ("", CaseStatus.ACTIVE)
    event = events_of(stored).last()
    assert event.organisation_id == org_b.pk
    assert event.pgh_context.metadata == {"user": caseworker_b.pk, "handover": handover.pk}
    # The receiver now works on the case; the sender may not.
    record(stored, caseworker_b, date=TODAY)
    with refused_with(NOT_OWNER):
        record(stored, caseworker_a, date=TODAY)
    assert Contact.objects.filter(case=stored).count() == 2


def test_it_clears_import_ids_the_receiving_organisation_already_uses(case, caseworker_a, caseworker_b, org_b):
    child = add_member(case, caseworker_a, given_names="Samir")
    head = head_of(case)
    # The receiving organisation keeps records of its own under some of the same import IDs.
    theirs = open_case_for(caseworker_b, family_name="Karimi", given_names="Omid")
    Case.objects.filter(pk=theirs.pk).update(external_id="F-1")
    Household.objects.filter(pk=theirs.household_id).update(external_id="HH-1")
    Person.objects.filter(pk=head_of(theirs).pk).update(external_id="P-1")
    Case.objects.filter(pk=case.pk).update(external_id="F-1")
    Household.objects.filter(pk=case.household_id).update(external_id="HH-1")
    Person.objects.filter(pk=head.pk).update(external_id="P-1")
    Person.objects.filter(pk=child.pk).update(external_id="P-2")
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=reload(case), to_organisation=org_b)

    moved = services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)

    assert moved.external_id == ""
    stored = reload(case)
    assert (stored.organisation, stored.responsible, stored.external_id, stored.version) == (
        org_b,
        caseworker_b,
        "",
        case.version + 1,
    )
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.ACCEPTED
    household = Household.objects.get(pk=case.household_id)
    assert (household.organisation, household.external_id) == (org_b, "")
    assert list(
        Person.objects.filter(pk__in=[head.pk, child.pk])
        .order_by("given_names")
        .values_list("given_names", "organisation", "external_id", "version")
    ) == [("Amal", org_b.pk, "", 2), ("Samir", org_b.pk, "P-2", 2)]
    # The receiving organisation's own records keep their IDs.
    assert reload(theirs).external_id == "F-1"
    assert Household.objects.get(pk=theirs.household_id).external_id == "HH-1"
    assert Person.objects.get(pk=head_of(theirs).pk).external_id == "P-1"
    # The history shows the ID was cleared during the handover, by the receiving caseworker.
    cleared = events_of(head).filter(external_id="").last()
    assert cleared.pgh_context.metadata == {"user": caseworker_b.pk, "handover": handover.pk}


def test_it_keeps_import_ids_that_do_not_collide_on_a_handover(case, caseworker_a, caseworker_b, org_b):
    theirs = open_case_for(caseworker_b, family_name="Karimi")
    Case.objects.filter(pk=theirs.pk).update(external_id="F-9")
    Person.objects.filter(pk=head_of(theirs).pk).update(external_id="P-9")
    Case.objects.filter(pk=case.pk).update(external_id="F-1")
    Household.objects.filter(pk=case.household_id).update(external_id="HH-1")
    Person.objects.filter(pk=head_of(case).pk).update(external_id="P-1")
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=reload(case), to_organisation=org_b)
    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert (reload(case).organisation, reload(case).external_id) == (org_b, "F-1")
    assert Household.objects.get(pk=case.household_id).external_id == "HH-1"
    assert Person.objects.get(pk=head_of(case).pk).external_id == "P-1"


def test_it_leaves_a_member_who_moved_out_with_the_sending_organisation(case, caseworker_a, caseworker_b, org_a, org_b):
    child = add_member(case, caseworker_a, given_names="Samir")
    own_home = services.move_to_new_household(
        acting_user=caseworker_a, case=case, person=child, since=datetime.date(2025, 4, 1)
    )
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert Household.objects.get(pk=own_home.pk).organisation == org_a
    assert Person.objects.get(pk=child.pk).organisation == org_a
    assert Person.objects.visible_to(caseworker_a).filter(pk=child.pk).exists()
    assert not Person.objects.visible_to(caseworker_b).filter(pk=child.pk).exists()


def test_it_lets_only_the_receiving_organisation_answer_a_handover(case, caseworker_a, colleague_a, org_b):
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with refused_with(NOT_OWNER):
        services.accept_handover(acting_user=caseworker_a, handover=handover, responsible=colleague_a)
    with refused_with(NOT_OWNER):
        services.decline_handover(acting_user=caseworker_a, handover=handover, reason="Kein Platz")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.REQUESTED
    assert reload(case).organisation == caseworker_a.organisation


def test_it_refuses_a_responsible_of_another_organisation_on_accepting(case, caseworker_a, caseworker_b, org_b):
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with refused_with("The responsible caseworker must work in integration management at the case's organisation."):
        services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_a)
    assert reload(case).organisation == caseworker_a.organisation
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.REQUESTED


def test_it_answers_a_handover_only_once(case, caseworker_a, caseworker_b, org_b):
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=None)
    with refused_with("This handover was already answered or withdrawn (accepted)."):
        services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    with refused_with("This handover was already answered or withdrawn (accepted)."):
        services.decline_handover(acting_user=caseworker_b, handover=handover, reason="Doch nicht")
    stored = reload(case)
    assert (stored.responsible, stored.version) == (None, 2)


def test_it_declines_a_handover_only_with_a_reason(case, caseworker_a, caseworker_b, org_a, org_b):
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with refused_with("Give a reason so the sending organisation knows how to go on."):
        services.decline_handover(acting_user=caseworker_b, handover=handover, reason="   ")
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.REQUESTED
    services.decline_handover(acting_user=caseworker_b, handover=handover, reason=" Keine Kapazität ")
    handover.refresh_from_db()
    assert (handover.status, handover.decision_note, handover.decided_by) == (
        HandoverStatus.DECLINED,
        "Keine Kapazität",
        caseworker_b,
    )
    assert reload(case).organisation == org_a
    assert Person.objects.get(pk=head_of(case).pk).organisation == org_a
    # After the answer the case can be offered again (or closed).
    services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    assert Handover.objects.filter(status=HandoverStatus.REQUESTED).count() == 1


def test_it_withdraws_a_handover_request(case, caseworker_a, caseworker_b, org_b):
    share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with refused_with(NOT_OWNER):
        services.withdraw_handover(acting_user=caseworker_b, handover=handover)
    services.withdraw_handover(acting_user=caseworker_a, handover=handover)
    handover.refresh_from_db()
    assert (handover.status, handover.decided_by) == (HandoverStatus.WITHDRAWN, caseworker_a)
    with refused_with("This handover was already answered or withdrawn (withdrawn)."):
        services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert reload(case).organisation == caseworker_a.organisation
    close(case, caseworker_a)
    assert reload(case).status == CaseStatus.CLOSED


def test_it_withdraws_a_pending_handover_with_the_consent(case, caseworker_a, caseworker_b, org_a, org_b):
    consent = share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    with translation.override("en"):
        services.withdraw_consent(acting_user=caseworker_a, consent=consent)
    handover.refresh_from_db()
    assert (handover.status, handover.decided_by, handover.decision_note) == (
        HandoverStatus.WITHDRAWN,
        caseworker_a,
        "The consent was withdrawn.",
    )
    assert handover.decided_at is not None
    assert acting_user_of(events_of(handover).last()) == caseworker_a.pk
    with refused_with("This handover was already answered or withdrawn (withdrawn)."):
        services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert reload(case).organisation == org_a


def test_it_refuses_to_accept_when_the_consent_was_withdrawn_meanwhile(case, caseworker_a, caseworker_b, org_b):
    consent = share_with(case, caseworker_a, org_b)
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    # A withdrawal that bypassed the service leaves the request open; accepting still checks the consent.
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=TODAY)
    with refused_with("The client withdrew the consent this handover relies on."):
        services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert reload(case).organisation == caseworker_a.organisation


def test_it_refuses_a_status_change_dated_before_the_previous_one(caseworker_a):
    case = open_case_for(caseworker_a, start_date=datetime.date(2025, 1, 2))
    services.change_status(
        acting_user=caseworker_a,
        case=case,
        expected_version=case.version,
        to_status=CaseStatus.CLOSED,
        on=datetime.date(2025, 5, 1),
        closing_reason=ClosingReason.WEGZUG,
    )
    with refused_with("The date cannot be before the last status change (05/01/2025)."):
        services.change_status(
            acting_user=caseworker_a,
            case=case,
            expected_version=case.version,
            to_status=CaseStatus.ACTIVE,
            on=datetime.date(2025, 4, 1),
        )
    case.refresh_from_db()
    assert (case.status, case.end_date) == (CaseStatus.CLOSED, datetime.date(2025, 5, 1))


def test_it_refuses_to_move_the_start_of_a_case_past_its_first_contact(caseworker_a):
    case = open_case_for(caseworker_a, start_date=datetime.date(2025, 1, 2))
    services.record_contact(
        acting_user=caseworker_a, case=case, date=datetime.date(2025, 2, 1), duration_minutes=30, form="buero"
    )
    with refused_with("The start of counselling cannot be after the first contact (02/01/2025)."):
        services.update_case(
            acting_user=caseworker_a,
            case=case,
            expected_version=case.version,
            responsible=caseworker_a,
            municipality=case.municipality,
            start_date=datetime.date(2025, 3, 1),
        )
    case.refresh_from_db()
    assert case.start_date == datetime.date(2025, 1, 2)
