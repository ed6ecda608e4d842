"""The start page: what the signed-in user can do in Lotse."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.core.access import signed_in


@signed_in
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html")
