"""New arrivals (Neuzugänge): the list of the organisation's entries, an entry's page, the first contact in one
step, declining, forwarding, naming the caseworker, beginning counselling and printing the info sheet.

Every page shows the assigned persons' names and so writes the access log (the list one row per entry shown).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.arrivals import intake, queries
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.forms import (
    ArrivalFilterForm,
    BeginCounsellingForm,
    CaseworkerForm,
    DeclineForm,
    FirstContactForm,
    ForwardForm,
)
from lotse.arrivals.models import Arrival
from lotse.cases.choices import ContactForm
from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.models import Municipality
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, file_response, form_page, save_or_show
from lotse.network import pdf
from lotse.network.choices import SheetLanguage
from lotse.network.models import InfoSheet
from lotse.people.duplicates import likely_duplicates, own_persons

FORM_PAGE = "arrivals/arrival_form_page.html"


def _arrival(request: AuthenticatedRequest, pk: int) -> Arrival:
    return get_visible_or_404(
        Arrival.objects.select_related(
            "assignment__municipality",
            "assignment__future_shelter__municipality",
            "assignment__organisation",
            "organisation",
            "responsible",
            "forwarded_to",
            "case",
        ),
        request.user,
        pk=pk,
    )


def _detail(arrival: Arrival) -> str:
    return reverse("arrivals:arrival_detail", args=[arrival.pk])


def _from_list(request: AuthenticatedRequest) -> bool:
    return "list" in (request.POST.get("next"), request.GET.get("next"))


def _back(request: AuthenticatedRequest, arrival: Arrival) -> str:
    """Back to the list the form was sent from, else to the entry."""
    return reverse("arrivals:arrival_list") if _from_list(request) else _detail(arrival)


def _entry_form_page(
    request: AuthenticatedRequest, arrival: Arrival, form: object, *, title: str, submit: str, intro: str = ""
) -> HttpResponse:
    """A small form about one entry: its household is named, so showing it is written to the access log."""
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=arrival, request=request)
    members = queries.arrival_members([arrival.assignment_id])[arrival.assignment_id]
    return form_page(
        request,
        form=form,  # type: ignore[arg-type]
        title=title,
        submit=submit,
        back_url=_back(request, arrival),
        intro=intro,
        template=FORM_PAGE,
        arrival=arrival,
        members=members,
        next_target="list" if _from_list(request) else "",
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@require_safe
def arrival_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    municipalities = Municipality.objects.filter(assignments__arrivals__organisation_id=user.organisation_id)
    form = ArrivalFilterForm(request.GET or None, municipalities=municipalities.distinct().order_by("name"))
    filters = form.values() if request.GET else {}
    page = queries.arrival_list_page(user, filters, request.GET.get("page"))
    log_accesses(acting_user=user, action=AccessAction.VIEW, records=page.object_list, request=request)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "arrivals/arrival_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query_string": params.urlencode(),
            "contact_forms": ContactForm.choices,
            "contact_states": (ArrivalState.NEW, ArrivalState.CONTACT_PLANNED, ArrivalState.DECLINED),
            "today": timezone.localdate(),
        },
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_safe
def arrival_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    arrival = _arrival(request, pk)
    page = queries.arrival_page(arrival, timezone.localdate())
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=arrival, request=request)
    return render(
        request,
        "arrivals/arrival_detail.html",
        {
            **page,
            "contact_forms": ContactForm.choices,
            "may_assign": can(request.user, Capability.LEAD_TEAM),
        },
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def arrival_contact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The first contact: from the list's row or the entry in one step; a date to come plans it."""
    arrival = _arrival(request, pk)
    form = FirstContactForm(request.POST or None, initial={"version": arrival.version})
    form, saved = save_or_show(
        request,
        form,
        lambda: intake.record_first_contact(
            acting_user=request.user,
            arrival=arrival,
            expected_version=form.loaded_version(),
            on=form.cleaned_data["on"],
            form=form.cleaned_data["form"],
        ),
        current_version=lambda: _arrival(request, pk).version,
    )
    if saved:
        if arrival.state == ArrivalState.CONTACT_PLANNED:
            messages.success(request, _("The first contact is planned."))
        else:
            messages.success(request, _("The first contact was recorded."))
        return redirect(_back(request, arrival))
    return _entry_form_page(
        request, arrival, form, title=_("First contact"), submit=_("Save"), intro=_("A date in the future plans it.")
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def arrival_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    arrival = _arrival(request, pk)
    form = DeclineForm(request.POST or None, initial={"version": arrival.version})
    form, saved = save_or_show(
        request,
        form,
        lambda: intake.decline_arrival(
            acting_user=request.user,
            arrival=arrival,
            expected_version=form.loaded_version(),
            reason=form.cleaned_data["reason"],
        ),
        current_version=lambda: _arrival(request, pk).version,
    )
    if saved:
        messages.success(request, _("The new arrival was closed: no need or declined."))
        return redirect(_detail(arrival))
    return _entry_form_page(request, arrival, form, title=_("No need / declined"), submit=_("Save"))


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def arrival_forward(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    arrival = _arrival(request, pk)
    form = ForwardForm(
        request.POST or None, initial={"version": arrival.version}, organisation_id=arrival.organisation_id
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: intake.forward_arrival(
            acting_user=request.user,
            arrival=arrival,
            expected_version=form.loaded_version(),
            to_organisation=form.cleaned_data["to_organisation"],
            reason=form.cleaned_data["reason"],
        ),
        current_version=lambda: _arrival(request, pk).version,
        form_kwargs={"organisation_id": arrival.organisation_id},
    )
    if saved:
        messages.success(
            request,
            _("The new arrival was forwarded to %(organisation)s.") % {"organisation": saved.result.organisation.name},
        )
        return redirect(_detail(arrival))
    return _entry_form_page(
        request,
        arrival,
        form,
        title=_("Forward the new arrival"),
        submit=_("Forward"),
        intro=_("The other organisation gets its own entry with the household's data; yours is closed."),
    )


@capability_required(Capability.LEAD_TEAM)
@shows_person_data
@require_http_methods(["GET", "POST"])
def arrival_caseworker(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    arrival = _arrival(request, pk)
    form = CaseworkerForm(
        request.POST or None,
        initial={"version": arrival.version, "responsible": arrival.responsible_id},
        organisation_id=arrival.organisation_id,
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: intake.assign_caseworker(
            acting_user=request.user,
            arrival=arrival,
            expected_version=form.loaded_version(),
            responsible=form.cleaned_data["responsible"],
        ),
        current_version=lambda: _arrival(request, pk).version,
        form_kwargs={"organisation_id": arrival.organisation_id},
    )
    if saved:
        messages.success(request, _("The responsible caseworker was saved."))
        return redirect(_detail(arrival))
    return _entry_form_page(
        request,
        arrival,
        form,
        title=_("Responsible caseworker"),
        submit=_("Save"),
        intro=_("Without a caseworker, every caseworker of the team sees the entry when it is overdue."),
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def arrival_begin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Begin counselling: the case with the household's persons made from the entry (or existing ones taken
    over), the records linked, the consent to the data exchange recorded in the same step."""
    user = request.user
    arrival = _arrival(request, pk)
    members = queries.arrival_members([arrival.assignment_id])[arrival.assignment_id]
    scope = own_persons(user)
    duplicates = {}
    for member in members:
        hits = likely_duplicates(
            user,
            family_name=member.family_name,
            given_names=member.given_names,
            birth_date=member.birth_date,
            nationalities=member.nationalities,
            scope=scope,
        )
        if hits:
            duplicates[member.person_id] = (member.full_name, hits)
            for hit in hits:
                log_access(acting_user=user, action=AccessAction.VIEW, record=hit.person, request=request)
    recipients = queries.housing_organisations(arrival.assignment)
    form_kwargs = {"organisation_id": arrival.organisation_id, "recipients": recipients, "duplicates": duplicates}
    initial = {
        "version": arrival.version,
        "responsible": arrival.responsible_id or (user.pk if can(user, Capability.CASEWORK) else None),
        "consent_recipient": recipients[0][0].pk if recipients else None,
    }
    form = BeginCounsellingForm(request.POST or None, initial=initial, **form_kwargs)  # type: ignore[arg-type]
    form, saved = save_or_show(
        request,
        form,
        lambda: intake.begin_counselling(
            acting_user=user,
            arrival=arrival,
            expected_version=form.loaded_version(),
            start_date=form.cleaned_data["start_date"],
            responsible=form.cleaned_data["responsible"],
            existing=form.existing(),
            consent_recipient=form.cleaned_data["consent_recipient"] if form.cleaned_data["consent"] else None,
            consent_given_on=form.cleaned_data["consent_given_on"],
        ),
        current_version=lambda: _arrival(request, pk).version,
        form_kwargs=form_kwargs,
    )
    if saved:
        messages.success(request, _("Counselling has begun: the case was opened from the new arrival."))
        return redirect("cases:case_detail", pk=saved.result.pk)
    return _entry_form_page(
        request,
        arrival,
        form,
        title=_("Begin counselling"),
        submit=_("Open the case"),
        intro=_(
            "The case is opened with the household's members as clients, made from the entry's data, and each "
            "record is linked with its accommodation record."
        ),
    )


@capability_required(Capability.RECEIVE_ARRIVALS)
@shows_person_data
@require_safe
def arrival_info_sheet(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The municipality's info sheet in the household's language (``?sprache=`` chooses another); printing is
    recorded on the entry and in the access log."""
    arrival = _arrival(request, pk)
    municipality = arrival.assignment.municipality
    sheet = InfoSheet.objects.select_related("municipality").filter(municipality=municipality).first()
    requested = request.GET.get("sprache", "").strip()
    if sheet is None or (requested and requested not in SheetLanguage.values):
        if sheet is None:
            message = _("There is no info sheet for %(municipality)s yet. The network editors write it.") % {
                "municipality": municipality.name
            }
        else:
            message = _("There is no info sheet in the language “%(code)s”.") % {"code": requested}
        return render(request, "arrivals/arrival_no_sheet.html", {"arrival": arrival, "message": message})
    members = queries.arrival_members([arrival.assignment_id])[arrival.assignment_id]
    language = requested or queries.sheet_language_of(members)
    response = file_response(pdf.sheet_pdf(sheet, language), pdf.pdf_filename(sheet, language), inline=True)
    log_access(acting_user=request.user, action=AccessAction.PRINT, record=arrival, request=request)
    if request.method != "HEAD":
        intake.record_print(acting_user=request.user, arrival=arrival, language=language)
    return response
