"""What is recorded in a case: counselling contacts, follow-ups, referrals and consents."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases import services
from lotse.cases.forms import (
    ConsentForm,
    ContactDeleteForm,
    ContactEditForm,
    FollowUpAssignForm,
    FollowUpEditForm,
    FollowUpPostponeForm,
    ReferralForm,
    ReferralOutcomeForm,
    WithdrawForm,
)
from lotse.cases.models import Case, Consent, Contact, FollowUp, Referral
from lotse.cases.views.cases import case_form_page, new_contact_form, render_case_page
from lotse.cases.views.fetch import editable_case
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.web import AuthenticatedRequest, save_or_show
from lotse.network.models import Actor
from lotse.people.models import Person

# A postponement proposes this many days after the due date (or after today, for an overdue task).
POSTPONE_DAYS = 7


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a counselling contact; from the case page this runs in place (htmx), without leaving it."""
    case = editable_case(request.user, pk)
    form = new_contact_form(case, request.POST or None)

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
            participants=data["participants"] or None,
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
            contact_form=new_contact_form(case) if saved else form,
            contact_saved=bool(saved),
        )
    return case_form_page(
        request,
        case,
        form,
        title=_("Record a counselling contact"),
        submit=_("Record contact"),
    )


def _contact_of(case: Case, contact_pk: int) -> Contact:
    contact = Contact.objects.filter(case=case, pk=contact_pk).select_related("case").first()
    if contact is None:
        raise Http404
    return contact


def _contact_summary(contact: Contact) -> str:
    return _("%(form)s on %(date)s, %(minutes)s min.") % {
        "form": contact.get_form_display(),
        "date": date_format(contact.date, "SHORT_DATE_FORMAT"),
        "minutes": contact.duration_minutes,
    }


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Correct a recorded contact (the change history keeps the values it had)."""
    case = editable_case(request.user, pk)
    contact = _contact_of(case, contact_pk)
    # The clients, and whoever took part though no longer a client.
    clients = Person.objects.filter(Q(client_of__case=case) | Q(contact_participations__contact=contact)).distinct()
    initial = {
        "version": contact.version,
        "participants": list(contact.participants.values_list("pk", flat=True)),
        **{name: getattr(contact, name) for name in services.CONTACT_FIELDS},
    }
    form = ContactEditForm(request.POST or None, initial=initial, clients=clients)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_contact(
            acting_user=request.user,
            contact=contact,
            expected_version=form.loaded_version(),
            **{**form.changed_fields(), "note": form.cleaned_data["note"].strip()},
        ),
        current_version=lambda: Contact.objects.get(pk=contact.pk).version,
        form_kwargs={"clients": clients},
    )
    if saved:
        messages.success(request, _("The contact was corrected; the change history keeps the earlier values."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Correct a counselling contact"),
        submit=_("Save"),
        intro=_contact_summary(contact),
        record=contact,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Delete a contact recorded by mistake, with the reason (kept in the change history)."""
    case = editable_case(request.user, pk)
    contact = _contact_of(case, contact_pk)
    form = ContactDeleteForm(request.POST or None, initial={"version": contact.version})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.delete_contact(
            acting_user=request.user,
            contact=contact,
            expected_version=form.loaded_version(),
            reason=form.cleaned_data["reason"],
        ),
        current_version=lambda: Contact.objects.filter(pk=contact.pk).values_list("version", flat=True).first(),
    )
    if saved:
        messages.success(request, _("The contact was deleted; the change history keeps it with the reason."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Delete a counselling contact"),
        submit=_("Delete contact"),
        intro=_(
            "%(contact)s. Its follow-up tasks stay with the case. Only delete a contact that did not take place "
            "in this case; correct it otherwise."
        )
        % {"contact": _contact_summary(contact)},
        record=contact,
    )


def _back(request: HttpRequest, case: Case) -> str:
    """Where a follow-up's page returns to: the list it was opened from, else the case page."""
    origin = request.GET.get("next") or request.POST.get("next")
    if origin == "work":
        return reverse("cases:worklist")
    if origin == "follow-ups":
        return reverse("cases:follow_up_list")
    return reverse("cases:case_detail", args=[case.pk])


@capability_required(Capability.CASEWORK)
@require_POST
def follow_up_done(request: AuthenticatedRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    follow_up = FollowUp.objects.filter(case=case, pk=follow_up_pk, done_on__isnull=True).first()
    if follow_up is None:
        raise Http404
    services.complete_follow_up(acting_user=request.user, follow_up=follow_up)
    messages.success(request, _("“%(task)s” is done.") % {"task": follow_up.description})
    return redirect(_back(request, case))


def _open_follow_up(case: Case, follow_up_pk: int) -> FollowUp:
    follow_up = (
        FollowUp.objects.filter(case=case, pk=follow_up_pk, done_on__isnull=True)
        .select_related("case", "assignee")
        .first()
    )
    if follow_up is None:
        raise Http404
    return follow_up


def _follow_up_summary(follow_up: FollowUp) -> str:
    return _("“%(task)s”, due on %(date)s.") % {
        "task": follow_up.description,
        "date": date_format(follow_up.due_date, "SHORT_DATE_FORMAT"),
    }


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: AuthenticatedRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    follow_up = _open_follow_up(case, follow_up_pk)
    initial = {"version": follow_up.version, "description": follow_up.description, "due_date": follow_up.due_date}
    form = FollowUpEditForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_follow_up(
            acting_user=request.user,
            follow_up=follow_up,
            expected_version=form.loaded_version(),
            **form.changed_fields(),
        ),
        current_version=lambda: FollowUp.objects.get(pk=follow_up.pk).version,
    )
    if saved:
        messages.success(request, _("The follow-up task was saved."))
        return redirect(_back(request, case))
    return case_form_page(
        request,
        case,
        form,
        title=_("Edit a follow-up task"),
        submit=_("Save"),
        back_url=_back(request, case),
        record=follow_up,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def follow_up_postpone(request: AuthenticatedRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    follow_up = _open_follow_up(case, follow_up_pk)
    proposal = max(follow_up.due_date, timezone.localdate()) + datetime.timedelta(days=POSTPONE_DAYS)
    form = FollowUpPostponeForm(request.POST or None, initial={"version": follow_up.version, "due_date": proposal})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.postpone_follow_up(
            acting_user=request.user,
            follow_up=follow_up,
            expected_version=form.loaded_version(),
            due_date=form.cleaned_data["due_date"],
        ),
        current_version=lambda: FollowUp.objects.get(pk=follow_up.pk).version,
    )
    if saved:
        messages.success(
            request,
            _("“%(task)s” is now due on %(date)s.")
            % {"task": follow_up.description, "date": date_format(follow_up.due_date, "SHORT_DATE_FORMAT")},
        )
        return redirect(_back(request, case))
    return case_form_page(
        request,
        case,
        form,
        title=_("Postpone a follow-up task"),
        submit=_("Postpone"),
        back_url=_back(request, case),
        intro=_follow_up_summary(follow_up),
        record=follow_up,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def follow_up_assign(request: AuthenticatedRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    follow_up = _open_follow_up(case, follow_up_pk)
    form = FollowUpAssignForm(
        request.POST or None,
        initial={"version": follow_up.version, "assignee": follow_up.assignee_id},
        organisation_id=case.organisation_id,
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.reassign_follow_up(
            acting_user=request.user,
            follow_up=follow_up,
            expected_version=form.loaded_version(),
            assignee=form.cleaned_data["assignee"],
        ),
        current_version=lambda: FollowUp.objects.get(pk=follow_up.pk).version,
        form_kwargs={"organisation_id": case.organisation_id},
    )
    if saved:
        if follow_up.assignee is not None:
            name = follow_up.assignee.get_full_name() or follow_up.assignee.username
            messages.success(
                request, _("“%(task)s” was passed to %(name)s.") % {"task": follow_up.description, "name": name}
            )
        else:
            messages.success(
                request, _("“%(task)s” is with the responsible caseworker again.") % {"task": follow_up.description}
            )
        return redirect(_back(request, case))
    return case_form_page(
        request,
        case,
        form,
        title=_("Pass a follow-up task to a colleague"),
        submit=_("Pass on"),
        back_url=_back(request, case),
        intro=_follow_up_summary(follow_up),
        record=follow_up,
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
