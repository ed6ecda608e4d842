"""Change history and access log, for the administrators of an organisation."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.core.access import Capability, capability_required
from lotse.core.audit import describe_events, history_for
from lotse.core.choices import Role
from lotse.core.models import AccessLogEntry, User

ADMINS = (Role.ORGANISATIONSADMINISTRATION, Role.SYSTEMADMINISTRATION)


@capability_required(Capability.READ_AUDIT)
def history(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    events = history_for(request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = describe_events(list(page.object_list))
    return render(request, "core/history.html", {"page": page, "rows": rows})


@capability_required(Capability.READ_AUDIT)
def access_log(request: HttpRequest) -> HttpResponse:
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("by", "organisation")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        try:
            entry.record_label = apps.get_model(entry.record_type)._meta.verbose_name
        except LookupError:
            entry.record_label = entry.record_type
    return render(request, "core/access_log.html", {"page": page})
