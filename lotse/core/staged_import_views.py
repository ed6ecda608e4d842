"""The pages of the staged-import lifecycle: upload and recent runs, the report, commit, discard.

Each kind's views declare their capability and call these with their
:class:`~lotse.core.staged_import.Importer`; the URLs and page names stay the
kind's own. A kind's upload form is an :class:`UploadForm`, and its upload page
extends ``UPLOAD_TEMPLATE``, filling in the intro, the format and the export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction, ImportStatus
from lotse.core.jobs import JobState
from lotse.core.models import ImportRun, Organisation, User
from lotse.core.services import log_access
from lotse.core.staged_import import (
    Files,
    Importer,
    check_upload,
    discard_run,
    progress_context,
    recent_runs,
    report_page_context,
    request_commit,
    restart_run,
    runs_of,
)
from lotse.core.web import AuthenticatedRequest, add_errors, reload_page

REPORT_TEMPLATE = "imports/report.html"
PROGRESS_TEMPLATE = "core/_job_progress.html"
UPLOAD_TEMPLATE = "core/staged_import_upload.html"


class UploadForm(forms.Form):
    """The upload form of a staged import kind: the files it checks, and the organisation they are for."""

    def files_to_check(self) -> Files:
        """The uploaded files as (name, content); called once the form is valid."""
        raise NotImplementedError

    def organisation_for(self, user: User) -> Organisation:
        """The organisation the upload is checked for: the user's own, unless the form lets choose another."""
        return user.organisation


UploadFormT = TypeVar("UploadFormT", bound=UploadForm)


def _run(request: AuthenticatedRequest, importer: Importer, pk: int) -> ImportRun:
    """The run, without its file (up to 100 MB, read only by the jobs): its page is polled every two seconds."""
    return get_visible_or_404(runs_of(importer).defer("content"), request.user, pk=pk)


def upload_page(
    request: AuthenticatedRequest,
    importer: Importer,
    form_class: type[UploadFormT],
    *,
    template: str,
    form_kwargs: dict[str, Any] | None = None,
    **context: Any,
) -> HttpResponse:
    """Check a valid upload and show its report; otherwise the form with the recent runs of this kind."""
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None, **(form_kwargs or {}))
    if posted and form.is_valid():
        try:
            run = check_upload(
                importer,
                acting_user=request.user,
                organisation=form.organisation_for(request.user),
                files=form.files_to_check(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(importer.detail_url, pk=run.pk)
    page, runs = recent_runs(importer, request.user, request.GET.get("page"))
    return render(
        request,
        template,
        {"form": form, "page": page, "runs": runs, "detail_url": importer.detail_url, **context},
    )


def report_page(request: AuthenticatedRequest, importer: Importer, pk: int) -> HttpResponse:
    run = _run(request, importer, pk)
    if importer.shows_person_data:
        log_access(acting_user=request.user, action=AccessAction.VIEW, record=run, request=request)
    return render(request, REPORT_TEMPLATE, report_page_context(importer, run, request.user))


def progress(request: AuthenticatedRequest, importer: Importer, pk: int) -> HttpResponse:
    """The progress of a check or commit under way (polled by the report page); once done, the page reloads."""
    run = _run(request, importer, pk)
    context = progress_context(importer, run) if run.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING) else {}
    if not context or context["job"] == JobState.FAILED:
        return reload_page()  # done, or failed: the page shows the report, or offers to start again
    return render(request, PROGRESS_TEMPLATE, context)


def commit(request: AuthenticatedRequest, importer: Importer, pk: int) -> HttpResponse:
    run = _run(request, importer, pk)
    try:
        request_commit(importer, acting_user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(importer.detail_url, pk=run.pk)


def restart(request: AuthenticatedRequest, importer: Importer, pk: int) -> HttpResponse:
    run = _run(request, importer, pk)
    try:
        restart_run(importer, acting_user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(importer.detail_url, pk=run.pk)


def discard(request: AuthenticatedRequest, importer: Importer, pk: int) -> HttpResponse:
    run = _run(request, importer, pk)
    try:
        discard_run(importer, acting_user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(importer.detail_url, pk=run.pk)
    messages.success(request, _("The upload was discarded; its file is deleted."))
    return redirect(importer.upload_url)


class RunViews(NamedTuple):
    """The views of one kind's runs: the report and its progress (GET), commit, discard and restart (POST)."""

    detail: Callable[[AuthenticatedRequest, int], HttpResponse]
    commit: Callable[[AuthenticatedRequest, int], HttpResponse]
    discard: Callable[[AuthenticatedRequest, int], HttpResponse]
    progress: Callable[[AuthenticatedRequest, int], HttpResponse]
    restart: Callable[[AuthenticatedRequest, int], HttpResponse]


def run_views(importer: Importer, capability: Capability) -> RunViews:
    """The views of a kind's runs, each declaring ``capability``; the kind routes them."""

    @capability_required(capability)
    @require_safe
    def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return report_page(request, importer, pk)

    @capability_required(capability)
    @require_POST
    def commit_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return commit(request, importer, pk)

    @capability_required(capability)
    @require_POST
    def discard_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return discard(request, importer, pk)

    @capability_required(capability)
    @require_safe
    @shows_no_person_data
    def progress_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return progress(request, importer, pk)

    @capability_required(capability)
    @require_POST
    def restart_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return restart(request, importer, pk)

    declared = shows_person_data if importer.shows_person_data else shows_no_person_data
    return RunViews(declared(detail), commit_view, discard_view, progress_view, restart_view)
