"""Searches for a flat: opened from the case, kept by its caseworkers, passed on by consent."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.conftest import client_for
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.housing import search_services
from lotse.housing.choices import Benefits, SearchStatus, Urgency
from lotse.housing.models import SearchProfile
from lotse.housing.tests import housing_world as hw

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return MunicipalityFactory.create(name="Ludwigsburg")


@pytest.fixture
def case_a(org_a, town):
    return hw.household_case(org_a, town, children=2)


def test_it_prefills_adults_and_children_from_the_members_ages(case_a, caseworker_a) -> None:
    assert search_services.composition(case_a, timezone.localdate()) == (1, 2)
    response = client_for(caseworker_a).get(reverse("housing:search_create", args=[case_a.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["adults"], form.initial["children"]) == (1, 2)


def test_it_opens_a_search_from_the_case_page(case_a, caseworker_a, town) -> None:
    client = client_for(caseworker_a)
    page = client.get(reverse("cases:case_detail", args=[case_a.pk]))
    assert reverse("housing:search_create", args=[case_a.pk]) in page.content.decode()
    today = timezone.localdate()
    response = client.post(
        reverse("housing:search_create", args=[case_a.pk]),
        {
            "adults": 1,
            "children": 2,
            "needs": ["erdgeschoss"],
            "preferred_municipalities": [town.pk],
            "earliest_move_in": today.isoformat(),
            "benefits": Benefits.SGB_II,
            "urgency": Urgency.OVERCROWDED,
            "search_started_on": today.isoformat(),
        },
    )
    profile = SearchProfile.objects.get(case=case_a)
    assert response.status_code == 302
    assert (profile.size, profile.needs, profile.status, profile.created_by) == (
        3,
        ["erdgeschoss"],
        SearchStatus.SEARCHING,
        caseworker_a,
    )
    assert list(profile.preferred_municipalities.all()) == [town]
    page = client.get(reverse("cases:case_detail", args=[case_a.pk]))
    assert reverse("housing:search_detail", args=[profile.pk]) in page.content.decode()


def test_it_refuses_a_second_open_search_of_the_household(case_a) -> None:
    hw.search(case_a)
    with pytest.raises(ValidationError) as refused:
        hw.search(case_a)
    assert refused.value.messages == [
        "Dieser Haushalt sucht bereits eine Wohnung. Ändern Sie diese Suche, statt eine zweite zu eröffnen."
    ]
    assert SearchProfile.objects.count() == 1


def test_it_refuses_the_caseworker_of_another_organisation(case_a, caseworker_b) -> None:
    with pytest.raises(ValidationError):
        hw_search_as(case_a, caseworker_b)
    assert not SearchProfile.objects.exists()
    assert client_for(caseworker_b).get(reverse("housing:search_create", args=[case_a.pk])).status_code == 404


def hw_search_as(case, user):
    today = timezone.localdate()
    return search_services.open_search(
        acting_user=user, case=case, adults=1, children=0, earliest_move_in=today, search_started_on=today
    )


def test_it_pauses_resumes_and_ends_with_dates(case_a, caseworker_a) -> None:
    profile = hw.search(case_a)
    today = timezone.localdate()
    search_services.pause_search(acting_user=caseworker_a, profile=profile, expected_version=profile.version, on=today)
    profile.refresh_from_db()
    assert (profile.status, profile.status_since) == (SearchStatus.PAUSED, today)
    search_services.resume_search(acting_user=caseworker_a, profile=profile, expected_version=profile.version, on=today)
    search_services.end_search(
        acting_user=caseworker_a, profile=profile, expected_version=profile.version, on=today, note="zieht weg"
    )
    profile.refresh_from_db()
    assert profile.status == SearchStatus.ENDED
    assert "zieht weg" in profile.notes
    with pytest.raises(ValidationError) as refused:
        search_services.resume_search(
            acting_user=caseworker_a, profile=profile, expected_version=profile.version, on=today
        )
    assert refused.value.messages == ["Eine Suche mit dem Status „beendet“ kann nicht „sucht“ werden."]


def test_it_closes_a_search_as_housed_only_through_a_lease(case_a, caseworker_a) -> None:
    profile = hw.search(case_a)
    with pytest.raises(ValidationError) as refused:
        search_services.change_search_status(
            acting_user=caseworker_a,
            profile=profile,
            expected_version=profile.version,
            to_status=SearchStatus.HOUSED,
            on=timezone.localdate(),
        )
    assert refused.value.messages == [
        "Eine Suche wird als „hat eine Wohnung gefunden“ abgeschlossen, indem der unterschriebene Mietvertrag "
        "der Vermittlung erfasst wird."
    ]


def test_it_detects_a_concurrent_edit(case_a, caseworker_a) -> None:
    profile = hw.search(case_a)
    stale = profile.version
    search_services.update_search(acting_user=caseworker_a, profile=profile, expected_version=stale, adults=2)
    with pytest.raises(ConcurrentEditError):
        search_services.update_search(
            acting_user=caseworker_a, profile=SearchProfile.objects.get(pk=profile.pk), expected_version=stale, adults=3
        )
    assert SearchProfile.objects.get(pk=profile.pk).adults == 2


def test_it_keeps_the_form_input_after_a_concurrent_edit(case_a, caseworker_a) -> None:
    profile = hw.search(case_a)
    client = client_for(caseworker_a)
    stale = profile.version
    search_services.update_search(acting_user=caseworker_a, profile=profile, expected_version=stale, adults=2)
    response = client.post(
        reverse("housing:search_edit", args=[profile.pk]),
        {
            "version": stale,
            "adults": 4,
            "children": 0,
            "earliest_move_in": timezone.localdate().isoformat(),
            "benefits": Benefits.NONE,
            "urgency": Urgency.NORMAL,
            "search_started_on": profile.search_started_on.isoformat(),
        },
    )
    assert response.status_code == 200
    assert SearchProfile.objects.get(pk=profile.pk).adults == 2


def test_it_hides_a_search_from_outsiders(case_a, caseworker_b, housing_staff_b, housing_staff_a, caseworker_a) -> None:
    profile = hw.search(case_a)
    url = reverse("housing:search_detail", args=[profile.pk])
    assert client_for(caseworker_a).get(url).status_code == 200
    assert client_for(housing_staff_a).get(url).status_code == 200
    assert client_for(caseworker_b).get(url).status_code == 404
    assert client_for(housing_staff_b).get(url).status_code == 404
    # Housing staff read the search but do not change it: that is casework.
    assert client_for(housing_staff_a).get(reverse("housing:search_edit", args=[profile.pk])).status_code == 403


def test_only_who_may_open_the_case_page_gets_a_link_to_it(case_a, caseworker_a, housing_staff_a) -> None:
    """Housing staff read the search, not the casework: a link to the case page would answer 403."""
    profile = hw.search(case_a)
    case_url = reverse("cases:case_detail", args=[case_a.pk])
    assert client_for(housing_staff_a).get(case_url).status_code == 403
    for url in (
        reverse("housing:search_detail", args=[profile.pk]),
        reverse("housing:search_matching", args=[profile.pk]),
    ):
        assert f'href="{case_url}"' not in client_for(housing_staff_a).get(url).content.decode()
    page = client_for(caseworker_a).get(reverse("housing:search_detail", args=[profile.pk])).content.decode()
    assert f'href="{case_url}"' in page


def test_it_passes_a_search_on_by_consent_and_hides_it_again_when_withdrawn(
    case_a, caseworker_a, housing_staff_b, org_b
) -> None:
    profile = hw.search(case_a)
    url = reverse("housing:search_detail", args=[profile.pk])
    client = client_for(housing_staff_b)
    assert client.get(url).status_code == 404
    head = hw.members(case_a)[0]
    consent = case_services.record_consent(
        acting_user=caseworker_a,
        case=case_a,
        person=head,
        purpose="wohnungssuche",
        given_on=timezone.localdate(),
        recipient_organisation=org_b,
    )
    assert client.get(url).status_code == 200
    listed = client.get(reverse("housing:search_list") + "?passed_on=on")
    assert [row[0].pk for row in listed.context["rows"]] == [profile.pk]
    own = client_for(caseworker_a).get(url)
    assert org_b.name in own.content.decode()
    case_services.withdraw_consent(acting_user=caseworker_a, consent=consent)
    assert client.get(url).status_code == 404
    assert client.get(reverse("housing:search_list")).context["rows"] == []


def test_it_lists_searches_in_a_fixed_number_of_queries(org_a, town, caseworker_a) -> None:
    client = client_for(caseworker_a)
    hw.search(hw.household_case(org_a, town, family_name="Ahmadi"))
    few = queries_of(client, reverse("housing:search_list"))
    for name in ("Berisha", "Celik", "Darwish"):
        hw.search(hw.household_case(org_a, town, family_name=name, children=2))
    many = queries_of(client, reverse("housing:search_list"))
    assert len(client.get(reverse("housing:search_list")).context["rows"]) == 4
    assert_same_queries(few, many)


def test_it_filters_the_list(org_a, town, caseworker_a) -> None:
    small = hw.search(hw.household_case(org_a, town, family_name="Ahmadi", children=0))
    hw.search(hw.household_case(org_a, town, family_name="Berisha", children=3), urgency=Urgency.EMERGENCY)
    client = client_for(caseworker_a)
    rows = client.get(reverse("housing:search_list") + "?size=1").context["rows"]
    assert [row[0].pk for row in rows] == [small.pk]
    rows = client.get(reverse("housing:search_list") + "?urgency=notunterkunft").context["rows"]
    assert [row[0].size for row in rows] == [4]
    assert client.get(reverse("housing:search_list") + "?status=beendet").context["rows"] == []


def test_it_refuses_a_search_that_begins_in_the_future(case_a) -> None:
    with pytest.raises(ValidationError) as refused:
        hw.search(case_a, search_started_on=timezone.localdate() + datetime.timedelta(days=1))
    assert refused.value.messages == ["Die Suche kann nicht in der Zukunft beginnen."]
