"""The view kit every domain app uses: the signed-in request, the form page, conflicts, file downloads.

A view is fetch → query → render: it declares its capability
(``lotse.core.access.capability_required``), fetches through a scoped
queryset (``get_visible_or_404``), builds its page data in the app's
``queries.py``, and changes state only through the app's ``services.py``:
a form page saves through ``save_or_show``, a POST-only change runs through
``done_or_flash``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from lotse.core.models import User
from lotse.core.services import ConcurrentEditError
from lotse.core.submissions import mark_saved

FormT = TypeVar("FormT", bound=forms.Form)
ResultT = TypeVar("ResultT")


class AuthenticatedRequest(HttpRequest):
    """A request of a signed-in user: the CapabilityMiddleware lets no other reach a non-public view."""

    user: User


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal above the form (the form's own field errors stay)."""
    for message in error.messages:
        form.add_error(None, message)


def form_after_conflict(
    form_class: Any, request: HttpRequest, version: int | None, error: Exception, **kwargs: Any
) -> Any:
    """After a concurrent edit: keep the user's input, and check the next save against the current version.

    ``version`` is None where the record is gone or not yet written: the next save then expects none.
    """
    data = request.POST.copy()
    data["version"] = "" if version is None else str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form


@dataclass(frozen=True)
class Saved(Generic[ResultT]):
    """What the service returned for a saved form (always true, even where the service returns None)."""

    result: ResultT


def save_or_show(
    request: HttpRequest,
    form: FormT,
    save: Callable[[], ResultT],
    *,
    current_version: Callable[[], int | None] | None = None,
    form_kwargs: Mapping[str, Any] | None = None,
) -> tuple[FormT, Saved[ResultT] | None]:
    """Save a valid POSTed form through ``save`` (a call of a service), or tell on the form why not.

    Returns the form to show and ``Saved`` if the service saved (else None: a GET, an
    invalid form, a refusal). A service's refusal (ValidationError) is shown above the
    form. After a concurrent edit (only where ``current_version`` is given) the form is
    built again from the user's input, with ``form_kwargs``, and checks the next save
    against ``current_version()``.
    """
    if request.method != "POST" or not form.is_valid():
        return form, None
    try:
        result = save()
    except ConcurrentEditError as error:
        if current_version is None:
            raise
        version = current_version()
        return form_after_conflict(type(form), request, version, error, **(form_kwargs or {})), None
    except ValidationError as error:
        add_errors(form, error)
        return form, None
    mark_saved(request)
    return form, Saved(result)


def done_or_flash(request: HttpRequest, change: Callable[[], object]) -> bool:
    """Run ``change`` (a call of a service) for a POST-only view; show a refusal or a conflict as error messages.

    True if the change was made: the view then adds its success message and redirects either way.
    """
    try:
        change()
    except ConcurrentEditError as error:
        messages.error(request, str(error))
        return False
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


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

    A refused form is the page again with its errors, answered with 200 as
    Django's own views do (see ``docs/conventions.md``: a 4xx status would show
    as a failed load in the browser's console on every typing mistake); a
    saved one redirects. ``template`` is an app's extension of
    ``form_page.html`` that fills the ``crumbs`` block.
    """
    page = {"form": form, "title": title, "submit": submit, "back_url": back_url, "intro": intro, **context}
    return render(request, template, page)


CONTENT_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def reload_page() -> HttpResponse:
    """The answer to a poll whose work is done (or failed): htmx reloads the page, which then shows the result."""
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def written_file_response(write: Callable[[io.BytesIO], object], filename: str) -> HttpResponse:
    """A download of what ``write`` writes into a buffer (a workbook, say); the type is the file name's."""
    buffer = io.BytesIO()
    write(buffer)
    return file_response(buffer.getvalue(), filename)


def file_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download (XLSX, PDF or CSV, by the file name's extension); ``inline`` opens a PDF in the browser."""
    kind = filename.rsplit(".", 1)[-1].lower()
    if kind not in CONTENT_TYPES:
        raise ValueError(f"unknown download type {filename!r}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    return response
