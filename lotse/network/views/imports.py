"""The actor import for network editors: upload a list, read the dry run, commit or discard it."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from lotse.core import staged_import_views as staged
from lotse.core.access import Capability, capability_required
from lotse.core.staged_import import Files
from lotse.core.web import AuthenticatedRequest, written_file_response
from lotse.network.actor_import import ACTOR_LIST, export_name, export_workbook, template_workbook


class ActorListForm(staged.UploadForm):
    actor_list = forms.FileField(
        label=gettext_lazy("List of actors"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (separated by semicolons or commas)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt", "class": "form-control"}),
    )

    def clean_actor_list(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["actor_list"]
        limit = ACTOR_LIST.max_megabytes()
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload

    def files_to_check(self) -> Files:
        upload = self.cleaned_data["actor_list"]
        return [(upload.name or "", upload.read())]


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def actor_import(request: AuthenticatedRequest) -> HttpResponse:
    """The upload form and the recent actor imports the user may see."""
    return staged.upload_page(request, ACTOR_LIST, ActorListForm, template="network/import/upload.html")


(
    actor_import_detail,
    actor_import_commit,
    actor_import_discard,
    actor_import_progress,
    actor_import_restart,
) = staged.run_views(ACTOR_LIST, Capability.EDIT_NETWORK)


@capability_required(Capability.EDIT_NETWORK)
@require_safe
def actor_import_template(request: AuthenticatedRequest) -> HttpResponse:
    return written_file_response(template_workbook, "akteure-vorlage.xlsx")


@capability_required(Capability.EDIT_NETWORK)
@require_safe
def actor_export(request: AuthenticatedRequest) -> HttpResponse:
    """The whole directory in the columns of the import."""
    return written_file_response(export_workbook, export_name())
