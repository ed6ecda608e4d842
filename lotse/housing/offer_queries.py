"""The read models of the landlord, offer and rent-limit pages, each in a fixed number of queries.

Landlords and offers are fetched through their ``visible_to`` querysets; the rent limits are no personal data and
read by every signed-in user.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet

from lotse.core.models import Municipality, Organisation, User
from lotse.housing.choices import OPEN_OFFER_STATES, OfferStatus
from lotse.housing.landlord_services import support_in_force
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, OfferDocument, OfferShare, RentLimit
from lotse.housing.offer_services import STATUS_TRANSITIONS, is_image
from lotse.housing.rent_limit_services import HOUSEHOLD_SIZES
from lotse.housing.rent_limits import Limit, limit_from, limits_in_force

PAGE_SIZE = 50


# --- Landlords --------------------------------------------------------------------------------------------------


def landlord_list(user: User, filters: Mapping[str, Any], page_number: str | None) -> Page[Landlord]:
    """A page of the landlords the user sees, searched by name, contact, e-mail, phone or town, each with the
    number of its offers and of those still open (two queries)."""
    landlords = Landlord.objects.visible_to(user)
    if kind := filters.get("kind"):
        landlords = landlords.filter(kind=kind)
    if query := filters.get("q"):
        landlords = landlords.filter(
            Q(name__icontains=query)
            | Q(contact_person__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
            | Q(town__icontains=query)
        )
    landlords = landlords.annotate(
        offer_count=Count("offers", distinct=True),
        open_count=Count("offers", filter=Q(offers__status__in=OPEN_OFFER_STATES), distinct=True),
    ).order_by("name", "pk")
    return Paginator(landlords, PAGE_SIZE).get_page(page_number)


@dataclass
class SupportRow:
    support: LandlordSupport
    in_force: bool


def landlord_page(landlord: Landlord, today: datetime.date) -> dict[str, Any]:
    """A landlord's page: the offers (newest first) and the support agreed, each marked whether in force."""
    offers = list(landlord.offers.select_related("municipality").order_by("-acquired_on", "-pk"))
    support = list(
        LandlordSupport.objects.filter(landlord=landlord).select_related("offer__municipality").order_by("-agreed_on")
    )
    return {
        "landlord": landlord,
        "offers": offers,
        "support_rows": [SupportRow(item, support_in_force(item, today)) for item in support],
        "today": today,
    }


# --- Offers -----------------------------------------------------------------------------------------------------


def filtered_offers(user: User, filters: Mapping[str, Any]) -> QuerySet[FlatOffer]:
    offers = FlatOffer.objects.visible_to(user)
    if status := filters.get("status"):
        offers = offers.filter(status__in=OPEN_OFFER_STATES) if status == "open" else offers.filter(status=status)
    if municipality := filters.get("municipality"):
        offers = offers.filter(municipality=municipality)
    if rooms := filters.get("rooms"):
        offers = offers.filter(rooms__gte=rooms)
    if query := filters.get("q"):
        offers = offers.filter(Q(street__icontains=query) | Q(district__icontains=query) | Q(external_id__iexact=query))
    return offers


@dataclass
class OfferList:
    page: Page[Any]
    status_counts: list[tuple[str, str, int]]


def offer_list(user: User, filters: Mapping[str, Any], page_number: str | None) -> OfferList:
    """A page of the offers the user sees (own and shared), filtered, with the count of each status: three
    queries whatever the rows."""
    counts = dict(
        FlatOffer.objects.visible_to(user).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    offers = (
        filtered_offers(user, filters)
        .select_related("municipality", "landlord", "organisation")
        .annotate(gross_cold=F("rent_cold") + F("service_charges"))
        .order_by("-acquired_on", "-pk")
    )
    page = Paginator(offers, PAGE_SIZE).get_page(page_number)
    status_counts = [(value, str(label), int(counts.get(value, 0))) for value, label in OfferStatus.choices]
    return OfferList(page=page, status_counts=status_counts)


@dataclass
class LimitCheck:
    """Whether the offer's gross cold rent is within the county's limit for a household of ``size``."""

    size: int
    limit: Limit | None
    gross_cold_rent: Decimal
    living_space: Decimal

    @property
    def within(self) -> bool | None:
        return None if self.limit is None else self.gross_cold_rent <= self.limit.max_gross_cold_rent

    @property
    def space_within(self) -> bool | None:
        if self.limit is None or self.limit.max_living_space is None:
            return None
        return self.living_space <= self.limit.max_living_space


def limit_checks(offer: FlatOffer, on: datetime.date) -> list[LimitCheck]:
    """For household sizes 1 to the flat's maximum occupants: the limit in the offer's municipality on ``on`` and
    whether the gross cold rent (and the living space) is within it (one query)."""
    in_force = limits_in_force([offer.municipality_id], on)
    gross = Decimal(offer.rent_cold) + Decimal(offer.service_charges)
    space = Decimal(offer.living_space)
    return [
        LimitCheck(size, limit_from(in_force, offer.municipality_id, size), gross, space)
        for size in range(1, offer.max_occupants + 1)
    ]


def offer_page(offer: FlatOffer, user: User, today: datetime.date, *, editable: bool) -> dict[str, Any]:
    """An offer's page: the gross cold rent and the limit check per household size, the photos and exposés, the
    organisations it is shared with, the support agreed for it, the status changes allowed."""
    documents = list(OfferDocument.objects.filter(offer=offer).select_related("uploaded_by").order_by("uploaded_at"))
    shares = list(OfferShare.objects.filter(offer=offer).select_related("organisation", "shared_by"))
    support = list(LandlordSupport.objects.filter(offer=offer).order_by("-agreed_on")) if editable else []
    return {
        "offer": offer,
        "editable": editable,
        "gross_cold_rent": offer.gross_cold_rent,
        "limit_checks": limit_checks(offer, today),
        "photos": [d for d in documents if is_image(d)],
        "exposes": [d for d in documents if not is_image(d)],
        "documents": documents,
        "shares": shares,
        "support_rows": [SupportRow(item, support_in_force(item, today)) for item in support],
        "next_states": offer_page_states(offer),
        "is_open": offer.status in OPEN_OFFER_STATES,
        "today": today,
    }


def offer_page_states(offer: FlatOffer) -> list[tuple[str, str]]:
    """The states the housing staff may move the offer to from its current one."""
    return [(value, str(label)) for value, label in OfferStatus.choices if value in STATUS_TRANSITIONS[offer.status]]


def share_candidates(offer: FlatOffer) -> QuerySet[Organisation]:
    """The organisations the offer may be shared with: every other one it is not shared with yet."""
    return (
        Organisation.objects.exclude(pk=offer.organisation_id)
        .exclude(pk__in=OfferShare.objects.filter(offer=offer).values("organisation_id"))
        .order_by("name")
    )


# --- Rent limits ------------------------------------------------------------------------------------------------


@dataclass
class LimitRow:
    municipality: Municipality
    cells: list[RentLimit | None]

    @property
    def complete(self) -> bool:
        return all(cell is not None for cell in self.cells)


def rent_limit_table(on: datetime.date, query: str = "") -> list[LimitRow]:
    """Every municipality by household size 1..8 with the limit in force on ``on`` (two queries)."""
    municipalities = Municipality.objects.order_by("name", "ags")
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(ags__startswith=query))
    rows = list(municipalities)
    in_force = limits_in_force([m.pk for m in rows], on)
    return [LimitRow(m, [in_force.get((m.pk, size)) for size in HOUSEHOLD_SIZES]) for m in rows]


def limit_history(municipality: Municipality) -> list[RentLimit]:
    """Every entry of a municipality, newest first per size (the page where an entry is corrected)."""
    return list(
        RentLimit.objects.filter(municipality=municipality)
        .select_related("created_by")
        .order_by("-valid_from", "household_size")
    )


def exported_limits() -> QuerySet[RentLimit]:
    """Every entry of every municipality, in the order of the table (the export)."""
    return RentLimit.objects.select_related("municipality").order_by(
        "municipality__name", "municipality__ags", "valid_from", "household_size"
    )
