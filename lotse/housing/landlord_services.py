"""The housing staff's changes to its landlords and the support agreed with them.

Every change is a service: keyword arguments, the acting user first (None: a management command or the demo),
``require`` of the capability HOUSING in the landlord's organisation, one transaction with its audit trail. A
refusal is a ValidationError with a German message and changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.housing.choices import ContactWay, LandlordKind, SupportKind
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport

# What a form may set on a landlord (the consent has its own arguments).
LANDLORD_FIELDS = (
    "kind",
    "name",
    "contact_person",
    "email",
    "phone",
    "street",
    "postal_code",
    "town",
    "preferred_contact",
    "notes",
)
_TEXT_FIELDS = ("name", "contact_person", "email", "phone", "street", "postal_code", "town", "notes")

# The support that is money for a term: the amount and the end of the term are required.
WITH_AMOUNT_AND_TERM = (SupportKind.RENT_GUARANTEE, SupportKind.OCCUPANCY_RIGHT)


def _today() -> datetime.date:
    return timezone.localdate()


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(acting_user: User | None, organisation_id: int) -> None:
    require(acting_user, Capability.HOUSING, organisation_id=organisation_id)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(LANDLORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown landlord fields {sorted(unknown)}")
    cleaned = dict(fields)
    for name in _TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError(_("A landlord needs a name."), code="no_name")
    if "kind" in cleaned and cleaned["kind"] not in LandlordKind.values:
        raise ValidationError(_("Unknown kind of landlord “%(value)s”.") % {"value": cleaned["kind"]})
    if "preferred_contact" in cleaned and cleaned["preferred_contact"] not in ContactWay.values:
        raise ValidationError(_("Unknown way of contact “%(value)s”.") % {"value": cleaned["preferred_contact"]})
    return cleaned


def _check_contact(landlord: Landlord) -> None:
    """The way of contact the landlord prefers can be taken: their e-mail address or phone number is known."""
    if landlord.preferred_contact == ContactWay.EMAIL and not landlord.email:
        raise ValidationError(_("The landlord prefers e-mail: enter their e-mail address."), code="no_email")
    if landlord.preferred_contact == ContactWay.PHONE and not landlord.phone:
        raise ValidationError(_("The landlord prefers the phone: enter their phone number."), code="no_phone")


def _check_consent(consent_on: datetime.date | None) -> datetime.date:
    if consent_on is None:
        raise ValidationError(
            _("A landlord is recorded only with their consent: enter the date they consented."), code="no_consent"
        )
    if consent_on > _today():
        raise ValidationError(_("The consent cannot be dated in the future."), code="consent_future")
    return consent_on


def create_landlord(
    *, acting_user: User | None, organisation: Organisation, consent_on: datetime.date | None, **fields: Any
) -> Landlord:
    """Record a landlord with their consent to being recorded (its date, and the acting user who recorded it)."""
    _require(acting_user, organisation.pk)
    consent = _check_consent(consent_on)
    cleaned = _clean_fields(fields)
    if "kind" not in cleaned:
        raise ValidationError(_("Choose the kind of landlord."), code="no_kind")
    with atomic(), audit_context(acting_user):
        landlord = Landlord(organisation=organisation, consent_on=consent, consent_recorded_by=acting_user, **cleaned)
        _check_contact(landlord)
        landlord.full_clean(exclude=["organisation", "consent_recorded_by"])
        landlord.save()
    return landlord


def update_landlord(
    *,
    acting_user: User | None,
    landlord: Landlord,
    expected_version: int,
    consent_on: datetime.date | None = None,
    **fields: Any,
) -> Landlord:
    """Change a landlord's details (optimistic locking); ``consent_on``, if given, corrects the consent's date."""
    _require(acting_user, landlord.organisation_id)
    cleaned = _clean_fields(fields)
    if consent_on is not None:
        cleaned["consent_on"] = _check_consent(consent_on)
    with atomic(), audit_context(acting_user):
        for name, value in cleaned.items():
            setattr(landlord, name, value)
        _check_contact(landlord)
        landlord.full_clean(exclude=["organisation", "consent_recorded_by"])
        save_versioned(landlord, expected_version, cleaned)
    return landlord


# --- Support agreed ---------------------------------------------------------------------------------------------


def _check_support(
    *,
    landlord: Landlord,
    kind: str,
    agreed_on: datetime.date,
    amount: Decimal | None,
    ends_on: datetime.date | None,
    offer: FlatOffer | None,
) -> None:
    if kind not in SupportKind.values:
        raise ValidationError(_("Unknown kind of support “%(value)s”.") % {"value": kind})
    if agreed_on > _today():
        raise ValidationError(_("The agreement cannot be dated in the future."), code="agreed_future")
    if amount is not None and amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="amount_negative")
    if kind in WITH_AMOUNT_AND_TERM:
        label = SupportKind(kind).label
        if amount is None or amount == 0:
            raise ValidationError(_("Enter the amount of the %(support)s.") % {"support": label}, code="amount_missing")
        if ends_on is None:
            raise ValidationError(
                _("Enter the end of the term of the %(support)s.") % {"support": label}, code="term_missing"
            )
    elif amount is not None:
        raise ValidationError(
            _("Only a rent-default guarantee or an occupancy right has an amount."), code="amount_not_allowed"
        )
    if ends_on is not None and ends_on < agreed_on:
        raise ValidationError(
            _("The support cannot end before it was agreed (%(date)s).") % {"date": _short(agreed_on)},
            code="ends_before",
        )
    if offer is not None and offer.landlord_id != landlord.pk:
        raise ValidationError(_("The flat is not one of this landlord's offers."), code="other_landlord")


def add_support(
    *,
    acting_user: User | None,
    landlord: Landlord,
    kind: str,
    agreed_on: datetime.date,
    amount: Decimal | None = None,
    ends_on: datetime.date | None = None,
    offer: FlatOffer | None = None,
    note: str = "",
) -> LandlordSupport:
    """Record support agreed with the landlord; a rent-default guarantee and an occupancy right for a renovation
    grant have their amount and the end of their term."""
    _require(acting_user, landlord.organisation_id)
    _check_support(landlord=landlord, kind=kind, agreed_on=agreed_on, amount=amount, ends_on=ends_on, offer=offer)
    with atomic(), audit_context(acting_user):
        support = LandlordSupport(
            landlord=landlord,
            kind=kind,
            agreed_on=agreed_on,
            amount=amount,
            ends_on=ends_on,
            offer=offer,
            note=note.strip(),
        )
        support.full_clean(exclude=["landlord", "offer"])
        support.save()
    return support


def correct_support(
    *,
    acting_user: User | None,
    support: LandlordSupport,
    expected_version: int,
    agreed_on: datetime.date,
    amount: Decimal | None,
    ends_on: datetime.date | None,
    offer: FlatOffer | None,
    note: str,
) -> LandlordSupport:
    """Correct what was recorded of an agreement (its kind stays; a different support is a new agreement)."""
    landlord = support.landlord
    _require(acting_user, landlord.organisation_id)
    _check_support(
        landlord=landlord, kind=support.kind, agreed_on=agreed_on, amount=amount, ends_on=ends_on, offer=offer
    )
    changes = {"agreed_on": agreed_on, "amount": amount, "ends_on": ends_on, "offer": offer, "note": note.strip()}
    with atomic(), audit_context(acting_user):
        for name, value in changes.items():
            setattr(support, name, value)
        support.full_clean(exclude=["landlord", "offer"])
        save_versioned(support, expected_version, changes)
    return support


def end_support(
    *, acting_user: User | None, support: LandlordSupport, expected_version: int, on: datetime.date
) -> LandlordSupport:
    """End the support on ``on`` (not in the future, not before it was agreed, not after its agreed end)."""
    _require(acting_user, support.landlord.organisation_id)
    today = _today()
    if on > today:
        raise ValidationError(_("The end cannot be in the future."), code="end_future")
    if support.ends_on is not None and support.ends_on <= today:
        raise ValidationError(
            _("This support already ended on %(date)s.") % {"date": _short(support.ends_on)}, code="already_ended"
        )
    if on < support.agreed_on:
        raise ValidationError(
            _("The support cannot end before it was agreed (%(date)s).") % {"date": _short(support.agreed_on)},
            code="ends_before",
        )
    with atomic(), audit_context(acting_user):
        support.ends_on = on
        save_versioned(support, expected_version, {"ends_on": on})
    return support


def support_in_force(support: LandlordSupport, on: datetime.date) -> bool:
    """Whether the agreement holds on ``on`` (agreed by then, its term not over)."""
    return support.agreed_on <= on and (support.ends_on is None or support.ends_on >= on)
