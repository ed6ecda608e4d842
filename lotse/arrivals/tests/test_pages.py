"""The page of responsibilities per municipality and its forms."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.arrivals.models import Responsibility
from lotse.arrivals.tests.factories import add
from lotse.cases.tests.factories import frozen_today
from lotse.conftest import client_for
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LIST = "arrivals:responsibility_list"


@pytest.mark.parametrize("persona", ["sysadmin", "teamlead_a", "caseworker_a", "housing_officer"])
def test_it_shows_the_current_responsibilities_per_municipality(persona, request, ludwigsburg, asperg, org_a, org_b):
    add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30), note="Sprechstunde dienstags")
    add(ludwigsburg, org_b, D(2025, 7, 1), district="Eglosheim")
    client = client_for(request.getfixturevalue(persona))
    with frozen_today(D(2025, 5, 1)):
        page = client.get(reverse(LIST)).content.decode()
        everything = client.get(reverse(LIST) + "?alle=1").content.decode()
    assert "Caritas Testkreis" in page and "Sprechstunde dienstags" in page
    assert "AWO Testkreis" not in page  # from July
    assert "Asperg" in page and "Heute keine Zuständigkeit." in page
    assert "AWO Testkreis" in everything and "Eglosheim" in everything
    assert 'class="table-responsive position-relative" tabindex="0" role="region"' in page
    can_manage = persona == "sysadmin"
    assert (reverse("arrivals:responsibility_create") in page) is can_manage


@pytest.mark.parametrize("persona", ["statistician", "org_admin_a", "network_editor"])
def test_it_keeps_the_page_from_those_who_do_not_need_it(persona, request):
    assert client_for(request.getfixturevalue(persona)).get(reverse(LIST)).status_code == 403


def test_it_shows_the_list_in_the_same_number_of_queries_for_few_and_many(sysadmin, ludwigsburg, org_a, org_b, drk):
    client = client_for(sysadmin)
    add(ludwigsburg, org_a)
    few = queries_of(client, reverse(LIST) + "?alle=1")
    for number in range(5):
        municipality = MunicipalityFactory.create()
        add(municipality, org_b, D(2024, 1, 1), D(2024, 12, 31), district=f"Ortsteil {number}")
        add(municipality, drk, D(2025, 1, 1), residence_status="duldung")
    assert_same_queries(few, queries_of(client, reverse(LIST) + "?alle=1"))


def test_it_adds_a_responsibility_through_the_form(sysadmin, ludwigsburg, org_a, sports_club):
    client = client_for(sysadmin)
    form = client.get(reverse("arrivals:responsibility_create") + f"?gemeinde={ludwigsburg.pk}")
    assert form.status_code == 200
    # The municipality of the list's row is chosen; only organisations doing integration management are offered.
    assert form.context["form"]["municipality"].value() == ludwigsburg.pk
    offered = {choice.instance.pk for choice, _label in form.context["form"].fields["organisation"].choices if choice}
    assert org_a.pk in offered and sports_club.pk not in offered
    response = client.post(
        reverse("arrivals:responsibility_create"),
        {
            "municipality": ludwigsburg.pk,
            "organisation": org_a.pk,
            "district": "Oßweil",
            "residence_status": "",
            "valid_from": "01.01.2025",
            "valid_until": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    stored = Responsibility.objects.get()
    assert (stored.municipality, stored.organisation, stored.district, stored.valid_from) == (
        ludwigsburg,
        org_a,
        "Oßweil",
        D(2025, 1, 1),
    )


def test_it_shows_the_refusal_of_an_overlap_on_the_form(sysadmin, ludwigsburg, org_a):
    add(ludwigsburg, org_a, D(2025, 1, 1))
    response = client_for(sysadmin).post(
        reverse("arrivals:responsibility_create"),
        {"municipality": ludwigsburg.pk, "organisation": org_a.pk, "valid_from": "2025-02-01"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    assert "dürfen sich nicht überschneiden" in response.content.decode()
    assert Responsibility.objects.count() == 1


def test_it_edits_and_keeps_the_input_after_a_concurrent_edit(sysadmin, ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a)
    url = reverse("arrivals:responsibility_edit", args=[responsibility.pk])
    data = {
        "version": 1,
        "municipality": ludwigsburg.pk,
        "organisation": org_a.pk,
        "district": "",
        "residence_status": "duldung",
        "valid_from": "2025-01-01",
        "valid_until": "",
        "note": "nur Duldung",
    }
    client = client_for(sysadmin)
    assert client.post(url, data).status_code == 302
    assert Responsibility.objects.get().residence_status == "duldung"
    conflict = client.post(url, {**data, "note": "veraltet"})
    assert conflict.status_code == 200
    assert "veraltet" in conflict.content.decode()
    assert Responsibility.objects.get().note == "nur Duldung"


def test_it_ends_and_removes_a_responsibility(sysadmin, ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a)
    client = client_for(sysadmin)
    end = reverse("arrivals:responsibility_end", args=[responsibility.pk])
    assert client.post(end, {"version": 1, "valid_until": "2024-12-31"}).status_code == 200
    assert client.post(end, {"version": 1, "valid_until": "2025-12-31"}).status_code == 302
    assert Responsibility.objects.get().valid_until == D(2025, 12, 31)
    delete = reverse("arrivals:responsibility_delete", args=[responsibility.pk])
    client.post(delete, {"version": 1})  # loaded before the end: refused, shown as a message
    assert Responsibility.objects.exists()
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not Responsibility.objects.exists()


@pytest.mark.parametrize("persona", ["teamlead_a", "caseworker_a", "housing_officer", "org_admin_a"])
def test_it_refuses_changes_to_everybody_but_the_system_administrators(persona, request, ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a)
    client = client_for(request.getfixturevalue(persona))
    for name in ("arrivals:responsibility_edit", "arrivals:responsibility_end", "arrivals:responsibility_delete"):
        url = reverse(name, args=[responsibility.pk])
        assert client.post(url, {"version": 1, "valid_until": "2025-12-31"}).status_code == 403
    create = client.post(
        reverse("arrivals:responsibility_create"),
        {"municipality": ludwigsburg.pk, "organisation": org_a.pk, "valid_from": "2026-01-01"},
    )
    assert create.status_code == 403
    stored = Responsibility.objects.get()
    assert (stored.version, stored.valid_until) == (1, None)
