"""What is recorded in a case: counselling contacts, follow-ups, referrals and consents."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases import queries, services
from lotse.cases.forms import ConsentForm, ContactEntryForm, ReferralForm, ReferralOutcomeForm, WithdrawForm
from lotse.cases.models import Consent, FollowUp, Referral
from lotse.cases.views.cases import case_form_page, render_case_page
from lotse.cases.views.fetch import editable_case
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.web import AuthenticatedRequest, save_or_show
from lotse.network.models import Actor
from lotse.people.models import Person


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a counselling contact; from the case page this runs in place (htmx), without leaving it."""
    case = editable_case(request.user, pk)
    form = ContactEntryForm(
        request.POST or None,
        initial=None if request.method == "POST" else {"interpreter_language": queries.case_interpreter_language(case)},
    )

    def record() -> object:
        data = form.cleaned_data
        return services.record_contact(
            acting_user=request.user,
            case=case,
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            form=data["form"],
            fields_of_action=data["fields_of_action"],
            interpreter_kind=data["interpreter_kind"],
            interpreter_language=data["interpreter_language"],
            note=data["note"].strip(),
            follow_ups=[(data["follow_up"], data["follow_up_due"])] if data["follow_up"] else [],
        )

    form, saved = save_or_show(request, form, record)
    if saved and not _is_htmx(request):
        messages.success(request, _("The contact was recorded."))
        return redirect("cases:case_detail", pk=case.pk)
    if _is_htmx(request):
        return render_case_page(
            request,
            case,
            "cases/_contact_saved.html" if saved else "cases/_quick_contact.html",
            contact_form=None if saved else form,
            contact_saved=bool(saved),
        )
    return case_form_page(
        request,
        case,
        form,
        title=_("Record a counselling contact"),
        submit=_("Record contact"),
    )


@capability_required(Capability.CASEWORK)
@require_POST
def follow_up_done(request: AuthenticatedRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    follow_up = FollowUp.objects.filter(case=case, pk=follow_up_pk, done_on__isnull=True).first()
    if follow_up is None:
        raise Http404
    services.complete_follow_up(acting_user=request.user, follow_up=follow_up)
    messages.success(request, _("“%(task)s” is done.") % {"task": follow_up.description})
    return redirect(
        (request.POST.get("next") == "work" and reverse("cases:worklist"))
        or reverse("cases:case_detail", args=[case.pk])
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def referral_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    form = ReferralForm(request.POST or None, actors=Actor.objects.visible_to(request.user))
    form, saved = save_or_show(
        request, form, lambda: services.add_referral(acting_user=request.user, case=case, **form.cleaned_data)
    )
    if saved:
        messages.success(request, _("The referral was recorded."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Refer to a specialised service"),
        submit=_("Record referral"),
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def referral_outcome(request: AuthenticatedRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    referral = Referral.objects.filter(case=case, pk=referral_pk).first()
    if referral is None:
        raise Http404
    initial = {"outcome": referral.outcome, "outcome_note": referral.outcome_note, "version": referral.version}
    form = ReferralOutcomeForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.set_referral_outcome(
            acting_user=request.user, referral=referral, expected_version=form.loaded_version(), **form.changed_fields()
        ),
        current_version=lambda: Referral.objects.get(pk=referral.pk).version,
    )
    if saved:
        messages.success(request, _("The outcome of the referral was saved."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Outcome of the referral to %(to)s") % {"to": referral.to_whom},
        submit=_("Save"),
        intro=f"{referral.get_field_of_action_display()}: {referral.topic}",
        record=referral,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def consent_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    clients = Person.objects.filter(client_of__case=case).order_by("family_name", "given_names")
    first_client = clients.order_by("client_of__pk").first()
    form = ConsentForm(
        request.POST or None,
        clients=clients,
        organisation_id=case.organisation_id,
        initial={"person": first_client.pk if first_client else None},
    )
    form, saved = save_or_show(
        request, form, lambda: services.record_consent(acting_user=request.user, case=case, **form.cleaned_data)
    )
    if saved:
        messages.success(request, _("The consent was recorded."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Record a consent"),
        submit=_("Record consent"),
        intro=_("Record a consent only when the client has signed it. A withdrawal takes effect at once."),
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedRequest, pk: int, consent_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    consent = Consent.objects.select_related("person").filter(case=case, pk=consent_pk).first()
    if consent is None:
        raise Http404
    form = WithdrawForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.withdraw_consent(acting_user=request.user, consent=consent, on=form.cleaned_data["on"]),
    )
    if saved:
        messages.success(request, _("The consent was withdrawn. Sharing based on it ended at once."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Withdraw a consent"),
        submit=_("Withdraw consent"),
        intro=_("%(purpose)s, given by %(name)s on %(date)s. %(recipient)s")
        % {
            "purpose": consent.get_purpose_display(),
            "name": consent.person.full_name,
            "date": consent.given_on.strftime("%d.%m.%Y"),
            "recipient": consent.recipient,
        },
        record=consent,
    )
