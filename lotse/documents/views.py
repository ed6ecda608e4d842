"""Adding a document to a case, downloading one, deleting one with a reason.

Every URL names the case the user works in; the document must be the
case's own or one of its persons', and visible to the user (else 404). A
download is written to the access log and always leaves as an attachment.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.cases.models import Case
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show
from lotse.documents import services
from lotse.documents.forms import DeleteForm, DocumentUploadForm
from lotse.documents.models import Document, persons_of_case
from lotse.documents.storage import document_storage
from lotse.people.models import Person

logger = logging.getLogger(__name__)

FORM_PAGE = "cases/form_page.html"


def _case(request: AuthenticatedRequest, pk: int, *, editable: bool) -> Case:
    cases = Case.objects.select_related("organisation", "household")
    if editable:
        cases = cases.editable_by(request.user)
    return get_visible_or_404(cases, request.user, pk=pk)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = _case(request, pk, editable=True)
    persons = list(
        Person.objects.visible_to(user)
        .filter(persons_of_case(case), organisation_id=case.organisation_id)
        .order_by("family_name", "given_names", "pk")
    )
    plans = list(case.plans.order_by("-number"))
    initial = {key: request.GET[key] for key in ("owner", "kind", "plan") if request.GET.get(key)}
    form = DocumentUploadForm(
        request.POST or None,
        request.FILES or None,
        persons=persons,
        plans=plans,
        max_megabytes=settings.LOTSE_DOCUMENT_MAX_MEGABYTES,
        initial={"owner": "case", **initial},
    )

    def upload() -> Document:
        data = form.cleaned_data
        person = form.person()
        return services.upload_document(
            acting_user=user,
            file=data["file"],
            file_name=data["file"].name,
            kind=data["kind"],
            title=data["title"],
            document_date=data["document_date"],
            expiry_date=data["expiry_date"],
            case=None if person is not None else case,
            person=person,
            plan=form.chosen_plan(),
        )

    form, saved = save_or_show(request, form, upload)
    if saved:
        messages.success(request, _("The document “%(title)s” was added.") % {"title": saved.result.title})
        return redirect("cases:case_detail", pk=case.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=case, request=request)
    return form_page(
        request,
        form=form,
        title=_("Add a document"),
        submit=_("Add document"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
        intro=_(
            "The type of the file is checked from its content. It is kept for your organisation and handed over "
            "with the case; it can only be downloaded, and every download is logged."
        ),
        template=FORM_PAGE,
        case=case,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def document_download(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponseBase:
    case = _case(request, pk, editable=False)
    document = get_visible_or_404(Document.objects.of_case(case), request.user, pk=document_pk)
    try:
        stream = document_storage.open(document.file.name, "rb")
    except FileNotFoundError:
        logger.error("The file %s of document %s is missing from the document storage.", document.file.name, pk)
        raise Http404 from None
    log_access(acting_user=request.user, action=AccessAction.EXPORT, record=document, request=request)
    response = FileResponse(
        stream, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def document_delete(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponse:
    case = _case(request, pk, editable=True)
    documents = Document.objects.of_case(case).editable_by(request.user)
    document = get_visible_or_404(documents, request.user, pk=document_pk)
    form = DeleteForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.delete_document(
            acting_user=request.user, document=document, reason=form.cleaned_data["reason"]
        ),
    )
    if saved:
        messages.success(request, _("The document “%(title)s” was deleted.") % {"title": document.title})
        return redirect("cases:case_detail", pk=case.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=document, request=request)
    return form_page(
        request,
        form=form,
        title=_("Delete a document"),
        submit=_("Delete document"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
        intro=_("“%(title)s” (%(kind)s, %(name)s) is deleted with its file. The change history keeps the reason.")
        % {"title": document.title, "kind": document.get_kind_display(), "name": document.original_name},
        template=FORM_PAGE,
        case=case,
    )
