"""The VU monitor of the district office: persons in preliminary accommodation, their months there, asylum
procedure and assignment, and who is due to move on to follow-up accommodation (lotse.accommodation.monitor).

Only the accommodation staff of a Landratsamt read it; the staff of a city hold the same role but do not find
the page (404), as with recording assignments. Every response lists persons: the page logs a row for each stay
it shows, the export one for each stay it contains.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from lotse.accommodation import exports, monitor
from lotse.accommodation.models import monitors_for_county
from lotse.accommodation.queries import with_query
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_accesses
from lotse.core.web import AuthenticatedRequest, file_response


def _check(request: AuthenticatedRequest) -> None:
    if not monitors_for_county(request.user):
        raise Http404


@capability_required(Capability.MONITOR_PRELIMINARY_ACCOMMODATION)
@shows_person_data
@require_safe
def vu_monitor(request: AuthenticatedRequest) -> HttpResponse:
    _check(request)
    result, form = monitor.vu_monitor(request.user, request.GET)
    page = Paginator(result.rows, monitor.ROWS_PER_PAGE).get_page(request.GET.get("page"))
    log_accesses(
        acting_user=request.user, action=AccessAction.VIEW, records=[row.stay for row in page], request=request
    )
    params = request.GET.copy()
    params.pop("page", None)
    without_flag = params.copy()
    without_flag.pop("hinweis", None)
    return render(
        request,
        "accommodation/vu_monitor.html",
        {
            "monitor": result,
            "form": form,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "page": page,
            "rows": page.object_list,
            "query_string": params.urlencode(),
            "flag_query": without_flag.urlencode(),
            "xlsx_url": with_query(reverse("accommodation:vu_monitor_xlsx"), params.urlencode()),
        },
    )


@capability_required(Capability.MONITOR_PRELIMINARY_ACCOMMODATION)
@shows_person_data
@require_safe
def vu_monitor_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """Every row of the filtered monitor (all pages), in the page's order; each stay logged as exported."""
    _check(request)
    result, _form = monitor.vu_monitor(request.user, request.GET)
    log_accesses(
        acting_user=request.user, action=AccessAction.EXPORT, records=[row.stay for row in result.rows], request=request
    )
    return file_response(exports.vu_monitor_xlsx(result), f"vu-monitor-{result.day.isoformat()}.xlsx")


urlpatterns: list[URLPattern] = [
    path("unterbringung/vu-monitor/", vu_monitor, name="vu_monitor"),
    path("unterbringung/vu-monitor/export.xlsx", vu_monitor_xlsx, name="vu_monitor_xlsx"),
]
