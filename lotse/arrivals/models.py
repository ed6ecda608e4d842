"""Who is responsible for whom: the organisations that counsel the people of a municipality (Zuständigkeit).

A responsibility is dated (from, until) and may be narrowed to a district of
the municipality or to the persons of one residence status; an empty district
or status means the whole municipality or every status. The district office's
system administrators keep them; ``lotse.arrivals.queries.responsible_organisations``
answers who is responsible for a person on a date.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from lotse.arrivals.choices import RECEIVED_STATUSES, ArrivalState, HandoverSheetStatus, PresentItemKind
from lotse.cases.choices import ContactForm, FieldOfAction
from lotse.core.access import Capability, can
from lotse.core.choices import OrganisationKind
from lotse.core.constraints import ValidatedInFewQueries
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.network.choices import SheetLanguage
from lotse.people.choices import BirthDatePrecision, Gender, HousingSituation, Relationship, ResidenceStatus
from lotse.people.models import Person, casework_organisation_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User

# The kinds of organisation that do integration management: the district office, a town's own
# administration, the welfare associations and associations commissioned by the county ("other" does not).
INTEGRATION_MANAGEMENT_KINDS = (
    OrganisationKind.LANDRATSAMT,
    OrganisationKind.GEMEINDE,
    OrganisationKind.WOHLFAHRTSVERBAND,
    OrganisationKind.VEREIN,
)


class DateRange(Func):
    """``daterange(lower, upper, '[]')``: a responsibility from its first up to and including its last day."""

    function = "DATERANGE"
    output_field = DateRangeField()


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def visible_to(self, user: User | AnonymousUser) -> ResponsibilityQuerySet:
        """Every responsibility, for those who may read them (they are no personal data); nothing for the rest."""
        if not can(user, Capability.READ_RESPONSIBILITIES):
            return self.none()
        return self.all()

    def editable_by(self, user: User | AnonymousUser) -> ResponsibilityQuerySet:
        return self.all() if can(user, Capability.MANAGE_RESPONSIBILITIES) else self.none()

    def on(self, day: datetime.date) -> ResponsibilityQuerySet:
        """The responsibilities in force on ``day`` (both ends belong to the period)."""
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Responsibility(VersionedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    # A district (Ortsteil, Stadtteil) of the municipality; empty: the whole municipality.
    district = models.CharField(_("district"), max_length=100, blank=True)
    # Only persons of this residence status; empty: every status.
    residence_status = models.CharField(
        _("residence status"), max_length=30, blank=True, choices=ResidenceStatus.choices
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["municipality__name", "district", "residence_status", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="responsibility_dates_ordered",
                violation_error_message=_("The responsibility cannot end before it begins."),
            ),
            models.CheckConstraint(
                condition=Q(residence_status="") | Q(residence_status__in=ResidenceStatus.values),
                name="responsibility_residence_status_valid",
                violation_error_message=_("Choose a residence status from the list."),
            ),
            # The same organisation for the same municipality, district and status only once at a time
            # (the service names the overlapping period; this guards against two concurrent saves).
            ExclusionConstraint(
                name="responsibility_no_overlap",
                expressions=[
                    ("organisation", RangeOperators.EQUAL),
                    ("municipality", RangeOperators.EQUAL),
                    ("district", RangeOperators.EQUAL),
                    ("residence_status", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_until", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "This organisation is already responsible for this municipality, district and residence "
                    "status in an overlapping period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.municipality.name}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class PersonLinkQuerySet(models.QuerySet["PersonLink"]):
    def exchanging_with(self, organisation_id: int, on: datetime.date | None = None) -> PersonLinkQuerySet:
        """Links whose client consents, on ``on`` (default today), to the exchange of housing facts between the
        counselling organisation and ``organisation_id`` (the organisation that houses the person: the
        operator of the shelter of a stay): the one rule of what may flow."""
        from django.utils import timezone

        from lotse.cases.choices import ConsentPurpose
        from lotse.cases.models import Consent

        day = on or timezone.localdate()
        consents = Consent.objects.filter(
            purpose=ConsentPurpose.HOUSING_EXCHANGE,
            person_id=models.OuterRef("casework_person_id"),
            case__organisation_id=models.OuterRef("casework_person__organisation_id"),
            recipient_organisation_id=organisation_id,
            given_on__lte=day,
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        return self.filter(models.Exists(consents))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PersonLink(models.Model):
    """One person, two records: the accommodation record (kept by the district office or the city that houses
    the person) and the casework record (kept by the counselling organisation).

    A link only pairs the records; facts flow between them only while the client's consent of the purpose
    ``ConsentPurpose.HOUSING_EXCHANGE`` naming the organisation that houses the person is in force
    (``PersonLink.objects.exchanging_with(organisation_id)``). Withdrawing it stops the flow at once; the link
    stays, and what already flowed stays in both records.
    """

    accommodation_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("accommodation record"),
        on_delete=models.PROTECT,
        related_name="casework_links",
    )
    casework_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("casework record"),
        on_delete=models.PROTECT,
        related_name="accommodation_links",
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PersonLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("link of accommodation and casework records")
        verbose_name_plural = _("links of accommodation and casework records")
        constraints = [
            models.UniqueConstraint(
                fields=["accommodation_person", "casework_person"], name="person_link_once_per_pair"
            ),
            # A casework record is linked to at most one accommodation record (and so one flow source).
            models.UniqueConstraint(fields=["casework_person"], name="person_link_one_per_casework_record"),
            models.CheckConstraint(
                condition=~Q(accommodation_person=F("casework_person")), name="person_link_two_records"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accommodation_person_id} ↔ {self.casework_person_id}"


# The handover sheet (Übergabebogen) from a shelter's social service to the integration management


class HandoverSheetQuerySet(models.QuerySet["HandoverSheet"]):
    def sent_by(self, user: User | AnonymousUser) -> HandoverSheetQuerySet:
        """The sheets of the user's organisation as the operator of the shelters (its own record, every status)."""
        if not can(user, Capability.HAND_OVER_FROM_SHELTER):
            return self.none()
        return self.filter(sending_organisation_id=user.organisation_id)  # type: ignore[union-attr]

    def received_by(self, user: User | AnonymousUser) -> HandoverSheetQuerySet:
        """The sheets handed over to the user's organisation for its integration management (no drafts, and a
        withdrawn sheet is no longer there)."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(receiving_organisation_id=organisation_id, status__in=RECEIVED_STATUSES)

    def visible_to(self, user: User | AnonymousUser) -> HandoverSheetQuerySet:
        return self.sent_by(user) | self.received_by(user)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheet(VersionedModel):
    """Übergabebogen: the social service of a shelter hands a household over to the integration management.

    The sheet holds what it says and nothing more: the persons (copied from the accommodation records when the
    sheet is started and again when it is handed over), needs, open tasks, contacts, what documents and consents
    are at hand, and a message. The receiving organisation reads the sheet only, never the accommodation records;
    the sending organisation keeps its own records and the sheet. Handing over needs the client's consent.
    """

    sending_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("sending organisation"),
        on_delete=models.PROTECT,
        related_name="handover_sheets_sent",
    )
    shelter = models.ForeignKey(
        "accommodation.Shelter",
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="handover_sheets",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality of assignment or residence"),
        on_delete=models.PROTECT,
        related_name="handover_sheets",
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving integration management"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handover_sheets_received",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=HandoverSheetStatus.choices, default=HandoverSheetStatus.DRAFT
    )
    consent_given_on = models.DateField(_("consent to the handover given on"), null=True, blank=True)
    consent_given_by = models.ForeignKey(
        "HandoverSheetPerson",
        verbose_name=_("consent given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message to the integration management"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered or withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered or withdrawn at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("accepted into case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handover_sheets",
    )

    objects = HandoverSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover sheet")
        verbose_name_plural = _("handover sheets")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=HandoverSheetStatus.values),
                name="handover_sheet_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(receiving_organisation=F("sending_organisation")),
                name="handover_sheet_to_another_org",
            ),
            # Gated by consent: a sheet leaves its draft only with the consent and a receiving organisation.
            models.CheckConstraint(
                condition=Q(status=HandoverSheetStatus.DRAFT)
                | Q(consent_given_on__isnull=False, receiving_organisation__isnull=False, sent_at__isnull=False),
                name="handover_sheet_sent_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(status=HandoverSheetStatus.ACCEPTED, case__isnull=False)
                | (~Q(status=HandoverSheetStatus.ACCEPTED) & Q(case__isnull=True)),
                name="handover_sheet_accepted_into_case",
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoverSheetStatus.DECLINED) | ~Q(decline_reason=""),
                name="handover_sheet_declined_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["receiving_organisation", "status"])]

    def __str__(self) -> str:
        return str(_("Handover sheet %(number)s") % {"number": self.number})

    @property
    def number(self) -> str:
        return f"Ü-{self.pk:06d}"

    @property
    def is_draft(self) -> bool:
        return self.status == HandoverSheetStatus.DRAFT

    @property
    def is_waiting(self) -> bool:
        return self.status == HandoverSheetStatus.SENT

    @property
    def access_log_organisation_id(self) -> int:
        """The sheet is kept by the organisation that sent it (lotse.core.services.log_access)."""
        return self.sending_organisation_id


class HandoverSheetRow(ValidatedInFewQueries, models.Model):
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    @property
    def access_log_organisation_id(self) -> int:
        return self.sheet.sending_organisation_id  # type: ignore[attr-defined]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheetPerson(HandoverSheetRow):
    """A person of the household as the sheet names them (copied from the accommodation record)."""

    sheet = models.ForeignKey(
        HandoverSheet, verbose_name=_("handover sheet"), on_delete=models.CASCADE, related_name="persons"
    )
    accommodation_person = models.ForeignKey(
        "people.Person", verbose_name=_("accommodation record"), on_delete=models.PROTECT, related_name="+"
    )
    relationship = models.CharField(
        _("relationship to the head of household"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.UNKNOWN,
    )
    family_name = models.CharField(_("family name"), max_length=200)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    original_script_name = models.CharField(_("name in original script"), max_length=200, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision of the date of birth"), max_length=5, choices=BirthDatePrecision.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    nationalities = ArrayField(
        models.CharField(max_length=12), verbose_name=_("nationalities"), default=list, blank=True
    )
    languages = ArrayField(models.CharField(max_length=3), verbose_name=_("spoken languages"), default=list, blank=True)

    class Meta(HandoverSheetRow.Meta):
        verbose_name = _("person of a handover sheet")
        verbose_name_plural = _("persons of handover sheets")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "accommodation_person"], name="handover_sheet_person_once"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}, {self.given_names}" if self.given_names else self.family_name

    def person_fields(self) -> dict[str, object]:
        """The fields of a person record made from this row (the receiving organisation's new record)."""
        return {name: getattr(self, name) for name in PERSON_SNAPSHOT_FIELDS}

    @property
    def birth_date_display(self) -> str:
        return Person(birth_date=self.birth_date, birth_date_precision=self.birth_date_precision).birth_date_display


PERSON_SNAPSHOT_FIELDS = (
    "family_name",
    "given_names",
    "original_script_name",
    "birth_date",
    "birth_date_precision",
    "gender",
    "nationalities",
    "languages",
)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheetNeed(HandoverSheetRow):
    """A need of the household in one field of action, as the shelter's social service sees it."""

    sheet = models.ForeignKey(
        HandoverSheet, verbose_name=_("handover sheet"), on_delete=models.CASCADE, related_name="needs"
    )
    field_of_action = models.CharField(_("field of action"), max_length=20, choices=FieldOfAction.choices)
    description = models.CharField(_("need"), max_length=1000)

    class Meta(HandoverSheetRow.Meta):
        verbose_name = _("need of a handover sheet")
        verbose_name_plural = _("needs of handover sheets")

    def __str__(self) -> str:
        return self.description


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheetTask(HandoverSheetRow):
    """An open task with its deadline (a residence permit expiring, an appointment pending)."""

    sheet = models.ForeignKey(
        HandoverSheet, verbose_name=_("handover sheet"), on_delete=models.CASCADE, related_name="tasks"
    )
    description = models.CharField(_("task"), max_length=300)
    due_date = models.DateField(_("deadline"))

    class Meta(HandoverSheetRow.Meta):
        verbose_name = _("open task of a handover sheet")
        verbose_name_plural = _("open tasks of handover sheets")

    def __str__(self) -> str:
        return self.description


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheetContact(HandoverSheetRow):
    """A contact person of a service involved with the household."""

    sheet = models.ForeignKey(
        HandoverSheet, verbose_name=_("handover sheet"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("organisation or service"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta(HandoverSheetRow.Meta):
        verbose_name = _("contact of a handover sheet")
        verbose_name_plural = _("contacts of handover sheets")

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandoverSheetItem(HandoverSheetRow):
    """A document or a consent at hand for the household (named, not attached)."""

    sheet = models.ForeignKey(
        HandoverSheet, verbose_name=_("handover sheet"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=PresentItemKind.choices)
    description = models.CharField(_("description"), max_length=300)

    class Meta(HandoverSheetRow.Meta):
        verbose_name = _("document or consent of a handover sheet")
        verbose_name_plural = _("documents and consents of handover sheets")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PresentItemKind.values), name="handover_sheet_item_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.description


# The exchange of housing facts between linked records (lotse.arrivals.exchange)


class ExchangeNoticeQuerySet(models.QuerySet["ExchangeNotice"]):
    def visible_to(self, user: User | AnonymousUser) -> ExchangeNoticeQuerySet:
        """The notices of the user's casework organisation (the organisation that keeps the casework record)."""
        if not can(user, Capability.CASEWORK):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)  # type: ignore[union-attr]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ExchangeNotice(models.Model):
    """A housing situation that flowed from the accommodation record into a casework record, shown to the
    caseworkers in "Meine Arbeit" until one of them marks it as seen."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="exchange_notices"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("client"), on_delete=models.CASCADE, related_name="exchange_notices"
    )
    link = models.ForeignKey(PersonLink, verbose_name=_("link"), on_delete=models.PROTECT, related_name="notices")
    # The organisation that houses the person (the shelter's operator) and sent the fact.
    source_organisation = models.ForeignKey(
        Organisation, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    situation = models.CharField(_("housing situation"), max_length=30, choices=HousingSituation.choices)
    valid_from = models.DateField(_("since"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("transmitted at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ExchangeNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice of a transmitted housing situation")
        verbose_name_plural = _("notices of transmitted housing situations")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organisation", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} ({self.valid_from:%d.%m.%Y})"

    @property
    def access_log_organisation_id(self) -> int:
        return self.organisation_id


class PlannedMoveOutStatus(models.TextChoices):
    PLANNED = "geplant", _("planned")
    DONE = "erledigt", _("moved out")
    CANCELLED = "zurueckgezogen", _("withdrawn by the integration management")


class PlannedMoveOutQuerySet(models.QuerySet["PlannedMoveOut"]):
    def visible_to(self, user: User | AnonymousUser) -> PlannedMoveOutQuerySet:
        """The planned move-outs from the shelters the user's organisation operates (its accommodation staff)."""
        if not can(user, Capability.MANAGE_SHELTERS):
            return self.none()
        return self.filter(shelter__organisation_id=user.organisation_id)  # type: ignore[union-attr]

    def planned(self) -> PlannedMoveOutQuerySet:
        return self.filter(status=PlannedMoveOutStatus.PLANNED)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PlannedMoveOut(models.Model):
    """A resident's move-out the integration management announced: the household signed its own tenancy
    ("eigener Mietvertrag") from ``planned_on``. The accommodation staff record the real move-out as always;
    that ends the plan."""

    occupancy = models.ForeignKey(
        "accommodation.Occupancy", verbose_name=_("stay"), on_delete=models.CASCADE, related_name="planned_move_outs"
    )
    # The shelter of the stay: its operator's accommodation staff see the plan (and it is in the shelter's history).
    shelter = models.ForeignKey(
        "accommodation.Shelter", verbose_name=_("shelter"), on_delete=models.PROTECT, related_name="planned_move_outs"
    )
    planned_on = models.DateField(_("planned move-out"))
    reason = models.CharField(
        _("reason"), max_length=30, default=HousingSituation.PRIVATER_MIETVERTRAG, choices=HousingSituation.choices
    )
    from_organisation = models.ForeignKey(
        Organisation, verbose_name=_("announced by"), on_delete=models.PROTECT, related_name="+"
    )
    link = models.ForeignKey(PersonLink, verbose_name=_("link"), on_delete=models.PROTECT, related_name="move_outs")
    # The casework record the plan follows (a correction of it corrects the plan); not shown to the shelter.
    housing_record = models.ForeignKey(
        "people.HousingRecord",
        verbose_name=_("housing record of the casework"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlannedMoveOutStatus.choices, default=PlannedMoveOutStatus.PLANNED
    )
    created_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = PlannedMoveOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("planned move-out")
        verbose_name_plural = _("planned move-outs")
        ordering = ["planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlannedMoveOutStatus.values), name="planned_move_out_status_valid"
            ),
            # One plan at a time per stay: a later announcement corrects it.
            models.UniqueConstraint(
                fields=["occupancy"], condition=Q(status="geplant"), name="planned_move_out_one_open_per_stay"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Planned move-out on %(date)s") % {"date": f"{self.planned_on:%d.%m.%Y}"})


class LinkRequestStatus(models.TextChoices):
    OPEN = "offen", _("open")
    CONFIRMED = "bestaetigt", _("linked")
    DECLINED = "abgelehnt", _("declined")
    ENDED = "beendet", _("ended: consent withdrawn")


class LinkRequestQuerySet(models.QuerySet["LinkRequest"]):
    def visible_to(self, user: User | AnonymousUser) -> LinkRequestQuerySet:
        """Requests addressed to the user's organisation, for its accommodation staff."""
        if not can(user, Capability.MANAGE_SHELTERS):
            return self.none()
        return self.filter(housing_organisation_id=user.organisation_id)  # type: ignore[union-attr]

    def open(self) -> LinkRequestQuerySet:
        """Open requests whose consent is still in force (a withdrawal ends a request at once)."""
        return self.filter(status=LinkRequestStatus.OPEN, consent__withdrawn_on__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LinkRequest(models.Model):
    """A caseworker asks the organisation that houses a client to link its accommodation record with the casework
    record (for clients who did not come through the Neuzugänge list). The accommodation staff see the client's
    name, date of birth and nationalities only, pick their resident and confirm, or decline."""

    consent = models.ForeignKey(
        "cases.Consent", verbose_name=_("consent"), on_delete=models.PROTECT, related_name="link_requests"
    )
    casework_person = models.ForeignKey(
        "people.Person", verbose_name=_("casework record"), on_delete=models.CASCADE, related_name="link_requests"
    )
    housing_organisation = models.ForeignKey(
        Organisation, verbose_name=_("housing organisation"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LinkRequestStatus.choices, default=LinkRequestStatus.OPEN
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    link = models.ForeignKey(
        PersonLink, verbose_name=_("link"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LinkRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to link records")
        verbose_name_plural = _("requests to link records")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=LinkRequestStatus.values), name="link_request_status_valid"),
            models.UniqueConstraint(
                fields=["casework_person", "housing_organisation"],
                condition=Q(status="offen"),
                name="link_request_one_open_per_person_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Request to link records of %(date)s") % {"date": f"{self.requested_at:%d.%m.%Y}"})

    @property
    def access_log_organisation_id(self) -> int:
        """The casework organisation keeps the client's data the request shows."""
        return self.casework_person.organisation_id


# New arrivals (Neuzugänge): an assignment reaches the integration management responsible for the municipality.


class ArrivalQuerySet(models.QuerySet["Arrival"]):
    def visible_to(self, user: User | AnonymousUser) -> ArrivalQuerySet:
        """The new arrivals of the user's organisation, for its integration management and team leads."""
        if not can(user, Capability.RECEIVE_ARRIVALS):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)  # type: ignore[union-attr]

    def without_first_contact(self, arrived_by: datetime.date, today: datetime.date) -> ArrivalQuerySet:
        """Entries whose household arrived on or before ``arrived_by`` and that are still new, or whose planned
        first contact was due before ``today``."""
        arrived = Q(assignment__planned_arrival__isnull=True, assignment__date__lte=arrived_by) | Q(
            assignment__planned_arrival__lte=arrived_by
        )
        waiting = Q(state=ArrivalState.NEW) | Q(state=ArrivalState.CONTACT_PLANNED, first_contact_on__lt=today)
        return self.filter(arrived, waiting)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Arrival(VersionedModel):
    """Neuzugang: one assignment (Zuweisung) as the receiving organisation sees it, until counselling begins.

    The entry names the assignment; what the organisation reads of the assigned persons is the read model
    ``lotse.arrivals.queries.arrival_members`` (names, dates of birth, nationalities, languages), never their
    accommodation records. Each change of state is a dated ``ArrivalStep``.
    """

    assignment = models.ForeignKey(
        "accommodation.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="arrivals"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("receiving organisation"), on_delete=models.PROTECT, related_name="arrivals"
    )
    state = models.CharField(_("state"), max_length=30, choices=ArrivalState.choices, default=ArrivalState.NEW)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible caseworker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arrivals",
    )
    # The first contact: planned for, or made on, this day, and how.
    first_contact_on = models.DateField(_("first contact on"), null=True, blank=True)
    first_contact_form = models.CharField(
        _("form of the first contact"), max_length=20, blank=True, choices=ContactForm.choices
    )
    # Why the household needs no counselling or declined it, or why the entry was forwarded.
    reason = models.TextField(_("reason"), blank=True)
    forwarded_to = models.ForeignKey(
        Organisation,
        verbose_name=_("forwarded to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    forwarded_from = models.ForeignKey(
        "self",
        verbose_name=_("forwarded by the entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwards",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("new arrival")
        verbose_name_plural = _("new arrivals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "organisation"], name="arrival_once_per_organisation"),
            models.CheckConstraint(
                condition=Q(state__in=ArrivalState.values),
                name="arrival_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=ArrivalState.COUNSELLING) | Q(case__isnull=False),
                name="arrival_counselling_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(state=ArrivalState.FORWARDED) | Q(forwarded_to__isnull=False),
                name="arrival_forwarded_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return str(_("New arrival %(id)s") % {"id": self.pk})


@pghistory.track(pghistory.InsertEvent())
class ArrivalStep(models.Model):
    """One dated change of state of a new arrival, with who recorded it (the entry's own history)."""

    arrival = models.ForeignKey(Arrival, verbose_name=_("new arrival"), on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("previous state"), max_length=30, blank=True, choices=ArrivalState.choices)
    to_state = models.CharField(_("new state"), max_length=30, choices=ArrivalState.choices)
    on = models.DateField(_("date"))
    contact_form = models.CharField(
        _("form of the first contact"), max_length=20, blank=True, choices=ContactForm.choices
    )
    note = models.TextField(_("note"), blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step of a new arrival")
        verbose_name_plural = _("steps of new arrivals")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.arrival_id}: {self.from_state} → {self.to_state}"


@pghistory.track(pghistory.InsertEvent())
class ArrivalPrint(models.Model):
    """The municipality's info sheet was printed for the household of a new arrival (when, by whom, in which
    language)."""

    arrival = models.ForeignKey(Arrival, verbose_name=_("new arrival"), on_delete=models.CASCADE, related_name="prints")
    language = models.CharField(_("language"), max_length=5, choices=SheetLanguage.choices)
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("printed info sheet of a new arrival")
        verbose_name_plural = _("printed info sheets of new arrivals")
        ordering = ["printed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.arrival_id}: {self.language}"
