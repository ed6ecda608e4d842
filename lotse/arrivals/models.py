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

from lotse.core.access import Capability, can
from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, Organisation, VersionedModel
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
