"""What every casework view shares: the roles, fetching a case in scope, the generic form page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lotse.cases.models import Case, CaseQuerySet
from lotse.core.access import get_visible_or_404
from lotse.core.choices import CASEWORK_ROLES
from lotse.core.models import User

CASEWORK = tuple(CASEWORK_ROLES)


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _cases() -> CaseQuerySet:
    return Case.objects.select_related("organisation", "responsible", "municipality", "household")


def readable_case(request: HttpRequest, pk: int) -> Case:
    """The case if the user may read it (own organisation, or shared by consent); else 404."""
    return get_visible_or_404(_cases(), actor_of(request), pk=pk)


def editable_case(request: HttpRequest, pk: int) -> Case:
    """The case if the user's organisation owns it; a case the user only reads or cannot see is a 404."""
    return get_visible_or_404(_cases().editable_by(actor_of(request)), actor_of(request), pk=pk)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def form_page(
    request: HttpRequest,
    *,
    case: Case | None,
    form: forms.Form,
    title: str,
    submit: str,
    back_url: str,
    intro: str = "",
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """One page layout for the many small forms of a case: breadcrumb, title, form, save and cancel."""
    context = {
        "case": case,
        "form": form,
        "title": title,
        "submit": submit,
        "back_url": back_url,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "cases/form_page.html", context, status=status)


def form_after_conflict(form_class: Any, request: HttpRequest, version: int, error: Exception, **kwargs: Any) -> Any:
    """After a concurrent edit: keep the user's input, and check the next save against the current version."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form
