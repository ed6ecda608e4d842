"""Large exports written in the background: asked for on a page, prepared by a job, downloaded when ready.

An export of a county's organisation (100,000 persons) takes minutes, far
longer than a request may run. The user asks for it; a background job
(``lotse.core.tasks.prepare_download``) writes the file into a
:class:`~lotse.core.models.PreparedDownload`; its page polls until it is ready
and then offers the file. Only who asked for it may fetch it; it holds
personal data, so it is deleted a day later (``delete_expired_downloads``).
Each download is written to the access log.

A kind of export registers a :class:`DownloadKind` (its name, the capability
it needs, how the file is named and written); its app routes the views of
:func:`download_views`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_stubs_ext import StrOrPromise

from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction, DownloadStatus
from lotse.core.jobs import JobState, job_state
from lotse.core.models import JobProgress, Organisation, PreparedDownload, User
from lotse.core.services import log_access
from lotse.core.transactions import atomic
from lotse.core.web import AuthenticatedRequest, file_response, reload_page

# How long a prepared file is kept for its user.
KEPT_HOURS = 24
PAGE_TEMPLATE = "core/prepared_download.html"
STATUS_TEMPLATE = "core/_prepared_download_status.html"


@dataclass(frozen=True)
class DownloadKind:
    """One kind of large export: who may ask for it, its file's name, and how it is written."""

    name: str
    capability: Capability
    # (organisation) -> the file's name
    file_name: Callable[[Organisation], str]
    # (organisation, acting user, stream): writes the file (and logs the export, as any export does)
    write: Callable[[Organisation, User, IO[bytes]], None]
    # URL names of its pages (each with the download's pk): the page, its status (polled), the file
    page_url: str
    status_url: str
    file_url: str
    # Where the user asked for it (the page links back)
    back_url: str
    title: StrOrPromise


_KINDS: dict[str, DownloadKind] = {}


def register(kind: DownloadKind) -> DownloadKind:
    """Make a kind known to the background job, which finds it by the download's kind."""
    _KINDS[kind.name] = kind
    return kind


def may_export(user: User, kind: DownloadKind, organisation: Organisation) -> bool:
    """Who holds the capability exports their own organisation; installation administrators any."""
    if not user.is_active or not can(user, kind.capability):
        return False
    return organisation.pk == user.organisation_id or can(user, Capability.ADMINISTER_INSTALLATION)


def request_download(kind: DownloadKind, *, acting_user: User, organisation: Organisation) -> PreparedDownload:
    """Queue the preparation of the file, in the caller's transaction; one being prepared already is reused.

    The job waits for the organisation's import under way (and an import for it): an export does not read
    half of what an import changes, nor give records their IDs while an import matches by them.
    """
    from lotse.core import tasks

    if not may_export(acting_user, kind, organisation):
        raise PermissionDenied
    with atomic():
        waiting = (
            PreparedDownload.objects.visible_to(acting_user)
            .filter(kind=kind.name, organisation=organisation, status=DownloadStatus.PREPARING)
            .defer("content")
            .first()
        )
        if waiting is not None and job_state(waiting.job_id) != JobState.FAILED:
            return waiting
        download = PreparedDownload.objects.create(
            kind=kind.name,
            organisation=organisation,
            requested_by=acting_user,
            file_name=kind.file_name(organisation),
        )
        download.job_id = tasks.prepare_download.configure(lock=f"import-{organisation.pk}").defer(
            download_id=download.pk
        )
        download.save(update_fields=["job_id"])
    return download


def run_prepare(download_id: int) -> None:
    """The job: write the file and keep it; gone meanwhile (expired, its user deleted), nothing is done."""
    download = (
        PreparedDownload.objects.select_related("organisation", "requested_by")
        .filter(pk=download_id, status=DownloadStatus.PREPARING)
        .first()
    )
    if download is None:
        return
    kind = _KINDS[download.kind]
    if not may_export(download.requested_by, kind, download.organisation):
        # The capability or the organisation changed since: the job fails, and its page says so.
        raise PermissionDenied("the user who asked may no longer export this organisation")
    buffer = io.BytesIO()
    kind.write(download.organisation, download.requested_by, buffer)
    PreparedDownload.objects.filter(pk=download_id, status=DownloadStatus.PREPARING).update(
        status=DownloadStatus.READY, content=buffer.getvalue(), ready_at=timezone.now()
    )


def prepared_for(user: User, kind: DownloadKind, count: int = 5) -> list[PreparedDownload]:
    """The user's latest files of ``kind`` still kept (being prepared or ready), newest first."""
    found = PreparedDownload.objects.visible_to(user).filter(kind=kind.name).defer("content")
    return list(found.select_related("organisation")[:count])


def delete_expired() -> int:
    """Delete the files asked for more than KEPT_HOURS ago, and the progress of jobs long gone; returns how many
    files."""
    cutoff = timezone.now() - timedelta(hours=KEPT_HOURS)
    deleted, _by_model = PreparedDownload.objects.filter(requested_at__lt=cutoff).delete()
    JobProgress.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def _context(kind: DownloadKind, download: PreparedDownload) -> dict[str, Any]:
    preparing = download.status == DownloadStatus.PREPARING
    return {
        "kind": kind,
        "download": download,
        "preparing": preparing,
        "job": str(job_state(download.job_id)) if preparing else str(JobState.DONE),
        "kept_until": download.requested_at + timedelta(hours=KEPT_HOURS),
    }


class DownloadViews(NamedTuple):
    """The views of one kind: ask (POST), the page and its polled status (GET), the file (GET)."""

    page: Callable[[AuthenticatedRequest, int], HttpResponse]
    status: Callable[[AuthenticatedRequest, int], HttpResponse]
    file: Callable[[AuthenticatedRequest, int], HttpResponse]


def ask(request: AuthenticatedRequest, kind: DownloadKind, organisation: Organisation) -> HttpResponse:
    """Queue the export and send the user to its page (for the kind's own POST view, which picks the organisation)."""
    download = request_download(kind, acting_user=request.user, organisation=organisation)
    return redirect(kind.page_url, pk=download.pk)


def download_views(kind: DownloadKind) -> DownloadViews:
    """The page, status and file views of ``kind``, each declaring its capability; the kind routes them."""

    def fetch(request: AuthenticatedRequest, pk: int, *, with_file: bool = False) -> PreparedDownload:
        """The user's own download of this kind, still kept, and still theirs to export; else a 404."""
        kept = PreparedDownload.objects.filter(
            kind=kind.name, requested_at__gte=timezone.now() - timedelta(hours=KEPT_HOURS)
        ).select_related("organisation")
        download = get_visible_or_404(kept if with_file else kept.defer("content"), request.user, pk=pk)
        if not may_export(request.user, kind, download.organisation):
            raise Http404
        return download

    @capability_required(kind.capability)
    @require_safe
    @shows_no_person_data
    def page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return render(request, PAGE_TEMPLATE, _context(kind, fetch(request, pk)))

    @capability_required(kind.capability)
    @require_safe
    @shows_no_person_data
    def status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        download = fetch(request, pk)
        context = _context(kind, download)
        if download.status != DownloadStatus.PREPARING or context["job"] == JobState.FAILED:
            return reload_page()  # ready, or failed: the page offers the file, or says what to do
        return render(request, STATUS_TEMPLATE, context)

    @capability_required(kind.capability)
    @require_safe
    @shows_person_data
    def file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        download = fetch(request, pk, with_file=True)
        if download.status != DownloadStatus.READY:
            return redirect(kind.page_url, pk=download.pk)
        log_access(acting_user=request.user, action=AccessAction.EXPORT, record=download.organisation, request=request)
        return file_response(bytes(download.content or b""), download.file_name)

    return DownloadViews(page, status, file)
