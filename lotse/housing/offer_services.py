"""The housing staff's changes to its flat offers: recording and editing them, their status, sharing them with
another organisation, their photos and exposés.

The status is a state machine: neu → geprüft → reserviert (and back to geprüft when a reservation falls through),
zurückgezogen from any open state; vermittelt (placed) only through :func:`mark_placed`, which the placement
pipeline calls when a lease is signed. Every change is a service (``require`` of HOUSING in the offer's
organisation, one transaction, its audit trail); a refusal is a ValidationError with a German message.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.documents import content
from lotse.documents.services import remove_after_commit, remove_stored, store_file
from lotse.housing.choices import OPEN_OFFER_STATES, Heating, OfferStatus
from lotse.housing.models import FlatOffer, Landlord, OfferDocument, OfferShare

# What a form or the demo may set on an offer (status, organisation and who created it have their own ways).
OFFER_FIELDS = (
    "landlord",
    "external_id",
    "street",
    "postal_code",
    "municipality",
    "district",
    "rooms",
    "living_space",
    "floor",
    "lift",
    "step_free",
    "rent_cold",
    "service_charges",
    "heating_costs",
    "heating",
    "deposit",
    "available_from",
    "limited_until",
    "pets_allowed",
    "max_occupants",
    "landlord_wishes",
    "notes",
    "acquired_on",
)
_TEXT_FIELDS = ("external_id", "street", "postal_code", "district", "landlord_wishes", "notes")
_REQUIRED = ("landlord", "street", "municipality", "rooms", "living_space", "rent_cold", "available_from")

# Which status the housing staff may set after which (vermittelt only through mark_placed).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.NEW: frozenset({OfferStatus.CHECKED, OfferStatus.WITHDRAWN}),
    OfferStatus.CHECKED: frozenset({OfferStatus.RESERVED, OfferStatus.WITHDRAWN}),
    OfferStatus.RESERVED: frozenset({OfferStatus.CHECKED, OfferStatus.WITHDRAWN}),
    OfferStatus.PLACED: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
}
# A photo or an exposé: images and PDF documents only.
OFFER_FILE_KINDS = (content.JPEG, content.PNG, content.PDF)
TITLE_LENGTH = 200


def _today() -> datetime.date:
    return timezone.localdate()


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(acting_user: User | None, organisation_id: int) -> None:
    require(acting_user, Capability.HOUSING, organisation_id=organisation_id)


def _label(status: str) -> str:
    return str(OfferStatus(status).label)


def _clean_fields(fields: dict[str, Any], organisation_id: int) -> dict[str, Any]:
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields {sorted(unknown)}")
    cleaned = dict(fields)
    for name in _TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "street" in cleaned and not cleaned["street"]:
        raise ValidationError(_("Enter the street and number of the flat."), code="no_street")
    landlord = cleaned.get("landlord")
    if "landlord" in cleaned and (not isinstance(landlord, Landlord) or landlord.organisation_id != organisation_id):
        raise ValidationError(_("Choose one of your organisation's landlords."), code="landlord")
    if "municipality" in cleaned and not isinstance(cleaned["municipality"], Municipality):
        raise ValidationError(_("Choose the municipality of the flat."), code="municipality")
    if cleaned.get("heating") and cleaned["heating"] not in Heating.values:
        raise ValidationError(_("Unknown heating “%(value)s”.") % {"value": cleaned["heating"]})
    for name, message in (
        ("rooms", _("A flat has at least one room.")),
        ("living_space", _("Enter the living space in square metres.")),
    ):
        if name in cleaned and (cleaned[name] is None or Decimal(cleaned[name]) <= 0):
            raise ValidationError(message, code=name)
    for name in ("rent_cold", "service_charges", "heating_costs", "deposit"):
        if cleaned.get(name) is not None and Decimal(cleaned[name]) < 0:
            raise ValidationError(_("Amounts of money cannot be negative."), code="negative")
    if "max_occupants" in cleaned and (cleaned["max_occupants"] is None or cleaned["max_occupants"] < 1):
        raise ValidationError(_("At least one person may live in the flat."), code="occupants")
    if cleaned.get("acquired_on") is not None and cleaned["acquired_on"] > _today():
        raise ValidationError(_("The offer cannot have been acquired in the future."), code="acquired_future")
    return cleaned


def _check_dates(offer: FlatOffer) -> None:
    if offer.limited_until is not None and offer.limited_until <= offer.available_from:
        raise ValidationError(
            _("A limited tenancy ends after the flat becomes available (%(date)s).")
            % {"date": _short(offer.available_from)},
            code="limited_before",
        )


def create_offer(*, acting_user: User | None, organisation: Organisation, **fields: Any) -> FlatOffer:
    """Record a flat offer of one of the organisation's landlords; it is new since the day it was acquired."""
    _require(acting_user, organisation.pk)
    cleaned = _clean_fields(fields, organisation.pk)
    missing = [name for name in _REQUIRED if cleaned.get(name) in (None, "")]
    if missing:
        label = getattr(FlatOffer._meta.get_field(missing[0]), "verbose_name", missing[0])
        raise ValidationError(_("Enter the %(field)s of the offer.") % {"field": label}, code="missing")
    cleaned.setdefault("acquired_on", _today())
    cleaned.setdefault("max_occupants", 1)
    with atomic(), audit_context(acting_user):
        offer = FlatOffer(
            organisation=organisation,
            status=OfferStatus.NEW,
            status_since=cleaned["acquired_on"],
            created_by=acting_user,
            **cleaned,
        )
        _check_dates(offer)
        if (
            offer.external_id
            and FlatOffer.objects.filter(organisation=organisation, external_id=offer.external_id).exists()
        ):
            raise ValidationError(
                _("Another offer already has the offer ID “%(id)s”.") % {"id": offer.external_id}, code="duplicate_id"
            )
        offer.full_clean(exclude=["organisation", "landlord", "municipality", "created_by"])
        offer.save()
    return offer


def update_offer(*, acting_user: User | None, offer: FlatOffer, expected_version: int, **fields: Any) -> FlatOffer:
    """Change the details of an offer (optimistic locking); a placed or withdrawn offer is no longer changed."""
    _require(acting_user, offer.organisation_id)
    if offer.status not in OPEN_OFFER_STATES:
        raise ValidationError(
            _("The offer is “%(status)s” and can no longer be changed.") % {"status": _label(offer.status)},
            code="closed",
        )
    cleaned = _clean_fields(fields, offer.organisation_id)
    if cleaned.get("acquired_on") is not None and cleaned["acquired_on"] > offer.status_since:
        raise ValidationError(
            _("The offer's status dates from %(date)s; it cannot have been acquired later.")
            % {"date": _short(offer.status_since)},
            code="acquired_after_status",
        )
    with atomic(), audit_context(acting_user):
        if cleaned.get("external_id"):
            others = FlatOffer.objects.filter(organisation_id=offer.organisation_id, external_id=cleaned["external_id"])
            if others.exclude(pk=offer.pk).exists():
                raise ValidationError(
                    _("Another offer already has the offer ID “%(id)s”.") % {"id": cleaned["external_id"]},
                    code="duplicate_id",
                )
        for name, value in cleaned.items():
            setattr(offer, name, value)
        _check_dates(offer)
        offer.full_clean(exclude=["organisation", "landlord", "municipality", "created_by"])
        save_versioned(offer, expected_version, cleaned)
    return offer


def _check_status_date(offer: FlatOffer, on: datetime.date) -> None:
    if on > _today():
        raise ValidationError(_("The date of the change cannot be in the future."), code="on_future")
    if on < offer.status_since:
        raise ValidationError(
            _("The offer has been “%(status)s” since %(date)s; the change cannot be dated earlier.")
            % {"status": _label(offer.status), "date": _short(offer.status_since)},
            code="on_before",
        )


def change_status(
    *, acting_user: User | None, offer: FlatOffer, expected_version: int, status: str, on: datetime.date
) -> FlatOffer:
    """Move the offer to another status (guarded transitions), dated ``on``."""
    _require(acting_user, offer.organisation_id)
    if status not in OfferStatus.values:
        raise ValidationError(_("Unknown status “%(value)s”.") % {"value": status})
    if status == offer.status:
        raise ValidationError(_("The offer is already “%(status)s”.") % {"status": _label(status)}, code="same_status")
    if status == OfferStatus.PLACED:
        raise ValidationError(
            _("An offer is placed when the lease is signed: record the lease in the placement."), code="placed_by_lease"
        )
    if status not in STATUS_TRANSITIONS[offer.status]:
        raise ValidationError(
            _("An offer that is “%(old)s” cannot become “%(new)s”.")
            % {"old": _label(offer.status), "new": _label(status)},
            code="transition",
        )
    _check_status_date(offer, on)
    with atomic(), audit_context(acting_user):
        offer.status = status
        offer.status_since = on
        save_versioned(offer, expected_version, ["status", "status_since"])
    return offer


def mark_placed(*, acting_user: User | None, offer: FlatOffer, on: datetime.date) -> FlatOffer:
    """The offer is placed (vermittelt) from ``on``: called by the placement pipeline when the lease is signed.

    Locks the offer's row (the caller's transaction holds it until its own end); an offer that is no longer open
    (placed or withdrawn meanwhile) is refused. ``offer`` is updated in place with its new version.
    """
    _require(acting_user, offer.organisation_id)
    with atomic(), audit_context(acting_user):
        locked = FlatOffer.objects.select_for_update(of=("self",)).get(pk=offer.pk)
        if locked.status not in OPEN_OFFER_STATES:
            raise ValidationError(
                _("The offer is “%(status)s”; it cannot be placed.") % {"status": _label(locked.status)},
                code="not_open",
            )
        if on > _today():
            raise ValidationError(_("The lease cannot be signed in the future."), code="on_future")
        if on < locked.status_since:
            raise ValidationError(
                _("The offer has been “%(status)s” since %(date)s; it cannot be placed earlier.")
                % {"status": _label(locked.status), "date": _short(locked.status_since)},
                code="on_before",
            )
        locked.status = OfferStatus.PLACED
        locked.status_since = on
        save_versioned(locked, locked.version, ["status", "status_since"])
    offer.status, offer.status_since, offer.version = locked.status, locked.status_since, locked.version
    return offer


# --- Sharing ----------------------------------------------------------------------------------------------------


def share_offer(
    *, acting_user: User | None, offer: FlatOffer, organisation: Organisation, on: datetime.date | None = None
) -> OfferShare:
    """Share an open offer with another organisation: its caseworkers see it and may propose their households."""
    _require(acting_user, offer.organisation_id)
    on = on or _today()
    if organisation.pk == offer.organisation_id:
        raise ValidationError(_("The offer is your organisation's own."), code="own")
    if offer.status not in OPEN_OFFER_STATES:
        raise ValidationError(
            _("The offer is “%(status)s”; only an open offer is shared.") % {"status": _label(offer.status)},
            code="closed",
        )
    if on > _today():
        raise ValidationError(_("The offer cannot be shared in the future."), code="on_future")
    with atomic(), audit_context(acting_user):
        if OfferShare.objects.filter(offer=offer, organisation=organisation).exists():
            raise ValidationError(
                _("The offer is already shared with %(organisation)s.") % {"organisation": organisation.name},
                code="already_shared",
            )
        return OfferShare.objects.create(offer=offer, organisation=organisation, shared_on=on, shared_by=acting_user)


def end_share(*, acting_user: User | None, share: OfferShare) -> None:
    """Stop sharing the offer with the organisation: its caseworkers no longer see it (the history keeps who and
    when)."""
    _require(acting_user, share.offer.organisation_id)
    with atomic(), audit_context(acting_user):
        deleted, _rows = OfferShare.objects.filter(pk=share.pk).delete()
        if not deleted:
            raise ValidationError(_("The offer is no longer shared with this organisation."), code="gone")


# --- Photos and exposés -----------------------------------------------------------------------------------------


def add_document(
    *, acting_user: User | None, offer: FlatOffer, file: File[bytes], file_name: str, title: str = ""
) -> OfferDocument:
    """Keep a photo (JPEG, PNG) or the exposé (PDF) of the offer, checked like a case's documents before it is
    stored."""
    _require(acting_user, offer.organisation_id)
    title = title.strip()
    if len(title) > TITLE_LENGTH:
        raise ValidationError(
            _("The title may have at most %(limit)s characters.") % {"limit": TITLE_LENGTH}, code="title"
        )
    stored = store_file(
        file,
        file_name,
        kinds=OFFER_FILE_KINDS,
        refusal=_("A photo or an exposé is a JPEG or PNG image or a PDF document."),
    )
    try:
        with atomic(), audit_context(acting_user):
            document = OfferDocument(
                offer=offer,
                title=title or stored.checked.name,
                original_name=stored.checked.name,
                content_type=stored.checked.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=acting_user,
            )
            document.file.name = stored.name
            document.full_clean(exclude=["offer", "uploaded_by"])
            document.save()
            return document
    except BaseException:
        remove_stored(stored.name)
        raise


def delete_document(*, acting_user: User | None, document: OfferDocument) -> None:
    """Delete a photo or exposé; its file goes once the deletion is committed."""
    _require(acting_user, document.offer.organisation_id)
    stored = document.file.name
    with atomic(), audit_context(acting_user):
        document.delete()
        remove_after_commit(stored)


def is_image(document: OfferDocument) -> bool:
    return document.content_type in (content.JPEG.content_type, content.PNG.content_type)
