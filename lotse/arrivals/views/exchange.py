"""The exchange between linked records: the caseworker's notices and link requests, and the accommodation staff's
answers to link requests and their planned move-outs (what flows is in ``lotse.arrivals.exchange``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.arrivals import exchange, exchange_queries
from lotse.arrivals.forms import ConfirmLinkForm, DeclineLinkForm, RequestLinkForm
from lotse.arrivals.models import ExchangeNotice, LinkRequest
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Consent
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show
from lotse.people.models import Person
from lotse.people.vocabulary import nationality_name

FORM_PAGE = "arrivals/exchange_form_page.html"


@capability_required(Capability.CASEWORK)
@shows_no_person_data
@require_POST
def notice_seen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(ExchangeNotice, request.user, pk=pk)
    if done_or_flash(request, lambda: exchange.mark_notice_seen(acting_user=request.user, notice=notice)):
        messages.success(request, _("The notice was marked as seen."))
    return redirect("cases:worklist")


def _own_exchange_consent(request: AuthenticatedRequest, pk: int) -> Consent:
    """A consent to the data exchange of a client of a case of the user's organisation; else 404."""
    try:
        return Consent.objects.select_related("case", "person", "recipient_organisation").get(
            pk=pk,
            purpose=ConsentPurpose.HOUSING_EXCHANGE,
            case__organisation_id=request.user.organisation_id,
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def link_request_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = _own_exchange_consent(request, pk)
    case_url = reverse("cases:case_detail", args=[consent.case_id])
    form = RequestLinkForm(request.POST if request.method == "POST" else None)
    form, saved = save_or_show(request, form, lambda: exchange.request_link(acting_user=request.user, consent=consent))
    if saved:
        messages.success(
            request,
            _("%(organisation)s was asked to link its record of %(person)s.")
            % {"organisation": consent.recipient, "person": consent.person.full_name},
        )
        return redirect(case_url)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=consent.case, request=request)
    return form_page(
        request,
        form=form,
        title=_("Ask %(organisation)s to link the records of %(person)s")
        % {"organisation": consent.recipient, "person": consent.person.full_name},
        intro=_(
            "The accommodation staff of %(organisation)s see the client's name, date of birth and nationality, "
            "look for their own record of the client and confirm the link. From then on, while the consent is in "
            "force, moves in and out of their shelters reach this case, and a private tenancy you record reaches "
            "them as a planned move-out. Nothing else is exchanged."
        )
        % {"organisation": consent.recipient},
        submit=_("Request the link"),
        back_url=case_url,
        template=FORM_PAGE,
        crumb_url=case_url,
        crumb_label=str(consent.case),
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def link_request_list(request: AuthenticatedRequest) -> HttpResponse:
    requests = list(exchange_queries.open_link_requests(request.user))
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[link_request.casework_person for link_request in requests],
        request=request,
    )
    return render(request, "arrivals/link_request_list.html", {"requests": requests})


def _addressed_request(request: AuthenticatedRequest, pk: int) -> LinkRequest:
    """An open request to the user's organisation whose consent is in force; else 404."""
    return get_visible_or_404(
        LinkRequest.objects.open().select_related("casework_person", "consent__case__organisation"),
        request.user,
        pk=pk,
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def link_request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The client asked about (name, date of birth, nationality only) and the likely resident records."""
    link_request = _addressed_request(request, pk)
    candidates = exchange_queries.link_candidates(request.user, link_request)
    choices = [(hit.person.pk, hit.person.full_name) for hit in candidates]
    form = ConfirmLinkForm(request.POST if request.method == "POST" else None, candidates=choices)

    def confirm() -> object:
        resident = Person.objects.get(pk=form.cleaned_data["resident"])
        return exchange.confirm_link_request(
            acting_user=request.user, link_request=link_request, accommodation_person=resident
        )

    form, saved = save_or_show(request, form, confirm)
    if saved:
        messages.success(
            request,
            _("The records are linked: moves of %(person)s now reach %(organisation)s while the consent is in force.")
            % {
                "person": link_request.casework_person.full_name,
                "organisation": link_request.consent.case.organisation.name,
            },
        )
        return redirect("arrivals:link_request_list")
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=link_request, request=request)
    return render(
        request,
        "arrivals/link_request_detail.html",
        {
            "link_request": link_request,
            "person": link_request.casework_person,
            "nationalities": [nationality_name(code) for code in link_request.casework_person.nationalities],
            "candidates": candidates,
            "form": form,
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def link_request_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    link_request = _addressed_request(request, pk)
    back = reverse("arrivals:link_request_detail", args=[link_request.pk])
    form = DeclineLinkForm(request.POST if request.method == "POST" else None)
    form, saved = save_or_show(
        request,
        form,
        lambda: exchange.decline_link_request(
            acting_user=request.user, link_request=link_request, note=form.cleaned_data["note"]
        ),
    )
    if saved:
        messages.success(request, _("The request was declined; nothing was linked."))
        return redirect("arrivals:link_request_list")
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=link_request, request=request)
    return form_page(
        request,
        form=form,
        title=_("Decline the request to link %(person)s") % {"person": link_request.casework_person.full_name},
        intro=_("Nothing is linked and no facts are exchanged. The integration management sees your note."),
        submit=_("Decline"),
        back_url=back,
        template=FORM_PAGE,
        crumb_url=reverse("arrivals:link_request_list"),
        crumb_label=_("Requests to link records"),
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def planned_move_out_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = list(exchange_queries.planned_move_outs(request.user))
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[plan.occupancy.person for plan in plans],
        request=request,
    )
    return render(request, "arrivals/planned_move_out_list.html", {"plans": plans})
