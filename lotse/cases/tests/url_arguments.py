"""The casework URLs for the URL matrix: one case of organisation A with a record of every kind."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from lotse.cases import services
from lotse.cases.models import CaseClient, Step
from lotse.core.choices import OrganisationKind, Role
from lotse.core.models import Organisation
from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.people import services as people_services

DAY = datetime.date(2025, 3, 3)

# Pages of the case list, the worklist and the handovers name no case; every other page names the case of A.
LISTS = {"cases:worklist", "cases:follow_up_list", "cases:case_list", "cases:case_create", "cases:handover_list"}
READ_ONLY = {"cases:case_detail", "cases:case_history", "cases:plan_detail", "cases:plan_pdf"}


def url_arguments(world: UrlWorld) -> AppUrls:
    case = services.open_case(
        acting_user=None,
        organisation=world.owner,
        municipality=world.municipality,
        start_date=DAY,
        responsible=None,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    person = CaseClient.objects.get(case=case).person
    record = people_services.add_status_record(
        acting_user=None, person=person, kind="residence", valid_from=DAY, status="gestattung"
    )
    contact = services.record_contact(
        acting_user=None,
        case=case,
        date=DAY,
        duration_minutes=30,
        form="buero",
        follow_ups=[("Bescheid kopieren", DAY)],
    )
    follow_up = contact.follow_ups.get()
    referral = services.add_referral(
        acting_user=None, case=case, date=DAY, to_whom="Jobcenter", field_of_action="arbeit_ausbildung", topic="Termin"
    )
    # A third organisation receives the consent and the handover, so organisation B sees neither.
    other = OrganisationFactory.create(short_name="traeger-c", name="Diakonie Testkreis")
    consent = services.record_consent(
        acting_user=None, case=case, person=person, purpose="weitergabe", given_on=DAY, recipient_organisation=other
    )
    plan = services.create_plan_version(acting_user=None, case=case, agreed_on=DAY)
    goal = services.add_goal(acting_user=None, plan=plan, field_of_action="sprache", title="B1 erreichen")
    services.add_step(acting_user=None, goal=goal, description="Kurs anmelden", responsible="klient")
    handover = services.request_handover(acting_user=None, case=case, to_organisation=other)
    # A substitution in organisation A, in force on the day the matrix runs.
    today = timezone.localdate()
    substitute = UserFactory.create(
        username=f"substitute-{world.owner.short_name}", organisation=world.owner, roles=[Role.INTEGRATIONSMANAGEMENT]
    )
    substitution = services.create_substitution(
        acting_user=None,
        organisation=world.owner,
        absent=world.colleague,
        substitute=substitute,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=7),
    )

    of_case = {"pk": case.pk}
    of_person = {**of_case, "person_pk": person.pk}
    goal_kwargs = {**of_case, "goal_pk": goal.pk}
    kwargs: dict[str, Mapping[str, object]] = {
        "cases:case_detail": of_case,
        "cases:case_edit": of_case,
        "cases:case_status": of_case,
        "cases:case_history": of_case,
        "cases:member_add": of_case,
        "cases:person_detail": of_person,
        "cases:person_merge": {"pk": person.pk},
        "cases:client_toggle": of_person,
        "cases:person_move_out": of_person,
        "cases:fact_add": {**of_person, "kind": "residence"},
        "cases:fact_edit": {**of_person, "kind": "residence", "record_pk": record.pk},
        "cases:fact_delete": {**of_person, "kind": "residence", "record_pk": record.pk},
        "cases:contact_add": of_case,
        "cases:contact_edit": {**of_case, "contact_pk": contact.pk},
        "cases:contact_delete": {**of_case, "contact_pk": contact.pk},
        "cases:follow_up_done": {**of_case, "follow_up_pk": follow_up.pk},
        "cases:follow_up_edit": {**of_case, "follow_up_pk": follow_up.pk},
        "cases:follow_up_postpone": {**of_case, "follow_up_pk": follow_up.pk},
        "cases:follow_up_assign": {**of_case, "follow_up_pk": follow_up.pk},
        "cases:referral_add": of_case,
        "cases:referral_outcome": {**of_case, "referral_pk": referral.pk},
        "cases:consent_add": of_case,
        "cases:consent_withdraw": {**of_case, "consent_pk": consent.pk},
        "cases:plan_detail": of_case,
        "cases:plan_new": of_case,
        "cases:plan_edit": of_case,
        "cases:plan_pdf": {**of_case, "number": plan.number},
        "cases:plan_print": {**of_case, "number": plan.number},
        "cases:plan_continue": {**of_case, "number": plan.number},
        "cases:goal_add": of_case,
        "cases:goal_edit": goal_kwargs,
        "cases:step_add": goal_kwargs,
        "cases:step_done": {**of_case, "step_pk": Step.objects.get(goal=goal).pk},
        "cases:handover_request": of_case,
        "cases:handover_detail": {"pk": handover.pk},
        "cases:handover_withdraw": {"pk": handover.pk},
        "cases:substitution_end": {"pk": substitution.pk},
        "cases:substitution_delete": {"pk": substitution.pk},
    }
    team_lead_urls = {"cases:substitution_end", "cases:substitution_delete", "cases:person_merge"}
    return AppUrls(
        kwargs=kwargs,
        # The caseworker and the team lead of B hold the capability but not the case of A (nor its handover to C);
        # the team lead of B does not see the substitutions of A nor merge its persons (the caseworker of B lacks the
        # capability for these: 403).
        out_of_scope={
            **dict.fromkeys(set(kwargs) - team_lead_urls, frozenset({"caseworker_b", "teamlead_b"})),
            **dict.fromkeys(team_lead_urls, frozenset({"teamlead_b"})),
        },
        accepts_post=frozenset(kwargs) - READ_ONLY
        | {"cases:case_create", "cases:cases_reassign", "cases:substitution_create"},
    )


def casework_urls(organisation: Organisation) -> tuple[int, dict[str, str]]:
    """A case of ``organisation`` with a record of every kind, and the URL of every casework page for it."""
    world = UrlWorld(
        owner=organisation,
        county=OrganisationFactory.create(short_name="lra", kind=OrganisationKind.LANDRATSAMT),
        municipality=MunicipalityFactory.create(),
        colleague=UserFactory.create(
            username=f"colleague-{organisation.short_name}",
            organisation=organisation,
            roles=[Role.INTEGRATIONSMANAGEMENT],
        ),
    )
    kwargs = url_arguments(world).kwargs
    names = [p.name for p in get_resolver("lotse.cases.urls").url_patterns if isinstance(p, URLPattern) and p.name]
    urls = {f"cases:{name}": reverse(f"cases:{name}", kwargs=dict(kwargs.get(f"cases:{name}") or {})) for name in names}
    return int(str(kwargs["cases:case_detail"]["pk"])), urls
