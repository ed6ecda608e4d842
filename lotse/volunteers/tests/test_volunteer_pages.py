"""The volunteer coordination's pages: scoping (B sees nothing of A), the list's filters and fixed query count, the
worklist, the forms (a refused POST shown again with its errors), the access log and the start-page panel."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.volunteers import volunteer_services as services
from lotse.volunteers.choices import MeetingKind, Proficiency, RequirementKind, Skill, VolunteerStatus
from lotse.volunteers.models import Volunteer
from lotse.volunteers.tests.volunteer_helpers import days_ago, volunteer
from lotse.volunteers.volunteer_queries import worklist

pytestmark = pytest.mark.django_db


def _many(organisation, count: int) -> list[Volunteer]:
    made = []
    for number in range(count):
        person = volunteer(
            organisation,
            family_name=f"Name{number:02d}",
            skills=[Skill.SPONSORSHIP],
            languages=[("ara", Proficiency.NATIVE), ("deu", Proficiency.GOOD)],
            status=VolunteerStatus.ACTIVE,
        )
        services.add_requirement(
            acting_user=None, volunteer=person, kind=RequirementKind.CONFIDENTIALITY, met_on=days_ago(5)
        )
        made.append(person)
    return made


def test_the_coordination_of_b_sees_nothing_of_a(org_a, volunteer_coordinator_a, volunteer_coordinator_b):
    anna = volunteer(org_a, given_names="Anna")
    meeting = services.create_meeting(
        acting_user=None, organisation=org_a, kind=MeetingKind.MEETING, on=days_ago(1), topic="Café"
    )
    other = client_for(volunteer_coordinator_b)
    for name, pk in (
        ("volunteer_detail", anna.pk),
        ("volunteer_edit", anna.pk),
        ("meeting_detail", meeting.pk),
        ("meeting_attendance", meeting.pk),
    ):
        assert other.get(reverse(f"volunteers:{name}", args=[pk])).status_code == 404
    assert "Weber" not in other.get(reverse("volunteers:volunteer_list")).content.decode()
    assert "Café" not in other.get(reverse("volunteers:meeting_list")).content.decode()
    assert worklist(volunteer_coordinator_b, timezone.localdate()).total == 0
    assert (
        client_for(volunteer_coordinator_a).get(reverse("volunteers:volunteer_detail", args=[anna.pk])).status_code
        == 200
    )


def test_the_list_runs_a_fixed_number_of_queries_and_filters(org_a, volunteer_coordinator_a):
    client = client_for(volunteer_coordinator_a)
    url = reverse("volunteers:volunteer_list")
    _many(org_a, 2)
    few = queries_of(client, url)
    _many(org_a, 1)[0]
    more = _many(org_a, 8)
    many = queries_of(client, url)
    assert_same_queries(few, many)
    services.add_requirement(acting_user=None, volunteer=more[0], kind=RequirementKind.AGREEMENT, met_on=days_ago(1))
    filtered = client.get(
        url, {"missing": RequirementKind.AGREEMENT, "language": "ara", "skill": Skill.SPONSORSHIP, "status": "aktiv"}
    )
    assert filtered.context["page"].paginator.count == 10
    assert more[0].pk not in {row.volunteer.pk for row in filtered.context["listing"].rows}
    assert dict((value, count) for value, _label, count in filtered.context["listing"].status_counts)["aktiv"] == 11


def test_the_meeting_list_runs_a_fixed_number_of_queries(org_a, volunteer_coordinator_a):
    client = client_for(volunteer_coordinator_a)
    url = reverse("volunteers:meeting_list")
    people = _many(org_a, 3)
    services.create_meeting(acting_user=None, organisation=org_a, kind=MeetingKind.MEETING, on=days_ago(1), topic="A")
    few = queries_of(client, url)
    for number in range(5):
        meeting = services.create_meeting(
            acting_user=None, organisation=org_a, kind=MeetingKind.TRAINING, on=days_ago(2), topic=f"T{number}"
        )
        services.set_attendance(acting_user=None, meeting=meeting, expected_version=1, volunteers=people)
    assert_same_queries(few, queries_of(client, url))


def test_the_worklist_shows_renewals_missing_requirements_and_anonymisation_due(
    org_a, volunteer_coordinator_a, settings
):
    settings.LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS = 365
    today = timezone.localdate()
    expiring = volunteer(org_a, family_name="Bald", status=VolunteerStatus.ACTIVE)
    services.add_requirement(
        acting_user=None,
        volunteer=expiring,
        kind=RequirementKind.CONDUCT_CERTIFICATE,
        met_on=today.replace(year=today.year - 5) + datetime.timedelta(days=30),
    )
    renewed = volunteer(org_a, family_name="Erneuert", status=VolunteerStatus.ACTIVE)
    services.add_requirement(
        acting_user=None,
        volunteer=renewed,
        kind=RequirementKind.CONDUCT_CERTIFICATE,
        met_on=today.replace(year=today.year - 5),
    )
    services.add_requirement(
        acting_user=None, volunteer=renewed, kind=RequirementKind.CONDUCT_CERTIFICATE, met_on=days_ago(1)
    )
    fresh = volunteer(org_a, family_name="Frisch", status=VolunteerStatus.ACTIVE)
    services.add_requirement(
        acting_user=None, volunteer=fresh, kind=RequirementKind.CONDUCT_CERTIFICATE, met_on=days_ago(100)
    )
    volunteer(org_a, family_name="Dolmetscherin", status=VolunteerStatus.ACTIVE, skills=[Skill.INTERPRETING])
    interested = volunteer(org_a, family_name="Neugierig", skills=[Skill.INTERPRETING])
    gone = volunteer(org_a, family_name="Fort", status=VolunteerStatus.ACTIVE, status_since=days_ago(900))
    services.change_status(
        acting_user=None,
        volunteer=gone,
        expected_version=1,
        status=VolunteerStatus.LEFT,
        on=days_ago(400),
        reason="Umzug",
    )
    work = worklist(volunteer_coordinator_a, today)
    assert [r.volunteer.family_name for r in work.renewals] == ["Bald"]
    assert [(v.family_name, missing) for v, missing in work.missing] == [
        ("Dolmetscherin", ["Verpflichtung auf das Datengeheimnis"])
    ]
    assert [v.family_name for v in work.anonymisation_due] == ["Fort"]
    assert interested.pk not in {v.pk for v, _m in work.missing}
    response = client_for(volunteer_coordinator_a).get(reverse("volunteers:volunteer_worklist"))
    assert response.status_code == 200
    start = client_for(volunteer_coordinator_a).get(reverse("core:start")).content.decode()
    assert "Zu erneuernde Führungszeugnisse" in start


def test_every_page_showing_a_volunteer_writes_the_access_log(org_a, volunteer_coordinator_a):
    anna = volunteer(org_a, given_names="Anna")
    client = client_for(volunteer_coordinator_a)
    for url in (
        reverse("volunteers:volunteer_detail", args=[anna.pk]),
        reverse("volunteers:volunteer_edit", args=[anna.pk]),
    ):
        before = AccessLogEntry.objects.count()
        assert client.get(url).status_code == 200
        row = AccessLogEntry.objects.order_by("-pk").first()
        assert row is not None
        assert AccessLogEntry.objects.count() == before + 1
        assert (row.by, row.action, row.record_type, row.record_id, row.record_organisation_id) == (
            volunteer_coordinator_a,
            AccessAction.VIEW,
            "volunteers.volunteer",
            str(anna.pk),
            org_a.pk,
        )
    client.get(reverse("volunteers:volunteer_export"))
    assert AccessLogEntry.objects.filter(action=AccessAction.EXPORT, record_id=str(anna.pk)).count() == 1


def test_the_forms_save_through_the_services_and_show_a_refusal_with_its_errors(org_a, volunteer_coordinator_a):
    client = client_for(volunteer_coordinator_a)
    response = client.post(
        reverse("volunteers:volunteer_create"),
        {
            "family_name": "Weber",
            "gender": "u",
            "max_sponsorships": 1,
            "status": "aktiv",
            "consent_on": "",
            "languages_native": ["ara"],
        },
    )
    assert response.status_code == 200 and not Volunteer.objects.exists()
    response = client.post(
        reverse("volunteers:volunteer_create"),
        {
            "family_name": "Weber",
            "gender": "w",
            "max_sponsorships": 2,
            "status": "aktiv",
            "consent_on": "01.03.2025",
            "languages_native": ["ara"],
            "languages_good": ["deu"],
            "skills": ["patenschaft"],
        },
    )
    anna = Volunteer.objects.get()
    assert response.status_code == 302
    assert (anna.status, anna.max_sponsorships, anna.consent_recorded_by) == (
        VolunteerStatus.ACTIVE,
        2,
        volunteer_coordinator_a,
    )
    response = client.post(
        reverse("volunteers:volunteer_status", args=[anna.pk]),
        {"version": 1, "status": "ausgeschieden", "on": days_ago(0).isoformat(), "reason": ""},
    )
    assert response.status_code == 200
    assert "Geben Sie den Grund für das Ausscheiden an." in response.content.decode()
    response = client.post(
        reverse("volunteers:requirement_add", args=[anna.pk]),
        {"kind": "fuehrungszeugnis", "met_on": days_ago(0).isoformat()},
    )
    assert response.status_code == 302
    assert anna.requirements.get().seen_by == volunteer_coordinator_a
