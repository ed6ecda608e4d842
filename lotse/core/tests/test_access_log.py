"""The access log is complete: every response that shows a person's data writes a row, as the URL matrix walks them.

Each view that names a record in its URL declares whether it shows a
person's data (``lotse.core.audit.shows_person_data`` and its siblings); a
URL without a declaration fails here, so nobody adds a page about a case, a
person, a stay or a goal without deciding. Every declared page, partial, PDF
and export is then requested by every persona who may see it (the matrix's
world: ``lotse/<app>/tests/url_arguments.py``) and must write a row, filed
under the reader's organisation and the organisation that keeps the record.
A HEAD request shows no data and writes none.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.access import Capability, holds
from lotse.core.audit import declared_person_data
from lotse.core.choices import AccessAction, Role
from lotse.core.models import AccessLogEntry
from lotse.core.tests.test_url_matrix import PERSONAS, Urls, allowed_methods, capability_of, guarded_names, url_patterns


def _answers_get(name: str) -> bool:
    methods = allowed_methods(url_patterns()[name].callback)
    return methods is None or "GET" in methods


def person_data_urls() -> dict[str, Capability]:
    """The URLs declared to show a person's data, each with the capability its readers hold."""
    shown: dict[str, Capability] = {}
    for name in guarded_names():
        declared = declared_person_data(url_patterns()[name].callback)
        if declared is True:
            shown[name] = capability_of(name)
        elif isinstance(declared, Capability):
            shown[name] = declared
    return shown


def test_it_declares_for_every_url_naming_a_record_whether_it_shows_person_data():
    """A page about a case, a person, a household, a stay, a referral, a goal, a resident, ... says so."""
    undeclared = sorted(
        name
        for name in guarded_names()
        if url_patterns()[name].pattern.converters
        and _answers_get(name)
        and declared_person_data(url_patterns()[name].callback) is None
    )
    assert undeclared == [], "URL naming a record without a declaration whether it shows person data"


def test_it_knows_the_pages_the_issue_found_unlogged():
    shown = person_data_urls()
    for name in ("cases:plan_detail", "cases:case_history", "cases:referral_outcome", "cases:goal_edit"):
        assert name in shown, name


@pytest.mark.django_db
def test_it_logs_the_plan_and_its_versions_the_history_a_referral_and_a_goal(caseworker_a, urls: Urls):
    """The pages issue 16 found without a row of the access log."""
    client = client_for(caseworker_a)
    for name, query, record_type in (
        ("cases:plan_detail", "", "cases.integrationplan"),
        ("cases:plan_detail", "?version=1", "cases.integrationplan"),
        ("cases:case_history", "", "cases.case"),
        ("cases:referral_outcome", "", "cases.referral"),
        ("cases:goal_edit", "", "cases.goal"),
    ):
        url = urls.url(name) + query
        before = AccessLogEntry.objects.count()
        assert client.get(url).status_code == 200, url
        assert AccessLogEntry.objects.count() == before + 1, url
        row = AccessLogEntry.objects.order_by("-pk").first()
        assert row is not None
        assert (row.by, row.action, row.record_type, row.path) == (caseworker_a, AccessAction.VIEW, record_type, url)
        assert row.record_organisation_id == caseworker_a.organisation_id


@pytest.mark.django_db
def test_it_logs_every_response_that_shows_person_data(request, urls: Urls):
    wrong: list[tuple[str, str, str]] = []
    checked: dict[str, int] = {}
    for name, capability in sorted(person_data_urls().items()):
        assert _answers_get(name), f"{name} is declared to show person data but answers no GET"
        url = urls.url(name)
        checked[name] = 0
        for persona in PERSONAS:
            user = request.getfixturevalue(persona)
            if urls.expected(persona, user.roles, name) != 200 or not holds(user.roles, capability):
                continue
            client = client_for(user)
            newest = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            if response.status_code != 200:
                wrong.append((name, persona, f"answered {response.status_code}"))
                continue
            rows = list(AccessLogEntry.objects.filter(pk__gt=newest))
            if not rows:
                wrong.append((name, persona, "wrote no row"))
            for row in rows:
                if row.by_id != user.pk or row.organisation_id != user.organisation_id:
                    wrong.append((name, persona, f"row filed under {row.by_id}/{row.organisation_id}"))
                if row.record_organisation_id is None:
                    wrong.append((name, persona, f"row without the organisation of {row.record_type}"))
            before = AccessLogEntry.objects.count()
            # Form pages accept GET and POST only (405); read-only pages answer HEAD with the headers alone.
            assert client.head(url).status_code in (200, 405), (name, persona)
            if AccessLogEntry.objects.count() != before:
                wrong.append((name, persona, "HEAD wrote a row"))
            checked[name] += 1
    assert wrong == [], "(URL, persona, what went wrong)"
    assert [name for name, count in checked.items() if count == 0] == [], "declared URL no persona may read"


@pytest.mark.django_db
def test_it_files_a_shared_case_read_under_both_organisations(
    caseworker_a, caseworker_b, org_admin_a, org_admin_b, org_a, org_b, sysadmin
):
    """Organisation B reads A's case through a consent to share: A's and B's administrators both see who read it."""
    from lotse.cases import services as case_services
    from lotse.cases.models import CaseClient
    from lotse.core.tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

    day = datetime.date(2025, 3, 3)
    case = case_services.open_case(
        acting_user=None,
        organisation=org_a,
        municipality=MunicipalityFactory.create(),
        start_date=day,
        responsible=caseworker_a,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    person = CaseClient.objects.get(case=case).person
    case_services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=person,
        purpose="weitergabe",
        given_on=day,
        recipient_organisation=org_b,
    )
    unrelated = OrganisationFactory.create(short_name="org-c", name="DRK Testkreis")
    org_admin_c = UserFactory.create(
        username="orgadmin-c", organisation=unrelated, roles=[Role.ORGANISATIONSADMINISTRATION]
    )

    response = client_for(caseworker_b).get(reverse("cases:case_detail", args=[case.pk]))

    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.by, row.organisation, row.record_organisation) == (caseworker_b, org_b, org_a)
    assert (row.action, row.record_type, row.record_id) == (AccessAction.VIEW, "cases.case", str(case.pk))
    for admin, sees in ((org_admin_a, True), (org_admin_b, True), (org_admin_c, False), (sysadmin, True)):
        page = client_for(admin).get(reverse("core:access_log"))
        assert page.status_code == 200
        assert (row in page.context["page"].object_list) is sees, admin.username
    page = client_for(org_admin_a).get(reverse("core:access_log"))
    assert org_b.name in page.content.decode()


@pytest.mark.django_db
def test_it_writes_no_row_for_a_head_request(caseworker_a, org_a):
    from lotse.cases import services as case_services
    from lotse.core.tests.factories import MunicipalityFactory

    case = case_services.open_case(
        acting_user=None,
        organisation=org_a,
        municipality=MunicipalityFactory.create(),
        start_date=datetime.date(2025, 3, 3),
        responsible=caseworker_a,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    client = client_for(caseworker_a)
    assert client.head(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert not AccessLogEntry.objects.exists()
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert AccessLogEntry.objects.count() == 1
