"""Change history and access log, for the administrators of an organisation (READ_AUDIT)."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lotse.core.access import Capability, capability_required
from lotse.core.audit import describe_events, history_for
from lotse.core.models import AccessLogEntry
from lotse.core.web import AuthenticatedRequest


@capability_required(Capability.READ_AUDIT)
@require_safe
def history(request: AuthenticatedRequest) -> HttpResponse:
    events = history_for(request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = describe_events(list(page.object_list))
    return render(request, "core/history.html", {"page": page, "rows": rows})


@capability_required(Capability.READ_AUDIT)
@require_safe
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("by", "organisation")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        try:
            entry.record_label = apps.get_model(entry.record_type)._meta.verbose_name
        except LookupError:
            entry.record_label = entry.record_type
    return render(request, "core/access_log.html", {"page": page})
