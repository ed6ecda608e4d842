"""Records of the sponsorship tests, built through the services (no fixtures: the app's conftest is shared)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lotse.core.models import Organisation
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers import volunteer_services
from lotse.volunteers.choices import RequirementKind, VolunteerStatus
from lotse.volunteers.models import Participation, Programme, Volunteer

SPONSORSHIP_KINDS = (RequirementKind.CONFIDENTIALITY, RequirementKind.AGREEMENT, RequirementKind.TRAINING)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def programme(organisation: Organisation, name: str = "Willkommen in Ludwigsburg") -> Programme:
    return services.ensure_programme(acting_user=None, organisation=organisation, name=name, started_on=days_ago(400))


def volunteer(
    organisation: Organisation,
    family_name: str,
    *,
    given_names: str = "Anna",
    cleared: bool = True,
    certificate: bool = True,
    status: str = VolunteerStatus.ACTIVE,
    languages: dict[str, str] | None = None,
    **fields: Any,
) -> Volunteer:
    created = volunteer_services.register_volunteer(
        acting_user=None,
        organisation=organisation,
        family_name=family_name,
        given_names=given_names,
        status=VolunteerStatus.ACTIVE,
        status_since=days_ago(300),
        consent_on=days_ago(300),
        languages=list((languages or {}).items()),
        **fields,
    )
    if status != VolunteerStatus.ACTIVE:
        # A volunteer begins active or interested; pausing or leaving is a step of its own.
        created = volunteer_services.change_status(
            acting_user=None,
            volunteer=created,
            expected_version=created.version,
            status=status,
            on=days_ago(100),
            reason="Umzug" if status == VolunteerStatus.LEFT else "",
        )
    kinds = list(SPONSORSHIP_KINDS) if cleared else []
    if certificate:
        kinds.append(RequirementKind.CONDUCT_CERTIFICATE)
    for kind in kinds:
        volunteer_services.add_requirement(acting_user=None, volunteer=created, kind=kind, met_on=days_ago(200))
    return created


def household(
    in_programme: Programme,
    *members: dict[str, Any],
    **fields: Any,
) -> Participation:
    people = list(members) or [
        {"family_name": "Haddad", "given_names": "Rania", "birth_date": datetime.date(1990, 3, 1)}
    ]
    for person in people:
        if person.get("birth_date") is not None:
            person.setdefault("birth_date_precision", "day")
    return services.register_newcomers(
        acting_user=None, programme=in_programme, members=people, joined_on=days_ago(100), **fields
    )


def child(family_name: str = "Haddad", given_names: str = "Omar") -> dict[str, Any]:
    return {"family_name": family_name, "given_names": given_names, "birth_date": days_ago(365 * 8)}
