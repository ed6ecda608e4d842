"""The start page: what the signed-in user can do in Lotse."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lotse.core.access import signed_in
from lotse.core.web import AuthenticatedRequest


@signed_in
@require_safe
def start(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/start.html")
