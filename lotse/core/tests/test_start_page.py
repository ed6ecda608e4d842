"""The start page says something to every role, and a sign-in leads caseworkers to their day's work."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lotse.cases import services
from lotse.cases.tests.factories import open_case_for
from lotse.conftest import client_for

pytestmark = pytest.mark.django_db


def facts(body: str) -> dict[str, str]:  # also used by the apps' own start-panel tests
    """The start page's numbers: label -> value."""
    pairs = re.findall(r"<dt[^>]*>(?:<a [^>]*>)?([^<]+)(?:</a>)?</dt>\s*<dd[^>]*>([^<]+)</dd>", body)
    return {label.strip(): value.strip() for label, value in pairs}


def test_a_sign_in_leads_a_caseworker_to_my_work_and_others_to_the_start_page(caseworker_a, statistician):
    assert client_for(caseworker_a).get(reverse("core:after_sign_in"))["Location"] == reverse("cases:worklist")
    assert client_for(statistician).get(reverse("core:after_sign_in"))["Location"] == reverse("core:start")


def test_a_caseworker_sees_what_is_due(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a)
    services.add_follow_up(
        acting_user=caseworker_a, case=case, due_date=datetime.date(2020, 1, 1), description="Bescheid nachreichen"
    )
    open_case_for(caseworker_b)  # another organisation's case counts nowhere
    body = client_for(caseworker_a).get(reverse("core:start")).content.decode()
    shown = facts(body)
    assert shown["Meine offenen Fälle"] == "1"
    assert shown["Fällige Wiedervorlagen"] == "1"
    assert "Kennzahlen heute" not in body and "Unterbringung heute" not in body


def test_the_statistician_sees_todays_figures_of_all_and_a_team_lead_those_of_her_organisation(
    caseworker_a, caseworker_b, statistician, teamlead_a
):
    open_case_for(caseworker_a, start_date=datetime.date(2025, 1, 2))
    open_case_for(caseworker_b, start_date=datetime.date(2025, 1, 2))
    assert facts(client_for(statistician).get(reverse("core:start")).content.decode())["Aktive Fälle"] == "2"
    own = client_for(teamlead_a).get(reverse("core:start")).content.decode()
    assert facts(own)["Aktive Fälle"] == "1"
    assert "Caritas Testkreis" in own or teamlead_a.organisation.name in own


def test_an_administrator_sees_the_accounts_she_looks_after(org_admin_a, caseworker_a, colleague_a, caseworker_b):
    caseworker_a.is_active = False
    caseworker_a.save()
    shown = facts(client_for(org_admin_a).get(reverse("core:start")).content.decode())
    assert shown["Deaktivierte Konten"] == "1"
    assert shown["Aktive Konten"] == "2"  # the administrator and her colleague; org B's caseworker is not hers
