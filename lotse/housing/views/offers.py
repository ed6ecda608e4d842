"""The pages of flat offers: the list (filters: status, municipality, rooms), an offer's page with the gross cold
rent and the county's limit per household size, the forms to record and edit an offer, change its status, share
it with another organisation, and its photos and exposés.

The housing staff of the organisation that acquired an offer change it; the organisations it is shared with see
it read-only, without the landlord's contact. Every offer page writes the access log (the offer, and the landlord
where the page shows them: a private landlord is a person).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show
from lotse.documents.storage import document_storage
from lotse.housing import offer_queries as queries
from lotse.housing import offer_services as services
from lotse.housing.models import FlatOffer, OfferDocument, OfferShare
from lotse.housing.offer_forms import (
    OfferCreateForm,
    OfferDocumentForm,
    OfferFilterForm,
    OfferForm,
    OfferStatusForm,
    ShareForm,
)

logger = logging.getLogger(__name__)

C = Capability.HOUSING
FORM_PAGE = "housing/offer_form_page.html"


def _editable(request: AuthenticatedRequest, pk: int) -> FlatOffer:
    """An offer the user's organisation acquired (else 404, also for an organisation it is only shared with)."""
    offers = FlatOffer.objects.editable_by(request.user).select_related("landlord", "municipality")
    return get_visible_or_404(offers, request.user, pk=pk)


def _view(request: AuthenticatedRequest, offer: FlatOffer, *, with_landlord: bool) -> None:
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=offer, request=request)
    if with_landlord:
        log_access(acting_user=request.user, action=AccessAction.VIEW, record=offer.landlord, request=request)


@capability_required(C)
@require_safe
def offer_list(request: AuthenticatedRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    filters = form.values() if request.GET else {}
    listing = queries.offer_list(request.user, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "housing/offer_list.html",
        {
            "form": form,
            "listing": listing,
            "page": listing.page,
            "filtered": bool(filters),
            "query_string": query.urlencode(),
        },
    )


@capability_required(C)
@require_http_methods(["GET", "POST"])
def offer_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    initial = {"landlord": request.GET.get("landlord") or None}
    form = OfferCreateForm(request.POST or None, user=user, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_offer(acting_user=user, organisation=user.organisation, **form.offer_fields()),
    )
    if saved:
        messages.success(request, _("The offer was recorded."))
        return redirect("housing:offer_detail", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New flat offer"),
        submit=_("Record offer"),
        back_url=reverse("housing:offer_list"),
        intro=_("Record the landlord first (with their consent); the offer is then one of theirs."),
        template=FORM_PAGE,
    )


@capability_required(C)
@shows_person_data
@require_safe
def offer_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = get_visible_or_404(
        FlatOffer.objects.select_related("landlord", "municipality", "organisation", "created_by"), user, pk=pk
    )
    editable = offer.organisation_id == user.organisation_id
    _view(request, offer, with_landlord=editable)
    context = queries.offer_page(offer, user, timezone.localdate(), editable=editable)
    return render(request, "housing/offer_detail.html", context)


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _editable(request, pk)
    form = OfferForm(request.POST or None, user=user, initial=OfferForm.initial_for(offer))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_offer(
            acting_user=user, offer=offer, expected_version=form.loaded_version(), **form.offer_fields()
        ),
        current_version=lambda: FlatOffer.objects.get(pk=offer.pk).version,
        form_kwargs={"user": user},
    )
    if saved:
        messages.success(request, _("The offer was saved."))
        return redirect("housing:offer_detail", pk=offer.pk)
    _view(request, offer, with_landlord=True)
    return form_page(
        request,
        form=form,
        title=_("Edit flat offer"),
        submit=_("Save"),
        back_url=reverse("housing:offer_detail", args=[offer.pk]),
        template=FORM_PAGE,
        offer=offer,
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def offer_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _editable(request, pk)
    states = [(value, label) for value, label in queries.offer_page_states(offer)]
    form = OfferStatusForm(request.POST or None, initial={"version": offer.version}, states=states)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.change_status(
            acting_user=user,
            offer=offer,
            expected_version=form.loaded_version(),
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
        ),
        current_version=lambda: FlatOffer.objects.get(pk=offer.pk).version,
        form_kwargs={"states": states},
    )
    if saved:
        messages.success(request, _("The status was changed."))
        return redirect("housing:offer_detail", pk=offer.pk)
    _view(request, offer, with_landlord=False)
    return form_page(
        request,
        form=form,
        title=_("Change the status of %(offer)s") % {"offer": offer},
        submit=_("Change status"),
        back_url=reverse("housing:offer_detail", args=[offer.pk]),
        intro=_("The offer is “%(status)s” since %(date)s. It becomes “placed” when a lease is signed.")
        % {"status": offer.get_status_display(), "date": offer.status_since.strftime("%d.%m.%Y")},
        template=FORM_PAGE,
        offer=offer,
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def offer_share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _editable(request, pk)
    organisations = queries.share_candidates(offer)
    form = ShareForm(request.POST or None, organisations=organisations)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.share_offer(acting_user=user, offer=offer, organisation=form.cleaned_data["organisation"]),
    )
    if saved:
        messages.success(
            request,
            _("The offer is now shared with %(organisation)s.") % {"organisation": saved.result.organisation.name},
        )
        return redirect("housing:offer_detail", pk=offer.pk)
    _view(request, offer, with_landlord=False)
    return form_page(
        request,
        form=form,
        title=_("Share %(offer)s") % {"offer": offer},
        submit=_("Share offer"),
        back_url=reverse("housing:offer_detail", args=[offer.pk]),
        template=FORM_PAGE,
        offer=offer,
    )


@capability_required(C)
@require_POST
def offer_unshare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    share = get_object_or_404(
        OfferShare.objects.filter(offer__in=FlatOffer.objects.editable_by(request.user)).select_related(
            "offer", "organisation"
        ),
        pk=pk,
    )
    if done_or_flash(request, lambda: services.end_share(acting_user=request.user, share=share)):
        messages.success(
            request,
            _("The offer is no longer shared with %(organisation)s.") % {"organisation": share.organisation.name},
        )
    return redirect("housing:offer_detail", pk=share.offer_id)


# --- Photos and exposés -----------------------------------------------------------------------------------------


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def offer_document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _editable(request, pk)
    form = OfferDocumentForm(
        request.POST or None, request.FILES or None, max_megabytes=settings.LOTSE_DOCUMENT_MAX_MEGABYTES
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.add_document(
            acting_user=user,
            offer=offer,
            file=form.cleaned_data["file"],
            file_name=form.cleaned_data["file"].name,
            title=form.cleaned_data["title"],
        ),
    )
    if saved:
        messages.success(request, _("“%(title)s” was added.") % {"title": saved.result.title})
        return redirect("housing:offer_detail", pk=offer.pk)
    _view(request, offer, with_landlord=False)
    return form_page(
        request,
        form=form,
        title=_("Add a photo or the exposé"),
        submit=_("Add file"),
        back_url=reverse("housing:offer_detail", args=[offer.pk]),
        intro=_("The type of the file is checked from its content. Those who see the offer see its photos and exposé."),
        template=FORM_PAGE,
        offer=offer,
    )


@capability_required(C)
@shows_person_data
@require_safe
def offer_document(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A photo (shown in the page) or the exposé (downloaded) of an offer the user sees."""
    document = get_visible_or_404(
        OfferDocument.objects.select_related("offer"), request.user, pk=document_pk, offer_id=pk
    )
    try:
        stream = document_storage.open(document.file.name, "rb")
    except FileNotFoundError:
        logger.error("The file %s of offer document %s is missing from the document storage.", document.file.name, pk)
        raise Http404 from None
    log_access(acting_user=request.user, action=AccessAction.EXPORT, record=document.offer, request=request)
    image = services.is_image(document)
    response = FileResponse(
        stream, as_attachment=not image, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@capability_required(C)
@require_POST
def offer_document_delete(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponse:
    offer = _editable(request, pk)
    document = get_object_or_404(OfferDocument.objects.filter(offer=offer), pk=document_pk)
    document.offer = offer
    if done_or_flash(request, lambda: services.delete_document(acting_user=request.user, document=document)):
        messages.success(request, _("“%(title)s” was deleted.") % {"title": document.title})
    return redirect("housing:offer_detail", pk=offer.pk)
