"""The volunteer coordination's services: registration with consent, edits, status, languages, requirements,
anonymisation, meetings and trainings. Every refusal is a German message and changes nothing."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from lotse.cases.tests.factories import events_of
from lotse.core.services import ConcurrentEditError
from lotse.people import services as people_services
from lotse.people.choices import Relationship
from lotse.volunteers import volunteer_services as services
from lotse.volunteers.choices import MeetingKind, Proficiency, RequirementKind, Skill, VolunteerStatus
from lotse.volunteers.models import Participation, Requirement, Volunteer, VolunteerLanguage
from lotse.volunteers.requirements import Purpose, missing_requirements
from lotse.volunteers.tests.volunteer_helpers import days_ago, volunteer

pytestmark = pytest.mark.django_db


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_it_registers_a_volunteer_with_the_consent_and_who_recorded_it(org_a, volunteer_coordinator_a):
    anna = services.register_volunteer(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        consent_on=days_ago(3),
        family_name=" Weber ",
        given_names="Anna",
        skills=[Skill.SPONSORSHIP, Skill.INTERPRETING],
        languages=[("ara", Proficiency.NATIVE), ("tir", Proficiency.GOOD)],
        migration_experience=True,
    )
    anna.refresh_from_db()
    assert (anna.family_name, anna.consent_on, anna.consent_recorded_by) == (
        "Weber",
        days_ago(3),
        volunteer_coordinator_a,
    )
    assert anna.status == VolunteerStatus.INTERESTED
    assert set(anna.languages.values_list("language", "proficiency")) == {("ara", "muttersprache"), ("tir", "gut")}
    assert events_of(Volunteer, anna.pk)


def test_it_refuses_a_volunteer_without_consent(org_a, volunteer_coordinator_a):
    with pytest.raises(ValidationError) as error:
        services.register_volunteer(
            acting_user=volunteer_coordinator_a, organisation=org_a, consent_on=None, family_name="Weber"
        )
    assert refusal(error) == (
        "Ehrenamtliche werden nur mit ihrer Einwilligung erfasst: Tragen Sie das Datum der Einwilligung ein."
    )
    assert not Volunteer.objects.exists()


def test_it_refuses_an_unknown_language_and_changes_nothing(org_a, volunteer_coordinator_a):
    with pytest.raises(ValidationError) as error:
        volunteer(org_a, volunteer_coordinator_a, languages=[("xx", Proficiency.NATIVE)])
    assert refusal(error) == "Unbekannte Sprache „xx“: Bitte einen dreistelligen ISO-639-3-Code verwenden."
    assert not Volunteer.objects.exists() and not VolunteerLanguage.objects.exists()


def test_it_lets_only_the_coordination_of_the_organisation_register(org_a, volunteer_coordinator_b, caseworker_a):
    for user in (volunteer_coordinator_b, caseworker_a):
        with pytest.raises(ValidationError) as error:
            volunteer(org_a, user)
        assert refusal(error) == "Das darf nur die Ehrenamtskoordination der Organisation."
    assert not Volunteer.objects.exists()


def test_it_refuses_a_second_volunteer_with_the_same_id(org_a, volunteer_coordinator_a):
    volunteer(org_a, volunteer_coordinator_a, external_id="E-1")
    with pytest.raises(ValidationError) as error:
        volunteer(org_a, volunteer_coordinator_a, external_id="E-1", family_name="Other")
    assert refusal(error) == "Eine andere ehrenamtliche Person hat bereits die Ehrenamtlichen-ID „E-1“."


def test_it_edits_a_volunteer_versioned_and_replaces_the_languages(org_a, volunteer_coordinator_a):
    anna = volunteer(org_a, volunteer_coordinator_a, languages=[("ara", Proficiency.NATIVE)])
    services.update_volunteer(
        acting_user=volunteer_coordinator_a,
        volunteer=anna,
        expected_version=1,
        phone="0711 1",
        languages=[("ukr", Proficiency.FLUENT)],
    )
    anna.refresh_from_db()
    assert (anna.phone, anna.version) == ("0711 1", 2)
    assert list(anna.languages.values_list("language", flat=True)) == ["ukr"]
    with pytest.raises(ConcurrentEditError):
        services.update_volunteer(acting_user=volunteer_coordinator_a, volunteer=anna, expected_version=1, phone="2")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            [],
            VolunteerStatus.PAUSED,
            "Ehrenamtliche mit dem Status „interessiert“ können nicht zu „pausiert“ wechseln.",
        ),
        (
            [VolunteerStatus.ACTIVE],
            VolunteerStatus.INTERESTED,
            "Ehrenamtliche mit dem Status „aktiv“ können nicht zu „interessiert“ wechseln.",
        ),
        ([VolunteerStatus.ACTIVE], VolunteerStatus.ACTIVE, "Die ehrenamtliche Person ist bereits „aktiv“."),
    ],
)
def test_it_guards_the_status_transitions(org_a, volunteer_coordinator_a, path, status, message):
    anna = volunteer(org_a, volunteer_coordinator_a)
    for step in path:
        services.change_status(
            acting_user=volunteer_coordinator_a,
            volunteer=anna,
            expected_version=anna.version,
            status=step,
            on=days_ago(10),
        )
    with pytest.raises(ValidationError) as error:
        services.change_status(
            acting_user=volunteer_coordinator_a,
            volunteer=anna,
            expected_version=anna.version,
            status=status,
            on=days_ago(1),
        )
    assert refusal(error) == message


def test_it_records_leaving_with_reason_and_date(org_a, volunteer_coordinator_a):
    anna = volunteer(org_a, volunteer_coordinator_a, status=VolunteerStatus.ACTIVE)
    with pytest.raises(ValidationError) as error:
        services.change_status(
            acting_user=volunteer_coordinator_a,
            volunteer=anna,
            expected_version=1,
            status=VolunteerStatus.LEFT,
            on=days_ago(1),
        )
    assert refusal(error) == "Geben Sie den Grund für das Ausscheiden an."
    with pytest.raises(ValidationError) as error:
        services.change_status(
            acting_user=volunteer_coordinator_a,
            volunteer=anna,
            expected_version=1,
            status=VolunteerStatus.LEFT,
            on=days_ago(-1),
            reason="Umzug",
        )
    assert refusal(error) == "Das Datum der Änderung kann nicht in der Zukunft liegen."
    services.change_status(
        acting_user=volunteer_coordinator_a,
        volunteer=anna,
        expected_version=1,
        status=VolunteerStatus.LEFT,
        on=days_ago(1),
        reason=" Umzug ",
    )
    anna.refresh_from_db()
    assert (anna.status, anna.status_since, anna.left_reason) == (VolunteerStatus.LEFT, days_ago(1), "Umzug")


def test_it_records_the_certificate_with_its_renewal_and_who_saw_it(org_a, volunteer_coordinator_a):
    anna = volunteer(org_a)
    seen = datetime.date(2024, 2, 29)
    certificate = services.add_requirement(
        acting_user=volunteer_coordinator_a, volunteer=anna, kind=RequirementKind.CONDUCT_CERTIFICATE, met_on=seen
    )
    assert (certificate.valid_until, certificate.seen_by) == (datetime.date(2029, 2, 28), volunteer_coordinator_a)
    pledge = services.add_requirement(
        acting_user=volunteer_coordinator_a, volunteer=anna, kind=RequirementKind.CONFIDENTIALITY, met_on=seen
    )
    assert (pledge.valid_until, pledge.seen_by) == (None, None)
    with pytest.raises(ValidationError) as error:
        services.add_requirement(
            acting_user=volunteer_coordinator_a, volunteer=anna, kind=RequirementKind.AGREEMENT, met_on=days_ago(-1)
        )
    assert refusal(error) == "Ein Nachweis kann nicht in der Zukunft liegen."
    services.correct_requirement(
        acting_user=volunteer_coordinator_a,
        requirement=certificate,
        expected_version=1,
        met_on=datetime.date(2025, 1, 10),
    )
    certificate.refresh_from_db()
    assert (certificate.met_on, certificate.valid_until) == (datetime.date(2025, 1, 10), datetime.date(2030, 1, 10))
    services.remove_requirement(acting_user=volunteer_coordinator_a, requirement=pledge)
    assert list(Requirement.objects.values_list("kind", flat=True)) == [RequirementKind.CONDUCT_CERTIFICATE]


def test_an_expired_certificate_no_longer_counts(org_a):
    anna = volunteer(org_a)
    on = timezone.localdate()
    for kind in (RequirementKind.CONFIDENTIALITY, RequirementKind.AGREEMENT, RequirementKind.TRAINING):
        services.add_requirement(acting_user=None, volunteer=anna, kind=kind, met_on=days_ago(30))
    services.add_requirement(
        acting_user=None,
        volunteer=anna,
        kind=RequirementKind.CONDUCT_CERTIFICATE,
        met_on=on.replace(year=on.year - 5) - datetime.timedelta(days=1),
    )
    assert missing_requirements([anna.pk], Purpose.SPONSORSHIP_WITH_MINORS, on) == {
        anna.pk: [RequirementKind.CONDUCT_CERTIFICATE]
    }
    assert missing_requirements([anna.pk], Purpose.SPONSORSHIP, on) == {anna.pk: []}


def _left(organisation, days: int, **fields):
    person = volunteer(organisation, status=VolunteerStatus.ACTIVE, status_since=days_ago(days + 100), **fields)
    services.change_status(
        acting_user=None,
        volunteer=person,
        expected_version=1,
        status=VolunteerStatus.LEFT,
        on=days_ago(days),
        reason="Umzug",
    )
    return person


def test_it_anonymises_the_volunteers_who_left_long_enough_ago(org_a, settings):
    settings.LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS = 365
    gone = _left(
        org_a,
        366,
        given_names="Anna",
        email="anna@example.org",
        phone="1",
        street="Weg 1",
        postal_code="71634",
        notes="privat",
        skills=[Skill.INTERPRETING],
        migration_experience=True,
        languages=[("ara", Proficiency.NATIVE)],
    )
    services.add_requirement(
        acting_user=None, volunteer=gone, kind=RequirementKind.AGREEMENT, met_on=days_ago(700), note="im Büro"
    )
    recent = _left(org_a, 364, given_names="Berta")
    staying = volunteer(org_a, given_names="Clara")
    with pytest.raises(ValidationError) as error:
        services.anonymise_volunteer(acting_user=None, volunteer=recent)
    assert refusal(error) == "Anonymisiert werden nur Ehrenamtliche, die vor mehr als 365 Tagen ausgeschieden sind."
    call_command("anonymise_volunteers", stdout=io.StringIO())
    gone.refresh_from_db()
    assert (
        gone.family_name,
        gone.given_names,
        gone.email,
        gone.phone,
        gone.street,
        gone.postal_code,
        gone.notes,
        gone.left_reason,
    ) == ("–", "", "", "", "", "", "", "")
    assert gone.anonymised_at is not None
    # What the figures count stays: languages, skills, migration experience, the dates and the requirements' dates.
    assert (gone.skills, gone.migration_experience, gone.status) == ([Skill.INTERPRETING], True, VolunteerStatus.LEFT)
    assert list(gone.languages.values_list("language", flat=True)) == ["ara"]
    assert list(gone.requirements.values_list("kind", "note")) == [(RequirementKind.AGREEMENT, "")]
    # No earlier version in the append-only history keeps what identified her.
    history: Any = Volunteer
    kept = history.pgh_event_model.objects.filter(pgh_obj_id=gone.pk).values()
    assert kept and not {"family_name", "given_names", "email", "phone", "street", "notes"} & set(kept[0])
    assert "anna@example.org" not in str(list(kept)) and "Weg 1" not in str(list(kept))
    notes: Any = Requirement
    assert "im Büro" not in str(list(notes.pgh_event_model.objects.filter(volunteer_id=gone.pk).values()))
    assert Volunteer.objects.get(pk=recent.pk).given_names == "Berta"
    assert Volunteer.objects.get(pk=staying.pk).given_names == "Clara"
    with pytest.raises(ValidationError) as error:
        services.update_volunteer(acting_user=None, volunteer=gone, expected_version=gone.version, phone="2")
    assert refusal(error) == "Diese ehrenamtliche Person wurde anonymisiert und kann nicht mehr geändert werden."


def test_the_nightly_job_anonymises(org_a, settings):
    from lotse.volunteers.tasks import anonymise_left_volunteers

    settings.LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS = 30
    gone = _left(org_a, 31, given_names="Anna")
    anonymise_left_volunteers.func(timestamp=0)
    assert Volunteer.objects.get(pk=gone.pk).anonymised_at is not None


@pytest.fixture
def newcomer(org_a):
    """A person of a household in A's programme (the sponsorship part builds these through its services)."""
    person = people_services.create_person(
        acting_user=None, organisation=org_a, family_name="Haddad", given_names="Lina"
    )
    household = people_services.create_household(acting_user=None, organisation=org_a)
    people_services.join_household(
        acting_user=None, person=person, household=household, relationship=Relationship.values[0], since=days_ago(60)
    )
    programme = services.ensure_programme(
        acting_user=None, organisation=org_a, name="Willkommen in Ludwigsburg", started_on=days_ago(365)
    )
    Participation.objects.create(organisation=org_a, programme=programme, household=household, joined_on=days_ago(50))
    return person


def test_a_training_records_training_attended_for_its_volunteers_and_takes_it_back(
    org_a, org_b, volunteer_coordinator_a, newcomer
):
    anna, berta = volunteer(org_a, given_names="Anna"), volunteer(org_a, given_names="Berta")
    training = services.create_meeting(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        kind=MeetingKind.TRAINING,
        on=days_ago(5),
        topic="Patenschaft",
    )
    services.set_attendance(
        acting_user=volunteer_coordinator_a,
        meeting=training,
        expected_version=1,
        volunteers=[anna, berta],
        newcomers=[newcomer],
    )
    rows = set(Requirement.objects.values_list("volunteer_id", "kind", "met_on", "meeting_id"))
    assert rows == {
        (anna.pk, RequirementKind.TRAINING, days_ago(5), training.pk),
        (berta.pk, RequirementKind.TRAINING, days_ago(5), training.pk),
    }
    with pytest.raises(ValidationError) as error:
        services.remove_requirement(
            acting_user=volunteer_coordinator_a, requirement=Requirement.objects.get(volunteer=anna)
        )
    assert refusal(error) == (
        "Diese Schulung wurde über die Teilnahme an einer Schulung erfasst; entfernen Sie stattdessen die Teilnahme."
    )
    services.set_attendance(
        acting_user=volunteer_coordinator_a, meeting=training, expected_version=2, volunteers=[berta], newcomers=[]
    )
    assert list(Requirement.objects.values_list("volunteer_id", flat=True)) == [berta.pk]
    services.update_meeting(acting_user=volunteer_coordinator_a, meeting=training, expected_version=3, on=days_ago(6))
    assert list(Requirement.objects.values_list("met_on", flat=True)) == [days_ago(6)]
    services.update_meeting(
        acting_user=volunteer_coordinator_a, meeting=training, expected_version=4, kind=MeetingKind.MEETING
    )
    assert not Requirement.objects.exists()
    stranger = volunteer(org_b, given_names="Fremd")
    with pytest.raises(ValidationError) as error:
        services.set_attendance(
            acting_user=volunteer_coordinator_a, meeting=training, expected_version=5, volunteers=[stranger]
        )
    assert refusal(error) == "Nur die eigenen Ehrenamtlichen der Organisation können an ihren Treffen teilnehmen."


def test_only_newcomers_of_the_programmes_attend(org_a, volunteer_coordinator_a):
    outsider = people_services.create_person(acting_user=None, organisation=org_a, family_name="Client")
    meeting = services.create_meeting(
        acting_user=volunteer_coordinator_a, organisation=org_a, kind=MeetingKind.MEETING, on=days_ago(1), topic="Café"
    )
    with pytest.raises(ValidationError) as error:
        services.set_attendance(
            acting_user=volunteer_coordinator_a,
            meeting=meeting,
            expected_version=1,
            volunteers=[],
            newcomers=[outsider],
        )
    assert (
        refusal(error) == "Nur Neuzugewanderte aus den Programmen der Organisation können an ihren Treffen teilnehmen."
    )
    assert not meeting.newcomers.exists()


def test_the_programme_is_created_once(org_a, volunteer_coordinator_a):
    first = services.ensure_programme(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        name="Willkommen in Ludwigsburg",
        started_on=days_ago(10),
    )
    again = services.ensure_programme(
        acting_user=None, organisation=org_a, name="Willkommen in Ludwigsburg", started_on=days_ago(1)
    )
    assert first.pk == again.pk and again.started_on == days_ago(10)
