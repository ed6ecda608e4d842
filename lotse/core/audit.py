"""Reading the change history recorded by pghistory, scoped to the reader's organisation."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from lotse.core.choices import Role
from lotse.core.models import User


def tracked_event_models() -> list[type]:
    """Every pghistory event model of Lotse's apps."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "pgh_tracked_model", None) is not None and model._meta.app_label != "pghistory"
    ]


def history_for(user: User) -> QuerySet[Any]:
    """Events the user may read: everything for system administrators, else those of their organisation.

    An event belongs to an organisation when it references it: an event of
    the organisation itself, or of a record whose organisation (a foreign key
    kept in the event's snapshot) is that organisation.
    """
    from pghistory.models import Events

    events = Events.objects.across(*tracked_event_models())
    if user.has_role(Role.SYSTEMADMINISTRATION):
        return events.order_by("-pgh_created_at", "-pgh_id")
    if user.has_role(Role.ORGANISATIONSADMINISTRATION):
        return events.references(user.organisation).order_by("-pgh_created_at", "-pgh_id")
    return events.none()
