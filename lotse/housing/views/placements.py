"""The pages of matching and placements: the households ranked for an offer (wohnraum/vorschlag/angebot/...), the
offers ranked for a household (wohnungssuche/.../angebote/), the optimal proposal (wohnraum/vorschlag/) and the
placement pipeline (wohnraum/vermittlungen/...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show
from lotse.housing import matching
from lotse.housing import placement_services as services
from lotse.housing import search_queries as queries
from lotse.housing.models import FlatOffer, Placement, SearchProfile
from lotse.housing.search_forms import (
    AcceptForm,
    ApprovalForm,
    LeaseForm,
    ProposalConfirmForm,
    RefuseForm,
    ViewingForm,
)

HOUSING = Capability.HOUSING
FORM_PAGE = "housing/search/form_page.html"


def _offers() -> QuerySet[FlatOffer]:
    return FlatOffer.objects.select_related("municipality", "organisation")


def _placements() -> QuerySet[Placement]:
    return Placement.objects.select_related(
        "offer__municipality", "offer__organisation", "profile__household", "profile__case"
    )


# --- Matching ----------------------------------------------------------------------------------------------------


@require_safe
@capability_required(HOUSING)
@shows_person_data
def offer_matching(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = get_visible_or_404(_offers(), request.user, pk=pk)
    page = queries.offer_matching_page(request.user, offer)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[profile for _match, profile in page["fitting"] + page["failing"]],
        request=request,
    )
    return render(request, "housing/search/offer_matching.html", page)


@require_safe
@capability_required(HOUSING)
@shows_person_data
def search_matching(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = get_visible_or_404(matching.with_facts(SearchProfile.objects.all()), request.user, pk=pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=profile, request=request)
    return render(
        request, "housing/search/search_matching.html", queries.household_matching_page(request.user, profile)
    )


@require_safe
@capability_required(HOUSING)
def proposal(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.proposal_page(request.user)
    log_accesses(
        acting_user=request.user, action=AccessAction.VIEW, records=[row[2] for row in page["rows"]], request=request
    )
    return render(request, "housing/search/proposal.html", page)


@require_POST
@capability_required(HOUSING)
def proposal_confirm(request: AuthenticatedRequest) -> HttpResponse:
    """Confirm one pair (of the proposal or a ranking): the offer is proposed to the household."""
    form = ProposalConfirmForm(
        request.POST,
        offers=FlatOffer.objects.visible_to(request.user),
        profiles=SearchProfile.objects.visible_to(request.user),
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("housing:proposal")
    if not form.is_valid():
        messages.error(request, _("The flat or the household cannot be chosen."))
        return redirect(back)
    offer, profile = form.cleaned_data["offer"], form.cleaned_data["profile"]
    if done_or_flash(request, lambda: services.propose(acting_user=request.user, offer=offer, profile=profile)):
        messages.success(request, _("The flat was proposed to the household."))
    return redirect(back)


# --- Placements --------------------------------------------------------------------------------------------------


@require_safe
@capability_required(HOUSING)
def placement_list(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.placement_list(request.user, request.GET)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[placement.profile for placement, _members in page["rows"]],
        request=request,
    )
    return render(request, "housing/search/placement_list.html", page)


@require_safe
@capability_required(HOUSING)
@shows_person_data
def offer_placements(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = get_visible_or_404(_offers(), request.user, pk=pk)
    page = queries.offer_placements(request.user, offer)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[offer, *[placement.profile for placement, _members in page["rows"]]],
        request=request,
    )
    return render(request, "housing/search/offer_placements.html", page)


@require_safe
@capability_required(HOUSING)
@shows_person_data
def placement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    placement = get_visible_or_404(_placements(), request.user, pk=pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=placement.profile, request=request)
    return render(request, "housing/search/placement_detail.html", queries.placement_page(request.user, placement))


def _step(
    request: AuthenticatedRequest,
    pk: int,
    form_class: type[forms.Form],
    title: str,
    submit: str,
    done: str,
    change: Callable[[Placement, Any], object],
    initial: Callable[[Placement], dict[str, Any]] | None = None,
) -> HttpResponse:
    placement = get_visible_or_404(_placements(), request.user, pk=pk)
    form = form_class(
        request.POST or None, initial={"version": placement.version, **(initial(placement) if initial else {})}
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: change(placement, form),
        current_version=lambda: Placement.objects.get(pk=placement.pk).version,
    )
    if saved:
        messages.success(request, done)
        return redirect("housing:placement_detail", pk=placement.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=placement.profile, request=request)
    return form_page(
        request,
        form=form,
        title=title,
        submit=submit,
        back_url=reverse("housing:placement_detail", args=[placement.pk]),
        template=FORM_PAGE,
        placement=placement,
    )


@require_http_methods(["GET", "POST"])
@capability_required(HOUSING)
@shows_person_data
def placement_viewing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ViewingForm,
        _("Arrange the viewing"),
        _("Save viewing"),
        _("The viewing was saved."),
        lambda placement, form: services.schedule_viewing(
            acting_user=request.user,
            placement=placement,
            expected_version=form.loaded_version(),
            viewing_at=form.cleaned_data["viewing_at"],
            accompanied_by=form.cleaned_data["accompanied_by"],
            accompanying_person=form.cleaned_data["accompanying_person"],
        ),
        initial=lambda p: {
            "viewing_at": p.viewing_at,
            "accompanied_by": p.accompanied_by,
            "accompanying_person": p.accompanying_person,
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(HOUSING)
@shows_person_data
def placement_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AcceptForm,
        _("Record the acceptance"),
        _("Record acceptance"),
        _("The acceptance was recorded."),
        lambda placement, form: services.accept(
            acting_user=request.user,
            placement=placement,
            expected_version=form.loaded_version(),
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        ),
    )


@require_http_methods(["GET", "POST"])
@capability_required(HOUSING)
@shows_person_data
def placement_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        RefuseForm,
        _("Record the refusal"),
        _("Record refusal"),
        _("The refusal was recorded."),
        lambda placement, form: services.refuse(
            acting_user=request.user,
            placement=placement,
            expected_version=form.loaded_version(),
            refused_by=form.cleaned_data["refused_by"],
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        ),
    )


@require_http_methods(["GET", "POST"])
@capability_required(HOUSING)
@shows_person_data
def placement_approval(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ApprovalForm,
        _("Record the approval of the rent"),
        _("Record approval"),
        _("The approval of the rent was recorded."),
        lambda placement, form: services.record_approval(
            acting_user=request.user,
            placement=placement,
            expected_version=form.loaded_version(),
            on=form.cleaned_data["on"],
        ),
    )


@require_http_methods(["GET", "POST"])
@capability_required(HOUSING)
@shows_person_data
def placement_lease(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        LeaseForm,
        _("Record the signed lease"),
        _("Record lease"),
        _("The lease was recorded: the search is closed and the household's housing is updated."),
        lambda placement, form: services.sign_lease(
            acting_user=request.user,
            placement=placement,
            expected_version=form.loaded_version(),
            signed_on=form.cleaned_data["signed_on"],
            starts_on=form.cleaned_data["starts_on"],
            agreed_rent=form.cleaned_data["agreed_rent"],
            note=form.cleaned_data["note"],
        ),
        initial=lambda p: {
            "agreed_rent": p.offer.gross_cold_rent,
            # The flat may have been free for months: a lease signed now begins today at the earliest.
            "starts_on": max(p.offer.available_from, timezone.localdate()),
        },
    )
