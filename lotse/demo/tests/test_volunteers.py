"""The demo's volunteers: the city's list imported (60 volunteers, about half with migration experience, the
languages of the interpreter pool), most cleared, a few with renewals due or requirements missing, meetings and
trainings; loading again changes nothing (the demo of conftest)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from lotse.core.models import Organisation, User
from lotse.volunteers.choices import MeetingKind, RequirementKind, Skill, VolunteerStatus
from lotse.volunteers.models import Meeting, Programme, Requirement, Volunteer, VolunteerLanguage
from lotse.volunteers.requirements import Purpose, missing_requirements
from lotse.volunteers.volunteer_queries import worklist

pytestmark = pytest.mark.django_db


def test_the_city_coordinates_sixty_volunteers(demo):
    city = Organisation.objects.get(short_name="stadt-lb")
    volunteers = Volunteer.objects.filter(organisation=city)
    assert volunteers.count() == 60
    assert volunteers.filter(migration_experience=True).count() == 30
    languages = set(VolunteerLanguage.objects.filter(volunteer__in=volunteers).values_list("language", flat=True))
    assert {"ara", "prs", "fas", "kmr", "tir", "tur", "ukr", "rus"} <= languages
    assert volunteers.filter(skills__contains=[Skill.SPONSORSHIP]).count() == 36
    assert set(volunteers.values_list("status", flat=True)) == set(VolunteerStatus.values)
    assert Programme.objects.filter(organisation=city, name="Willkommen in Ludwigsburg").count() == 1


def test_most_are_cleared_and_the_coordinator_has_work(demo):
    coordinator = User.objects.get(username="ehrenamt")
    today = timezone.localdate()
    active = Volunteer.objects.visible_to(coordinator).filter(status=VolunteerStatus.ACTIVE)
    sponsors = list(active.filter(skills__contains=[Skill.SPONSORSHIP]).values_list("pk", flat=True))
    cleared = [pk for pk, missing in missing_requirements(sponsors, Purpose.SPONSORSHIP, today).items() if not missing]
    assert len(cleared) >= 0.8 * len(sponsors)
    interpreters = list(active.filter(skills__contains=[Skill.INTERPRETING]).values_list("pk", flat=True))
    missing = missing_requirements(interpreters, Purpose.INTERPRETING, today)
    assert sum(1 for kinds in missing.values() if not kinds) >= 0.8 * len(interpreters)
    work = worklist(coordinator, today)
    assert len(work.renewals) == 4
    assert 3 <= len(work.missing) <= 10
    assert len(work.anonymisation_due) == 2


def test_trainings_record_training_attended(demo):
    trainings = Meeting.objects.filter(organisation__short_name="stadt-lb", kind=MeetingKind.TRAINING)
    assert trainings.count() == 2 and Meeting.objects.filter(organisation__short_name="stadt-lb").count() == 4
    for training in trainings:
        assert (
            training.volunteers.count()
            == Requirement.objects.filter(meeting=training, kind=RequirementKind.TRAINING).count()
            > 0
        )


def events() -> int:
    model: Any = Volunteer
    return int(model.pgh_event_model.objects.count())


def test_loading_again_changes_nothing(demo):
    before = (
        Volunteer.objects.count(),
        Requirement.objects.count(),
        Meeting.objects.count(),
        events(),
    )
    call_command("load_demo_data", "--quiet-logins", stdout=StringIO())
    after = (
        Volunteer.objects.count(),
        Requirement.objects.count(),
        Meeting.objects.count(),
        events(),
    )
    assert before == after
