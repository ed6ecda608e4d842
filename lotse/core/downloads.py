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
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_stubs_ext import StrOrPromise

from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction, DownloadStatus
from lotse.core.jobs import JobState, job_state
from lotse.core.models import Organisation, PreparedDownload, User
from lotse.core.services import log_access
from lotse.core.transactions import atomic
from lotse.core.web import AuthenticatedRequest, file_response

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


def request_download(kind: DownloadKind, *, acting_user: User, organisation: Organisation) -> PreparedDownload:
    """Queue the preparation of the file, in the caller's transaction."""
    from lotse.core import tasks

    if not can(acting_user, kind.capability) or (
        organisation.pk != acting_user.organisation_id and not can(acting_user, Capability.ADMINISTER_INSTALLATION)
    ):
        raise PermissionDenied
    with atomic():
        download = PreparedDownload.objects.create(
            kind=kind.name,
            organisation=organisation,
            requested_by=acting_user,
            file_name=kind.file_name(organisation),
        )
        download.job_id = tasks.prepare_download.defer(download_id=download.pk)
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
    if not can(download.requested_by, kind.capability):
        return  # the capability was taken since: the page says the file could not be prepared
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
    """Delete the files asked for more than KEPT_HOURS ago; returns how many."""
    cutoff = timezone.now() - timedelta(hours=KEPT_HOURS)
    deleted, _by_model = PreparedDownload.objects.filter(requested_at__lt=cutoff).delete()
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

    def fetch(request: AuthenticatedRequest, pk: int) -> PreparedDownload:
        return get_visible_or_404(PreparedDownload.objects.filter(kind=kind.name), request.user, pk=pk)

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
        if download.status != DownloadStatus.PREPARING:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, STATUS_TEMPLATE, _context(kind, download))

    @capability_required(kind.capability)
    @require_safe
    @shows_person_data
    def file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        download = fetch(request, pk)
        if download.status != DownloadStatus.READY:
            return redirect(kind.page_url, pk=download.pk)
        log_access(acting_user=request.user, action=AccessAction.EXPORT, record=download.organisation, request=request)
        return file_response(bytes(download.content or b""), download.file_name)

    return DownloadViews(page, status, file)
