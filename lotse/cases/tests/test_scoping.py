"""Who may read and change which persons, households and cases."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from lotse.cases import services
from lotse.cases.choices import CaseStatus, ConsentPurpose, ContactForm, FieldOfAction
from lotse.cases.models import Case, Consent, Contact, FollowUp, IntegrationPlan
from lotse.cases.tests.factories import (
    TODAY,
    frozen_today,
    head_of,
    open_case_for,
    refused_with,
)
from lotse.core.choices import Role
from lotse.core.tests.factories import UserFactory
from lotse.people import services as people_services
from lotse.people.choices import Relationship
from lotse.people.models import Household, Person, ResidenceRecord, WorkRecord

pytestmark = pytest.mark.django_db

NOT_OWNER = "Only the organisation responsible for the case may change it."


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


@pytest.fixture
def case_a(caseworker_a) -> Case:
    return open_case_for(caseworker_a, family_name="Haddad")


@pytest.fixture
def case_b(caseworker_b) -> Case:
    return open_case_for(caseworker_b, family_name="Nasser")


def share(case: Case, acting_user, organisation, purpose=ConsentPurpose.SHARING) -> Consent:
    return services.record_consent(
        acting_user=acting_user,
        case=case,
        person=head_of(case),
        purpose=purpose,
        given_on=datetime.date(2025, 2, 1),
        recipient_organisation=organisation,
    )


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("caseworker_a", "a"),
        ("colleague_a", "a"),
        ("teamlead_a", "a"),
        ("caseworker_b", "b"),
        ("org_admin_a", ""),
        ("org_admin_b", ""),
        ("statistician", ""),
        ("sysadmin", ""),
    ],
)
def test_it_shows_cases_persons_and_households_to_the_own_organisations_caseworkers(
    request, case_a, case_b, persona, sees
):
    user = request.getfixturevalue(persona)
    cases = {"a": case_a, "b": case_b}
    expected = [cases[key] for key in sees]
    assert list(Case.objects.visible_to(user)) == expected
    assert list(Case.objects.editable_by(user)) == expected
    assert list(Person.objects.visible_to(user)) == [head_of(case) for case in expected]
    assert list(Household.objects.visible_to(user)) == [case.household for case in expected]


def test_it_shows_nothing_to_anonymous_or_deactivated_users(case_a, org_a):
    former = UserFactory.create(organisation=org_a, roles=[Role.INTEGRATIONSMANAGEMENT], is_active=False)
    for user in (AnonymousUser(), former):
        assert not Case.objects.visible_to(user).exists()
        assert not Case.objects.editable_by(user).exists()
        assert not Person.objects.visible_to(user).exists()
        assert not Household.objects.visible_to(user).exists()


def test_it_shows_a_sysadmin_with_a_casework_role_the_cases_of_their_organisation(county, case_a):
    both = UserFactory.create(organisation=county, roles=[Role.SYSTEMADMINISTRATION, Role.INTEGRATIONSMANAGEMENT])
    case_county = open_case_for(both)
    assert list(Case.objects.visible_to(both)) == [case_county]


def test_it_shows_closed_cases_to_their_organisation(case_a, caseworker_a):
    services.change_status(
        acting_user=caseworker_a,
        case=case_a,
        expected_version=case_a.version,
        to_status=CaseStatus.CLOSED,
        on=TODAY,
        closing_reason="wegzug",
    )
    assert list(Case.objects.visible_to(caseworker_a)) == [case_a]
    assert not Case.objects.visible_to(caseworker_a).open().exists()


def test_it_shares_a_case_read_only_with_the_organisation_named_in_a_consent(
    case_a, case_b, caseworker_a, caseworker_b, org_b
):
    member = services.add_household_member(
        acting_user=caseworker_a,
        case=case_a,
        relationship=Relationship.CHILD,
        since=case_a.start_date,
        is_client=False,
        person_fields={"family_name": "Haddad", "given_names": "Samir"},
    )
    record = people_services.add_status_record(
        acting_user=caseworker_a, person=head_of(case_a), kind="work", valid_from=TODAY, situation="schule"
    )
    share(case_a, caseworker_a, org_b)

    assert set(Case.objects.visible_to(caseworker_b)) == {case_a, case_b}
    assert list(Case.objects.editable_by(caseworker_b)) == [case_b]
    assert list(Case.objects.editable_by(caseworker_a)) == [case_a]
    # The clients of the shared case, with their facts; not the other household members.
    assert set(Person.objects.visible_to(caseworker_b)) == {head_of(case_a), head_of(case_b)}
    assert member not in Person.objects.visible_to(caseworker_b)
    assert list(WorkRecord.objects.visible_to(caseworker_b)) == [record]


def test_it_cuts_shared_access_when_the_consent_is_withdrawn(case_a, caseworker_a, caseworker_b, org_b):
    consent = share(case_a, caseworker_a, org_b)
    assert case_a in Case.objects.visible_to(caseworker_b)
    assert head_of(case_a) in Person.objects.visible_to(caseworker_b)
    services.withdraw_consent(acting_user=caseworker_a, consent=consent)
    assert case_a not in Case.objects.visible_to(caseworker_b)
    assert head_of(case_a) not in Person.objects.visible_to(caseworker_b)
    assert case_a in Case.objects.visible_to(caseworker_a)


def test_it_keeps_sharing_while_another_consent_is_in_force(case_a, caseworker_a, caseworker_b, org_b):
    first = share(case_a, caseworker_a, org_b)
    share(case_a, caseworker_a, org_b)
    services.withdraw_consent(acting_user=caseworker_a, consent=first)
    assert list(Case.objects.visible_to(caseworker_b)) == [case_a]
    assert list(Person.objects.visible_to(caseworker_b)) == [head_of(case_a)]


def test_it_does_not_share_by_a_release_from_confidentiality(case_a, caseworker_a, caseworker_b, org_b):
    share(case_a, caseworker_a, org_b, purpose=ConsentPurpose.CONFIDENTIALITY)
    assert not Case.objects.visible_to(caseworker_b).exists()
    assert not Person.objects.visible_to(caseworker_b).exists()


def test_it_does_not_share_with_other_roles_of_the_recipient(case_a, caseworker_a, org_b, org_admin_b, county):
    share(case_a, caseworker_a, org_b)
    statistician_b = UserFactory.create(organisation=org_b, roles=[Role.STATISTIK])
    for user in (org_admin_b, statistician_b):
        assert not Case.objects.visible_to(user).exists()
        assert not Person.objects.visible_to(user).exists()


def test_it_does_not_share_with_a_third_organisation(case_a, caseworker_a, org_b, county):
    share(case_a, caseworker_a, org_b)
    caseworker_county = UserFactory.create(organisation=county, roles=[Role.INTEGRATIONSMANAGEMENT])
    assert not Case.objects.visible_to(caseworker_county).exists()
    assert not Person.objects.visible_to(caseworker_county).exists()


def test_it_scopes_status_records_like_their_persons(case_a, case_b, caseworker_a, caseworker_b, statistician):
    mine = people_services.add_status_record(
        acting_user=caseworker_a, person=head_of(case_a), kind="residence", valid_from=TODAY, status="duldung"
    )
    theirs = people_services.add_status_record(
        acting_user=caseworker_b, person=head_of(case_b), kind="residence", valid_from=TODAY, status="duldung"
    )
    assert list(ResidenceRecord.objects.visible_to(caseworker_a)) == [mine]
    assert list(ResidenceRecord.objects.visible_to(caseworker_b)) == [theirs]
    assert not ResidenceRecord.objects.visible_to(statistician).exists()


# Changes: only the owning organisation's caseworkers


def _change_attempts(case: Case, acting_user):
    """Each entry changes the case or its persons in one way (as a view would)."""
    head = head_of(case)
    return {
        "update_case": lambda: services.update_case(
            acting_user=acting_user,
            case=case,
            expected_version=case.version,
            responsible=None,
            municipality=case.municipality,
            start_date=case.start_date,
        ),
        "change_status": lambda: services.change_status(
            acting_user=acting_user, case=case, expected_version=case.version, to_status=CaseStatus.DORMANT, on=TODAY
        ),
        "add_household_member": lambda: services.add_household_member(
            acting_user=acting_user,
            case=case,
            relationship=Relationship.CHILD,
            since=TODAY,
            is_client=True,
            person_fields={"family_name": "Fremd"},
        ),
        "set_client": lambda: services.set_client(acting_user=acting_user, case=case, person=head, is_client=False),
        "move_to_new_household": lambda: services.move_to_new_household(
            acting_user=acting_user, case=case, person=head, since=TODAY
        ),
        "create_plan_version": lambda: services.create_plan_version(
            acting_user=acting_user, case=case, agreed_on=TODAY
        ),
        "record_contact": lambda: services.record_contact(
            acting_user=acting_user, case=case, date=TODAY, duration_minutes=30, form=ContactForm.PHONE
        ),
        "add_follow_up": lambda: services.add_follow_up(
            acting_user=acting_user, case=case, description="X", due_date=TODAY
        ),
        "add_referral": lambda: services.add_referral(
            acting_user=acting_user, case=case, date=TODAY, to_whom="X", field_of_action=FieldOfAction.ARBEIT, topic="X"
        ),
        "record_consent": lambda: services.record_consent(
            acting_user=acting_user, case=case, person=head, purpose=ConsentPurpose.PROCESSING, given_on=TODAY
        ),
        "request_handover": lambda: services.request_handover(
            acting_user=acting_user, case=case, to_organisation=acting_user.organisation
        ),
        "update_person": lambda: people_services.update_person(
            acting_user=acting_user, person=head, expected_version=head.version, family_name="Fremd"
        ),
        "add_status_record": lambda: people_services.add_status_record(
            acting_user=acting_user, person=head, kind="work", valid_from=TODAY, situation="schule"
        ),
        "join_household": lambda: people_services.join_household(
            acting_user=acting_user, person=head, household=case.household, relationship=Relationship.HEAD, since=TODAY
        ),
    }


CHANGES = [
    "update_case",
    "change_status",
    "add_household_member",
    "set_client",
    "move_to_new_household",
    "create_plan_version",
    "record_contact",
    "add_follow_up",
    "add_referral",
    "record_consent",
    "request_handover",
    "update_person",
    "add_status_record",
    "join_household",
]


def _snapshot(case: Case) -> tuple:
    stored = Case.objects.get(pk=case.pk)
    return (
        stored.organisation_id,
        stored.status,
        stored.responsible_id,
        stored.version,
        Person.objects.count(),
        Household.objects.count(),
        sorted(Person.objects.values_list("family_name", "version")),
        IntegrationPlan.objects.count(),
        Contact.objects.count(),
        FollowUp.objects.count(),
        Consent.objects.count(),
        WorkRecord.objects.count(),
    )


@pytest.mark.parametrize("change", CHANGES)
def test_it_refuses_changes_by_a_caseworker_of_another_organisation_even_with_shared_access(
    case_a, caseworker_a, caseworker_b, org_b, change
):
    share(case_a, caseworker_a, org_b)
    assert case_a in Case.objects.visible_to(caseworker_b)
    before = _snapshot(case_a)
    with refused_with(NOT_OWNER):
        _change_attempts(case_a, caseworker_b)[change]()
    assert _snapshot(case_a) == before


@pytest.mark.parametrize("persona", ["org_admin_a", "statistician", "sysadmin"])
@pytest.mark.parametrize("change", ["change_status", "record_contact", "update_person", "add_status_record"])
def test_it_refuses_changes_by_users_without_a_casework_role(request, case_a, persona, change):
    user = request.getfixturevalue(persona)
    before = _snapshot(case_a)
    with refused_with(NOT_OWNER):
        _change_attempts(case_a, user)[change]()
    assert _snapshot(case_a) == before


@pytest.mark.parametrize("persona", ["colleague_a", "teamlead_a"])
def test_it_lets_every_caseworker_of_the_organisation_change_its_cases(request, case_a, persona):
    user = request.getfixturevalue(persona)
    _change_attempts(case_a, user)["record_contact"]()
    _change_attempts(case_a, user)["change_status"]()
    stored = Case.objects.get(pk=case_a.pk)
    assert stored.status == CaseStatus.DORMANT
    assert Contact.objects.get().created_by == user
