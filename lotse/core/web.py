"""The view kit every domain app uses: the signed-in request, the form page, conflicts, file downloads.

A view is fetch → query → render: it declares its capability
(``lotse.core.access.capability_required``), fetches through a scoped
queryset (``get_visible_or_404``), builds its page data in the app's
``queries.py``, and changes state only through the app's ``services.py``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from lotse.core.models import User


class AuthenticatedRequest(HttpRequest):
    """A request of a signed-in user: the CapabilityMiddleware lets no other reach a non-public view."""

    user: User


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal above the form (the form's own field errors stay)."""
    for message in error.messages:
        form.add_error(None, message)


def form_after_conflict(form_class: Any, request: HttpRequest, version: int, error: Exception, **kwargs: Any) -> Any:
    """After a concurrent edit: keep the user's input, and check the next save against the current version."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    submit: str,
    back_url: str,
    intro: str = "",
    template: str = "form_page.html",
    **context: Any,
) -> HttpResponse:
    """One page for every small form: crumbs (the template's block), title, intro, fields, save and cancel.

    An invalid POST is answered with 400, so neither a browser nor a test
    mistakes a refused form for a saved one. ``template`` is an app's
    extension of ``form_page.html`` that fills the ``crumbs`` block.
    """
    status = 400 if request.method == "POST" and form.is_bound and form.errors else 200
    page = {"form": form, "title": title, "submit": submit, "back_url": back_url, "intro": intro, **context}
    return render(request, template, page, status=status)


CONTENT_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def file_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download (XLSX, PDF or CSV, by the file name's extension); ``inline`` opens a PDF in the browser."""
    kind = filename.rsplit(".", 1)[-1].lower()
    if kind not in CONTENT_TYPES:
        raise ValueError(f"unknown download type {filename!r}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    return response
