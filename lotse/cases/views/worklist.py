"""“Meine Arbeit”: what is due in the caseworker's own cases; and all open follow-up tasks."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from lotse.arrivals.exchange_queries import notices_for
from lotse.cases.queries import (
    FOLLOW_UP_HORIZON_DAYS,
    MOVE_OUT_HORIZON_DAYS,
    REVIEW_HORIZON_DAYS,
    open_follow_ups_page,
    substitutions_of,
    worklist_for,
)
from lotse.core.access import Capability, can, capability_required
from lotse.core.choices import AccessAction
from lotse.core.services import log_accesses
from lotse.core.web import AuthenticatedRequest


@capability_required(Capability.CASEWORK)
@require_safe
def worklist(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    work = worklist_for(request.user, today)
    substitutions = substitutions_of(request.user, today)
    # Housing situations that flowed in from the accommodation of linked clients (lotse.arrivals).
    notices = notices_for(request.user)
    # The page names clients, their cases and documents: each is in the access log (once).
    shown = [record for worklist in (work, *(w for _s, w in substitutions)) for record in worklist.shown_records()]
    shown += [notice.person for notice in notices]
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=shown, request=request)
    return render(
        request,
        "cases/worklist.html",
        {
            "work": work,
            "exchange_notices": notices,
            # The colleagues the user substitutes for today, each in a section of her own.
            "substitutions": [
                {"substitution": substitution, "work": absent_work, "prefix": f"s{substitution.pk}"}
                for substitution, absent_work in substitutions
            ],
            "today": today,
            "follow_up_days": FOLLOW_UP_HORIZON_DAYS,
            "review_days": REVIEW_HORIZON_DAYS,
            "expiry_days": settings.LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS,
            "max_years": settings.LOTSE_MAX_CASE_YEARS,
            "move_out_days": MOVE_OUT_HORIZON_DAYS,
            "document_days": settings.LOTSE_DOCUMENT_EXPIRY_WARNING_DAYS,
            "arrival_days": settings.LOTSE_ARRIVAL_FIRST_CONTACT_DAYS,
        },
    )


@capability_required(Capability.CASEWORK)
@require_safe
def follow_up_list(request: AuthenticatedRequest) -> HttpResponse:
    """“Alle offenen Wiedervorlagen”: the user's open follow-up tasks whenever due; a team lead may see the team's."""
    may_see_team = can(request.user, Capability.LEAD_TEAM)
    team = may_see_team and request.GET.get("scope") == "team"
    page = open_follow_ups_page(request.user, team=team, page_number=request.GET.get("page"))
    page.object_list = list(page.object_list)
    cases = [follow_up.case for follow_up in page.object_list]
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=cases, request=request)
    return render(
        request,
        "cases/follow_up_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "team": team,
            "may_see_team": may_see_team,
            "query_string": "scope=team" if team else "",
        },
    )
