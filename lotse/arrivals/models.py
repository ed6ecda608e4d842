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
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from lotse.arrivals.choices import ArrivalState
from lotse.cases.choices import ContactForm
from lotse.core.access import Capability, can
from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.network.choices import SheetLanguage
from lotse.people.choices import ResidenceStatus

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
