"""Import and export of workbooks, for organisation and system administrators."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core import downloads
from lotse.core import staged_import_views as staged
from lotse.core.access import Capability, can, capability_required
from lotse.core.models import Organisation, User
from lotse.core.web import AuthenticatedRequest, written_file_response
from lotse.imports.export import EXAMPLE, EXPORT, template_workbook
from lotse.imports.forms import ExportForm, UploadForm
from lotse.imports.importer import WORKBOOK


def _organisations(user: User) -> QuerySet[Organisation] | None:
    """The organisations the user may choose (installation administrators), or None for their own only."""
    if can(user, Capability.ADMINISTER_INSTALLATION):
        return Organisation.objects.order_by("name")
    return None


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_http_methods(["GET", "POST"])
def overview(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _organisations(request.user)
    return staged.upload_page(
        request,
        WORKBOOK,
        UploadForm,
        template="imports/overview.html",
        form_kwargs={"organisations": organisations},
        export_form=ExportForm(organisations=organisations) if organisations is not None else None,
        show_org=organisations is not None,
        prepared=downloads.prepared_for(request.user, EXPORT),
    )


detail, commit, discard, progress, restart = staged.run_views(WORKBOOK, Capability.IMPORT_WORKBOOKS)


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_POST
def export(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for all records of the organisation as a workbook (written to the access log)."""
    user = request.user
    organisations = _organisations(user)
    organisation = user.organisation
    if organisations is not None:
        form = ExportForm(request.POST, organisations=organisations)
        if not form.is_valid():
            messages.error(request, _("Choose an organisation to export."))
            return redirect("imports:overview")
        organisation = form.cleaned_data["organisation"]
    # A county's organisation takes minutes: the file is written in the background, its page offers it.
    return downloads.ask(request, EXPORT, organisation)


export_page, export_status, export_file = downloads.download_views(EXPORT)


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_safe
def template(request: AuthenticatedRequest) -> HttpResponse:
    return written_file_response(template_workbook, "lotse-vorlage.xlsx")


@capability_required(Capability.IMPORT_WORKBOOKS)
@require_safe
def example(request: AuthenticatedRequest) -> HttpResponse:
    return written_file_response(lambda buffer: template_workbook(buffer, EXAMPLE), "lotse-beispiel.xlsx")
