"""Change history and access log, for the administrators of an organisation (READ_AUDIT)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lotse.core import queries
from lotse.core.access import Capability, capability_required
from lotse.core.choices import AccessAction
from lotse.core.forms import AuditFilterForm
from lotse.core.records import person_access
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest


@capability_required(Capability.READ_AUDIT)
@require_safe
def history(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = AuditFilterForm(
        request.GET or None, users=queries.audit_user_choices(user), kinds=queries.administration_kinds()
    )
    filters = form.values()
    return render(
        request,
        "core/history.html",
        {**queries.history_page(user, filters, request.GET.get("page")), "form": form, **_query(request, filters)},
    )


@capability_required(Capability.READ_AUDIT)
@require_safe
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    """The access log; with ``?person=`` the answer to "who saw this person's data, and when?"."""
    user = request.user
    person = None
    if "person" in request.GET:
        person_id = request.GET["person"]
        person = person_access(user, int(person_id)) if person_id.isdigit() and len(person_id) < 10 else None
        if person is None:
            raise Http404
    form = AuditFilterForm(request.GET or None, users=queries.audit_user_choices(user))
    filters = form.values()
    page = queries.access_log_page(user, filters, request.GET.get("page"), rows=person.rows if person else None)
    if person is not None:
        # The page names the person: reading it is itself a view of the person's data.
        log_access(acting_user=user, action=AccessAction.VIEW, record=person.record, request=request)
    return render(request, "core/access_log.html", {**page, "form": form, "person": person, **_query(request, filters)})


def _query(request: AuthenticatedRequest, filters: dict[str, object]) -> dict[str, object]:
    """The filters as a query string for the pagination links, and whether any applies."""
    params = request.GET.copy()
    params.pop("page", None)
    return {"query_string": params.urlencode(), "filtered": bool(filters)}
