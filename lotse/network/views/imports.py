"""The actor import for network editors: upload a list, read the dry run, commit or discard it."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases.views.common import actor_of
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.choices import NETWORK_EDITOR_ROLES
from lotse.imports.models import ImportRun, ImportRunQuerySet, ImportStatus
from lotse.network import actor_import as importer
from lotse.network.actor_import import CREATED, UNCHANGED, UPDATED, ActorReport

EDITORS = tuple(NETWORK_EDITOR_ROLES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 20


# A directory of a few hundred actors is a few hundred kilobytes; the casework workbook's limit is far too big.
ACTOR_LIST_MAX_MEGABYTES = 10


class ActorListForm(forms.Form):
    actor_list = forms.FileField(
        label=gettext_lazy("List of actors"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (separated by semicolons or commas)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt", "class": "form-control"}),
    )

    def clean_actor_list(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["actor_list"]
        limit = ACTOR_LIST_MAX_MEGABYTES
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload


def _runs() -> ImportRunQuerySet:
    return ImportRun.objects.actor_lists().select_related("organisation", "uploaded_by", "committed_by")


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return get_visible_or_404(_runs(), actor_of(request), pk=pk)


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def actor_import(request: HttpRequest) -> HttpResponse:
    """The upload form and the recent actor imports the user may see."""
    user = actor_of(request)
    posted = request.method == "POST"
    form = ActorListForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["actor_list"]
        run = importer.check_upload(acting_user=user, name=upload.name or "", content=upload.read())
        return redirect("network:actor_import_detail", pk=run.pk)
    page = Paginator(_runs().visible_to(user), PAGE_SIZE).get_page(request.GET.get("page"))
    runs = [(run, _counts(ActorReport.from_json(run.report))) for run in page.object_list]
    return render(request, "network/import/upload.html", {"form": form, "page": page, "runs": runs})


def _counts(report: ActorReport) -> dict[str, int]:
    return {action: report.count(action) for action in (CREATED, UPDATED, UNCHANGED)}


@capability_required(Capability.EDIT_NETWORK)
def actor_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    report = ActorReport.from_json(run.report)
    return render(
        request,
        "network/import/detail.html",
        {
            "run": run,
            "report": report,
            "created": report.outcomes_of(CREATED),
            "updated": report.outcomes_of(UPDATED),
            "counts": _counts(report),
            "pending": run.status == ImportStatus.CHECKED,
            "committed": run.status == ImportStatus.COMMITTED,
            "earlier": importer.earlier_commit(run, actor_of(request)),
            "more_problems": report.problem_count - len(report.problems),
        },
    )


@capability_required(Capability.EDIT_NETWORK)
@require_POST
def actor_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        report = importer.commit_upload(acting_user=actor_of(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if report.committed:
            messages.success(request, _("The list was imported into the directory."))
        else:
            messages.error(
                request, _("The directory changed since the check: the list now has problems. Nothing was imported.")
            )
    return redirect("network:actor_import_detail", pk=run.pk)


@capability_required(Capability.EDIT_NETWORK)
@require_POST
def actor_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        importer.discard_upload(acting_user=actor_of(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("network:actor_import_detail", pk=run.pk)
    messages.success(request, _("The upload was discarded; its file is deleted."))
    return redirect("network:actor_import")


def _xlsx(content: io.BytesIO, name: str) -> FileResponse:
    content.seek(0)
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX)


@capability_required(Capability.EDIT_NETWORK)
def actor_import_template(request: HttpRequest) -> HttpResponseBase:
    buffer = io.BytesIO()
    importer.template_workbook(buffer)
    return _xlsx(buffer, "akteure-vorlage.xlsx")


@capability_required(Capability.EDIT_NETWORK)
def actor_export(request: HttpRequest) -> HttpResponseBase:
    """The whole directory in the columns of the import."""
    buffer = io.BytesIO()
    importer.export_workbook(buffer)
    return _xlsx(buffer, importer.export_name())
