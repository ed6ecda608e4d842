"""Every URL, every persona: who is sent to login, who gets what.

The table below is the contract. A new URL without a row fails the test, so
nobody adds a view without deciding who may use it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lotse.conftest import client_for
from lotse.core.choices import Role
from lotse.urls import PUBLIC_ALLOWLIST

ALL = frozenset(Role.values)
ADMINS = frozenset({Role.ORGANISATIONSADMINISTRATION, Role.SYSTEMADMINISTRATION})
CASEWORK = frozenset({Role.INTEGRATIONSMANAGEMENT, Role.TEAMLEITUNG})
CASE_URLS = [
    "cases:worklist",
    "cases:case_list",
    "cases:case_create",
    "cases:case_detail",
    "cases:case_edit",
    "cases:case_status",
    "cases:case_history",
    "cases:member_add",
    "cases:person_detail",
    "cases:client_toggle",
    "cases:person_move_out",
    "cases:fact_add",
    "cases:fact_delete",
    "cases:contact_add",
    "cases:follow_up_done",
    "cases:referral_add",
    "cases:referral_outcome",
    "cases:consent_add",
    "cases:consent_withdraw",
    "cases:plan_detail",
    "cases:plan_new",
    "cases:plan_edit",
    "cases:plan_pdf",
    "cases:goal_add",
    "cases:goal_edit",
    "cases:step_add",
    "cases:step_done",
    "cases:handover_request",
    "cases:handover_list",
    "cases:handover_detail",
    "cases:handover_withdraw",
]
IMPORT_URLS = [
    "imports:overview",
    "imports:detail",
    "imports:commit",
    "imports:discard",
    "imports:export",
    "imports:template",
    "imports:example",
]
REPORT_URLS = ["reports:dashboard", "reports:xlsx", "reports:csv", "reports:pdf"]
REPORTS = frozenset({Role.STATISTIK, Role.TEAMLEITUNG, Role.SYSTEMADMINISTRATION})
ACCOMMODATION = frozenset({Role.UNTERBRINGUNG})
# Places and counts, never residents: accommodation staff, statistics, system administration.
ACCOMMODATION_NUMBERS = frozenset({Role.UNTERBRINGUNG, Role.STATISTIK, Role.SYSTEMADMINISTRATION})
ACCOMMODATION_URLS = {
    "accommodation:shelter_list": ACCOMMODATION_NUMBERS,
    "accommodation:shelter_list_xlsx": ACCOMMODATION_NUMBERS,
    "accommodation:shelter_detail": ACCOMMODATION_NUMBERS,
    "accommodation:figures": ACCOMMODATION_NUMBERS,
    "accommodation:figures_xlsx": ACCOMMODATION_NUMBERS,
    **dict.fromkeys(
        [
            "accommodation:shelter_create",
            "accommodation:shelter_edit",
            "accommodation:shelter_residents_xlsx",
            "accommodation:unit_add",
            "accommodation:capacity_change",
            "accommodation:move_in",
            "accommodation:move_out",
            "accommodation:move_out_done",
            "accommodation:resident_list",
            "accommodation:resident_list_xlsx",
            "accommodation:resident_detail",
            "accommodation:forecast",
            "accommodation:forecast_xlsx",
            "accommodation:assignment_list",
            "accommodation:assignment_list_xlsx",
            "accommodation:assignment_create",
            "accommodation:assignment_detail",
            "accommodation:intake_list",
        ],
        ACCOMMODATION,
    ),
}
# Which record of ``casework_records`` an accommodation URL's ``pk`` names.
ACCOMMODATION_RECORD = {
    "accommodation:move_out": "open_stay_pk",
    "accommodation:move_out_done": "ended_stay_pk",
    "accommodation:resident_detail": "resident_pk",
    "accommodation:assignment_detail": "assignment_pk",
}

NETWORK_EDITORS = frozenset({Role.SYSTEMADMINISTRATION, Role.EHRENAMTSKOORDINATION, Role.NETZWERKPFLEGE})
NETWORK_URLS = {
    # The directory and the info sheets are read and printed by everyone signed in.
    **dict.fromkeys(["network:actor_list", "network:actor_detail", "network:sheet_list", "network:sheet_pdf"], ALL),
    **dict.fromkeys(
        [
            "network:actor_create",
            "network:actor_edit",
            "network:actor_delete",
            "network:actor_import",
            "network:actor_import_detail",
            "network:actor_import_commit",
            "network:actor_import_discard",
            "network:actor_import_template",
            "network:actor_export",
            "network:sheet_create",
            "network:sheet_detail",
            "network:sheet_actors",
            "network:block_add",
            "network:block_edit",
            "network:block_move",
            "network:block_delete",
            "network:text_edit",
        ],
        NETWORK_EDITORS,
    ),
    **dict.fromkeys(
        ["network:category_list", "network:category_create", "network:category_edit", "network:category_delete"],
        frozenset({Role.SYSTEMADMINISTRATION}),
    ),
    "network:case_info_sheet": CASEWORK,
}
# Which record of ``casework_records`` a network URL's ``pk`` names (by the URL name's part).
NETWORK_RECORD = {"category": "category_pk", "actor_import": "actor_import_pk", "actor": "actor_pk"}
# The city map and its actors' pages: public, the only pages besides signing in.
PUBLIC_URLS = {"public:start", "public:map", "public:actor"}

# URL name -> roles that may use it.
ACCESS: dict[str, frozenset[str]] = {
    "core:start": ALL,
    "logout": ALL,
    "password_change": ALL,
    "password_change_done": ALL,
    "core:user_list": ADMINS,
    "core:user_create": ADMINS,
    "core:user_detail": ADMINS,
    "core:user_set_active": ADMINS,
    "core:user_set_password": ADMINS,
    "core:history": ADMINS,
    "core:access_log": ADMINS,
    **dict.fromkeys(CASE_URLS, CASEWORK),
    **dict.fromkeys(IMPORT_URLS, ADMINS),
    **dict.fromkeys(REPORT_URLS, REPORTS),
    **ACCOMMODATION_URLS,
    **NETWORK_URLS,
}
# Reachable without signing in: signing in itself, password reset, the language switch, the city map.
AUTH_EXEMPT = PUBLIC_URLS | {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("django-admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def all_url_names() -> set[str]:
    return {name for name, _ in _walk(get_resolver().url_patterns)}


def url_for(name: str, subject_pk: int, records: dict[str, object] | None = None) -> str:
    """The URL of ``name``; ``pk`` is the user ``subject_pk``, or a record of ``records`` for casework URLs."""
    if name == "password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    pattern = dict(_walk(get_resolver().url_patterns))[name]
    converters = pattern.pattern.converters
    if name.startswith("cases:") and converters:
        records = records or {}
        kwargs = {key: records[key] for key in converters}
        if name in {"cases:handover_detail", "cases:handover_withdraw"}:
            kwargs["pk"] = records["handover_pk"]
        return reverse(name, kwargs=kwargs)
    if name.startswith("accommodation:") and "pk" in converters:
        return reverse(name, kwargs={"pk": (records or {})[ACCOMMODATION_RECORD.get(name, "shelter_pk")]})
    if name.startswith("imports:") and "pk" in converters:
        return reverse(name, kwargs={"pk": (records or {})["import_pk"]})
    if name.startswith(("network:", "public:")) and converters:
        return reverse(name, kwargs={key: _network_argument(name, key, records or {}) for key in converters})
    if "pk" in converters:
        return reverse(name, kwargs={"pk": subject_pk})
    return reverse(name)


def _network_argument(name: str, key: str, records: dict[str, object]) -> object:
    if key in ("lang", "language"):
        # The German text of a block is edited on the block's page; text_edit is for its translations.
        return "en" if name == "network:text_edit" else "de"
    if key != "pk":
        return records[key]
    part = name.split(":")[1]
    for prefix, record in NETWORK_RECORD.items():
        if part.startswith(prefix):
            return records[record]
    return records["sheet_pk"]


def casework_records(organisation) -> dict[str, object]:
    """One case of ``organisation`` with a record of every kind, for the URL parameters."""
    import datetime

    from lotse.accommodation import services as accommodation
    from lotse.cases import services
    from lotse.cases.models import CaseClient, Step
    from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory
    from lotse.imports.models import ImportKind, ImportRun
    from lotse.network import services as network
    from lotse.network import sheet_services as sheets
    from lotse.network.models import ActorCategory
    from lotse.people import services as people_services

    day = datetime.date(2025, 3, 3)
    case = services.open_case(
        acting_user=None,
        organisation=organisation,
        municipality=MunicipalityFactory.create(),
        start_date=day,
        responsible=None,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    person = CaseClient.objects.get(case=case).person
    record = people_services.add_status_record(
        acting_user=None, person=person, kind="residence", valid_from=day, status="gestattung"
    )
    contact = services.record_contact(
        acting_user=None,
        case=case,
        date=day,
        duration_minutes=30,
        form="buero",
        follow_ups=[("Bescheid kopieren", day)],
    )
    referral = services.add_referral(
        acting_user=None, case=case, date=day, to_whom="Jobcenter", field_of_action="arbeit_ausbildung", topic="Termin"
    )
    other = OrganisationFactory.create(short_name=f"other-{organisation.pk}")
    consent = services.record_consent(
        acting_user=None, case=case, person=person, purpose="weitergabe", given_on=day, recipient_organisation=other
    )
    plan = services.create_plan_version(acting_user=None, case=case, agreed_on=day)
    goal = services.add_goal(acting_user=None, plan=plan, field_of_action="sprache", title="B1 erreichen")
    services.add_step(acting_user=None, goal=goal, description="Kurs anmelden", responsible="klient")
    handover = services.request_handover(acting_user=None, case=case, to_organisation=other)
    shelter = accommodation.create_shelter(
        acting_user=None,
        organisation=organisation,
        places=3,
        places_from=day,
        name="Unterkunft",
        kind="anschlussunterbringung",
        municipality=case.municipality,
    )
    resident = accommodation.register_resident(acting_user=None, organisation=organisation, family_name="Karimi")
    open_stay = accommodation.move_in(acting_user=None, shelter=shelter, person=resident, on=day)
    ended_stay = accommodation.move_in(acting_user=None, shelter=shelter, person=person, on=day)
    accommodation.move_out(
        acting_user=None,
        occupancy=ended_stay,
        on=day + datetime.timedelta(days=30),
        reason="wegzug",
        expected_version=1,
    )
    assignment = accommodation.record_assignment(
        acting_user=None, organisation=organisation, municipality=case.municipality, date=day, persons=[resident]
    )
    category = ActorCategory.objects.create(slug=f"test-{organisation.pk}", name=f"Testkategorie {organisation.pk}")
    actor = network.create_actor(
        acting_user=None, name="Jobcenter", category=category, municipality=case.municipality, is_public=True
    )
    sheet = sheets.create_sheet(acting_user=None, municipality=case.municipality)
    block = sheets.add_block(acting_user=None, sheet=sheet, heading="Willkommen", body="Hier finden Sie Hilfe.")
    return {
        "actor_pk": actor.pk,
        "category_pk": category.pk,
        "sheet_pk": sheet.pk,
        "block_pk": block.pk,
        "case_pk": case.pk,
        "actor_import_pk": ImportRun.objects.create(
            organisation=organisation, kind=ImportKind.ACTORS, file_names=["akteure.csv"], file_hash="1" * 64
        ).pk,
        "pk": case.pk,
        "person_pk": person.pk,
        "kind": "residence",
        "record_pk": record.pk,
        "follow_up_pk": contact.follow_ups.get().pk,
        "referral_pk": referral.pk,
        "consent_pk": consent.pk,
        "number": plan.number,
        "goal_pk": goal.pk,
        "step_pk": Step.objects.get(goal=goal).pk,
        "handover_pk": handover.pk,
        "shelter_pk": shelter.pk,
        "open_stay_pk": open_stay.pk,
        "ended_stay_pk": ended_stay.pk,
        "resident_pk": resident.pk,
        "assignment_pk": assignment.pk,
        "import_pk": ImportRun.objects.create(organisation=organisation, file_names=["a.xlsx"], file_hash="0" * 64).pk,
    }


def test_it_has_a_row_for_every_url():
    names = all_url_names()
    assert names - set(ACCESS) - AUTH_EXEMPT == set(), "URL without an access decision"
    assert set(ACCESS) - names == set()
    assert set(PUBLIC_ALLOWLIST) == PUBLIC_URLS


def test_it_marks_exactly_the_exempt_views_as_public():
    public = {
        name for name, p in _walk(get_resolver().url_patterns) if getattr(p.callback, "login_required", True) is False
    }
    assert public == AUTH_EXEMPT


@pytest.mark.django_db
def test_it_sends_anonymous_users_to_login_everywhere(caseworker_a):
    client = Client()
    records = casework_records(caseworker_a.organisation)
    for name in sorted(ACCESS):
        url = url_for(name, caseworker_a.pk, records)
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


@pytest.mark.django_db
def test_it_serves_the_exempt_pages_to_anonymous_users(org_a):
    client = Client()
    records = casework_records(org_a)
    for name in sorted(AUTH_EXEMPT - {"set_language"}):
        response = client.get(url_for(name, 1, records))
        # The city map's start sends the visitor to the map in their language.
        assert response.status_code == (302 if name == "public:start" else 200), name


@pytest.mark.django_db
def test_it_sends_anonymous_users_from_django_admin_to_its_login():
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


@pytest.fixture
def county_housing_officer(county):
    """Accommodation staff of the Landratsamt: shelters, residents, assignments, intake obligations."""
    from lotse.core.tests.factories import UserFactory

    return UserFactory.create(username="unterbringung-lra", organisation=county, roles=[Role.UNTERBRINGUNG])


@pytest.fixture
def network_coordinator(org_a):
    """Volunteer coordination: keeps the network directory and the info sheets."""
    from lotse.core.tests.factories import UserFactory

    return UserFactory.create(username="ehrenamt-a", organisation=org_a, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def network_keeper(org_a):
    """A user given the role Netzwerkpflege by an administrator."""
    from lotse.core.tests.factories import UserFactory

    return UserFactory.create(username="netzwerk-a", organisation=org_a, roles=[Role.NETZWERKPFLEGE])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "caseworker_a",
        "teamlead_a",
        "caseworker_b",
        "statistician",
        "org_admin_a",
        "sysadmin",
        "county_housing_officer",
        "network_coordinator",
        "network_keeper",
    ],
)
def test_it_gives_each_role_only_what_it_may(request, persona, colleague_a):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    # Casework URLs point at a case of the persona's own organisation.
    records = casework_records(user.organisation)
    for name, allowed in sorted(ACCESS.items()):
        response = client.get(url_for(name, colleague_a.pk, records))
        if set(user.roles) & allowed:
            # 405: the URL only takes POST (e.g. deactivation, logout).
            assert response.status_code in (200, 405), (persona, name, response.status_code)
        else:
            assert response.status_code == 403, (persona, name, response.status_code)
