"""Keeping the responsibilities for integration management: only system administrators (or the demo loader)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import formats
from django.utils.translation import gettext as _

from lotse.arrivals.models import INTEGRATION_MANAGEMENT_KINDS, PersonLink, Responsibility
from lotse.core.access import Capability, can, require
from lotse.core.models import Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError, audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import ResidenceStatus
from lotse.people.models import Person

FIELDS = frozenset(
    {"municipality", "organisation", "district", "residence_status", "valid_from", "valid_until", "note"}
)


def _unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"unknown fields of a responsibility: {sorted(unknown)}")


def _period(responsibility: Responsibility) -> str:
    start = formats.date_format(responsibility.valid_from, "SHORT_DATE_FORMAT")
    if responsibility.valid_until is None:
        return _("from %(start)s, open-ended") % {"start": start}
    end = formats.date_format(responsibility.valid_until, "SHORT_DATE_FORMAT")
    return _("%(start)s to %(end)s") % {"start": start, "end": end}


def _overlap(responsibility: Responsibility) -> ValidationError:
    return ValidationError(
        _(
            "%(organisation)s is already responsible for %(municipality)s with the same district and residence "
            "status (%(period)s). Periods of the same responsibility must not overlap."
        )
        % {
            "organisation": responsibility.organisation.name,
            "municipality": responsibility.municipality.name,
            "period": _period(responsibility),
        },
        code="responsibility_overlap",
    )


def _check(responsibility: Responsibility) -> None:
    """The rules, in the order a user fixes them: dates, organisation, overlap; then the model's own checks."""
    responsibility.district = responsibility.district.strip()
    if responsibility.valid_until is not None and responsibility.valid_until < responsibility.valid_from:
        raise ValidationError(_("The responsibility cannot end before it begins."), code="dates_ordered")
    if responsibility.organisation.kind not in INTEGRATION_MANAGEMENT_KINDS:
        raise ValidationError(
            _(
                "%(organisation)s does no integration management: only a district office, a municipality, "
                "a welfare association or an association can be responsible."
            )
            % {"organisation": responsibility.organisation.name},
            code="not_integration_management",
        )
    if responsibility.residence_status not in ("", *ResidenceStatus.values):
        raise ValidationError(_("Choose a residence status from the list."), code="residence_status")
    clash = _overlapping(responsibility).first()
    if clash is not None:
        raise _overlap(clash)
    responsibility.full_clean()


def _overlapping(responsibility: Responsibility) -> Any:
    candidates = Responsibility.objects.select_related("organisation", "municipality").filter(
        organisation_id=responsibility.organisation_id,
        municipality_id=responsibility.municipality_id,
        # The query compares districts without regard to case, so "Eglosheim" and "eglosheim" are one district.
        district__iexact=responsibility.district,
        residence_status=responsibility.residence_status,
    )
    if responsibility.valid_until is not None:
        candidates = candidates.filter(valid_from__lte=responsibility.valid_until)
    candidates = candidates.exclude(valid_until__lt=responsibility.valid_from)
    if responsibility.pk is not None:
        candidates = candidates.exclude(pk=responsibility.pk)
    return candidates.order_by("valid_from")


def _save(responsibility: Responsibility, save: Any) -> Any:
    """Run ``save``; a concurrent save of an overlapping period (the exclusion constraint) is the overlap message."""
    try:
        with atomic():
            return save()
    except IntegrityError as error:
        if "responsibility_no_overlap" in str(error):
            clash = _overlapping(responsibility).first()
            raise _overlap(clash or responsibility) from error
        raise


def create_responsibility(
    *,
    acting_user: User | None,
    municipality: Municipality,
    organisation: Organisation,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    district: str = "",
    residence_status: str = "",
    note: str = "",
) -> Responsibility:
    require(acting_user, Capability.MANAGE_RESPONSIBILITIES)
    with atomic(), audit_context(acting_user):
        responsibility = Responsibility(
            municipality=municipality,
            organisation=organisation,
            valid_from=valid_from,
            valid_until=valid_until,
            district=district,
            residence_status=residence_status,
            note=note,
        )
        _check(responsibility)
        _save(responsibility, responsibility.save)
        return responsibility


def update_responsibility(
    *, acting_user: User | None, responsibility: Responsibility, expected_version: int, **fields: Any
) -> Responsibility:
    require(acting_user, Capability.MANAGE_RESPONSIBILITIES)
    _unknown(fields)
    with atomic(), audit_context(acting_user):
        for name, value in fields.items():
            setattr(responsibility, name, value)
        _check(responsibility)
        names = [name for name in FIELDS if name in fields or name == "district"]
        return _save(responsibility, lambda: save_versioned(responsibility, expected_version, names))


def end_responsibility(
    *, acting_user: User | None, responsibility: Responsibility, expected_version: int, valid_until: datetime.date
) -> Responsibility:
    """The responsibility ends on ``valid_until`` (its last day); later it no longer applies."""
    return update_responsibility(
        acting_user=acting_user,
        responsibility=responsibility,
        expected_version=expected_version,
        valid_until=valid_until,
    )


def delete_responsibility(*, acting_user: User | None, responsibility: Responsibility, expected_version: int) -> None:
    """Remove a responsibility entered by mistake (one that ended is ended instead, so its history stays)."""
    require(acting_user, Capability.MANAGE_RESPONSIBILITIES)
    with atomic(), audit_context(acting_user):
        deleted, _rows = Responsibility.objects.filter(pk=responsibility.pk, version=expected_version).delete()
        if not deleted:
            raise ConcurrentEditError


# Linking the accommodation record and the casework record of one person


def link_records(*, acting_user: User | None, accommodation_person: Person, casework_person: Person) -> PersonLink:
    """Pair the accommodation record and the casework record of one person (idempotent: an existing pair is
    returned). Facts flow only while the client's consent is in force (``PersonLink.objects.exchanging_with``).

    The acting user does casework for the organisation that keeps the casework record, or is of the accommodation
    staff of the organisation a caseworker asked to link (an open ``LinkRequest``, see
    ``lotse.arrivals.exchange.confirm_link_request``) and may read the accommodation record (``None``: a
    management command or the demo loader); the two records are kept by two different organisations.
    """
    _check_may_link(acting_user, accommodation_person, casework_person)
    if accommodation_person.organisation_id == casework_person.organisation_id:
        raise ValidationError(
            _("Both records are kept by the same organisation; there is nothing to link."), code="same_organisation"
        )
    with atomic(), audit_context(acting_user):
        existing = (
            PersonLink.objects.select_for_update()
            .filter(casework_person=casework_person)
            .select_related("accommodation_person")
            .first()
        )
        if existing is not None:
            if existing.accommodation_person_id == accommodation_person.pk:
                return existing
            raise ValidationError(
                _("The client's record is already linked with another accommodation record."), code="already_linked"
            )
        try:
            with atomic():
                return PersonLink.objects.create(
                    accommodation_person=accommodation_person, casework_person=casework_person, created_by=acting_user
                )
        except IntegrityError:
            # The same pair linked at the same moment by someone else.
            return PersonLink.objects.get(accommodation_person=accommodation_person, casework_person=casework_person)


def _check_may_link(acting_user: User | None, accommodation_person: Person, casework_person: Person) -> None:
    if acting_user is None or (
        can(acting_user, Capability.CASEWORK) and acting_user.organisation_id == casework_person.organisation_id
    ):
        return
    from lotse.accommodation.models import residents_visible_to
    from lotse.arrivals.models import LinkRequest

    asked = (
        can(acting_user, Capability.MANAGE_SHELTERS)
        and LinkRequest.objects.open()
        .filter(casework_person=casework_person, housing_organisation_id=acting_user.organisation_id)
        .exists()
        and residents_visible_to(acting_user).filter(pk=accommodation_person.pk).exists()
    )
    if not asked:
        require(acting_user, Capability.CASEWORK, organisation_id=casework_person.organisation_id, code="not_owner")
