"""Handing a case over to another organisation, and answering handovers offered to one's own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.cases import queries, services
from lotse.cases.choices import HandoverStatus
from lotse.cases.forms import HandoverAcceptForm, HandoverDeclineForm, HandoverRequestForm
from lotse.cases.models import Handover
from lotse.cases.views.cases import case_form_page
from lotse.cases.views.fetch import editable_case
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, add_errors, done_or_flash, save_or_show


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def handover_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    form = HandoverRequestForm(request.POST or None, organisation_id=case.organisation_id)
    form, saved = save_or_show(
        request, form, lambda: services.request_handover(acting_user=request.user, case=case, **form.cleaned_data)
    )
    if saved:
        messages.success(
            request,
            _("The handover was offered to %(organisation)s. You keep the case until they accept.")
            % {"organisation": saved.result.to_organisation.name},
        )
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Hand the case over"),
        submit=_("Offer handover"),
        intro=_(
            "The receiving organisation accepts or declines. On acceptance the case moves there with its full "
            "history and your organisation no longer sees it. A handover needs the client's recorded consent "
            "to share their data with the receiving organisation."
        ),
    )


@capability_required(Capability.CASEWORK)
@require_safe
def handover_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "cases/handover_list.html", queries.handover_lists(request.user))


def _handover_for(user: User, pk: int) -> Handover:
    handover = queries.handovers_of(user).filter(pk=pk).first()
    if handover is None:
        raise Http404
    return handover


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def handover_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The receiving organisation sees what is offered and accepts (naming the caseworker) or declines."""
    user = request.user
    handover = _handover_for(user, pk)
    incoming = handover.to_organisation_id == user.organisation_id
    accept_form = HandoverAcceptForm(
        request.POST if request.POST.get("decision") == "accept" else None,
        organisation_id=user.organisation_id,
        initial={"responsible": user.pk},
    )
    decline_form = HandoverDeclineForm(request.POST if request.POST.get("decision") == "decline" else None)
    if request.method == "POST":
        if not incoming or handover.status != HandoverStatus.REQUESTED:
            raise Http404
        try:
            if request.POST.get("decision") == "accept" and accept_form.is_valid():
                case = services.accept_handover(
                    acting_user=user, handover=handover, responsible=accept_form.cleaned_data["responsible"]
                )
                messages.success(request, _("You took over the case. It is now one of your organisation's cases."))
                return redirect("cases:case_detail", pk=case.pk)
            if request.POST.get("decision") == "decline" and decline_form.is_valid():
                services.decline_handover(
                    acting_user=user, handover=handover, reason=decline_form.cleaned_data["reason"]
                )
                messages.success(request, _("The handover was declined; the sending organisation keeps the case."))
                return redirect("cases:handover_list")
        except ValidationError as error:
            add_errors(accept_form if request.POST.get("decision") == "accept" else decline_form, error)
    page = queries.handover_page(user, handover)
    log_access(acting_user=user, action=AccessAction.VIEW, record=handover, request=request)
    return render(
        request,
        "cases/handover_detail.html",
        {**page, "accept_form": accept_form, "decline_form": decline_form},
        # Like every form page: a refused decision is no success.
    )


@capability_required(Capability.CASEWORK)
@require_POST
def handover_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    handover = _handover_for(user, pk)
    if handover.from_organisation_id != user.organisation_id:
        raise Http404
    if done_or_flash(request, lambda: services.withdraw_handover(acting_user=user, handover=handover)):
        messages.success(request, _("The handover was withdrawn."))
    return redirect("cases:case_detail", pk=handover.case_id)
