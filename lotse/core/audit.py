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

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from pghistory import utils as pgh_utils
from pghistory.models import EventsQuery, EventsQueryCompiler

from lotse.core.access import Capability, can
from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, name_records

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

# Fields of a change that say nothing to a reader: the lock counter, the keys, the texts kept for finding a
# person (derived from the names), the content of files and the job that wrote them.
HIDDEN_FIELDS = frozenset({"version", "id", "pgh_obj_id", "password", "search_text", "search_key", "content", "job_id"})

HISTORY_PAGE_SIZE = 50


def tracked_event_models(app_labels: frozenset[str] | None = ADMINISTRATION_APPS) -> list[type]:
    """The pghistory event models of the given Lotse apps (None: of every app)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "pgh_tracked_model", None) is not None
        and model._meta.app_label != "pghistory"
        and (app_labels is None or model._meta.app_label in app_labels)
    ]


def tracked_model_choices(event_models: Iterable[type]) -> list[tuple[str, str]]:
    """The kinds of record of the event models for a filter: (``app.model``, German plural), sorted by name."""
    tracked = [model.pgh_tracked_model for model in event_models]  # type: ignore[attr-defined]
    kinds = {model._meta.label_lower: str(capfirst(model._meta.verbose_name_plural)) for model in tracked}
    return sorted(kinds.items(), key=lambda kind: kind[1])


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


class _GroupedEventsCompiler(EventsQueryCompiler):
    """pghistory's aggregate of events, referencing objects of several models at once.

    pghistory's ``references()`` takes objects of one model; a case's history
    references the case, its household, its persons, its plans and goals, and
    has to be one query so it can be counted, filtered and paginated.
    """

    def _validate(self) -> None:
        return None

    def _get_where_clause(self, event_model: Any) -> str:
        clauses: list[str] = []
        groups: list[tuple[type, list[Any]]] = self.query.reference_groups  # type: ignore[attr-defined]
        for referenced, pks in groups:
            columns = [
                field.column
                for field in event_model._meta.fields
                if pgh_utils.related_model(field) == referenced  # type: ignore[no-untyped-call]
            ]
            if not columns or not pks:
                continue
            with self.connection.cursor() as cursor:
                values = cursor.mogrify("(" + ",".join(["%s"] * len(pks)) + ")", list(pks))
            if isinstance(values, bytes):
                values = values.decode()
            clauses.extend(f"_event.{column} IN {values}" for column in columns)
        return "WHERE " + (" OR ".join(clauses) if clauses else "FALSE")


class _GroupedEventsQuery(EventsQuery):
    reference_groups: list[tuple[type, list[Any]]] = []

    def get_compiler(self, *args: Any, **kwargs: Any) -> Any:
        compiler = super().get_compiler(*args, **kwargs)  # type: ignore[no-untyped-call]
        compiler.__class__ = _GroupedEventsCompiler
        return compiler


def events_referencing(event_models: list[type], groups: Iterable[tuple[type, Iterable[Any]]]) -> QuerySet[Any]:
    """The events of ``event_models`` that reference any of the groups' objects (model, primary keys), one query.

    A filter on the aggregate (``pgh_created_at``, ``pgh_context__user``)
    applies to it; with no event models or no objects it is empty.
    """
    from pghistory.models import Events

    queryset = Events.objects.across(*event_models)
    queryset.query.__class__ = _GroupedEventsQuery
    queryset.query.reference_groups = [(model, sorted({int(pk) for pk in pks})) for model, pks in groups]
    if not event_models or not any(pks for _model, pks in queryset.query.reference_groups):
        return queryset.none()
    return queryset.order_by("-pgh_created_at", "-pgh_id")


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


def filter_events(events: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    """Narrow events by the valid filters of a HistoryFilterForm: who changed, kind of record, from and until a day."""
    if "user" in filters:
        events = events.filter(pgh_context__user=int(filters["user"]))
    if "kind" in filters:
        events = events.filter(pgh_obj_model__in=[apps.get_model(filters["kind"])._meta.label])
    if "since" in filters:
        events = events.filter(pgh_created_at__gte=start_of_day(filters["since"]))
    if "until" in filters:
        events = events.filter(pgh_created_at__lt=start_of_day(filters["until"] + datetime.timedelta(days=1)))
    return events


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the installation's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def describe_events(user: User, events: list[Any], context: NamingContext | None = None) -> list[dict[str, Any]]:
    """The events as rows to read: who, when, which record (named, linked if the reader may open it), and each
    changed field with its label and its values as the reader would read them.

    Names are looked up in one batch per model (``lotse.core.records``), so a
    page of events costs the same few queries whatever it shows.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    parsed = []
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        user_id = (event.pgh_context or {}).get("user")
        if user_id:
            wanted["core.user"].add(str(user_id))
        if event.pgh_obj_id:
            wanted[model._meta.label_lower].add(str(event.pgh_obj_id))
        changes = []
        diff = event.pgh_diff or {}
        if event.pgh_label == "delete" and not diff:
            # What a deleted record said, so the history shows what is gone (not only that something is).
            diff = {
                name: (value, None)
                for name, value in (event.pgh_data or {}).items()
                if name not in HIDDEN_FIELDS and name != "created_at" and value
            }
        for name, (before, after) in sorted(diff.items(), key=lambda item: _field_order(model, item[0])):
            field: Any = _field(model, name)
            if name in HIDDEN_FIELDS or field is None:
                continue
            if isinstance(field, models.ForeignKey):
                wanted[_target_label(field)].update(str(value) for value in (before, after) if value is not None)
            changes.append((field, before, after))
        parsed.append((event, model, changes))
    named = name_records(user, wanted, context)
    rows = []
    for event, model, changes in parsed:
        event_context = event.pgh_context or {}
        user_id = event_context.get("user")
        record = named.get((model._meta.label_lower, str(event.pgh_obj_id)))
        rows.append(
            {
                "at": event.pgh_created_at,
                "by": named.get(("core.user", str(user_id))) if user_id else None,
                "command": event_context.get("command") if not user_id else None,
                "url": event_context.get("url"),
                # Why, where the service asked for a reason (a deleted document, say).
                "reason": event_context.get("reason"),
                "merge": _merge_note(event_context.get("merge")),
                # Facts that flowed between the linked records of one person (lotse.arrivals.exchange).
                "flow": flow_note(event_context.get("flow")),
                "label": event.pgh_label,
                "model": capfirst(model._meta.verbose_name),
                "record": record or RecordName(_record_label(model, event.pgh_data or {})),
                "changes": [
                    {
                        "field": capfirst(field.verbose_name),
                        "before": _as_name(_readable(field, before, named)),
                        "after": _as_name(_readable(field, after, named)),
                    }
                    for field, before, after in changes
                ],
            }
        )
    return rows


def _merge_note(merge: Any) -> str:
    """What a merge of two persons (lotse.people.merge) says in each change it made."""
    if not isinstance(merge, dict):
        return ""
    born = merge.get("removed_birth_date") or "–"
    return _("Merge: “%(name)s” (no. %(removed)s, born %(born)s) was merged into no. %(kept)s.") % {
        "name": merge.get("removed_name", ""),
        "removed": merge.get("removed", ""),
        "born": born,
        "kept": merge.get("kept", ""),
    }


def flow_note(flow: Any) -> str:
    """Where a change came from or went to when facts flowed between two organisations' records of a person."""
    if not isinstance(flow, dict):
        return ""
    organisations = ", ".join(str(name) for name in flow.get("organisations", []))
    notes = {
        "from_accommodation": _("transmitted from the accommodation (%(organisations)s)"),
        "to_casework": _("transmitted to the integration management (%(organisations)s)"),
        "from_casework": _("transmitted from the integration management (%(organisations)s)"),
        "to_accommodation": _("transmitted to the accommodation (%(organisations)s)"),
    }
    note = notes.get(str(flow.get("direction", "")))
    return note % {"organisations": organisations} if note else ""


def _field(model: Any, name: str) -> Any:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _field_order(model: Any, name: str) -> int:
    names = [field.attname for field in model._meta.concrete_fields]
    return names.index(name) if name in names else len(names)


def _target_label(field: Any) -> str:
    """The model a foreign key points to, as ``app_label.model_name``."""
    return str(field.related_model._meta.label_lower)


def _as_name(value: RecordName | str) -> RecordName:
    return value if isinstance(value, RecordName) else RecordName(value)


def _readable(field: Any, value: Any, named: dict[tuple[str, str], RecordName]) -> RecordName | str:
    """A stored value as the reader reads it: a choice's label, a German date, a record's name, yes or no."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(field, models.ForeignKey):
        key = (_target_label(field), str(value))
        return named.get(key) or RecordName(str(_("deleted record")))
    if field.choices:
        labels = {str(code): str(label) for code, label in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), str(value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else str(value)
    if isinstance(field, models.DateField):
        day = parse_date(str(value)[:10])
        return date_format(day, "SHORT_DATE_FORMAT") if day else str(value)
    if isinstance(field, ArrayField):
        base = field.base_field
        return ", ".join(str(_readable(base, item, named)) for item in value)
    if isinstance(value, list | dict):
        return str(value)
    return str(value)


def _record_label(model: Any, data: dict[str, Any]) -> str:
    """The name of a record that no longer exists, from its last snapshot."""
    for key in ("name", "title", "description", "family_name", "username"):
        if data.get(key):
            return str(data[key])
    return ""
