"""The district office's changes to the county's rent limits (Angemessenheitsgrenzen der Kosten der Unterkunft).

Only the housing staff or the system administration of a Landratsamt keep them (capability KEEP_RENT_LIMITS and
an organisation of kind Landratsamt). A new set of limits is valid from a date for one municipality or several
at once (a comparison area); an entry is corrected in place (optimistic locking). The rule which limit applies on
a day is ``lotse.housing.rent_limits``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.access import CAPABILITIES, Capability, can, require
from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.housing.models import RentLimit

# The household sizes the county's table sets (larger households: lotse.housing.rent_limits extends the table).
HOUSEHOLD_SIZES = range(1, 9)
MAX_RENT = Decimal("99999.99")
MAX_SPACE = Decimal("9999.9")


@dataclass(frozen=True)
class LimitValues:
    """The limit of one household size: the gross cold rent at most and, where set, the living space at most."""

    max_gross_cold_rent: Decimal
    max_living_space: Decimal | None = None


def keeps_rent_limits(user: User | AnonymousUser | None) -> bool:
    """The housing staff or system administration of a Landratsamt."""
    if user is None or not can(user, Capability.KEEP_RENT_LIMITS):
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == OrganisationKind.LANDRATSAMT


def _require(acting_user: User | None) -> None:
    require(acting_user, Capability.KEEP_RENT_LIMITS)
    if acting_user is not None and not keeps_rent_limits(acting_user):
        raise ValidationError(str(CAPABILITIES[Capability.KEEP_RENT_LIMITS].refusal), code="not_allowed")


def check_values(size: int, values: LimitValues) -> None:
    """A limit's amounts: a positive rent, a positive living space where set, within what the fields hold."""
    if size not in HOUSEHOLD_SIZES:
        raise ValidationError(
            _("A household size is a number from %(low)s to %(high)s.")
            % {"low": HOUSEHOLD_SIZES[0], "high": HOUSEHOLD_SIZES[-1]},
            code="size",
        )
    if values.max_gross_cold_rent is None or values.max_gross_cold_rent <= 0:
        raise ValidationError(
            _("The gross cold rent at most for %(size)s persons must be more than 0 euros.") % {"size": size},
            code="rent",
        )
    if values.max_gross_cold_rent > MAX_RENT:
        raise ValidationError(
            _("The gross cold rent at most for %(size)s persons is too large.") % {"size": size}, code="rent"
        )
    space = values.max_living_space
    if space is not None and (space <= 0 or space > MAX_SPACE):
        raise ValidationError(
            _("The living space at most for %(size)s persons must be more than 0 m².") % {"size": size},
            code="space",
        )


def set_limits(
    *,
    acting_user: User | None,
    municipalities: Iterable[Municipality],
    valid_from: datetime.date,
    limits: Mapping[int, LimitValues],
) -> list[RentLimit]:
    """Enter a new set of limits, valid from ``valid_from``, for each municipality given (one, or all of a comparison
    area at once). A limit already set for a municipality, size and day is refused: correct it instead."""
    _require(acting_user)
    chosen = sorted(set(municipalities), key=lambda m: m.name)
    if not chosen:
        raise ValidationError(_("Choose at least one municipality."), code="no_municipality")
    if not limits:
        raise ValidationError(_("Enter the limit of at least one household size."), code="no_limits")
    for size, values in limits.items():
        check_values(size, values)
    with atomic(), audit_context(acting_user):
        taken = list(
            RentLimit.objects.filter(
                municipality__in=chosen, valid_from=valid_from, household_size__in=list(limits)
            ).select_related("municipality")
        )
        if taken:
            first = taken[0]
            raise ValidationError(
                ngettext(
                    "%(municipality)s already has a limit for %(size)s person valid from %(date)s; "
                    "correct that entry instead.",
                    "%(municipality)s already has a limit for %(size)s persons valid from %(date)s; "
                    "correct that entry instead.",
                    first.household_size,
                )
                % {
                    "municipality": first.municipality.name,
                    "size": first.household_size,
                    "date": date_format(valid_from, "SHORT_DATE_FORMAT"),
                },
                code="taken",
            )
        rows = [
            RentLimit(
                municipality=municipality,
                household_size=size,
                valid_from=valid_from,
                max_gross_cold_rent=values.max_gross_cold_rent,
                max_living_space=values.max_living_space,
                created_by=acting_user,
            )
            for municipality in chosen
            for size, values in sorted(limits.items())
        ]
        return RentLimit.objects.bulk_create(rows)


def correct_limit(
    *,
    acting_user: User | None,
    limit: RentLimit,
    expected_version: int,
    max_gross_cold_rent: Decimal,
    max_living_space: Decimal | None,
) -> RentLimit:
    """Correct the amounts of one entry (a new limit from another day is a new entry, not a correction)."""
    _require(acting_user)
    check_values(limit.household_size, LimitValues(max_gross_cold_rent, max_living_space))
    changes = {"max_gross_cold_rent": max_gross_cold_rent, "max_living_space": max_living_space}
    with atomic(), audit_context(acting_user):
        for name, value in changes.items():
            setattr(limit, name, value)
        save_versioned(limit, expected_version, changes)
    return limit
