"""The start page: what is current for the signed-in user; and where a sign-in leads."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from lotse.core.access import Capability, can, signed_in
from lotse.core.start_page import panels_for
from lotse.core.web import AuthenticatedRequest


@signed_in
@require_safe
def start(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/start.html", {"panels": panels_for(request.user, timezone.localdate())})


@signed_in
@require_safe
def after_sign_in(request: AuthenticatedRequest) -> HttpResponseRedirect:
    """Caseworkers begin their day on "Meine Arbeit"; everyone else on the start page."""
    return redirect("cases:worklist" if can(request.user, Capability.CASEWORK) else "core:start")
