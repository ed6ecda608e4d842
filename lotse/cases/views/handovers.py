"""Handing a case over to another organisation, and answering handovers offered to one's own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases import services
from lotse.cases.choices import HandoverStatus
from lotse.cases.forms import HandoverAcceptForm, HandoverDeclineForm, HandoverRequestForm
from lotse.cases.models import Case, CaseClient, Handover
from lotse.cases.views.common import actor_of, add_errors, editable_case, form_page
from lotse.core.access import Capability, capability_required


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def handover_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    form = HandoverRequestForm(request.POST or None, organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.request_handover(
                acting_user=actor_of(request),
                case=case,
                to_organisation=form.cleaned_data["to_organisation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The handover was offered to %(organisation)s. You keep the case until they accept.")
                % {"organisation": handover.to_organisation.name},
            )
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Hand the case over"),
        submit=_("Offer handover"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
        intro=_(
            "The receiving organisation accepts or declines. On acceptance the case moves there with its full "
            "history and your organisation no longer sees it. A handover needs the client's recorded consent "
            "to share their data with the receiving organisation."
        ),
    )


def _handovers_of(request: HttpRequest) -> QuerySet[Handover]:
    organisation_id = actor_of(request).organisation_id
    return Handover.objects.filter(
        Q(to_organisation_id=organisation_id) | Q(from_organisation_id=organisation_id)
    ).select_related("case", "from_organisation", "to_organisation", "requested_by", "decided_by")


@capability_required(Capability.CASEWORK)
def handover_list(request: HttpRequest) -> HttpResponse:
    organisation_id = actor_of(request).organisation_id
    handovers = list(_handovers_of(request).order_by("-requested_at")[:200])
    return render(
        request,
        "cases/handover_list.html",
        {
            "incoming": [h for h in handovers if h.to_organisation_id == organisation_id],
            "outgoing": [h for h in handovers if h.from_organisation_id == organisation_id],
        },
    )


def _handover_for(request: HttpRequest, pk: int) -> Handover:
    handover = _handovers_of(request).filter(pk=pk).first()
    if handover is None:
        raise Http404
    return handover


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving organisation sees what is offered and accepts (naming the caseworker) or declines."""
    user = actor_of(request)
    handover = _handover_for(request, pk)
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
    # After an accepted handover the sender no longer sees the case: the record of
    # the handover stays, the persons in it do not.
    case_visible = Case.objects.visible_to(user).filter(pk=handover.case_id).exists()
    clients = (
        list(
            CaseClient.objects.filter(case_id=handover.case_id).select_related("person").order_by("person__family_name")
        )
        if case_visible
        else []
    )
    return render(
        request,
        "cases/handover_detail.html",
        {
            "handover": handover,
            "incoming": incoming,
            "clients": clients,
            "case_visible": case_visible,
            "accept_form": accept_form,
            "decline_form": decline_form,
        },
    )


@capability_required(Capability.CASEWORK)
@require_POST
def handover_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    handover = _handover_for(request, pk)
    if handover.from_organisation_id != user.organisation_id:
        raise Http404
    try:
        services.withdraw_handover(acting_user=user, handover=handover)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The handover was withdrawn."))
    return redirect("cases:case_detail", pk=handover.case_id)
