"""Shelters, their places, occupancy, assignments by the county and the intake to plan for.

A shelter's capacity is its places: one row per place, each available from
one date to another, so the capacity at any past reference date is a count.
An occupancy holds one place for one person from the move-in date up to (not
including) the move-out date. Two exclusion constraints make double booking
and overlapping stays of a person impossible, whatever the application does;
the services lock the shelter row so that of two bookings of the last place
exactly one succeeds and the other gets a clear message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lotse.accommodation.choices import (
    FOLLOW_UP_KINDS,
    PRELIMINARY_KINDS,
    Accessibility,
    MoveOutReason,
    ResidenceBasis,
    ShelterKind,
)
from lotse.core.access import Capability, can
from lotse.core.choices import OrganisationKind
from lotse.core.constraints import ValidatedInFewQueries
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.people.models import Person

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


class DateRange(Func):
    """``daterange(lower, upper, '[)')``: a stay from move-in up to, not including, move-out."""

    function = "DATERANGE"
    output_field = DateRangeField()


def accommodation_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation whose shelters the user manages (capability "manage shelters"), or None."""
    if not user.is_authenticated or not can(user, Capability.MANAGE_SHELTERS):
        return None
    return user.organisation_id


def sees_all_shelters(user: User | AnonymousUser) -> bool:
    """The county's accommodation staff, statistics and system administration see every shelter's places.

    Places and occupancy counts are no personal data; who lives in a shelter
    is seen only by the operator's accommodation staff.
    """
    if not user.is_authenticated or not can(user, Capability.SHELTER_NUMBERS):
        return False
    return can(user, Capability.SHELTER_NUMBERS_OF_ALL) or assigns_for_county(user)


def assigns_for_county(user: User | AnonymousUser | None) -> bool:
    """The accommodation staff of a Landratsamt: they assign persons to municipalities and see every shelter."""
    if user is None or not user.is_authenticated:
        return False
    return can(user, Capability.ASSIGN) and user.organisation.kind == OrganisationKind.LANDRATSAMT


def monitors_for_county(user: User | AnonymousUser | None) -> bool:
    """The accommodation staff of a Landratsamt: they follow how long persons stay in preliminary accommodation
    (the VU monitor, lotse.accommodation.monitor)."""
    if user is None or not user.is_authenticated:
        return False
    return (
        can(user, Capability.MONITOR_PRELIMINARY_ACCOMMODATION)
        and user.organisation.kind == OrganisationKind.LANDRATSAMT
    )


class ShelterQuerySet(models.QuerySet["Shelter"]):
    def visible_to(self, user: User | AnonymousUser) -> ShelterQuerySet:
        if sees_all_shelters(user):
            return self.all()
        organisation_id = accommodation_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)

    def managed_by(self, user: User | AnonymousUser) -> ShelterQuerySet:
        """Shelters whose residents and places the user manages: those of the user's organisation."""
        organisation_id = accommodation_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)

    def in_group(self, group: str) -> ShelterQuerySet:
        """Preliminary accommodation (``"vu"``) or follow-up accommodation (``"au"``)."""
        kinds = {"vu": PRELIMINARY_KINDS, "au": FOLLOW_UP_KINDS}[group]
        return self.filter(kind__in=kinds)

    def in_operation_on(self, day: datetime.date) -> ShelterQuerySet:
        return self.filter(
            Q(in_operation_from__isnull=True) | Q(in_operation_from__lte=day),
            Q(in_operation_to__isnull=True) | Q(in_operation_to__gte=day),
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Shelter(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("operating organisation"), on_delete=models.PROTECT, related_name="shelters"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="shelters"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of accommodation"), max_length=30, choices=ShelterKind.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    accessibility = models.CharField(
        _("accessibility"), max_length=20, choices=Accessibility.choices, default=Accessibility.UNBEKANNT
    )
    in_operation_from = models.DateField(_("in operation from"), null=True, blank=True)
    in_operation_to = models.DateField(_("in operation until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("shelter ID (import)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ShelterQuerySet.as_manager()

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="shelter_name_unique_per_org"),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="shelter_external_id_unique_per_org",
            ),
            models.CheckConstraint(condition=Q(kind__in=ShelterKind.values), name="shelter_kind_valid"),
            models.CheckConstraint(
                condition=Q(accessibility__in=Accessibility.values), name="shelter_accessibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(in_operation_to__isnull=True)
                | Q(in_operation_from__isnull=True)
                | Q(in_operation_to__gte=F("in_operation_from")),
                name="shelter_operation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=r"^[0-9]{5}$"), name="shelter_postal_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preliminary(self) -> bool:
        return self.kind in PRELIMINARY_KINDS

    @property
    def address(self) -> str:
        town = f"{self.postal_code} {self.municipality.name}".strip()
        return ", ".join(part for part in (self.street, town) if part)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Unit(VersionedModel):
    """A flat, house or room of a shelter with places of its own."""

    shelter = models.ForeignKey(Shelter, verbose_name=_("shelter"), on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Haus B, Zimmer 12”."))
    accessible = models.BooleanField(_("step-free"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["shelter", "name"], name="unit_name_unique_per_shelter")]

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet["Place"]):
    def available_on(self, day: datetime.date) -> PlaceQuerySet:
        return self.filter(available_from__lte=day).filter(Q(available_to__isnull=True) | Q(available_to__gt=day))

    def free_from(self, day: datetime.date) -> PlaceQuerySet:
        """Places available on ``day`` that nobody occupies on ``day`` or later."""
        taken = Occupancy.objects.filter(place_id=OuterRef("pk")).filter(Q(move_out__isnull=True) | Q(move_out__gt=day))
        return self.available_on(day).filter(Q(available_to__isnull=True)).exclude(Exists(taken))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Place(ValidatedInFewQueries, models.Model):
    """One bed: available from a date (the shelter opened or grew) until a date (it was given up)."""

    shelter = models.ForeignKey(Shelter, verbose_name=_("shelter"), on_delete=models.CASCADE, related_name="places")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="places"
    )
    number = models.PositiveIntegerField(_("place number"))
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("given up on"), null=True, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["shelter", "number"], name="place_number_unique_per_shelter"),
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gt=F("available_from")),
                name="place_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Place %(number)s") % {"number": self.number})


class OccupancyQuerySet(models.QuerySet["Occupancy"]):
    def visible_to(self, user: User | AnonymousUser) -> OccupancyQuerySet:
        """Stays in the shelters the user's organisation operates; for caseworkers, those of their clients."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(person__in=Person.objects.visible_to(user))
        organisation_id = accommodation_organisation_id(user)
        if organisation_id is not None:
            condition |= Q(place__shelter__organisation_id=organisation_id)
        return self.filter(condition)

    def on(self, day: datetime.date) -> OccupancyQuerySet:
        """Stays that hold on ``day``: moved in on or before it, not yet moved out."""
        return self.filter(move_in__lte=day).filter(Q(move_out__isnull=True) | Q(move_out__gt=day))

    def current(self) -> OccupancyQuerySet:
        return self.filter(move_out__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Occupancy(VersionedModel):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="occupancies")
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="occupancies")
    move_in = models.DateField(_("moved in on"))
    move_out = models.DateField(_("moved out on"), null=True, blank=True)
    move_out_reason = models.CharField(
        _("reason for moving out"), max_length=30, choices=MoveOutReason.choices, blank=True
    )
    basis = models.CharField(
        _("counted as"), max_length=20, choices=ResidenceBasis.choices, default=ResidenceBasis.ZUWEISUNG
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["-move_in", "-pk"]
        constraints = [
            ExclusionConstraint(
                name="occupancy_no_double_booking",
                expressions=[
                    ("place", RangeOperators.EQUAL),
                    (DateRange("move_in", "move_out", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
            ),
            ExclusionConstraint(
                name="occupancy_one_stay_per_person_at_a_time",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("move_in", "move_out", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=Q(move_out__isnull=True) | Q(move_out__gt=F("move_in")), name="occupancy_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(move_out__isnull=True, move_out_reason="")
                | Q(move_out__isnull=False, move_out_reason__in=MoveOutReason.values),
                name="occupancy_move_out_has_reason",
            ),
            models.CheckConstraint(condition=Q(basis__in=ResidenceBasis.values), name="occupancy_basis_valid"),
        ]
        indexes = [models.Index(fields=["person", "move_in"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.move_in:%d.%m.%Y})"

    @property
    def access_log_organisation_id(self) -> int:
        """A stay is kept by the organisation that runs the shelter (lotse.core.services.log_access)."""
        return self.place.shelter.organisation_id


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: User | AnonymousUser) -> AssignmentQuerySet:
        """Assignments the user's organisation made, or that went to the municipality it administers."""
        organisation_id = accommodation_organisation_id(user)
        if organisation_id is None:
            return self.none()
        assert user.is_authenticated
        condition = Q(organisation_id=organisation_id)
        municipality_id = user.organisation.municipality_id
        if municipality_id is not None:
            condition |= Q(municipality_id=municipality_id)
        return self.filter(condition)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Assignment(VersionedModel):
    """Zuweisung: the county assigns persons to a municipality for follow-up accommodation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("assigning organisation"), on_delete=models.PROTECT, related_name="assignments"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="assignments"
    )
    date = models.DateField(_("date of assignment"))
    reference = models.CharField(_("file reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # When the household is expected in the municipality, if not on the day of the assignment.
    planned_arrival = models.DateField(_("planned arrival"), null=True, blank=True)
    # Where the household will live (a shelter of the municipality and/or an address): the receiving integration
    # management sees it in its new arrivals (lotse.arrivals).
    future_shelter = models.ForeignKey(
        Shelter,
        verbose_name=_("future shelter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_assignments",
    )
    future_address = models.CharField(_("future address"), max_length=200, blank=True)
    external_id = models.CharField(_("assignment ID (import)"), max_length=64, blank=True)
    persons: models.ManyToManyField[Person, AssignedPerson] = models.ManyToManyField(
        Person, through="AssignedPerson", verbose_name=_("persons"), related_name="assignments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["municipality", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="assignment_external_id_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name} {self.date:%d.%m.%Y}"

    @property
    def arrival_date(self) -> datetime.date:
        """The day the household arrives in the municipality: the planned arrival, else the assignment date."""
        return self.planned_arrival or self.date


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AssignedPerson(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="assigned_persons"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("assigned person")
        verbose_name_plural = _("assigned persons")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "person"], name="assigned_person_once_per_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.assignment}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class IntakeObligation(VersionedModel):
    """Aufnahmeverpflichtung: how many persons a municipality is to take in during a year."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="intake_obligations"
    )
    year = models.PositiveIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("persons to take in"))
    set_by = models.ForeignKey(
        Organisation, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="intake_obligations"
    )

    class Meta:
        verbose_name = _("intake obligation")
        verbose_name_plural = _("intake obligations")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="intake_obligation_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="intake_obligation_year_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name} {self.year}: {self.persons}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ExpectedIntake(ValidatedInFewQueries, models.Model):
    """The persons an operator expects to house in a month (the input of the capacity forecast)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="expected_intakes"
    )
    month = models.DateField(_("month"))
    persons = models.PositiveIntegerField(_("expected persons"))

    class Meta:
        verbose_name = _("expected intake")
        verbose_name_plural = _("expected intakes")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="expected_intake_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="expected_intake_month_starts_on_first"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y}: {self.persons}"


def residents_visible_to(user: User | AnonymousUser) -> models.QuerySet[Person]:
    """Persons an accommodation user may read: registered by their organisation, living or having lived
    in one of its shelters, or assigned by or to it."""
    organisation_id = accommodation_organisation_id(user)
    if organisation_id is None:
        return Person.objects.none()
    assert user.is_authenticated
    stays = Occupancy.objects.filter(person_id=OuterRef("pk"), place__shelter__organisation_id=organisation_id)
    assigned = Assignment.objects.visible_to(user).filter(assigned_persons__person_id=OuterRef("pk"))
    return Person.objects.filter(Q(organisation_id=organisation_id) | Exists(stays) | Exists(assigned))
