"""Volunteers, sponsorships (Patenschaften) and the volunteer interpreter pool (ehrenamtlicher Dolmetscherdienst).

Volunteers belong to the organisation that coordinates them and are seen by its volunteer coordination only;
they do not sign in. Newcomers in a programme are households of the coordinating organisation (lotse.people),
whether or not they are casework clients anywhere. Interpreter requests come from the casework or
accommodation staff of any organisation to the pool of a coordinating organisation and carry only what the
interpreter needs (first name, language, place and time; never the case).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Self, TypeVar

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.people.choices import Gender
from lotse.people.models import Household, Person
from lotse.volunteers.choices import (
    BLOCKING_BOOKING_STATES,
    BookingState,
    DayTime,
    EndReason,
    GenderPreference,
    InterpretingPlace,
    InterpretingState,
    MeetingKind,
    Proficiency,
    RequirementKind,
    Sensitivity,
    Skill,
    SponsorshipState,
    Topic,
    VolunteerStatus,
    Weekday,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


def coordinating_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation whose volunteers, programmes and pool the user coordinates, or None."""
    if not can(user, Capability.COORDINATE_VOLUNTEERS):
        return None
    organisation_id: int | None = getattr(user, "organisation_id", None)
    return organisation_id


M = TypeVar("M", bound=models.Model)


class _OwnedQuerySet(models.QuerySet[M]):
    """Records of the coordinating organisation (field ``organisation``), for its volunteer coordination."""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        organisation_id = coordinating_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


# --- Volunteers ----------------------------------------------------------------------------------------------


class VolunteerQuerySet(_OwnedQuerySet["Volunteer"]):
    def present(self) -> VolunteerQuerySet:
        """Not anonymised."""
        return self.filter(anonymised_at__isnull=True)


# What identifies a volunteer stays out of the append-only history: anonymising a volunteer who left empties it on
# the record, and no earlier version may keep it (the history still shows who changed the record, and when).
IDENTIFYING_FIELDS = [
    "external_id",
    "family_name",
    "given_names",
    "gender",
    "email",
    "phone",
    "street",
    "postal_code",
    "district",
    "availability_note",
    "notes",
    "left_reason",
]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=IDENTIFYING_FIELDS)
class Volunteer(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="volunteers"
    )
    external_id = models.CharField(_("volunteer ID (import)"), max_length=64, blank=True)
    family_name = models.CharField(_("family name"), max_length=200)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    skills = ArrayField(
        models.CharField(max_length=30, choices=Skill.choices),
        verbose_name=_("skills and interests"),
        default=list,
        blank=True,
    )
    weekdays = ArrayField(
        models.CharField(max_length=2, choices=Weekday.choices), verbose_name=_("weekdays"), default=list, blank=True
    )
    day_times = ArrayField(
        models.CharField(max_length=15, choices=DayTime.choices),
        verbose_name=_("times of day"),
        default=list,
        blank=True,
    )
    availability_note = models.CharField(_("availability (note)"), max_length=300, blank=True)
    # Optional, for the programme's figures (share of sponsors with their own migration experience).
    migration_experience = models.BooleanField(_("own migration experience"), null=True, blank=True)
    max_sponsorships = models.PositiveSmallIntegerField(_("sponsorships at most at a time"), default=1)
    started_on = models.DateField(_("volunteering since"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=VolunteerStatus.choices, default=VolunteerStatus.INTERESTED
    )
    status_since = models.DateField(_("status since"))
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    # The volunteer's consent to being recorded in Lotse, itself recorded.
    consent_on = models.DateField(_("consented to being recorded on"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    # A volunteer who left is anonymised after LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS: names and contact emptied.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["family_name", "given_names", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="volunteer_gender_valid"),
            models.CheckConstraint(condition=Q(status__in=VolunteerStatus.values), name="volunteer_status_valid"),
            models.CheckConstraint(
                condition=Q(max_sponsorships__lte=10),
                name="volunteer_max_sponsorships_bounded",
                violation_error_message=_("A volunteer can take on at most 10 sponsorships at a time."),
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"),
                name="volunteer_postal_code_valid",
                violation_error_message=_("A postal code has five digits."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="volunteer_external_id_unique_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}, {self.given_names}" if self.given_names else self.family_name


class VolunteerLanguage(models.Model):
    """A language a volunteer speaks (ISO 639-3, as in casework), with how well."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="languages"
    )
    language = models.CharField(_("language"), max_length=3)
    proficiency = models.CharField(_("proficiency"), max_length=15, choices=Proficiency.choices)

    class Meta:
        verbose_name = _("language of a volunteer")
        verbose_name_plural = _("languages of volunteers")
        ordering = ["volunteer", "language"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "language"], name="volunteer_language_once"),
            models.CheckConstraint(
                condition=Q(proficiency__in=Proficiency.values), name="volunteer_language_proficiency_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_proficiency_display()})"


# A requirement's note may name the volunteer; it is emptied on anonymisation and kept out of the history too.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["note"])
class Requirement(VersionedModel):
    """A requirement met on a date: a certificate seen, a pledge or agreement signed, a training attended.

    Never a copy of the document: for the certificate of good conduct only the date it was seen and by whom.
    """

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("requirement"), max_length=20, choices=RequirementKind.choices)
    met_on = models.DateField(_("date"))
    # Renewal due (the certificate of good conduct: five years after it was seen); empty: does not expire.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A training recorded through the attendance of a meeting of kind training.
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("training"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requirements",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["volunteer", "kind", "-met_on"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequirementKind.values), name="requirement_kind_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("met_on")),
                name="requirement_valid_after_met",
                violation_error_message=_("A requirement cannot expire before the day it was met."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.met_on:%d.%m.%Y})"


# --- Programmes, newcomers, sponsorships ---------------------------------------------------------------------


class ProgrammeQuerySet(_OwnedQuerySet["Programme"]):
    pass


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Programme(VersionedModel):
    """A sponsorship programme of the coordinating organisation (e.g. "Willkommen in Ludwigsburg")."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="programme_name_unique_per_org"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="programme_dates_ordered",
                violation_error_message=_("The programme cannot end before it begins."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ParticipationQuerySet(_OwnedQuerySet["Participation"]):
    pass


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Participation(VersionedModel):
    """A household of newcomers in a programme: the household and its persons are the coordinating
    organisation's own records (lotse.people), created by the coordinator."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="participations"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="participations"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="participations"
    )
    joined_on = models.DateField(_("in the programme since"))
    left_on = models.DateField(_("left the programme on"), null=True, blank=True)
    wanted_topics = ArrayField(
        models.CharField(max_length=20, choices=Topic.choices), verbose_name=_("topics"), default=list, blank=True
    )
    preferred_sponsor_gender = models.CharField(
        _("sponsor preferably"), max_length=1, choices=GenderPreference.choices, blank=True
    )
    needs = models.TextField(_("wishes and needs"), max_length=2000, blank=True)
    # The organisation whose casework client the household is, told of the sponsorship with the household's
    # consent (recorded here with its date); empty: no one else is told.
    informs_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("integration management informed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    informs_consent_on = models.DateField(_("consent to inform given on"), null=True, blank=True)
    # Where the household lives within its municipality, for matching sponsors nearby.
    district = models.CharField(_("district"), max_length=100, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation in a programme")
        verbose_name_plural = _("participations in programmes")
        ordering = ["programme", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "household"], name="participation_once_per_programme"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="participation_dates_ordered",
                violation_error_message=_("A household cannot leave the programme before it joined."),
            ),
            models.CheckConstraint(
                condition=Q(informs_organisation__isnull=True, informs_consent_on__isnull=True)
                | Q(informs_organisation__isnull=False, informs_consent_on__isnull=False),
                name="participation_informs_with_consent",
                violation_error_message=_("Another organisation is told of the sponsorship only with consent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.household}"


class SponsorshipQuerySet(_OwnedQuerySet["Sponsorship"]):
    pass


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Sponsorship(VersionedModel):
    """One or two sponsors with a household (or some of its members) in a programme."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="sponsorships"
    )
    participation = models.ForeignKey(
        Participation,
        verbose_name=_("household in the programme"),
        on_delete=models.PROTECT,
        related_name="sponsorships",
    )
    sponsors = models.ManyToManyField(Volunteer, verbose_name=_("sponsors"), related_name="sponsorships")
    # The members of the household the sponsorship is for; none: the whole household.
    members = models.ManyToManyField(Person, verbose_name=_("for"), blank=True, related_name="sponsorships")
    topics = ArrayField(
        models.CharField(max_length=20, choices=Topic.choices), verbose_name=_("topics"), default=list, blank=True
    )
    state = models.CharField(
        _("state"), max_length=15, choices=SponsorshipState.choices, default=SponsorshipState.REQUESTED
    )
    state_since = models.DateField(_("state since"))
    requested_on = models.DateField(_("requested on"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note on the ending"), max_length=500, blank=True)
    next_check_in = models.DateField(_("next check-in due"), null=True, blank=True)

    objects = SponsorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["-requested_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SponsorshipState.values), name="sponsorship_state_valid"),
            models.CheckConstraint(
                condition=Q(state=SponsorshipState.ENDED, ended_on__isnull=False)
                & ~Q(end_reason="")
                & Q(end_reason__in=EndReason.values)
                | (~Q(state=SponsorshipState.ENDED) & Q(ended_on__isnull=True, end_reason="")),
                name="sponsorship_ended_with_reason",
                violation_error_message=_("An ended sponsorship has an end date and a reason; an open one has none."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("requested_on")),
                name="sponsorship_dates_ordered",
                violation_error_message=_("A sponsorship cannot end before it was requested."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Sponsorship %(id)s") % {"id": self.pk})


class SponsorshipStep(models.Model):
    """A dated step of a sponsorship's life cycle (requested, getting to know, active, ended)."""

    sponsorship = models.ForeignKey(
        Sponsorship, verbose_name=_("sponsorship"), on_delete=models.CASCADE, related_name="steps"
    )
    state = models.CharField(_("state"), max_length=15, choices=SponsorshipState.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step of a sponsorship")
        verbose_name_plural = _("steps of sponsorships")
        ordering = ["sponsorship", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_state_display()} ({self.on:%d.%m.%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CheckIn(VersionedModel):
    """The coordinator's check-in with a sponsorship: a dated note and when the next one is due."""

    sponsorship = models.ForeignKey(
        Sponsorship, verbose_name=_("sponsorship"), on_delete=models.CASCADE, related_name="check_ins"
    )
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=4000)
    next_due = models.DateField(_("next check-in due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["sponsorship", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on:%d.%m.%Y}"


class MeetingQuerySet(_OwnedQuerySet["Meeting"]):
    pass


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Meeting(VersionedModel):
    """A regular meeting of volunteers and newcomers, or a training (which counts as "trained" for its attendees)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="volunteer_meetings"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    volunteers = models.ManyToManyField(
        Volunteer, verbose_name=_("volunteers present"), blank=True, related_name="meetings"
    )
    newcomers = models.ManyToManyField(
        Person, verbose_name=_("newcomers present"), blank=True, related_name="volunteer_meetings"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting or training")
        verbose_name_plural = _("meetings and trainings")
        ordering = ["-on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.on:%d.%m.%Y})"


# --- The volunteer interpreter pool --------------------------------------------------------------------------


class InterpreterPoolQuerySet(models.QuerySet["InterpreterPool"]):
    def visible_to(self, user: User | AnonymousUser) -> InterpreterPoolQuerySet:
        """Every pool, for those who may request an interpreter or coordinate one (a pool is no personal data)."""
        if can(user, Capability.REQUEST_INTERPRETER) or can(user, Capability.COORDINATE_VOLUNTEERS):
            return self.all()
        return self.none()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InterpreterPool(VersionedModel):
    """The volunteer interpreter service of a coordinating organisation, and the municipalities it serves."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="interpreter_pool"
    )
    name = models.CharField(_("name"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities served"), blank=True, related_name="+"
    )
    # Whether the requesting caseworkers may book an interpreter themselves (otherwise the coordinator books).
    requesters_may_book = models.BooleanField(_("requesting staff may book themselves"), default=False)

    objects = InterpreterPoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("interpreter pool")
        verbose_name_plural = _("interpreter pools")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class InterpreterRequestQuerySet(models.QuerySet["InterpreterRequest"]):
    def visible_to(self, user: User | AnonymousUser) -> InterpreterRequestQuerySet:
        """The requests of the user's organisation (for its requesting staff) and those made to the pool it
        coordinates (for its volunteer coordination)."""
        organisation_id = getattr(user, "organisation_id", None)
        if organisation_id is None:
            return self.none()
        condition = Q(pk__in=[])
        if can(user, Capability.REQUEST_INTERPRETER):
            condition |= Q(requesting_organisation_id=organisation_id)
        if can(user, Capability.COORDINATE_VOLUNTEERS):
            condition |= Q(pool__organisation_id=organisation_id)
        return self.filter(condition)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InterpreterRequest(VersionedModel):
    pool = models.ForeignKey(
        InterpreterPool, verbose_name=_("interpreter pool"), on_delete=models.PROTECT, related_name="requests"
    )
    requesting_organisation = models.ForeignKey(
        Organisation, verbose_name=_("requested by (organisation)"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the request was made from, for the requesting organisation only (the pool never sees the case).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreter_requests",
    )
    shelter = models.ForeignKey(
        "accommodation.Shelter",
        verbose_name=_("shelter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreter_requests",
    )
    language = models.CharField(_("language"), max_length=3)
    starts_at = models.DateTimeField(_("begins at"))
    duration_minutes = models.PositiveSmallIntegerField(_("expected duration (minutes)"))
    place_kind = models.CharField(_("place"), max_length=15, choices=InterpretingPlace.choices)
    place_address = models.CharField(_("address"), max_length=300, blank=True)
    sensitivity = models.CharField(
        _("sensitivity of the topic"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    preferred_gender = models.CharField(
        _("interpreter preferably"), max_length=1, choices=GenderPreference.choices, blank=True
    )
    # Only what the interpreter needs to know of the client.
    client_first_name = models.CharField(_("client's first name"), max_length=100, blank=True)
    note = models.CharField(_("note for the interpreter"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=15, choices=InterpretingState.choices, default=InterpretingState.OPEN
    )
    state_since = models.DateTimeField(_("state since"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InterpreterRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("interpreter request")
        verbose_name_plural = _("interpreter requests")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=InterpretingState.values), name="interpreter_request_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(place_kind__in=InterpretingPlace.values), name="interpreter_request_place_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=600),
                name="interpreter_request_duration_bounded",
                violation_error_message=_("An appointment takes between 15 minutes and 10 hours."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Interpreter request %(id)s") % {"id": self.pk})

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def access_log_organisation_id(self) -> int:
        """The requesting organisation keeps the request (the pool reads it)."""
        return int(self.requesting_organisation_id)


class TimeRange(Func):
    """``tstzrange(lower, upper, '[)')``: the time an interpreter is booked for."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InterpreterBooking(VersionedModel):
    """One volunteer interpreter asked for one request. The volunteer answers through a signed, expiring,
    single-use link (no account); after the appointment the coordinator records whether it was held, how long
    it took and the travel, for the monthly statement of expense allowances."""

    request = models.ForeignKey(
        InterpreterRequest, verbose_name=_("interpreter request"), on_delete=models.CASCADE, related_name="bookings"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("interpreter"), on_delete=models.PROTECT, related_name="bookings"
    )
    # The booked time, copied from the request, so no two bookings of one volunteer overlap (database-enforced).
    starts_at = models.DateTimeField(_("begins at"))
    ends_at = models.DateTimeField(_("ends at"))
    state = models.CharField(_("state"), max_length=15, choices=BookingState.choices, default=BookingState.ASKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The signed link's one use: set when the volunteer answered through it.
    link_used_at = models.DateTimeField(_("link used at"), null=True, blank=True, editable=False)
    actual_minutes = models.PositiveSmallIntegerField(_("actual duration (minutes)"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("travel time (minutes)"), null=True, blank=True)
    travel_km = models.DecimalField(_("distance travelled (km)"), max_digits=6, decimal_places=1, null=True, blank=True)
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    # The random part of the signed answer link: a new booking gets a new link, and no link of another booking
    # can be forged from it.
    link_nonce = models.CharField(_("link nonce"), max_length=32, blank=True, editable=False)
    # The counselling contact the requesting caseworker recorded for the held appointment (kind "volunteer
    # interpreter"); only the requesting organisation sees it.
    contact = models.OneToOneField(
        "cases.Contact",
        verbose_name=_("counselling contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreter_booking",
    )

    class Meta:
        verbose_name = _("interpreter booking")
        verbose_name_plural = _("interpreter bookings")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=BookingState.values), name="interpreter_booking_state_valid"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="interpreter_booking_times_ordered"),
            # One interpreter at a time per request: asked, confirmed or held (a declined one makes room for the next).
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state__in=BLOCKING_BOOKING_STATES),
                name="interpreter_booking_one_per_request",
            ),
            ExclusionConstraint(
                name="interpreter_booking_no_overlap",
                expressions=[
                    ("volunteer", RangeOperators.EQUAL),
                    (TimeRange("starts_at", "ends_at", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(state__in=BLOCKING_BOOKING_STATES),
                violation_error_message=_("The interpreter already has another appointment at this time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} ({self.starts_at:%d.%m.%Y %H:%M})"
