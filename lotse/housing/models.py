"""Housing: acquiring private flats and matching them to households (Wohnraumakquise und Mietermatching).

Landlords and their flat offers belong to the organisation that acquired them and are seen by its housing staff
(capability HOUSING) and, for an offer it shares, by the organisations it shares it with. The county's rent limits
for benefit recipients (Angemessenheitsgrenzen der Kosten der Unterkunft) are no personal data: every signed-in
user reads them, the district office keeps them. A household's search profile (Wohnungssuche) belongs to the case
its caseworker opened it from; the housing staff of another organisation see it only while the client's consent
of the purpose "Wohnungssuche" names that organisation. A placement is the pipeline of one offer and one household.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.core.access import Capability, can
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.documents.storage import get_document_storage
from lotse.housing.choices import (
    Accompaniment,
    Benefits,
    ContactWay,
    Heating,
    LandlordKind,
    Need,
    OfferStatus,
    PlacementState,
    RefusalReason,
    RefusedBy,
    SearchStatus,
    SupportKind,
    Urgency,
)
from lotse.people.models import Household, casework_organisation_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


def housing_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation whose landlords, offers and matching the user works on as housing staff, or None."""
    if not can(user, Capability.HOUSING):
        return None
    organisation_id: int | None = getattr(user, "organisation_id", None)
    return organisation_id


# --- Landlords ---------------------------------------------------------------------------------------------------


class LandlordQuerySet(models.QuerySet["Landlord"]):
    def visible_to(self, user: User | AnonymousUser) -> LandlordQuerySet:
        organisation_id = housing_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Landlord(VersionedModel):
    """A landlord recorded with their consent: a private person, a company or the municipal housing company."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="landlords"
    )
    kind = models.CharField(_("kind of landlord"), max_length=20, choices=LandlordKind.choices)
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    preferred_contact = models.CharField(
        _("preferred way of contact"), max_length=15, choices=ContactWay.choices, default=ContactWay.PHONE
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    consent_on = models.DateField(_("consent to being recorded given on"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LandlordQuerySet.as_manager()

    class Meta:
        verbose_name = _("landlord")
        verbose_name_plural = _("landlords")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LandlordKind.values), name="landlord_kind_valid"),
            models.CheckConstraint(
                condition=Q(preferred_contact__in=ContactWay.values), name="landlord_contact_way_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupportQuerySet(models.QuerySet["LandlordSupport"]):
    def visible_to(self, user: User | AnonymousUser) -> SupportQuerySet:
        return self.filter(landlord__in=Landlord.objects.visible_to(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LandlordSupport(VersionedModel):
    """Support agreed with a landlord: advice, help with the lease, a rent-default guarantee (amount and term), an
    occupancy right in return for a renovation grant (the grant's amount, the term of the right)."""

    landlord = models.ForeignKey(Landlord, verbose_name=_("landlord"), on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("support"), max_length=25, choices=SupportKind.choices)
    agreed_on = models.DateField(_("agreed on"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    offer = models.ForeignKey(
        "FlatOffer",
        verbose_name=_("for the flat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("support agreed")
        verbose_name_plural = _("support agreed")
        ordering = ["-agreed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SupportKind.values), name="support_kind_valid"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="support_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("agreed_on")), name="support_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


# --- Flat offers -------------------------------------------------------------------------------------------------


class FlatOfferQuerySet(models.QuerySet["FlatOffer"]):
    def visible_to(self, user: User | AnonymousUser) -> FlatOfferQuerySet:
        """The offers of the user's organisation for its housing staff; offers shared with the user's organisation
        for its housing staff and caseworkers."""
        own = housing_organisation_id(user)
        reader = own if own is not None else casework_organisation_id(user)
        if reader is None:
            return self.none()
        shared = Exists(OfferShare.objects.filter(offer=OuterRef("pk"), organisation_id=reader))
        if own is None:
            return self.filter(shared)
        return self.filter(Q(organisation_id=own) | shared)

    def editable_by(self, user: User | AnonymousUser) -> FlatOfferQuerySet:
        """Only the housing staff of the organisation that acquired an offer change it."""
        organisation_id = housing_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FlatOffer(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="flat_offers"
    )
    landlord = models.ForeignKey(Landlord, verbose_name=_("landlord"), on_delete=models.PROTECT, related_name="offers")
    external_id = models.CharField(_("offer ID (import)"), max_length=64, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="flat_offers"
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    rooms = models.DecimalField(_("rooms"), max_digits=3, decimal_places=1)
    living_space = models.DecimalField(_("living space (m²)"), max_digits=6, decimal_places=1)
    floor = models.SmallIntegerField(_("floor"), default=0, help_text=_("0: ground floor, -1: basement"))
    lift = models.BooleanField(_("lift"), default=False)
    step_free = models.BooleanField(_("step-free access"), default=False)
    rent_cold = models.DecimalField(_("rent without utilities (EUR)"), max_digits=8, decimal_places=2)
    service_charges = models.DecimalField(
        _("service charges without heating (EUR)"), max_digits=8, decimal_places=2, default=0
    )
    heating_costs = models.DecimalField(_("heating costs (EUR)"), max_digits=8, decimal_places=2, default=0)
    heating = models.CharField(_("heating"), max_length=15, choices=Heating.choices, blank=True)
    deposit = models.DecimalField(_("deposit (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    available_from = models.DateField(_("available from"))
    limited_until = models.DateField(_("tenancy limited until"), null=True, blank=True)
    pets_allowed = models.BooleanField(_("pets allowed"), null=True, blank=True)
    max_occupants = models.PositiveSmallIntegerField(_("occupants at most"))
    landlord_wishes = models.TextField(_("the landlord's wishes"), max_length=2000, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=OfferStatus.choices, default=OfferStatus.NEW)
    status_since = models.DateField(_("status since"))
    acquired_on = models.DateField(_("acquired on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FlatOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("flat offer")
        verbose_name_plural = _("flat offers")
        ordering = ["-acquired_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
            models.CheckConstraint(condition=Q(heating="") | Q(heating__in=Heating.values), name="offer_heating_valid"),
            models.CheckConstraint(condition=Q(rooms__gt=0), name="offer_rooms_positive"),
            models.CheckConstraint(condition=Q(living_space__gt=0), name="offer_space_positive"),
            models.CheckConstraint(condition=Q(rent_cold__gte=0), name="offer_rent_not_negative"),
            models.CheckConstraint(
                condition=Q(service_charges__gte=0) & Q(heating_costs__gte=0), name="offer_charges_not_negative"
            ),
            models.CheckConstraint(condition=Q(max_occupants__gte=1), name="offer_occupants_positive"),
            models.CheckConstraint(
                condition=Q(limited_until__isnull=True) | Q(limited_until__gt=models.F("available_from")),
                name="offer_limited_after_available",
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="offer_external_id_unique_per_org",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.street}, {self.municipality.name}"

    @property
    def gross_cold_rent(self) -> Decimal:
        """Rent without utilities plus service charges without heating (Bruttokaltmiete), what the limit caps."""
        return self.rent_cold + self.service_charges


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class OfferShare(models.Model):
    """An offer shared with another organisation: its caseworkers see it and may propose their households."""

    offer = models.ForeignKey(FlatOffer, verbose_name=_("flat offer"), on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("shared with"), on_delete=models.PROTECT, related_name="+"
    )
    shared_on = models.DateField(_("shared on"))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shared offer")
        verbose_name_plural = _("shared offers")
        constraints = [models.UniqueConstraint(fields=["offer", "organisation"], name="offer_share_once")]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.organisation_id}"


class OfferDocumentQuerySet(models.QuerySet["OfferDocument"]):
    def visible_to(self, user: User | AnonymousUser) -> OfferDocumentQuerySet:
        return self.filter(offer__in=FlatOffer.objects.visible_to(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class OfferDocument(models.Model):
    """A photo or the exposé of an offer (stored like the casework documents, under a name that says nothing)."""

    offer = models.ForeignKey(
        FlatOffer, verbose_name=_("flat offer"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=get_document_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type of file"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = OfferDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo or exposé")
        verbose_name_plural = _("photos and exposés")
        ordering = ["uploaded_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="offer_document_not_empty")]

    def __str__(self) -> str:
        return self.title


# --- Rent limits -------------------------------------------------------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RentLimit(VersionedModel):
    """The county's limit of the gross cold rent (and, where set, the living space) a household of a size may rent
    in a municipality while benefits pay the rent, in force from ``valid_from`` until the next limit of the same
    municipality and size. No personal data: every signed-in user reads the limits."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="rent_limits"
    )
    household_size = models.PositiveSmallIntegerField(_("household size (persons)"))
    valid_from = models.DateField(_("valid from"))
    max_gross_cold_rent = models.DecimalField(_("gross cold rent at most (EUR)"), max_digits=8, decimal_places=2)
    max_living_space = models.DecimalField(
        _("living space at most (m²)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rent limit")
        verbose_name_plural = _("rent limits")
        ordering = ["municipality__name", "household_size", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "household_size", "valid_from"], name="rent_limit_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1) & Q(household_size__lte=12), name="rent_limit_size_range"
            ),
            models.CheckConstraint(condition=Q(max_gross_cold_rent__gt=0), name="rent_limit_positive"),
            models.CheckConstraint(
                condition=Q(max_living_space__isnull=True) | Q(max_living_space__gt=0), name="rent_limit_space_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name}, {self.household_size}"


# --- Search profiles ---------------------------------------------------------------------------------------------


def housing_search_consent(organisation_id: int, case_ref: str) -> Exists:
    """A consent of the purpose "Wohnungssuche" naming the organisation, given for the case and not withdrawn."""
    return Exists(
        Consent.objects.filter(
            case_id=OuterRef(case_ref),
            purpose=ConsentPurpose.HOUSING_SEARCH,
            recipient_organisation_id=organisation_id,
            withdrawn_on__isnull=True,
        )
    )


class SearchProfileQuerySet(models.QuerySet["SearchProfile"]):
    def visible_to(self, user: User | AnonymousUser) -> SearchProfileQuerySet:
        """The profiles of the cases the user's organisation keeps (caseworkers and housing staff); for the housing
        staff of another organisation, the profiles whose client consented to the search being passed on to it."""
        casework = casework_organisation_id(user)
        housing = housing_organisation_id(user)
        condition = Q(pk__in=[])
        if casework is not None:
            condition |= Q(case__in=Case.objects.visible_to(user))
        if housing is not None:
            condition |= Q(organisation_id=housing) | Q(housing_search_consent(housing, "case_id"))
        return self.filter(condition)

    def editable_by(self, user: User | AnonymousUser) -> SearchProfileQuerySet:
        """Only the caseworkers of the organisation that keeps the case change the profile."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SearchProfile(VersionedModel):
    """A household's search for a flat (Wohnungssuche), opened by its caseworker from the case."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="search_profiles"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="search_profiles")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="search_profiles"
    )
    adults = models.PositiveSmallIntegerField(_("adults"))
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    needs = ArrayField(
        models.CharField(max_length=20, choices=Need.choices), verbose_name=_("needs"), default=list, blank=True
    )
    preferred_municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("preferred municipalities"), blank=True, related_name="+"
    )
    earliest_move_in = models.DateField(_("earliest move-in"))
    benefits = models.CharField(_("rent paid by"), max_length=10, choices=Benefits.choices, default=Benefits.NONE)
    wbs_until = models.DateField(_("housing entitlement certificate (WBS) valid until"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=25, choices=Urgency.choices, default=Urgency.NORMAL)
    search_started_on = models.DateField(_("search began on"))
    status = models.CharField(_("status"), max_length=10, choices=SearchStatus.choices, default=SearchStatus.SEARCHING)
    status_since = models.DateField(_("status since"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SearchProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("search for a flat")
        verbose_name_plural = _("searches for a flat")
        ordering = ["search_started_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SearchStatus.values), name="search_status_valid"),
            models.CheckConstraint(condition=Q(benefits__in=Benefits.values), name="search_benefits_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="search_urgency_valid"),
            models.CheckConstraint(condition=Q(needs__contained_by=Need.values), name="search_needs_valid"),
            models.CheckConstraint(condition=Q(adults__gte=1), name="search_has_an_adult"),
            # One open search per household at a time.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=[SearchStatus.SEARCHING, SearchStatus.PAUSED]),
                name="search_one_open_per_household",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Search of %(household)s") % {"household": self.household})

    @property
    def size(self) -> int:
        return self.adults + self.children


# --- Placements --------------------------------------------------------------------------------------------------


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: User | AnonymousUser) -> PlacementQuerySet:
        """Placements of the offers the user's housing staff keeps, or of the searches the user may see."""
        condition = Q(profile__in=SearchProfile.objects.visible_to(user))
        organisation_id = housing_organisation_id(user)
        if organisation_id is not None:
            condition |= Q(offer__organisation_id=organisation_id)
        return self.filter(condition)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Placement(VersionedModel):
    """One offer proposed to one household: viewing, acceptance or refusal, the approval of the rent by the job
    centre or social office (Zusicherung) where benefits pay, and the lease."""

    offer = models.ForeignKey(
        FlatOffer, verbose_name=_("flat offer"), on_delete=models.PROTECT, related_name="placements"
    )
    profile = models.ForeignKey(
        SearchProfile, verbose_name=_("search"), on_delete=models.PROTECT, related_name="placements"
    )
    state = models.CharField(_("state"), max_length=15, choices=PlacementState.choices, default=PlacementState.PROPOSED)
    state_since = models.DateField(_("state since"))
    proposed_on = models.DateField(_("proposed on"))
    score = models.DecimalField(_("score when proposed"), max_digits=6, decimal_places=2, null=True, blank=True)
    viewing_at = models.DateTimeField(_("viewing"), null=True, blank=True)
    accompanied_by = models.CharField(_("accompanied by"), max_length=10, choices=Accompaniment.choices, blank=True)
    accompanying_person = models.CharField(_("accompanying person"), max_length=200, blank=True)
    refused_by = models.CharField(_("refused by"), max_length=10, choices=RefusedBy.choices, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=20, choices=RefusalReason.choices, blank=True)
    approval_on = models.DateField(_("rent approved (Zusicherung) on"), null=True, blank=True)
    lease_signed_on = models.DateField(_("lease signed on"), null=True, blank=True)
    lease_starts_on = models.DateField(_("tenancy begins on"), null=True, blank=True)
    agreed_rent = models.DecimalField(
        _("agreed gross cold rent (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-proposed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=PlacementState.values), name="placement_state_valid"),
            models.CheckConstraint(
                condition=Q(accompanied_by="") | Q(accompanied_by__in=Accompaniment.values),
                name="placement_accompaniment_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlacementState.REFUSED) | (~Q(refused_by="") & ~Q(refusal_reason="")),
                name="placement_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlacementState.LEASE)
                | Q(lease_signed_on__isnull=False, lease_starts_on__isnull=False),
                name="placement_lease_has_dates",
            ),
            # An offer is placed with one household at most; one household and one offer meet once while open.
            models.UniqueConstraint(
                fields=["offer"], condition=Q(state=PlacementState.LEASE), name="placement_one_lease_per_offer"
            ),
            models.UniqueConstraint(
                fields=["offer", "profile"],
                condition=Q(state__in=[PlacementState.PROPOSED, PlacementState.VIEWING, PlacementState.ACCEPTED]),
                name="placement_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.profile.household}"
