"""Read models of the administrators' pages: the change history and the access log, filtered and paginated."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.text import capfirst

from lotse.core.access import Capability, can
from lotse.core.audit import (
    HISTORY_PAGE_SIZE,
    describe_events,
    filter_events,
    history_for,
    start_of_day,
    tracked_event_models,
    tracked_model_choices,
)
from lotse.core.models import AccessLogEntry, User
from lotse.core.records import RecordName, name_records

ACCESS_LOG_PAGE_SIZE = 50


def audit_user_choices(user: User) -> list[tuple[str, str]]:
    """The users an administrator filters by: those of the organisation (system administrators: everyone)."""
    users = User.objects.all() if can(user, Capability.ADMINISTER_INSTALLATION) else User.objects.visible_to(user)
    rows = users.order_by("last_name", "first_name", "username").only("first_name", "last_name", "username")
    return [(str(row.pk), row.get_full_name() or row.username) for row in rows]


def administration_kinds() -> list[tuple[str, str]]:
    """The kinds of record of the administrators' change history (organisations, municipalities, users)."""
    return tracked_model_choices(tracked_event_models())


def history_page(user: User, filters: dict[str, Any], page_number: str | None) -> dict[str, Any]:
    """A page of the organisation's change history (three queries: count, events, names per model)."""
    page = Paginator(filter_events(history_for(user), filters), HISTORY_PAGE_SIZE).get_page(page_number)
    return {"page": page, "rows": describe_events(user, list(page.object_list))}


def access_log_page(
    user: User, filters: dict[str, Any], page_number: str | None, *, rows: Q | None = None
) -> dict[str, Any]:
    """A page of the access log the user may read, narrowed to ``rows`` (those about one person) and the filters."""
    entries = AccessLogEntry.objects.visible_to(user).select_related("organisation")
    if rows is not None:
        entries = entries.filter(rows)
    if "user" in filters:
        entries = entries.filter(by_id=int(filters["user"]))
    if "since" in filters:
        entries = entries.filter(at__gte=start_of_day(filters["since"]))
    if "until" in filters:
        entries = entries.filter(at__lt=start_of_day(filters["until"] + datetime.timedelta(days=1)))
    page = Paginator(entries.order_by("-at", "-id"), ACCESS_LOG_PAGE_SIZE).get_page(page_number)
    return {"page": page, "entries": describe_access(user, page)}


def describe_access(user: User, page: Page[AccessLogEntry]) -> list[dict[str, Any]]:
    """The entries as rows to read: the reader's name, what they read (named, linked), how and when."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in page.object_list:
        wanted["core.user"].add(str(entry.by_id))
        wanted[entry.record_type].add(entry.record_id)
    named = name_records(user, wanted, {"audit": True})
    described = []
    for entry in page.object_list:
        try:
            kind = capfirst(apps.get_model(entry.record_type)._meta.verbose_name)
        except (LookupError, ValueError):
            kind = entry.record_type
        described.append(
            {
                "at": entry.at,
                "by": named.get(("core.user", str(entry.by_id)), RecordName(str(entry.by_id))),
                "organisation": entry.organisation,
                "action": entry.get_action_display(),
                "kind": kind,
                "record": named.get((entry.record_type, entry.record_id)),
            }
        )
    return described
