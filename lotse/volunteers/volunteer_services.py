"""The volunteer coordination's changes to its volunteers: registration, edits, status, languages, requirements,
meetings and trainings with their attendance, and the anonymisation of those who left.

Every change is a service: keyword arguments, the acting user first (None: a management command or the demo),
``require`` of the capability in the volunteer's organisation, one transaction with its audit trail. A refusal
is a ValidationError with a German message and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import Gender
from lotse.people.models import HouseholdMembership, Person
from lotse.people.vocabulary import LANGUAGE_CODES
from lotse.volunteers.choices import (
    DayTime,
    MeetingKind,
    Proficiency,
    RequirementKind,
    Skill,
    VolunteerStatus,
    Weekday,
)
from lotse.volunteers.models import Meeting, Participation, Programme, Requirement, Volunteer, VolunteerLanguage
from lotse.volunteers.requirements import valid_until_for

# What a form or a list may set on a volunteer (status, consent and anonymisation have their own services).
VOLUNTEER_FIELDS = (
    "external_id",
    "family_name",
    "given_names",
    "gender",
    "email",
    "phone",
    "street",
    "postal_code",
    "municipality",
    "district",
    "skills",
    "weekdays",
    "day_times",
    "availability_note",
    "migration_experience",
    "max_sponsorships",
    "started_on",
    "notes",
)
MEETING_FIELDS = ("kind", "on", "topic", "place", "note", "programme")

# Which status may follow which: one who left may come back (as interested or active) until anonymised.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    VolunteerStatus.INTERESTED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.LEFT}),
    VolunteerStatus.ACTIVE: frozenset({VolunteerStatus.PAUSED, VolunteerStatus.LEFT}),
    VolunteerStatus.PAUSED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.LEFT}),
    VolunteerStatus.LEFT: frozenset({VolunteerStatus.INTERESTED, VolunteerStatus.ACTIVE}),
}
# The stand-in for the family name of an anonymised volunteer (the field may not be empty).
ANONYMISED_NAME = "–"

Languages = Sequence[tuple[str, str]]


def _today() -> datetime.date:
    return timezone.localdate()


def _require(acting_user: User | None, organisation_id: int) -> None:
    require(acting_user, Capability.COORDINATE_VOLUNTEERS, organisation_id=organisation_id)


def _refuse_anonymised(volunteer: Volunteer) -> None:
    if volunteer.anonymised_at is not None:
        raise ValidationError(_("This volunteer has been anonymised and can no longer be changed."))


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("family_name", "given_names", "email", "phone", "street", "postal_code", "district", "external_id"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "family_name" in cleaned and not cleaned["family_name"]:
        raise ValidationError(_("A volunteer needs a family name."))
    for name, choices, label in (
        ("skills", Skill, _("skill")),
        ("weekdays", Weekday, _("weekday")),
        ("day_times", DayTime, _("time of day")),
    ):
        if name in cleaned:
            values = list(dict.fromkeys(cleaned[name] or []))
            if bad := [value for value in values if value not in choices.values]:
                raise ValidationError(_("Unknown %(what)s “%(value)s”.") % {"what": label, "value": bad[0]})
            cleaned[name] = values
    if "gender" in cleaned and cleaned["gender"] not in Gender.values:
        raise ValidationError(_("Unknown gender “%(value)s”.") % {"value": cleaned["gender"]})
    if cleaned.get("started_on") and cleaned["started_on"] > _today():
        raise ValidationError(_("The start of volunteering cannot be in the future."))
    return cleaned


def _clean_languages(languages: Languages) -> list[tuple[str, str]]:
    result: dict[str, str] = {}
    for code, proficiency in languages:
        code = (code or "").strip().lower()
        if code not in LANGUAGE_CODES:
            raise ValidationError(
                _("Unknown language “%(code)s”: use a three-letter ISO 639-3 code.") % {"code": code},
                code="unknown_language",
            )
        if proficiency not in Proficiency.values:
            raise ValidationError(_("Unknown proficiency “%(value)s”.") % {"value": proficiency})
        if code in result:
            raise ValidationError(_("The language “%(code)s” is given twice.") % {"code": code})
        result[code] = proficiency
    return list(result.items())


def _write_languages(volunteer: Volunteer, languages: list[tuple[str, str]], *, created: bool = False) -> None:
    wanted = dict(languages)
    if created:
        current: dict[str, VolunteerLanguage] = {}
    else:
        current = {row.language: row for row in volunteer.languages.all()}
        VolunteerLanguage.objects.filter(volunteer=volunteer).exclude(language__in=list(wanted)).delete()
    VolunteerLanguage.objects.bulk_create(
        VolunteerLanguage(volunteer=volunteer, language=code, proficiency=proficiency)
        for code, proficiency in wanted.items()
        if code not in current
    )
    for code, proficiency in wanted.items():
        row = current.get(code)
        if row is not None and row.proficiency != proficiency:
            VolunteerLanguage.objects.filter(pk=row.pk).update(proficiency=proficiency)


def _check_external_id(organisation_id: int, external_id: str, exclude_pk: int | None = None) -> None:
    if not external_id:
        return
    others = Volunteer.objects.filter(organisation_id=organisation_id, external_id=external_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _("Another volunteer already has the volunteer ID “%(id)s”.") % {"id": external_id}, code="duplicate_id"
        )


def register_volunteer(
    *,
    acting_user: User | None,
    organisation: Organisation,
    consent_on: datetime.date | None,
    languages: Languages = (),
    status: str = VolunteerStatus.INTERESTED,
    status_since: datetime.date | None = None,
    **fields: Any,
) -> Volunteer:
    """Record a new volunteer, with their consent to being recorded (its date, and who recorded it)."""
    _require(acting_user, organisation.pk)
    if consent_on is None:
        raise ValidationError(
            _("A volunteer is recorded only with their consent: enter the date they consented."), code="no_consent"
        )
    if consent_on > _today():
        raise ValidationError(_("The consent cannot be dated in the future."))
    if status not in (VolunteerStatus.INTERESTED, VolunteerStatus.ACTIVE):
        raise ValidationError(_("A new volunteer is interested or active."))
    cleaned = _clean_fields(fields)
    checked_languages = _clean_languages(languages)
    with atomic(), audit_context(acting_user):
        _check_external_id(organisation.pk, cleaned.get("external_id", ""))
        volunteer = Volunteer(
            organisation=organisation,
            consent_on=consent_on,
            consent_recorded_by=acting_user,
            status=status,
            status_since=status_since or cleaned.get("started_on") or _today(),
            **cleaned,
        )
        volunteer.full_clean(exclude=["organisation", "consent_recorded_by", "municipality"])
        volunteer.save()
        _write_languages(volunteer, checked_languages, created=True)
    return volunteer


def update_volunteer(
    *,
    acting_user: User | None,
    volunteer: Volunteer,
    expected_version: int,
    languages: Languages | None = None,
    **fields: Any,
) -> Volunteer:
    """Change a volunteer's details (optimistic locking); ``languages``, if given, replaces their languages."""
    _require(acting_user, volunteer.organisation_id)
    _refuse_anonymised(volunteer)
    cleaned = _clean_fields(fields)
    checked_languages = None if languages is None else _clean_languages(languages)
    with atomic(), audit_context(acting_user):
        if "external_id" in cleaned:
            _check_external_id(volunteer.organisation_id, cleaned["external_id"], volunteer.pk)
        for name, value in cleaned.items():
            setattr(volunteer, name, value)
        volunteer.full_clean(exclude=["organisation", "consent_recorded_by", "municipality"])
        save_versioned(volunteer, expected_version, cleaned)
        if checked_languages is not None:
            _write_languages(volunteer, checked_languages)
    return volunteer


def change_status(
    *,
    acting_user: User | None,
    volunteer: Volunteer,
    expected_version: int,
    status: str,
    on: datetime.date,
    reason: str = "",
) -> Volunteer:
    """Move a volunteer to another status (guarded); leaving needs a reason and its date."""
    _require(acting_user, volunteer.organisation_id)
    _refuse_anonymised(volunteer)
    if status not in VolunteerStatus.values:
        raise ValidationError(_("Unknown status “%(value)s”.") % {"value": status})
    if status == volunteer.status:
        raise ValidationError(_("The volunteer is already “%(status)s”.") % {"status": VolunteerStatus(status).label})
    if status not in STATUS_TRANSITIONS[volunteer.status]:
        raise ValidationError(
            _("A volunteer who is “%(old)s” cannot become “%(new)s”.")
            % {"old": VolunteerStatus(volunteer.status).label, "new": VolunteerStatus(status).label}
        )
    if on > _today():
        raise ValidationError(_("The date of the change cannot be in the future."))
    if on < volunteer.status_since:
        raise ValidationError(
            _("The date of the change cannot be before the current status began (%(date)s).")
            % {"date": f"{volunteer.status_since:%d.%m.%Y}"}
        )
    reason = reason.strip()
    if status == VolunteerStatus.LEFT and not reason:
        raise ValidationError(_("Give the reason why the volunteer left."), code="no_reason")
    with atomic(), audit_context(acting_user):
        volunteer.status = status
        volunteer.status_since = on
        volunteer.left_reason = reason if status == VolunteerStatus.LEFT else ""
        save_versioned(volunteer, expected_version, ["status", "status_since", "left_reason"])
    return volunteer


# --- Requirements ----------------------------------------------------------------------------------------------


def _check_met_on(met_on: datetime.date | None) -> datetime.date:
    if met_on is None:
        raise ValidationError(_("Enter the date the requirement was met."))
    if met_on > _today():
        raise ValidationError(_("A requirement cannot be met in the future."))
    return met_on


def add_requirement(
    *,
    acting_user: User | None,
    volunteer: Volunteer,
    kind: str,
    met_on: datetime.date | None,
    note: str = "",
    meeting: Meeting | None = None,
) -> Requirement:
    """Record a requirement met: a certificate of good conduct seen (only the date and who saw it, never a copy),
    a pledge or agreement signed, a training attended. The certificate's renewal date follows from the date."""
    _require(acting_user, volunteer.organisation_id)
    _refuse_anonymised(volunteer)
    if kind not in RequirementKind.values:
        raise ValidationError(_("Unknown requirement “%(value)s”.") % {"value": kind})
    met_on = _check_met_on(met_on)
    with atomic(), audit_context(acting_user):
        return Requirement.objects.create(
            volunteer=volunteer,
            kind=kind,
            met_on=met_on,
            valid_until=valid_until_for(kind, met_on),
            seen_by=acting_user if kind == RequirementKind.CONDUCT_CERTIFICATE else None,
            meeting=meeting,
            note=note.strip(),
        )


def correct_requirement(
    *,
    acting_user: User | None,
    requirement: Requirement,
    expected_version: int,
    met_on: datetime.date | None,
    note: str = "",
) -> Requirement:
    """Correct the date (and note) of a requirement; the renewal date follows."""
    volunteer = requirement.volunteer
    _require(acting_user, volunteer.organisation_id)
    _refuse_anonymised(volunteer)
    if requirement.meeting_id is not None:
        raise ValidationError(
            _("This training was recorded through the attendance of a training; correct the training instead.")
        )
    met_on = _check_met_on(met_on)
    with atomic(), audit_context(acting_user):
        requirement.met_on = met_on
        requirement.valid_until = valid_until_for(requirement.kind, met_on)
        requirement.note = note.strip()
        fields = ["met_on", "valid_until", "note"]
        if requirement.kind == RequirementKind.CONDUCT_CERTIFICATE:
            requirement.seen_by = acting_user
            fields.append("seen_by")
        return save_versioned(requirement, expected_version, fields)


def remove_requirement(*, acting_user: User | None, requirement: Requirement) -> None:
    """Remove a requirement recorded by mistake."""
    volunteer = requirement.volunteer
    _require(acting_user, volunteer.organisation_id)
    _refuse_anonymised(volunteer)
    if requirement.meeting_id is not None:
        raise ValidationError(
            _("This training was recorded through the attendance of a training; remove the attendance instead.")
        )
    with atomic(), audit_context(acting_user):
        requirement.delete()


# --- Anonymisation ---------------------------------------------------------------------------------------------


def anonymise_after_days() -> int:
    return int(settings.LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS)


def due_for_anonymisation(today: datetime.date) -> Q:
    """Volunteers who left more than the configured number of days before ``today`` and are not yet anonymised."""
    cutoff = today - datetime.timedelta(days=anonymise_after_days())
    return Q(status=VolunteerStatus.LEFT, status_since__lt=cutoff, anonymised_at__isnull=True)


def anonymise_volunteer(*, acting_user: User | None, volunteer: Volunteer, today: datetime.date | None = None) -> None:
    """Empty what identifies a volunteer who left more than the configured period ago.

    Names, contact, address, external ID, availability note, notes and the reason for leaving are emptied;
    what the programme's figures count stays: municipality, languages, skills, migration experience, the dates,
    the status and the requirements' kinds and dates (their notes emptied), the sponsorships and bookings.
    """
    _require(acting_user, volunteer.organisation_id)
    today = today or _today()
    if not Volunteer.objects.filter(due_for_anonymisation(today), pk=volunteer.pk).exists():
        raise ValidationError(
            _("Only a volunteer who left more than %(days)s days ago is anonymised.") % {"days": anonymise_after_days()}
        )
    with atomic(), audit_context(acting_user):
        _anonymise(Volunteer.objects.filter(pk=volunteer.pk))
    volunteer.refresh_from_db()


def _anonymise(volunteers: Any) -> int:
    ids = list(volunteers.values_list("pk", flat=True))
    if not ids:
        return 0
    Requirement.objects.filter(volunteer_id__in=ids).exclude(note="").update(note="")
    return int(
        Volunteer.objects.filter(pk__in=ids).update(
            family_name=ANONYMISED_NAME,
            given_names="",
            gender=Gender.UNKNOWN,
            email="",
            phone="",
            street="",
            postal_code="",
            district="",
            external_id="",
            availability_note="",
            notes="",
            left_reason="",
            consent_recorded_by=None,
            anonymised_at=timezone.now(),
        )
    )


def anonymise_left_volunteers(*, acting_user: User | None, today: datetime.date | None = None) -> int:
    """Anonymise every volunteer who is due (the nightly job and ``manage.py anonymise_volunteers``)."""
    today = today or _today()
    due = Volunteer.objects.filter(due_for_anonymisation(today))
    if acting_user is not None:
        _require(acting_user, acting_user.organisation_id)
        due = due.filter(organisation_id=acting_user.organisation_id)
    with atomic(), audit_context(acting_user):
        return _anonymise(due)


# --- Meetings and trainings ------------------------------------------------------------------------------------


def _clean_meeting(organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("topic", "place", "note"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "topic" in cleaned and not cleaned["topic"]:
        raise ValidationError(_("A meeting needs a topic."))
    if "kind" in cleaned and cleaned["kind"] not in MeetingKind.values:
        raise ValidationError(_("Unknown kind of meeting “%(value)s”.") % {"value": cleaned["kind"]})
    programme = cleaned.get("programme")
    if programme is not None and programme.organisation_id != organisation_id:
        raise ValidationError(_("The programme belongs to another organisation."))
    return cleaned


def create_meeting(*, acting_user: User | None, organisation: Organisation, **fields: Any) -> Meeting:
    """Record a regular meeting or a training (attendance is recorded with ``set_attendance``)."""
    _require(acting_user, organisation.pk)
    cleaned = _clean_meeting(organisation.pk, fields)
    if cleaned.get("on") is None:
        raise ValidationError(_("Enter the date of the meeting."))
    with atomic(), audit_context(acting_user):
        meeting = Meeting(organisation=organisation, **cleaned)
        meeting.full_clean(exclude=["organisation", "programme"])
        meeting.save()
    return meeting


def update_meeting(*, acting_user: User | None, meeting: Meeting, expected_version: int, **fields: Any) -> Meeting:
    """Change a meeting; a training's requirements follow its date, and a meeting that is no longer a training
    takes back the trainings its attendance recorded (and the other way round)."""
    _require(acting_user, meeting.organisation_id)
    cleaned = _clean_meeting(meeting.organisation_id, fields)
    if "on" in cleaned and cleaned["on"] is None:
        raise ValidationError(_("Enter the date of the meeting."))
    with atomic(), audit_context(acting_user):
        for name, value in cleaned.items():
            setattr(meeting, name, value)
        meeting.full_clean(exclude=["organisation", "programme"])
        save_versioned(meeting, expected_version, cleaned)
        _sync_trainings(acting_user, meeting)
    return meeting


def _sync_trainings(acting_user: User | None, meeting: Meeting) -> None:
    """One TRAINING requirement per volunteer who attended a training (dated as the training); none otherwise."""
    linked = Requirement.objects.filter(meeting=meeting)
    if meeting.kind != MeetingKind.TRAINING:
        linked.delete()
        return
    attendees = set(meeting.volunteers.values_list("pk", flat=True))
    linked.exclude(volunteer_id__in=attendees).delete()
    linked.exclude(met_on=meeting.on).update(met_on=meeting.on)
    have = set(linked.values_list("volunteer_id", flat=True))
    missing = attendees - have
    if missing and meeting.on > _today():
        # A planned training counts once it took place: its attendance is recorded afterwards.
        raise ValidationError(_("The attendance of a training is recorded once it has taken place."))
    Requirement.objects.bulk_create(
        Requirement(
            volunteer_id=pk,
            kind=RequirementKind.TRAINING,
            met_on=meeting.on,
            valid_until=valid_until_for(RequirementKind.TRAINING, meeting.on),
            meeting=meeting,
            note="",
        )
        for pk in sorted(missing)
    )


def newcomers_of(organisation_id: int) -> Any:
    """The persons who may attend as newcomers: members of households in the organisation's programmes."""
    households = Participation.objects.filter(organisation_id=organisation_id).values("household_id")
    members = HouseholdMembership.objects.filter(household_id__in=households, valid_to__isnull=True)
    return Person.objects.filter(organisation_id=organisation_id, pk__in=members.values("person_id"))


def set_attendance(
    *,
    acting_user: User | None,
    meeting: Meeting,
    expected_version: int,
    volunteers: Iterable[Volunteer],
    newcomers: Iterable[Person] = (),
) -> Meeting:
    """Record who attended: volunteers of the organisation and newcomers of its programmes. A training records a
    training attended for each volunteer present, in the same transaction; one taken off loses it again."""
    _require(acting_user, meeting.organisation_id)
    volunteer_list = list(volunteers)
    newcomer_list = list(newcomers)
    if any(v.organisation_id != meeting.organisation_id for v in volunteer_list):
        raise ValidationError(_("Only the organisation's own volunteers can attend its meetings."))
    if any(v.anonymised_at is not None for v in volunteer_list):
        raise ValidationError(_("An anonymised volunteer cannot be recorded as attending."))
    allowed = set(
        newcomers_of(meeting.organisation_id).filter(pk__in=[p.pk for p in newcomer_list]).values_list("pk", flat=True)
    )
    if any(person.pk not in allowed for person in newcomer_list):
        raise ValidationError(_("Only newcomers of the organisation's programmes can attend its meetings."))
    with atomic(), audit_context(acting_user):
        save_versioned(meeting, expected_version, [])
        meeting.volunteers.set(volunteer_list)
        meeting.newcomers.set(newcomer_list)
        _sync_trainings(acting_user, meeting)
    return meeting


def ensure_programme(
    *, acting_user: User | None, organisation: Organisation, name: str, started_on: datetime.date, description: str = ""
) -> Programme:
    """The organisation's programme of this name, created if it does not exist yet (idempotent)."""
    _require(acting_user, organisation.pk)
    name = name.strip()
    if not name:
        raise ValidationError(_("A programme needs a name."))
    with atomic(), audit_context(acting_user):
        programme, _created = Programme.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={"started_on": started_on, "description": description.strip()},
        )
    return programme
