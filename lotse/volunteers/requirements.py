"""Which requirements a volunteer needs for what, and which are missing or due for renewal.

One rule for every page that proposes or books a volunteer: the sponsorship matching, the interpreter booking
and the coordinator's worklist all ask ``missing_requirements``. A requirement counts on a day when it was met
on or before that day and has not expired (``valid_until`` after the day, or none).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Q

from lotse.volunteers.choices import RequirementKind
from lotse.volunteers.models import Requirement

# The certificate of good conduct is seen again after five years.
CONDUCT_CERTIFICATE_YEARS = 5


class Purpose(StrEnum):
    SPONSORSHIP = "sponsorship"
    # A sponsorship of a household with children: the certificate of good conduct too (work with minors).
    SPONSORSHIP_WITH_MINORS = "sponsorship_with_minors"
    INTERPRETING = "interpreting"


REQUIRED: dict[Purpose, frozenset[str]] = {
    Purpose.SPONSORSHIP: frozenset(
        {RequirementKind.CONFIDENTIALITY, RequirementKind.AGREEMENT, RequirementKind.TRAINING}
    ),
    Purpose.SPONSORSHIP_WITH_MINORS: frozenset(
        {
            RequirementKind.CONFIDENTIALITY,
            RequirementKind.AGREEMENT,
            RequirementKind.TRAINING,
            RequirementKind.CONDUCT_CERTIFICATE,
        }
    ),
    Purpose.INTERPRETING: frozenset({RequirementKind.CONFIDENTIALITY}),
}


def valid_until_for(kind: str, met_on: datetime.date) -> datetime.date | None:
    """When a requirement met on ``met_on`` must be renewed: the certificate after five years, the rest never."""
    if kind != RequirementKind.CONDUCT_CERTIFICATE:
        return None
    try:
        return met_on.replace(year=met_on.year + CONDUCT_CERTIFICATE_YEARS)
    except ValueError:  # 29 February
        return met_on.replace(year=met_on.year + CONDUCT_CERTIFICATE_YEARS, day=28)


def kinds_in_force(volunteer_ids: Iterable[int], on: datetime.date) -> dict[int, set[str]]:
    """The kinds of requirement each volunteer meets on ``on`` (one query)."""
    met: dict[int, set[str]] = defaultdict(set)
    rows = Requirement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=on), volunteer_id__in=list(volunteer_ids), met_on__lte=on
    ).values_list("volunteer_id", "kind")
    for volunteer_id, kind in rows:
        met[volunteer_id].add(kind)
    return met


def missing_requirements(volunteer_ids: Iterable[int], purpose: Purpose, on: datetime.date) -> dict[int, list[str]]:
    """Per volunteer, the kinds of requirement missing for ``purpose`` on ``on`` (empty list: cleared)."""
    ids = list(volunteer_ids)
    met = kinds_in_force(ids, on)
    required = REQUIRED[purpose]
    return {pk: sorted(required - met.get(pk, set())) for pk in ids}
