"""“Meine Arbeit”: what is due in the caseworker's own cases."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from lotse.cases.queries import FOLLOW_UP_HORIZON_DAYS, MOVE_OUT_HORIZON_DAYS, REVIEW_HORIZON_DAYS, worklist_for
from lotse.cases.views.common import actor_of
from lotse.core.access import Capability, capability_required


@capability_required(Capability.CASEWORK)
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "cases/worklist.html",
        {
            "work": worklist_for(actor_of(request), today),
            "today": today,
            "follow_up_days": FOLLOW_UP_HORIZON_DAYS,
            "review_days": REVIEW_HORIZON_DAYS,
            "expiry_days": settings.LOTSE_RESIDENCE_EXPIRY_WARNING_DAYS,
            "max_years": settings.LOTSE_MAX_CASE_YEARS,
            "move_out_days": MOVE_OUT_HORIZON_DAYS,
        },
    )
