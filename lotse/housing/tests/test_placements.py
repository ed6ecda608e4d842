"""The placement pipeline: proposal, viewing, acceptance or refusal, approval of the rent, the lease and what it
writes (the search closed, the offer placed, the private tenancy of every member, the planned move-out)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lotse.accommodation import services as accommodation_services
from lotse.arrivals.models import PersonLink, PlannedMoveOut
from lotse.cases import services as case_services
from lotse.conftest import client_for
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.housing import placement_services as services
from lotse.housing.choices import Accompaniment, Benefits, OfferStatus, PlacementState, SearchStatus
from lotse.housing.models import FlatOffer, Placement, SearchProfile
from lotse.housing.tests import housing_world as hw
from lotse.people.choices import HousingSituation
from lotse.people.models import HousingRecord

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def town():
    return MunicipalityFactory.create(name="Ludwigsburg")


@pytest.fixture
def case_a(org_a, town):
    return hw.household_case(org_a, town, children=2)


@pytest.fixture
def profile(case_a):
    return hw.search(case_a, benefits=Benefits.SGB_II)


@pytest.fixture
def flat(org_a, town):
    hw.rent_limit(town, 3, "800")
    return hw.offer(org_a, town)


def proposed(flat, profile, user):
    return services.propose(acting_user=user, offer=flat, profile=profile)


def accepted(placement, user, on=None):
    placement = services.accept(
        acting_user=user, placement=placement, expected_version=placement.version, on=on or TODAY()
    )
    return placement


def test_it_proposes_a_fitting_household_with_its_score(flat, profile, housing_staff_a) -> None:
    placement = proposed(flat, profile, housing_staff_a)
    assert (placement.state, placement.proposed_on, placement.created_by) == (
        PlacementState.PROPOSED,
        TODAY(),
        housing_staff_a,
    )
    assert placement.score is not None and placement.score > 0
    with pytest.raises(ValidationError) as refused:
        proposed(flat, profile, housing_staff_a)
    assert refused.value.messages == ["Diese Wohnung ist diesem Haushalt bereits vorgeschlagen."]


def test_it_refuses_to_propose_a_household_that_breaks_a_hard_rule(org_a, town, profile, housing_staff_a) -> None:
    hw.rent_limit(town, 3, "600")
    dear = hw.offer(org_a, town, rent_cold=Decimal("700"))
    with pytest.raises(ValidationError) as refused:
        proposed(dear, profile, housing_staff_a)
    assert refused.value.messages == [
        "Der Haushalt passt nicht zur Wohnung: Bruttokaltmiete 850,00 € über der Grenze von 600,00 €."
    ]
    assert not Placement.objects.exists()


def test_it_refuses_to_propose_to_outsiders(flat, profile, housing_staff_b) -> None:
    with pytest.raises(ValidationError):
        proposed(flat, profile, housing_staff_b)
    assert not Placement.objects.exists()


def test_it_walks_the_pipeline_and_requires_the_approval_where_benefits_pay(flat, profile, housing_staff_a) -> None:
    placement = proposed(flat, profile, housing_staff_a)
    viewing_at = timezone.now() + datetime.timedelta(days=2)
    placement = services.schedule_viewing(
        acting_user=housing_staff_a,
        placement=placement,
        expected_version=placement.version,
        viewing_at=viewing_at,
        accompanied_by=Accompaniment.VOLUNTEER,
        accompanying_person="Erika Muster",
    )
    assert (placement.state, placement.accompanying_person) == (PlacementState.VIEWING, "Erika Muster")
    placement = accepted(placement, housing_staff_a)
    with pytest.raises(ValidationError) as refused:
        services.sign_lease(
            acting_user=housing_staff_a,
            placement=placement,
            expected_version=placement.version,
            signed_on=TODAY(),
            starts_on=TODAY(),
            agreed_rent=Decimal("750"),
        )
    assert refused.value.messages == [
        "Die Miete zahlen Sozialleistungen: Erfassen Sie die Zusicherung der Miete vor dem Mietvertrag."
    ]
    placement = services.record_approval(
        acting_user=housing_staff_a, placement=placement, expected_version=placement.version, on=TODAY()
    )
    assert placement.approval_on == TODAY()


def test_it_needs_no_approval_where_the_household_pays(case_a, flat, housing_staff_a) -> None:
    profile = hw.search(case_a, benefits=Benefits.NONE)
    placement = accepted(proposed(flat, profile, housing_staff_a), housing_staff_a)
    with pytest.raises(ValidationError) as refused:
        services.record_approval(
            acting_user=housing_staff_a, placement=placement, expected_version=placement.version, on=TODAY()
        )
    assert refused.value.messages == [
        "Der Haushalt zahlt die Miete selbst: Eine Zusicherung der Miete ist nicht nötig."
    ]


def test_it_guards_the_transitions(flat, profile, housing_staff_a) -> None:
    placement = proposed(flat, profile, housing_staff_a)
    with pytest.raises(ValidationError) as refused:
        services.sign_lease(
            acting_user=housing_staff_a,
            placement=placement,
            expected_version=placement.version,
            signed_on=TODAY(),
            starts_on=TODAY(),
            agreed_rent=Decimal("750"),
        )
    assert refused.value.messages == ["Ein Mietvertrag wird erst nach der Zusage von Vermieter und Haushalt erfasst."]
    placement = services.refuse(
        acting_user=housing_staff_a,
        placement=placement,
        expected_version=placement.version,
        refused_by="vermieter",
        reason="groesse",
        on=TODAY(),
    )
    with pytest.raises(ValidationError) as refused:
        accepted(placement, housing_staff_a)
    assert refused.value.messages == ["Eine Vermittlung im Stand „abgelehnt“ kann nicht zugesagt werden."]


def test_it_detects_a_concurrent_change(flat, profile, housing_staff_a) -> None:
    placement = proposed(flat, profile, housing_staff_a)
    stale = placement.version
    accepted(placement, housing_staff_a)
    with pytest.raises(ConcurrentEditError):
        services.refuse(
            acting_user=housing_staff_a,
            placement=Placement.objects.get(pk=placement.pk),
            expected_version=stale,
            refused_by="haushalt",
            reason="lage",
            on=TODAY(),
        )
    assert Placement.objects.get(pk=placement.pk).state == PlacementState.ACCEPTED


def lease(placement, user, starts_on=None):
    if services.approval_needed(placement) and placement.approval_on is None:
        placement = services.record_approval(
            acting_user=user, placement=placement, expected_version=placement.version, on=TODAY()
        )
    return services.sign_lease(
        acting_user=user,
        placement=placement,
        expected_version=placement.version,
        signed_on=TODAY(),
        starts_on=starts_on or TODAY(),
        agreed_rent=Decimal("750"),
    )


def test_it_closes_everything_with_the_lease_and_writes_the_tenancy_of_every_member(
    org_a, town, case_a, flat, profile, housing_staff_a
) -> None:
    other_case = hw.household_case(org_a, town, family_name="Berisha", children=1)
    other_profile = hw.search(other_case)
    rival = proposed(flat, other_profile, housing_staff_a)
    second_flat = hw.offer(org_a, town, street="Uhlandstraße 9")
    elsewhere = proposed(second_flat, profile, housing_staff_a)
    placement = accepted(proposed(flat, profile, housing_staff_a), housing_staff_a)
    placement = lease(placement, housing_staff_a)
    assert placement.state == PlacementState.LEASE
    profile.refresh_from_db()
    assert (profile.status, profile.status_since) == (SearchStatus.HOUSED, TODAY())
    flat.refresh_from_db()
    assert (flat.status, flat.status_since) == (OfferStatus.PLACED, TODAY())
    rival.refresh_from_db()
    assert (rival.state, rival.refused_by, rival.refusal_reason) == (
        PlacementState.REFUSED,
        "fachkraft",
        "anderer_mieter",
    )
    elsewhere.refresh_from_db()
    assert (elsewhere.state, elsewhere.refused_by) == (PlacementState.REFUSED, "haushalt")
    members = hw.members(case_a)
    assert len(members) == 3
    records = HousingRecord.objects.filter(person__in=members, valid_from=TODAY())
    assert sorted((r.person_id, r.situation, r.municipality_id) for r in records) == [
        (person.pk, HousingSituation.PRIVATER_MIETVERTRAG, town.pk) for person in members
    ]


def test_it_writes_the_tenancy_of_a_later_start_on_its_first_day(case_a, flat, profile, housing_staff_a) -> None:
    start = TODAY() + datetime.timedelta(days=14)
    lease(accepted(proposed(flat, profile, housing_staff_a), housing_staff_a), housing_staff_a, starts_on=start)
    members = hw.members(case_a)
    assert not HousingRecord.objects.filter(person__in=members, valid_from=start).exists()
    assert services.record_tenancies_begun(acting_user=None, on=TODAY()) == 0
    # The daily command on the first day of the tenancy (the facts are dated that day, not later).
    from unittest import mock

    from lotse.housing.tasks import record_tenancies_begun_job

    with mock.patch("django.utils.timezone.localdate", return_value=start):
        # The nightly job does it; running it again writes nothing twice.
        record_tenancies_begun_job.func(timestamp=0)
        assert services.record_tenancies_begun(acting_user=None, on=start) == 0
    assert (
        HousingRecord.objects.filter(
            person__in=members, valid_from=start, situation=HousingSituation.PRIVATER_MIETVERTRAG
        ).count()
        == 3
    )


def test_it_plans_the_move_out_from_the_shelter_through_the_consented_link(
    county, town, case_a, flat, profile, housing_staff_a, caseworker_a
) -> None:
    from lotse.accommodation.choices import ShelterKind
    from lotse.people import services as people_services

    shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=county,
        places=10,
        places_from=TODAY() - datetime.timedelta(days=900),
        name="GU Schlösslesfeld",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=town,
    )
    head = hw.members(case_a)[0]
    resident = people_services.create_person(acting_user=None, organisation=county, family_name=head.family_name)
    accommodation_services.move_in(
        acting_user=None, shelter=shelter, person=resident, on=TODAY() - datetime.timedelta(days=300)
    )
    PersonLink.objects.create(accommodation_person=resident, casework_person=head)
    start = TODAY() + datetime.timedelta(days=30)
    # Without the consent to the exchange with the shelter's operator, nothing crosses.
    placement = lease(accepted(proposed(flat, profile, housing_staff_a), housing_staff_a), housing_staff_a, start)
    assert not PlannedMoveOut.objects.exists()
    page = client_for(housing_staff_a).get(reverse("housing:placement_detail", args=[placement.pk]))
    assert "kein Auszug geplant" in page.content.decode()
    # With it, the next lease of such a household plans the move-out for the shelter's staff.
    case_services.record_consent(
        acting_user=caseworker_a,
        case=case_a,
        person=head,
        purpose="datenaustausch_unterbringung",
        given_on=TODAY(),
        recipient_organisation=county,
    )
    plans = services.plan_move_outs(hw.members(case_a), start)
    assert [(plan.occupancy.person_id, plan.planned_on, plan.shelter_id) for plan in plans] == [
        (resident.pk, start, shelter.pk)
    ]
    page = client_for(housing_staff_a).get(reverse("housing:placement_detail", args=[placement.pk]))
    assert "Auszug geplant" in page.content.decode()


def test_it_refuses_pipeline_steps_to_outsiders(flat, profile, housing_staff_a, housing_staff_b) -> None:
    placement = proposed(flat, profile, housing_staff_a)
    with pytest.raises(ValidationError):
        accepted(placement, housing_staff_b)
    assert client_for(housing_staff_b).get(reverse("housing:placement_detail", args=[placement.pk])).status_code == 404
    assert Placement.objects.get(pk=placement.pk).state == PlacementState.PROPOSED


def test_it_lists_open_placements_in_a_fixed_number_of_queries(org_a, town, housing_staff_a) -> None:
    hw.rent_limit(town, 3, "900")
    client = client_for(housing_staff_a)
    url = reverse("housing:placement_list")
    proposed(hw.offer(org_a, town), hw.search(hw.household_case(org_a, town, family_name="A")), housing_staff_a)
    few = queries_of(client, url)
    for name in ("B", "C", "D"):
        proposed(hw.offer(org_a, town), hw.search(hw.household_case(org_a, town, family_name=name)), housing_staff_a)
    many = queries_of(client, url)
    assert len(client.get(url).context["rows"]) == 4
    assert_same_queries(few, many)


def test_it_ranks_and_proposes_from_the_pages(org_a, town, flat, profile, housing_staff_a) -> None:
    client = client_for(housing_staff_a)
    page = client.get(reverse("housing:offer_matching", args=[flat.pk]))
    assert [p.pk for _m, p in page.context["fitting"]] == [profile.pk]
    page = client.get(reverse("housing:search_matching", args=[profile.pk]))
    assert [o.pk for _m, o in page.context["fitting"]] == [flat.pk]
    proposal = client.get(reverse("housing:proposal"))
    assert [(row[1].pk, row[2].pk) for row in proposal.context["rows"]] == [(flat.pk, profile.pk)]
    response = client.post(reverse("housing:proposal_confirm"), {"offer": flat.pk, "profile": profile.pk})
    assert response.status_code == 302
    assert Placement.objects.get().state == PlacementState.PROPOSED
    assert FlatOffer.objects.get(pk=flat.pk).status == OfferStatus.CHECKED
    assert SearchProfile.objects.get(pk=profile.pk).status == SearchStatus.SEARCHING


def test_the_proposal_and_the_ranking_name_each_household_by_its_eldest_member(
    org_a, town, flat, profile, housing_staff_a
) -> None:
    client = client_for(housing_staff_a)
    name = "Haddad, Amina"  # the head of hw.household_case, born 1988; her child is younger
    for url in (reverse("housing:proposal"), reverse("housing:offer_matching", args=[flat.pk])):
        page = client.get(url).content.decode()
        assert f'<a href="{reverse("housing:search_detail", args=[profile.pk])}">{name}</a>' in page, url
        assert f"Haushalt {profile.household_id}" not in page, url


def test_the_breadcrumbs_name_the_search_and_the_placement_not_their_numbers(flat, profile, housing_staff_a) -> None:
    client = client_for(housing_staff_a)
    search = reverse("housing:search_detail", args=[profile.pk])
    own = client.get(search).content.decode()
    assert '<li class="breadcrumb-item active" aria-current="page">Wohnungssuche</li>' in own
    assert f'<a href="{search}">' not in own.split("</nav>")[0]  # no crumb to the page itself
    flats = client.get(reverse("housing:search_matching", args=[profile.pk])).content.decode()
    assert f'<li class="breadcrumb-item"><a href="{search}">Wohnungssuche</a></li>' in flats
    placement = proposed(flat, profile, housing_staff_a)
    viewing = client.get(reverse("housing:placement_viewing", args=[placement.pk])).content.decode()
    detail = reverse("housing:placement_detail", args=[placement.pk])
    assert f'<a href="{detail}">Vermittlung: {flat.street}</a>' in viewing
    for page in (own, flats, viewing):
        assert f"Suchen {profile.pk}" not in page and f"Vermittlung {placement.pk}" not in page


@pytest.mark.parametrize(("free_since_days", "expected_days"), [(60, 0), (-30, -30)])
def test_the_lease_form_begins_the_tenancy_today_or_when_the_flat_is_free(
    org_a, town, profile, housing_staff_a, free_since_days, expected_days
) -> None:
    """A flat free for two months is not let from two months ago: the form suggests today (or the later day)."""
    hw.rent_limit(town, 3, "800")
    flat = hw.offer(org_a, town, available_from=TODAY() - datetime.timedelta(days=free_since_days))
    placement = accepted(proposed(flat, profile, housing_staff_a), housing_staff_a)
    form = client_for(housing_staff_a).get(reverse("housing:placement_lease", args=[placement.pk])).context["form"]
    assert form.initial["starts_on"] == TODAY() - datetime.timedelta(days=expected_days)


def test_it_shows_the_proposal_in_a_fixed_number_of_queries(org_a, town, housing_staff_a) -> None:
    hw.rent_limit(town, 3, "900")
    client = client_for(housing_staff_a)
    url = reverse("housing:proposal")
    hw.offer(org_a, town)
    hw.search(hw.household_case(org_a, town, family_name="A"))
    few = queries_of(client, url)
    for name in ("B", "C", "D"):
        hw.offer(org_a, town)
        hw.search(hw.household_case(org_a, town, family_name=name))
    many = queries_of(client, url)
    assert len(client.get(url).context["rows"]) == 4
    assert_same_queries(few, many)
