"""Every change to sponsorship programmes, their newcomers, sponsorships and check-ins.

The newcomers of a programme are households and persons kept by the coordinating organisation
(lotse.people), created here under the volunteer coordination's own capability: the coordination registers the
households of its programmes without holding casework.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people import services as people_services
from lotse.people.choices import Relationship
from lotse.people.models import HouseholdMembership, Person
from lotse.volunteers.choices import (
    OPEN_SPONSORSHIP_STATES,
    SPONSORSHIP_TRANSITIONS,
    EndReason,
    GenderPreference,
    RequirementKind,
    SponsorshipState,
    Topic,
    VolunteerStatus,
)
from lotse.volunteers.models import (
    CheckIn,
    Participation,
    Programme,
    Sponsorship,
    SponsorshipStep,
    Volunteer,
)
from lotse.volunteers.requirements import Purpose, missing_requirements

COORDINATE = Capability.COORDINATE_VOLUNTEERS
ADULT_AGE = 18


def _not_in_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")


def _check_topics(topics: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(topics))
    if bad := [topic for topic in cleaned if topic not in Topic.values]:
        raise ValidationError(_("Unknown topic “%(code)s”.") % {"code": bad[0]}, code="topic")
    return cleaned


# --- Programmes ----------------------------------------------------------------------------------------------


def create_programme(
    *,
    acting_user: User | None,
    organisation: Organisation,
    name: str,
    started_on: datetime.date,
    description: str = "",
    ended_on: datetime.date | None = None,
) -> Programme:
    require(acting_user, COORDINATE, organisation_id=organisation.pk)
    name = name.strip()
    with atomic(), audit_context(acting_user):
        if Programme.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise ValidationError(_("There is already a programme of this name."), code="duplicate")
        programme = Programme(
            organisation=organisation, name=name, description=description, started_on=started_on, ended_on=ended_on
        )
        programme.full_clean()
        programme.save()
        return programme


def ensure_programme(
    *,
    acting_user: User | None,
    organisation: Organisation,
    name: str,
    started_on: datetime.date,
    description: str = "",
) -> Programme:
    """The organisation's programme of this name, created if there is none (the demo's parts share it)."""
    require(acting_user, COORDINATE, organisation_id=organisation.pk)
    existing = Programme.objects.filter(organisation=organisation, name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    return create_programme(
        acting_user=acting_user, organisation=organisation, name=name, started_on=started_on, description=description
    )


def update_programme(
    *, acting_user: User | None, programme: Programme, expected_version: int, **fields: Any
) -> Programme:
    require(acting_user, COORDINATE, organisation_id=programme.organisation_id)
    allowed = {"name", "description", "started_on", "ended_on"}
    if unknown := set(fields) - allowed:
        raise TypeError(f"unknown programme fields {sorted(unknown)}")
    with atomic(), audit_context(acting_user):
        if (
            "name" in fields
            and Programme.objects.filter(organisation_id=programme.organisation_id, name__iexact=fields["name"].strip())
            .exclude(pk=programme.pk)
            .exists()
        ):
            raise ValidationError(_("There is already a programme of this name."), code="duplicate")
        for name, value in fields.items():
            setattr(programme, name, value.strip() if name == "name" else value)
        programme.full_clean()
        return save_versioned(programme, expected_version, fields)


# --- Newcomers -----------------------------------------------------------------------------------------------


def _check_participation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "wanted_topics" in cleaned:
        cleaned["wanted_topics"] = _check_topics(cleaned["wanted_topics"])
    if cleaned.get("preferred_sponsor_gender", "") not in GenderPreference.values:
        raise ValidationError(_("Unknown preference."), code="preference")
    informs = cleaned.get("informs_organisation")
    consent = cleaned.get("informs_consent_on")
    if (informs is None) != (consent is None):
        raise ValidationError(
            _(
                "Another organisation is told of the sponsorship only with consent: give both the organisation and the "
                "date of the consent."
            ),
            code="consent",
        )
    if consent is not None:
        _not_in_future(consent)
    return cleaned


PARTICIPATION_FIELDS = (
    "joined_on",
    "left_on",
    "district",
    "wanted_topics",
    "preferred_sponsor_gender",
    "needs",
    "informs_organisation",
    "informs_consent_on",
)


def register_newcomers(
    *,
    acting_user: User | None,
    programme: Programme,
    members: Sequence[dict[str, Any]],
    joined_on: datetime.date,
    **fields: Any,
) -> Participation:
    """Register a household of newcomers in the programme: the household, its persons (the first is the head of
    household unless a ``relationship`` says otherwise) and its participation, all kept by the programme's
    organisation."""
    organisation = programme.organisation
    require(acting_user, COORDINATE, organisation_id=organisation.pk)
    if unknown := set(fields) - set(PARTICIPATION_FIELDS):
        raise TypeError(f"unknown participation fields {sorted(unknown)}")
    if not members:
        raise ValidationError(_("A household has at least one member."), code="no_members")
    _not_in_future(joined_on)
    cleaned = _check_participation_fields(fields)
    persons = []
    relationships = []
    for position, member in enumerate(members):
        person_fields = dict(member)
        relationship = person_fields.pop("relationship", "") or (
            Relationship.HEAD if position == 0 else Relationship.UNKNOWN
        )
        if relationship not in Relationship.values:
            raise ValidationError(_("Unknown relationship “%(code)s”.") % {"code": relationship}, code="relationship")
        # The people app's own validation of a person's fields; the row checks need no query.
        person = Person(organisation=organisation, **people_services.clean_person_fields(person_fields))
        person.full_clean(exclude=["organisation", "municipality"], validate_unique=False, validate_constraints=False)
        person.refresh_search_texts()
        persons.append(person)
        relationships.append(relationship)
    with atomic(), audit_context(acting_user):
        household = people_services.create_household(
            acting_user=acting_user, organisation=organisation, capability=COORDINATE
        )
        # A new household of new persons: no earlier membership to end, so all are inserted at once.
        Person.objects.bulk_create(persons)
        HouseholdMembership.objects.bulk_create(
            HouseholdMembership(household=household, person=person, relationship=relationship, valid_from=joined_on)
            for person, relationship in zip(persons, relationships, strict=True)
        )
        participation = Participation(
            organisation=organisation, programme=programme, household=household, joined_on=joined_on, **cleaned
        )
        # The new household cannot be in the programme yet; its records were just written.
        participation.full_clean(
            exclude=["organisation", "programme", "household", "informs_organisation"], validate_unique=False
        )
        participation.save()
        return participation


def add_newcomer(
    *,
    acting_user: User | None,
    participation: Participation,
    since: datetime.date,
    relationship: str = Relationship.UNKNOWN,
    **person_fields: Any,
) -> Person:
    """One more member of a household in a programme (a child born, a relative joining)."""
    organisation = participation.organisation
    require(acting_user, COORDINATE, organisation_id=organisation.pk)
    with atomic(), audit_context(acting_user):
        person = people_services.create_person(
            acting_user=acting_user, organisation=organisation, capability=COORDINATE, **person_fields
        )
        people_services.join_household(
            acting_user=acting_user,
            person=person,
            household=participation.household,
            relationship=relationship,
            since=since,
            capability=COORDINATE,
        )
        return person


def update_participation(
    *, acting_user: User | None, participation: Participation, expected_version: int, **fields: Any
) -> Participation:
    require(acting_user, COORDINATE, organisation_id=participation.organisation_id)
    if unknown := set(fields) - set(PARTICIPATION_FIELDS):
        raise TypeError(f"unknown participation fields {sorted(unknown)}")
    merged = {
        "informs_organisation": participation.informs_organisation,
        "informs_consent_on": participation.informs_consent_on,
        **fields,
    }
    cleaned = {name: value for name, value in _check_participation_fields(merged).items() if name in fields}
    with atomic(), audit_context(acting_user):
        for name, value in cleaned.items():
            setattr(participation, name, value)
        participation.full_clean()
        return save_versioned(participation, expected_version, cleaned)


# --- Volunteers (the minimum the sponsorships need; the volunteers part owns the full record) ------------------


def household_members(participation: Participation, on: datetime.date | None = None) -> list[Person]:
    """The persons living in the participation's household (now, or on ``on``)."""
    memberships = HouseholdMembership.objects.filter(household_id=participation.household_id)
    if on is None:
        memberships = memberships.current()
    else:
        memberships = memberships.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)
    return list(Person.objects.filter(pk__in=memberships.values("person_id")).order_by("birth_date", "pk"))


def has_minors(persons: Iterable[Person], on: datetime.date) -> bool:
    return any((age := person.age_on(on)) is not None and age < ADULT_AGE for person in persons)


def purpose_for(persons: Iterable[Person], on: datetime.date) -> Purpose:
    """A household with a child needs sponsors cleared for work with minors."""
    return Purpose.SPONSORSHIP_WITH_MINORS if has_minors(persons, on) else Purpose.SPONSORSHIP


def open_sponsorship_counts(volunteer_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Sponsorship.sponsors.through.objects.filter(
            volunteer_id__in=list(volunteer_ids), sponsorship__state__in=OPEN_SPONSORSHIP_STATES
        )
        .values("volunteer_id")
        .annotate(count=Count("sponsorship_id"))
    )
    return {row["volunteer_id"]: row["count"] for row in rows}


def requirement_labels(kinds: Iterable[str]) -> str:
    return ", ".join(str(RequirementKind(kind).label) for kind in kinds)


def check_sponsors(
    sponsors: Sequence[Volunteer], persons: Sequence[Person], on: datetime.date, *, organisation_id: int
) -> None:
    """Refuse sponsors who may not take on this sponsorship: of another organisation, not active, at their capacity,
    or missing a requirement (with a child in the household: the certificate of good conduct too)."""
    if not 1 <= len({volunteer.pk for volunteer in sponsors}) <= 2 or len(sponsors) > 2:
        raise ValidationError(_("A sponsorship has one or two sponsors."), code="sponsor_count")
    for volunteer in sponsors:
        if volunteer.organisation_id != organisation_id:
            raise ValidationError(_("The sponsor belongs to another organisation."), code="foreign")
        if volunteer.status != VolunteerStatus.ACTIVE or volunteer.anonymised_at is not None:
            raise ValidationError(
                _("%(name)s is not active and cannot take on a sponsorship.") % {"name": volunteer.full_name},
                code="not_active",
            )
    counts = open_sponsorship_counts(volunteer.pk for volunteer in sponsors)
    for volunteer in sponsors:
        if counts.get(volunteer.pk, 0) >= volunteer.max_sponsorships:
            raise ValidationError(
                _("%(name)s already has as many open sponsorships as they take on at a time (%(max)s).")
                % {"name": volunteer.full_name, "max": volunteer.max_sponsorships},
                code="capacity",
            )
    missing = missing_requirements([volunteer.pk for volunteer in sponsors], purpose_for(persons, on), on)
    for volunteer in sponsors:
        if missing[volunteer.pk]:
            raise ValidationError(
                _("%(name)s cannot be assigned: missing %(missing)s.")
                % {"name": volunteer.full_name, "missing": requirement_labels(missing[volunteer.pk])},
                code="requirements",
            )


def request_sponsorship(
    *,
    acting_user: User | None,
    participation: Participation,
    sponsors: Sequence[Volunteer],
    requested_on: datetime.date,
    members: Sequence[Person] = (),
    topics: Iterable[str] | None = None,
    planned_end: datetime.date | None = None,
    note: str = "",
) -> Sponsorship:
    """Ask one or two volunteers to sponsor the household (or some of its members): a sponsorship "requested"."""
    organisation_id = participation.organisation_id
    require(acting_user, COORDINATE, organisation_id=organisation_id)
    _not_in_future(requested_on)
    topic_list = _check_topics(participation.wanted_topics if topics is None else topics)
    if planned_end is not None and planned_end <= requested_on:
        raise ValidationError(_("The planned end lies after the request."), code="planned_end")
    with atomic(), audit_context(acting_user):
        locked = list(Volunteer.objects.select_for_update().filter(pk__in=[volunteer.pk for volunteer in sponsors]))
        if len(locked) != len(sponsors):
            raise ValidationError(_("A sponsorship has one or two sponsors."), code="sponsor_count")
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.left_on is not None:
            raise ValidationError(_("The household has left the programme."), code="left")
        if participation.sponsorships.filter(state__in=OPEN_SPONSORSHIP_STATES).exists():
            raise ValidationError(_("This household already has an open sponsorship."), code="open")
        persons = household_members(participation)
        member_ids = {person.pk for person in persons}
        if any(person.pk not in member_ids for person in members):
            raise ValidationError(_("The sponsorship is only for members of the household."), code="member")
        check_sponsors(locked, list(members) or persons, requested_on, organisation_id=organisation_id)
        sponsorship = Sponsorship.objects.create(
            organisation_id=organisation_id,
            participation=participation,
            topics=topic_list,
            state=SponsorshipState.REQUESTED,
            state_since=requested_on,
            requested_on=requested_on,
            planned_end=planned_end,
        )
        sponsorship.sponsors.set(locked)
        if members:
            sponsorship.members.set(members)
        SponsorshipStep.objects.create(
            sponsorship=sponsorship,
            state=SponsorshipState.REQUESTED,
            on=requested_on,
            note=note,
            recorded_by=acting_user,
        )
        return sponsorship


def change_state(
    *,
    acting_user: User | None,
    sponsorship: Sponsorship,
    expected_version: int,
    to_state: str,
    on: datetime.date,
    note: str = "",
    end_reason: str = "",
    planned_end: datetime.date | None = None,
) -> Sponsorship:
    """The next step of the life cycle: requested → getting to know → active → ended (from any open state, with a
    reason)."""
    require(acting_user, COORDINATE, organisation_id=sponsorship.organisation_id)
    if to_state not in SPONSORSHIP_TRANSITIONS.get(sponsorship.state, frozenset()):
        raise ValidationError(
            _("A sponsorship in the state “%(from)s” cannot change to “%(to)s”.")
            % {
                "from": SponsorshipState(sponsorship.state).label,
                "to": SponsorshipState(to_state).label if to_state in SponsorshipState.values else to_state,
            },
            code="transition",
        )
    _not_in_future(on)
    if on < sponsorship.state_since:
        raise ValidationError(
            _("The date cannot lie before the current state's date (%(date)s).")
            % {"date": sponsorship.state_since.strftime("%d.%m.%Y")},
            code="before_state",
        )
    ending = to_state == SponsorshipState.ENDED
    if ending and end_reason not in EndReason.values:
        raise ValidationError(_("An ended sponsorship needs a reason."), code="reason")
    if not ending and end_reason:
        raise ValidationError(_("Only an ended sponsorship has a reason for ending."), code="reason")
    fields = ["state", "state_since"]
    with atomic(), audit_context(acting_user):
        sponsorship.state = to_state
        sponsorship.state_since = on
        if ending:
            sponsorship.ended_on = on
            sponsorship.end_reason = end_reason
            sponsorship.end_note = note[:500]
            sponsorship.next_check_in = None
            fields += ["ended_on", "end_reason", "end_note", "next_check_in"]
        if planned_end is not None:
            if planned_end <= sponsorship.requested_on:
                raise ValidationError(_("The planned end lies after the request."), code="planned_end")
            sponsorship.planned_end = planned_end
            fields.append("planned_end")
        sponsorship.full_clean(exclude=["organisation", "participation"], validate_unique=False)
        save_versioned(sponsorship, expected_version, fields)
        SponsorshipStep.objects.create(
            sponsorship=sponsorship, state=to_state, on=on, note=note[:500], recorded_by=acting_user
        )
        return sponsorship


def record_check_in(
    *,
    acting_user: User | None,
    sponsorship: Sponsorship,
    on: datetime.date,
    note: str,
    next_due: datetime.date | None = None,
) -> CheckIn:
    """The coordinator checked in with the sponsorship: a dated note, and when the next check-in is due."""
    require(acting_user, COORDINATE, organisation_id=sponsorship.organisation_id)
    if sponsorship.state == SponsorshipState.ENDED:
        raise ValidationError(_("Check-ins are recorded for open sponsorships only."), code="ended")
    _not_in_future(on)
    if on < sponsorship.requested_on:
        raise ValidationError(_("A check-in cannot lie before the sponsorship was requested."), code="before")
    if next_due is not None and next_due <= on:
        raise ValidationError(_("The next check-in is due after this one."), code="next_due")
    if not note.strip():
        raise ValidationError(_("Write down what the check-in found."), code="note")
    with atomic(), audit_context(acting_user):
        check_in = CheckIn.objects.create(
            sponsorship=sponsorship, on=on, note=note.strip(), next_due=next_due, recorded_by=acting_user
        )
        Sponsorship.objects.filter(pk=sponsorship.pk).update(next_check_in=next_due)
        sponsorship.next_check_in = next_due
        return check_in
