"""Programmes, newcomers, sponsorships and check-ins through the services: who may, what is refused, what is stored."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from lotse.core.access import Capability
from lotse.people import services as people_services
from lotse.people.models import Household, HouseholdMembership, Person
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers import volunteer_services
from lotse.volunteers.choices import EndReason, RequirementKind, SponsorshipState, VolunteerStatus
from lotse.volunteers.models import CheckIn, Programme, Sponsorship, SponsorshipStep
from lotse.volunteers.sponsorship_queries import newcomers_visible_to
from lotse.volunteers.tests import sponsorship_world as world

pytestmark = pytest.mark.django_db


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return error.value.messages[0]


def test_it_gets_or_creates_a_programme_by_name(volunteer_coordinator_a, org_a):
    first = services.ensure_programme(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        name="Willkommen in Ludwigsburg",
        started_on=world.days_ago(10),
    )
    again = services.ensure_programme(
        acting_user=None, organisation=org_a, name="willkommen in ludwigsburg ", started_on=world.days_ago(1)
    )
    assert again.pk == first.pk
    assert Programme.objects.filter(organisation=org_a).count() == 1
    with pytest.raises(ValidationError) as error:
        services.create_programme(
            acting_user=volunteer_coordinator_a,
            organisation=org_a,
            name="Willkommen in Ludwigsburg",
            started_on=world.days_ago(1),
        )
    assert refusal(error) == "Es gibt bereits ein Programm mit diesem Namen."


def test_it_lets_the_coordinator_register_a_household_without_casework(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    participation = services.register_newcomers(
        acting_user=volunteer_coordinator_a,
        programme=programme,
        members=[
            {
                "family_name": "Haddad",
                "given_names": "Rania",
                "birth_date": datetime.date(1990, 3, 1),
                "birth_date_precision": "day",
                "gender": "w",
                "nationalities": ["SY"],
                "languages": ["apc", "ara"],
            },
            {
                "family_name": "Haddad",
                "given_names": "Omar",
                "birth_date": world.days_ago(3000),
                "birth_date_precision": "day",
                "gender": "m",
                "relationship": "kind",
            },
        ],
        joined_on=world.days_ago(5),
        wanted_topics=["sprache", "schule_kita"],
        preferred_sponsor_gender="w",
    )
    household = participation.household
    assert household.organisation_id == org_a.pk
    memberships = HouseholdMembership.objects.filter(household=household).order_by("pk")
    assert [(m.person.given_names, m.relationship) for m in memberships] == [
        ("Rania", "haushaltsvorstand"),
        ("Omar", "kind"),
    ]
    assert Person.objects.get(given_names="Rania").languages == ["apc", "ara"]
    # The newcomers are the coordinator's through the programme, not through casework.
    assert set(newcomers_visible_to(volunteer_coordinator_a).values_list("given_names", flat=True)) == {"Rania", "Omar"}
    assert not Person.objects.visible_to(volunteer_coordinator_a).exists()


def test_it_still_requires_casework_for_the_people_services_by_default(volunteer_coordinator_a, org_a):
    with pytest.raises(ValidationError):
        people_services.create_household(acting_user=volunteer_coordinator_a, organisation=org_a)
    assert not Household.objects.exists()


def test_it_refuses_newcomers_to_a_caseworker_and_the_other_coordination(caseworker_a, volunteer_coordinator_b, org_a):
    programme = world.programme(org_a)
    for user in (caseworker_a, volunteer_coordinator_b):
        with pytest.raises(ValidationError):
            services.register_newcomers(
                acting_user=user, programme=programme, members=[{"family_name": "X"}], joined_on=world.days_ago(1)
            )
    assert not Person.objects.exists()


def test_it_refuses_an_informed_organisation_without_consent(volunteer_coordinator_a, org_a, org_b):
    programme = world.programme(org_a)
    with pytest.raises(ValidationError) as error:
        world.household(programme, informs_organisation=org_b)
    assert "nur mit Einwilligung" in refusal(error)
    assert not Person.objects.exists()


def test_it_walks_a_sponsorship_through_its_life_cycle(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a), wanted_topics=["sprache"])
    sponsor = world.volunteer(org_a, "Weber")
    sponsorship = services.request_sponsorship(
        acting_user=volunteer_coordinator_a,
        participation=participation,
        sponsors=[sponsor],
        requested_on=world.days_ago(30),
    )
    assert sponsorship.state == SponsorshipState.REQUESTED
    assert sponsorship.topics == ["sprache"]
    for to_state, day in ((SponsorshipState.GETTING_TO_KNOW, 20), (SponsorshipState.ACTIVE, 10)):
        services.change_state(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            expected_version=sponsorship.version,
            to_state=to_state,
            on=world.days_ago(day),
        )
        sponsorship.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.change_state(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            expected_version=sponsorship.version,
            to_state=SponsorshipState.ENDED,
            on=world.days_ago(1),
        )
    assert refusal(error) == "Eine beendete Patenschaft braucht einen Grund."
    services.change_state(
        acting_user=volunteer_coordinator_a,
        sponsorship=sponsorship,
        expected_version=sponsorship.version,
        to_state=SponsorshipState.ENDED,
        on=world.days_ago(1),
        end_reason=EndReason.GOAL_REACHED,
        note="Gut geklappt",
    )
    sponsorship.refresh_from_db()
    assert (sponsorship.state, sponsorship.ended_on, sponsorship.end_reason) == (
        "beendet",
        world.days_ago(1),
        "ziel_erreicht",
    )
    assert list(SponsorshipStep.objects.filter(sponsorship=sponsorship).values_list("state", flat=True)) == [
        "angefragt",
        "kennenlernen",
        "aktiv",
        "beendet",
    ]
    with pytest.raises(ValidationError) as error:
        services.change_state(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            expected_version=sponsorship.version,
            to_state=SponsorshipState.ACTIVE,
            on=world.days_ago(0),
        )
    assert refusal(error) == "Eine Patenschaft im Stand „beendet“ kann nicht zu „aktiv“ wechseln."


def test_it_refuses_skipping_a_step_and_a_date_before_the_current_state(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a))
    sponsorship = services.request_sponsorship(
        acting_user=None,
        participation=participation,
        sponsors=[world.volunteer(org_a, "Weber")],
        requested_on=world.days_ago(10),
    )
    with pytest.raises(ValidationError) as error:
        services.change_state(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            expected_version=sponsorship.version,
            to_state=SponsorshipState.ACTIVE,
            on=world.days_ago(1),
        )
    assert refusal(error) == "Eine Patenschaft im Stand „angefragt“ kann nicht zu „aktiv“ wechseln."
    with pytest.raises(ValidationError) as error:
        services.change_state(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            expected_version=sponsorship.version,
            to_state=SponsorshipState.GETTING_TO_KNOW,
            on=world.days_ago(11),
        )
    expected = f"Das Datum kann nicht vor dem Datum des jetzigen Stands liegen ({world.days_ago(10):%d.%m.%Y})."
    assert refusal(error) == expected
    sponsorship.refresh_from_db()
    assert sponsorship.state == SponsorshipState.REQUESTED
    assert SponsorshipStep.objects.filter(sponsorship=sponsorship).count() == 1


def test_it_keeps_a_volunteer_within_their_capacity(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    sponsor = world.volunteer(org_a, "Weber", given_names="Jana", max_sponsorships=1)
    first = world.household(programme)
    second = world.household(programme, {"family_name": "Rahimi", "given_names": "Ali"})
    services.request_sponsorship(
        acting_user=volunteer_coordinator_a, participation=first, sponsors=[sponsor], requested_on=world.days_ago(3)
    )
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=second,
            sponsors=[sponsor],
            requested_on=world.days_ago(2),
        )
    assert refusal(error) == (
        "Weber, Jana hat bereits so viele offene Patenschaften, wie sie:er gleichzeitig übernimmt (1)."
    )
    assert Sponsorship.objects.count() == 1


def test_it_refuses_a_second_open_sponsorship_and_three_sponsors(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a))
    sponsors = [world.volunteer(org_a, name) for name in ("Weber", "Maier", "Huber")]
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=participation,
            sponsors=sponsors,
            requested_on=world.days_ago(1),
        )
    assert refusal(error) == "Eine Patenschaft hat eine:n oder zwei Pat:innen."
    services.request_sponsorship(
        acting_user=volunteer_coordinator_a,
        participation=participation,
        sponsors=sponsors[:2],
        requested_on=world.days_ago(1),
    )
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=participation,
            sponsors=sponsors[2:],
            requested_on=world.days_ago(1),
        )
    assert refusal(error) == "Dieser Haushalt hat bereits eine offene Patenschaft."


def test_it_refuses_a_volunteer_who_is_not_active(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a))
    paused = world.volunteer(org_a, "Weber", given_names="Jana", status=VolunteerStatus.PAUSED)
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=participation,
            sponsors=[paused],
            requested_on=world.days_ago(1),
        )
    assert refusal(error) == "Weber, Jana ist nicht aktiv und kann keine Patenschaft übernehmen."


def test_it_blocks_a_volunteer_with_missing_requirements(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    adults = world.household(programme)
    uncleared = world.volunteer(org_a, "Weber", given_names="Jana", cleared=False, certificate=False)
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=adults,
            sponsors=[uncleared],
            requested_on=world.days_ago(1),
        )
    assert refusal(error) == (
        "Weber, Jana kann nicht eingesetzt werden, es fehlt: Verpflichtung auf das Datengeheimnis, Schulung besucht, "
        "Ehrenamtsvereinbarung."
    )
    assert not Sponsorship.objects.exists()


def test_it_requires_the_certificate_of_good_conduct_for_a_household_with_a_child(volunteer_coordinator_a, org_a):
    programme = world.programme(org_a)
    family = world.household(programme, {"family_name": "Haddad", "given_names": "Rania"}, world.child())
    adults = world.household(programme, {"family_name": "Rahimi", "given_names": "Ali"})
    without_certificate = world.volunteer(org_a, "Weber", given_names="Jana", certificate=False, max_sponsorships=2)
    with pytest.raises(ValidationError) as error:
        services.request_sponsorship(
            acting_user=volunteer_coordinator_a,
            participation=family,
            sponsors=[without_certificate],
            requested_on=world.days_ago(1),
        )
    assert refusal(error) == ("Weber, Jana kann nicht eingesetzt werden, es fehlt: erweitertes Führungszeugnis.")
    services.request_sponsorship(
        acting_user=volunteer_coordinator_a,
        participation=adults,
        sponsors=[without_certificate],
        requested_on=world.days_ago(1),
    )
    # The certificate, once seen, counts for five years.
    volunteer_services.add_requirement(
        acting_user=volunteer_coordinator_a,
        volunteer=without_certificate,
        kind=RequirementKind.CONDUCT_CERTIFICATE,
        met_on=world.days_ago(2),
    )
    services.request_sponsorship(
        acting_user=volunteer_coordinator_a,
        participation=family,
        sponsors=[without_certificate],
        requested_on=world.days_ago(1),
    )
    assert Sponsorship.objects.count() == 2


def test_it_records_check_ins_with_the_next_due_date(volunteer_coordinator_a, org_a):
    participation = world.household(world.programme(org_a))
    sponsorship = services.request_sponsorship(
        acting_user=None,
        participation=participation,
        sponsors=[world.volunteer(org_a, "Weber")],
        requested_on=world.days_ago(30),
    )
    services.record_check_in(
        acting_user=volunteer_coordinator_a,
        sponsorship=sponsorship,
        on=world.days_ago(2),
        note="Läuft gut",
        next_due=world.days_ago(-40),
    )
    sponsorship.refresh_from_db()
    assert sponsorship.next_check_in == world.days_ago(-40)
    assert CheckIn.objects.get().recorded_by == volunteer_coordinator_a
    with pytest.raises(ValidationError) as error:
        services.record_check_in(
            acting_user=volunteer_coordinator_a,
            sponsorship=sponsorship,
            on=world.days_ago(1),
            note="x",
            next_due=world.days_ago(1),
        )
    assert refusal(error) == "Die nächste Rückmeldung ist nach dieser fällig."
    assert CheckIn.objects.count() == 1


def test_it_lets_only_the_coordination_use_the_capability_keyword(caseworker_a, org_a):
    # A caseworker holds casework, not the coordination: asked for the coordination's capability, refused.
    with pytest.raises(ValidationError):
        people_services.create_person(
            acting_user=caseworker_a,
            organisation=org_a,
            capability=Capability.COORDINATE_VOLUNTEERS,
            family_name="X",
        )
    assert not Person.objects.exists()
