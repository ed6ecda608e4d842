"""Change history and access log, for the administrators of an organisation."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.core.access import roles_required
from lotse.core.audit import history_for
from lotse.core.choices import Role
from lotse.core.models import AccessLogEntry, User

ADMINS = (Role.ORGANISATIONSADMINISTRATION, Role.SYSTEMADMINISTRATION)


@roles_required(*ADMINS)
def history(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    events = history_for(request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = _describe_events(list(page.object_list))
    return render(request, "core/history.html", {"page": page, "rows": rows})


def _describe_events(events: list[Any]) -> list[dict[str, Any]]:
    actor_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    actors: dict[Any, User] = {u.pk: u for u in User.objects.filter(pk__in=[a for a in actor_ids if a])}
    rows = []
    for event in events:
        context = event.pgh_context or {}
        model = apps.get_model(event.pgh_obj_model)
        data = event.pgh_data or {}
        changes = []
        for name, (before, after) in (event.pgh_diff or {}).items():
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
                "actor": actors.get(context.get("user")),
                "command": context.get("command") if not context.get("user") else None,
                "url": context.get("url"),
                "label": event.pgh_label,
                "model": model._meta.verbose_name,
                "record": data.get("username") or data.get("name") or data.get("id"),
                "changes": changes,
            }
        )
    return rows


@roles_required(*ADMINS)
def access_log(request: HttpRequest) -> HttpResponse:
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("actor", "organisation")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        try:
            entry.record_label = apps.get_model(entry.record_type)._meta.verbose_name
        except LookupError:
            entry.record_label = entry.record_type
    return render(request, "core/access_log.html", {"page": page})
