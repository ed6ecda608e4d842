"""Reading the change history recorded by pghistory, scoped to the reader's organisation; which views show
person data (and so write the access log).

Every view that names a record in its URL declares whether it shows a
person's data: ``@shows_person_data`` (its response writes a row of the
access log through ``lotse.core.services.log_access``) or
``@shows_no_person_data``. The access-log test walks every URL pattern:
one that names a record without a declaration fails, and so does a declared
view whose page, partial, PDF or export, requested by any persona who may
see it, writes no row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import QuerySet

from lotse.core.access import Capability, can
from lotse.core.models import User

V = TypeVar("V", bound=Callable[..., Any])


def shows_person_data(view: V) -> V:
    """Declare that the view shows a person's data to whoever may use it: every response writes the access log."""
    view.lotse_person_data = True  # type: ignore[attr-defined]
    return view


def shows_person_data_to(capability: Capability) -> Callable[[V], V]:
    """Declare that the view shows a person's data only to holders of ``capability`` (others see figures)."""

    def decorate(view: V) -> V:
        view.lotse_person_data = capability  # type: ignore[attr-defined]
        return view

    return decorate


def shows_no_person_data(view: V) -> V:
    """Declare that the view names a record but shows no person's data (a shelter's places, an actor)."""
    view.lotse_person_data = False  # type: ignore[attr-defined]
    return view


def declared_person_data(view: Any) -> bool | Capability | None:
    """True (shows person data), a capability (shows it to its holders), False (shows none), None (undeclared)."""
    return getattr(view, "lotse_person_data", None)


# The administrators' history covers the administration of the installation:
# organisations, municipalities, users. Changes to persons and cases are read
# on the case itself, by those who may see the case (see lotse.cases.history),
# so a handover takes a case's history along and nobody else reads it.
ADMINISTRATION_APPS = frozenset({"core"})


def tracked_event_models(app_labels: frozenset[str] | None = ADMINISTRATION_APPS) -> list[type]:
    """The pghistory event models of the given Lotse apps (None: of every app)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "pgh_tracked_model", None) is not None
        and model._meta.app_label != "pghistory"
        and (app_labels is None or model._meta.app_label in app_labels)
    ]


def newest_events(models: list[type], groups: Iterable[Sequence[Any]], limit: int) -> list[Any]:
    """The newest ``limit`` events of ``models`` that reference the objects of any group, newest first.

    pghistory aggregates events that reference objects of one model per query,
    so each group holds objects of one model: one query a group that is not empty.
    """
    from pghistory.models import Events

    seen: set[str] = set()
    events: list[Any] = []
    for objs in groups:
        if not objs:
            continue
        for event in Events.objects.across(*models).references(objs).order_by("-pgh_created_at")[:limit]:
            if event.pgh_slug not in seen:
                seen.add(event.pgh_slug)
                events.append(event)
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_id), reverse=True)
    return events[:limit]


def history_for(user: User) -> QuerySet[Any]:
    """Events the user may read: everything for system administrators, else those of their organisation.

    An event belongs to an organisation when it references it: an event of
    the organisation itself, or of a record whose organisation (a foreign key
    kept in the event's snapshot) is that organisation.
    """
    from pghistory.models import Events

    events = Events.objects.across(*tracked_event_models())
    if can(user, Capability.ADMINISTER_INSTALLATION):
        return events.order_by("-pgh_created_at", "-pgh_id")
    if can(user, Capability.READ_AUDIT):
        return events.references(user.organisation).order_by("-pgh_created_at", "-pgh_id")
    return events.none()


# Fields of a deleted record the history does not list: keys and bookkeeping.
HIDDEN_FIELDS = frozenset({"id", "version", "search_text", "search_key", "created_at", "pgh_obj_id"})


def describe_events(events: list[Any]) -> list[dict[str, Any]]:
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    users: dict[Any, User] = {u.pk: u for u in User.objects.filter(pk__in=[a for a in user_ids if a])}
    rows = []
    for event in events:
        context = event.pgh_context or {}
        model = apps.get_model(event.pgh_obj_model)
        data = event.pgh_data or {}
        changes = []
        diff = event.pgh_diff or {}
        if event.pgh_label == "delete" and not diff:
            # What a deleted record said, so the history shows what is gone (not only that something is).
            diff = {name: (value, None) for name, value in data.items() if name not in HIDDEN_FIELDS and value}
        for name, (before, after) in diff.items():
            if name in {"version", "pgh_obj_id"}:
                continue
            try:
                label = model._meta.get_field(name).verbose_name
            except Exception:
                label = name
            changes.append({"field": label, "before": before, "after": after})
        rows.append(
            {
                "at": event.pgh_created_at,
                "by": users.get(context.get("user")),
                "command": context.get("command") if not context.get("user") else None,
                "url": context.get("url"),
                "label": event.pgh_label,
                "model": model._meta.verbose_name,
                "record": _record_label(model, data),
                "changes": changes,
                # Why it was done, where the service asks for a reason (a deleted contact).
                "reason": context.get("reason", ""),
            }
        )
    return rows


def _record_label(model: Any, data: dict[str, Any]) -> Any:
    for key in ("username", "name", "family_name", "title", "description"):
        if data.get(key):
            return data[key]
    return data.get("id")
