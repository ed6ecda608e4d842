"""The housing staff's pages of landlords: list with search, a landlord's page with its offers and the support
agreed, the forms to record and edit a landlord and to add, correct and end support.

A private landlord is a person: every page that shows a landlord writes the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show
from lotse.housing import landlord_services as services
from lotse.housing import offer_queries as queries
from lotse.housing.models import Landlord, LandlordSupport
from lotse.housing.offer_forms import (
    EndSupportForm,
    LandlordCreateForm,
    LandlordFilterForm,
    LandlordForm,
    SupportCorrectForm,
    SupportForm,
)

C = Capability.HOUSING
FORM_PAGE = "housing/form_page.html"


def _view(request: AuthenticatedRequest, landlord: Landlord) -> None:
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=landlord, request=request)


@capability_required(C)
@require_safe
def landlord_list(request: AuthenticatedRequest) -> HttpResponse:
    form = LandlordFilterForm(request.GET or None)
    filters = form.values() if request.GET else {}
    page = queries.landlord_list(request.user, filters, request.GET.get("page"))
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=page.object_list, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "housing/landlord_list.html",
        {"form": form, "page": page, "filtered": bool(filters), "query_string": query.urlencode()},
    )


@capability_required(C)
@require_http_methods(["GET", "POST"])
def landlord_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = LandlordCreateForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_landlord(
            acting_user=user,
            organisation=user.organisation,
            consent_on=form.cleaned_data["consent_on"],
            **form.landlord_fields(),
        ),
    )
    if saved:
        messages.success(request, _("The landlord was recorded."))
        return redirect("housing:landlord_detail", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New landlord"),
        submit=_("Record landlord"),
        back_url=reverse("housing:landlord_list"),
        template=FORM_PAGE,
    )


@capability_required(C)
@shows_person_data
@require_safe
def landlord_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    landlord = get_visible_or_404(Landlord.objects.select_related("consent_recorded_by"), request.user, pk=pk)
    _view(request, landlord)
    return render(request, "housing/landlord_detail.html", queries.landlord_page(landlord, timezone.localdate()))


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def landlord_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    landlord = get_visible_or_404(Landlord, user, pk=pk)
    form = LandlordForm(request.POST or None, initial=LandlordForm.initial_for(landlord))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_landlord(
            acting_user=user,
            landlord=landlord,
            expected_version=form.loaded_version(),
            consent_on=form.cleaned_data["consent_on"],
            **form.landlord_fields(),
        ),
        current_version=lambda: Landlord.objects.get(pk=landlord.pk).version,
    )
    if saved:
        messages.success(request, _("The landlord was saved."))
        return redirect("housing:landlord_detail", pk=landlord.pk)
    _view(request, landlord)
    return form_page(
        request,
        form=form,
        title=_("Edit landlord"),
        submit=_("Save"),
        back_url=reverse("housing:landlord_detail", args=[landlord.pk]),
        template=FORM_PAGE,
        landlord=landlord,
    )


# --- Support agreed ---------------------------------------------------------------------------------------------


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def support_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    landlord = get_visible_or_404(Landlord, user, pk=pk)
    initial = {"kind": request.GET.get("kind", ""), "offer": request.GET.get("offer") or None}
    form = SupportForm(request.POST or None, initial=initial, landlord=landlord)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.add_support(
            acting_user=user,
            landlord=landlord,
            kind=form.cleaned_data["kind"],
            agreed_on=form.cleaned_data["agreed_on"],
            amount=form.cleaned_data["amount"],
            ends_on=form.cleaned_data["ends_on"],
            offer=form.cleaned_data["offer"],
            note=form.cleaned_data["note"],
        ),
    )
    if saved:
        messages.success(request, _("The support was recorded."))
        return redirect("housing:landlord_detail", pk=landlord.pk)
    _view(request, landlord)
    return form_page(
        request,
        form=form,
        title=_("Record support agreed with %(name)s") % {"name": landlord.name},
        submit=pgettext("button", "Record"),
        back_url=reverse("housing:landlord_detail", args=[landlord.pk]),
        intro=_(
            "A rent-default guarantee needs the sum guaranteed and the end of its term; an occupancy right needs "
            "the renovation grant and the end of the right."
        ),
        template=FORM_PAGE,
        landlord=landlord,
    )


def _support(request: AuthenticatedRequest, pk: int) -> LandlordSupport:
    """Support agreed with a landlord the user may see (scoped by the landlord)."""
    return get_object_or_404(LandlordSupport.objects.visible_to(request.user).select_related("landlord"), pk=pk)


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def support_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    support = _support(request, pk)
    landlord = support.landlord
    form = SupportCorrectForm(request.POST or None, initial=SupportCorrectForm.initial_for(support), landlord=landlord)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.correct_support(
            acting_user=user,
            support=support,
            expected_version=form.loaded_version(),
            agreed_on=form.cleaned_data["agreed_on"],
            amount=form.cleaned_data["amount"],
            ends_on=form.cleaned_data["ends_on"],
            offer=form.cleaned_data["offer"],
            note=form.cleaned_data["note"],
        ),
        current_version=lambda: LandlordSupport.objects.get(pk=support.pk).version,
        form_kwargs={"landlord": landlord},
    )
    if saved:
        messages.success(request, _("The support was corrected."))
        return redirect("housing:landlord_detail", pk=landlord.pk)
    _view(request, landlord)
    return form_page(
        request,
        form=form,
        title=_("Correct: %(support)s") % {"support": support.get_kind_display()},
        submit=_("Save"),
        back_url=reverse("housing:landlord_detail", args=[landlord.pk]),
        template=FORM_PAGE,
        landlord=landlord,
    )


@capability_required(C)
@shows_person_data
@require_http_methods(["GET", "POST"])
def support_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    support = _support(request, pk)
    landlord = support.landlord
    form = EndSupportForm(request.POST or None, initial={"version": support.version})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.end_support(
            acting_user=user, support=support, expected_version=form.loaded_version(), on=form.cleaned_data["on"]
        ),
        current_version=lambda: LandlordSupport.objects.get(pk=support.pk).version,
    )
    if saved:
        messages.success(request, _("The support was ended."))
        return redirect("housing:landlord_detail", pk=landlord.pk)
    _view(request, landlord)
    return form_page(
        request,
        form=form,
        title=_("End: %(support)s") % {"support": support.get_kind_display()},
        submit=_("End support"),
        back_url=reverse("housing:landlord_detail", args=[landlord.pk]),
        template=FORM_PAGE,
        landlord=landlord,
    )
