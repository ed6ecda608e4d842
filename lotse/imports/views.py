"""Import and export of workbooks, for organisation and system administrators."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.choices import ADMIN_ROLES, Role
from lotse.core.models import Organisation, User
from lotse.imports import services
from lotse.imports.engine import SUMMARY_SHEETS, ImportReport, summary_label
from lotse.imports.export import EXAMPLE, export_workbook, template_workbook
from lotse.imports.forms import ExportForm, UploadForm
from lotse.imports.models import ImportRun, ImportStatus

ADMINS = tuple(ADMIN_ROLES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _organisations(user: User) -> QuerySet[Organisation] | None:
    """The organisations the user may choose (system administrators), or None for their own only."""
    if user.has_role(Role.SYSTEMADMINISTRATION):
        return Organisation.objects.order_by("name")
    return None


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = _organisations(user)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, organisations=organisations)
    if posted and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or user.organisation
        files = [(upload.name or "", upload.read()) for upload in form.cleaned_data["workbook"]]
        try:
            run = services.check_upload(acting_user=user, organisation=organisation, files=files)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:detail", pk=run.pk)
    runs = ImportRun.objects.workbooks().visible_to(user).select_related("organisation", "uploaded_by", "committed_by")
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/overview.html",
        {
            "form": form,
            "export_form": ExportForm(organisations=organisations) if organisations is not None else None,
            "page": page,
            "show_org": organisations is not None,
        },
    )


@capability_required(Capability.IMPORT_WORKBOOKS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(
        ImportRun.objects.workbooks().select_related("organisation", "uploaded_by"), request.user, pk=pk
    )
    report = ImportReport.from_json(run.report)
    earlier = services.earlier_commit(run.organisation, run.file_hash)
    counts = [(sheet, counts) for sheet, counts in report.counts.items() if sheet not in SUMMARY_SHEETS]
    summaries = [(summary_label(key), counts) for key, counts in report.counts.items() if key in SUMMARY_SHEETS]
    return render(
        request,
        "imports/detail.html",
        {
            "run": run,
            "report": report,
            "counts": counts,
            "summaries": summaries,
            "earlier": earlier if earlier and earlier.pk != run.pk else None,
            "pending": run.status == ImportStatus.CHECKED,
            "more_problems": report.problem_count - len(report.problems),
        },
    )


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(ImportRun.objects.workbooks().select_related("organisation"), request.user, pk=pk)
    try:
        report = services.commit_run(acting_user=_user(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if report.committed:
            messages.success(request, _("The workbook was imported."))
        else:
            messages.error(
                request, _("The data changed since the check: the workbook now has problems. Nothing was imported.")
            )
    return redirect("imports:detail", pk=run.pk)


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(ImportRun.objects.workbooks().select_related("organisation"), request.user, pk=pk)
    try:
        services.discard_run(acting_user=_user(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The upload was discarded; its file is deleted."))
    return redirect("imports:overview")


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_POST
def export(request: HttpRequest) -> HttpResponseBase:
    """All records of the organisation as a workbook (written to the access log)."""
    user = _user(request)
    organisations = _organisations(user)
    organisation = user.organisation
    if organisations is not None:
        form = ExportForm(request.POST, organisations=organisations)
        if not form.is_valid():
            messages.error(request, _("Choose an organisation to export."))
            return redirect("imports:overview")
        organisation = form.cleaned_data["organisation"]
    buffer = io.BytesIO()
    export_workbook(organisation, user, buffer)
    buffer.seek(0)
    name = f"lotse-{organisation.short_name}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


@capability_required(Capability.IMPORT_WORKBOOKS)
def template(request: HttpRequest) -> HttpResponseBase:
    buffer = io.BytesIO()
    template_workbook(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="lotse-vorlage.xlsx", content_type=XLSX)


@capability_required(Capability.IMPORT_WORKBOOKS)
def example(request: HttpRequest) -> HttpResponseBase:
    buffer = io.BytesIO()
    template_workbook(buffer, EXAMPLE)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="lotse-beispiel.xlsx", content_type=XLSX)
