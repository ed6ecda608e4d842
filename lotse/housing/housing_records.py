"""Landlords, their support, flat offers, their photos and shares, and rent limits named for the change history
and the access log (``lotse.core.records``): by name, linked to their page where the reader may open them."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, OfferDocument, OfferShare, RentLimit


def _visible_landlords(user: User, pks: Collection[int]) -> set[int]:
    return set(Landlord.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


def _visible_offers(user: User, pks: Collection[int]) -> set[int]:
    return set(FlatOffer.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


@names_records("housing.landlord")
def name_landlords(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    landlords = list(Landlord.objects.filter(pk__in=pks_of(Landlord, pks)).only("name"))
    visible = _visible_landlords(user, [landlord.pk for landlord in landlords])
    return {
        str(landlord.pk): RecordName(
            _("Landlord %(name)s") % {"name": landlord.name},
            reverse("housing:landlord_detail", args=[landlord.pk]) if landlord.pk in visible else "",
        )
        for landlord in landlords
    }


@names_records("housing.landlordsupport")
def name_support(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = list(
        LandlordSupport.objects.filter(pk__in=pks_of(LandlordSupport, pks))
        .select_related("landlord")
        .only("kind", "landlord__name")
    )
    visible = _visible_landlords(user, [row.landlord_id for row in rows])
    return {
        str(row.pk): RecordName(
            _("%(support)s for %(landlord)s") % {"support": row.get_kind_display(), "landlord": row.landlord.name},
            reverse("housing:landlord_detail", args=[row.landlord_id]) if row.landlord_id in visible else "",
        )
        for row in rows
    }


def _offer_name(offer: FlatOffer) -> str:
    return _("Flat offer %(address)s") % {"address": f"{offer.street}, {offer.municipality.name}"}


@names_records("housing.flatoffer")
def name_offers(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    offers = list(
        FlatOffer.objects.filter(pk__in=pks_of(FlatOffer, pks))
        .select_related("municipality")
        .only("street", "municipality__name")
    )
    visible = _visible_offers(user, [offer.pk for offer in offers])
    return {
        str(offer.pk): RecordName(
            _offer_name(offer), reverse("housing:offer_detail", args=[offer.pk]) if offer.pk in visible else ""
        )
        for offer in offers
    }


@names_records("housing.offerdocument")
def name_offer_documents(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    documents = list(
        OfferDocument.objects.filter(pk__in=pks_of(OfferDocument, pks))
        .select_related("offer__municipality")
        .only("title", "offer__street", "offer__municipality__name")
    )
    visible = _visible_offers(user, [document.offer_id for document in documents])
    return {
        str(document.pk): RecordName(
            f"{document.title} ({_offer_name(document.offer)})",
            reverse("housing:offer_detail", args=[document.offer_id]) if document.offer_id in visible else "",
        )
        for document in documents
    }


@names_records("housing.offershare")
def name_offer_shares(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    shares = list(
        OfferShare.objects.filter(pk__in=pks_of(OfferShare, pks)).select_related("organisation", "offer__municipality")
    )
    visible = _visible_offers(user, [share.offer_id for share in shares])
    return {
        str(share.pk): RecordName(
            _("%(offer)s shared with %(organisation)s")
            % {"offer": _offer_name(share.offer), "organisation": share.organisation.name},
            reverse("housing:offer_detail", args=[share.offer_id]) if share.offer_id in visible else "",
        )
        for share in shares
    }


@names_records("housing.rentlimit")
def name_rent_limits(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    limits = list(RentLimit.objects.filter(pk__in=pks_of(RentLimit, pks)).select_related("municipality"))
    return {
        str(limit.pk): RecordName(
            _("Rent limit of %(municipality)s for %(size)s persons from %(date)s")
            % {
                "municipality": limit.municipality.name,
                "size": limit.household_size,
                "date": limit.valid_from.strftime("%d.%m.%Y"),
            },
            reverse("housing:rent_limit_municipality", args=[limit.municipality_id]),
        )
        for limit in limits
    }
