"""The sponsorship pages: scoping, forms, the access log, fixed query counts and the case page's notice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lotse.cases import services as case_services
from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.core.tests.test_start_page import facts
from lotse.people.models import Person
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers.models import CheckIn, Participation, Sponsorship
from lotse.volunteers.tests import sponsorship_world as world

pytestmark = pytest.mark.django_db


def _sponsorship(org, participation, name="Weber", given_names="Jana"):
    return services.request_sponsorship(
        acting_user=None,
        participation=participation,
        sponsors=[world.volunteer(org, name, given_names=given_names)],
        requested_on=world.days_ago(20),
    )


def test_it_hides_organisation_a_s_sponsorships_from_coordinator_b(volunteer_coordinator_b, org_a):
    participation = world.household(world.programme(org_a))
    sponsorship = _sponsorship(org_a, participation)
    client = client_for(volunteer_coordinator_b)
    for url in (
        reverse("volunteers:programme_detail", args=[participation.programme_id]),
        reverse("volunteers:participation_detail", args=[participation.pk]),
        reverse("volunteers:sponsorship_detail", args=[sponsorship.pk]),
        reverse("volunteers:participation_matching", args=[participation.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Haddad" not in client.get(reverse("volunteers:sponsorship_list")).content.decode()


def test_it_registers_a_household_through_the_page(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    client = client_for(volunteer_coordinator_a)
    url = reverse("volunteers:participation_create", args=[programme.pk])
    assert client.get(url).status_code == 200
    data = {
        "joined_on": world.days_ago(1).isoformat(),
        "wanted_topics": ["sprache"],
        "m0-family_name": "Haddad",
        "m0-given_names": "Rania",
        "m0-birth_date": "01.03.1990",
        "m0-gender": "w",
        "m0-languages": ["ara"],
        "m1-family_name": "Haddad",
        "m1-given_names": "Omar",
        "m1-birth_date": "2018",
        "m1-gender": "m",
        "m1-relationship": "kind",
        "m2-gender": "u",
        "m3-gender": "u",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert response["Location"] == reverse("volunteers:participation_detail", args=[participation.pk])
    assert participation.wanted_topics == ["sprache"]
    assert sorted(Person.objects.values_list("given_names", "organisation_id")) == [
        ("Omar", org_a.pk),
        ("Rania", org_a.pk),
    ]
    # Without the head of household nothing is stored and the page shows why.
    refused = client.post(url, {**data, "m0-family_name": "", "m0-given_names": "", "submission_key": ""})
    assert refused.status_code == 200
    assert Person.objects.count() == 2
    # The same household once more: the persons already kept are shown (and the view logged), nothing is stored.
    before = AccessLogEntry.objects.count()
    again = client.post(url, {**data, "submission_key": ""})
    assert again.status_code == 200
    shown = again.context["duplicates"]
    assert sorted((each.member, each.hit.person.given_names) for each in shown) == [
        ("Omar Haddad", "Omar"),
        ("Rania Haddad", "Rania"),
    ]
    assert [p.pk for p in shown[0].participations] == [participation.pk]
    assert "Möglicherweise schon erfasst" in again.content.decode()
    assert AccessLogEntry.objects.count() == before + 2
    assert Person.objects.count() == 2 and Participation.objects.count() == 1
    # "Register anyway" goes on.
    anyway = client.post(url, {**data, "submission_key": "", "confirm_new": "on"})
    assert anyway.status_code == 302
    assert Person.objects.count() == 4 and Participation.objects.count() == 2


def test_it_walks_the_forms_of_a_sponsorship(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a))
    sponsor = world.volunteer(org_a, "Weber", given_names="Jana")
    client = client_for(volunteer_coordinator_a)
    response = client.post(reverse("volunteers:proposal_confirm", args=[participation.pk]), {"volunteer": sponsor.pk})
    assert response.status_code == 302
    sponsorship = Sponsorship.objects.get()
    assert list(sponsorship.sponsors.all()) == [sponsor]
    transition = reverse("volunteers:sponsorship_transition", args=[sponsorship.pk])
    refused = client.post(
        transition, {"version": sponsorship.version, "to_state": "aktiv", "on": world.days_ago(0).isoformat()}
    )
    assert refused.status_code == 200
    done = client.post(
        transition, {"version": sponsorship.version, "to_state": "kennenlernen", "on": world.days_ago(0).isoformat()}
    )
    assert done.status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.state == "kennenlernen"
    check_in = client.post(
        reverse("volunteers:check_in_create", args=[sponsorship.pk]),
        {
            "on": world.days_ago(0).isoformat(),
            "note": "Erstes Treffen war gut.",
            "next_due": world.days_ago(-30).isoformat(),
        },
    )
    assert check_in.status_code == 302
    assert CheckIn.objects.get().note == "Erstes Treffen war gut."
    page = client.get(reverse("volunteers:sponsorship_detail", args=[sponsorship.pk]))
    assert "Erstes Treffen war gut." in page.content.decode()
    assert AccessLogEntry.objects.filter(
        by=volunteer_coordinator_a, record_type="volunteers.sponsorship", record_id=str(sponsorship.pk)
    ).exists()


def test_it_shows_the_check_ins_due(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    due = _sponsorship(org_a, world.household(programme))
    later = _sponsorship(org_a, world.household(programme, {"family_name": "Rahimi"}), name="Maier")
    services.record_check_in(
        acting_user=None, sponsorship=due, on=world.days_ago(10), note="x", next_due=world.days_ago(1)
    )
    services.record_check_in(
        acting_user=None, sponsorship=later, on=world.days_ago(10), note="x", next_due=world.days_ago(-5)
    )
    page = client_for(volunteer_coordinator_a).get(reverse("volunteers:check_in_worklist"))
    assert [sponsorship.pk for sponsorship, _members in page.context["rows"]] == [due.pk]
    world.household(programme, {"family_name": "Wartend"})
    start = client_for(volunteer_coordinator_a).get(reverse("core:start")).content.decode()
    assert {
        label: value
        for label, value in facts(start).items()
        if label in ("Offene Patenschaften", "Fällige Rückmeldungen", "Haushalte, die auf eine Patenschaft warten")
    } == {"Offene Patenschaften": "2", "Fällige Rückmeldungen": "1", "Haushalte, die auf eine Patenschaft warten": "1"}


def _fill(org, programme, count):
    for number in range(count):
        participation = world.household(programme, {"family_name": f"Familie{number}", "given_names": "A"})
        sponsorship = _sponsorship(org, participation, name=f"Pate{number}")
        services.record_check_in(
            acting_user=None, sponsorship=sponsorship, on=world.days_ago(5), note="x", next_due=world.days_ago(1)
        )


def test_its_lists_run_a_fixed_number_of_queries(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    client = client_for(volunteer_coordinator_a)
    urls = [
        reverse("volunteers:programme_list"),
        reverse("volunteers:programme_detail", args=[programme.pk]),
        reverse("volunteers:sponsorship_list"),
        reverse("volunteers:check_in_worklist"),
        reverse("volunteers:programme_proposal", args=[programme.pk]),
    ]
    _fill(org_a, programme, 1)
    world.household(programme, {"family_name": "Wartend"})
    world.volunteer(org_a, "Frei")
    few = [queries_of(client, url) for url in urls]
    _fill(org_a, programme, 4)
    for number in range(3):
        world.household(programme, {"family_name": f"Wartend{number}"})
        world.volunteer(org_a, f"Frei{number}")
    for url, before in zip(urls, few, strict=True):
        assert_same_queries(before, queries_of(client, url))


def test_it_tells_the_consented_integration_management_only_that_a_sponsorship_exists(
    caseworker_b, caseworker_a, volunteer_coordinator_a, org_a, org_b
):
    municipality = MunicipalityFactory.create()
    head = {
        "family_name": "Haddad",
        "given_names": "Rania",
        "birth_date": world.days_ago(12000),
        "birth_date_precision": "day",
    }
    case = case_services.open_case(
        acting_user=caseworker_b,
        organisation=org_b,
        municipality=municipality,
        start_date=world.days_ago(50),
        responsible=caseworker_b,
        head=dict(head),
    )
    programme = world.programme(org_a)
    consented = world.household(programme, dict(head), informs_organisation=org_b, informs_consent_on=world.days_ago(3))
    _sponsorship(org_a, consented, name="Weber", given_names="Jana Maria")
    url = reverse("cases:case_detail", args=[case.pk])
    page = client_for(caseworker_b).get(url).content.decode()
    assert "Willkommen in Ludwigsburg: Patenschaft angefragt, Pat:innen Jana" in page
    assert "Weber" not in page and "Maria" not in page
    # Without consent, nothing.
    Participation.objects.filter(pk=consented.pk).update(informs_organisation=None, informs_consent_on=None)
    assert 'data-testid="case-sponsorships"' not in client_for(caseworker_b).get(url).content.decode()


def test_it_tells_no_one_without_consent(caseworker_b, org_a, org_b):
    municipality = MunicipalityFactory.create()
    head = {
        "family_name": "Rahimi",
        "given_names": "Ali",
        "birth_date": world.days_ago(11000),
        "birth_date_precision": "day",
    }
    case = case_services.open_case(
        acting_user=caseworker_b,
        organisation=org_b,
        municipality=municipality,
        start_date=world.days_ago(50),
        responsible=caseworker_b,
        head=dict(head),
    )
    _sponsorship(org_a, world.household(world.programme(org_a), dict(head)))
    page = client_for(caseworker_b).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-sponsorships"' not in page
