"""The handover sheet (Übergabebogen): the shelter's social service drafts it from a resident and hands it over;
the integration management it is addressed to reads it, and accepts it into a new or an existing case or
declines it. Each side reaches a sheet only through its own scope (``HandoverSheet.objects.sent_by`` and
``received_by``); anything else is a 404. The receiving side sees what the sheet says, never the records behind it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.arrivals import handover_sheets as services
from lotse.arrivals import queries
from lotse.arrivals.forms import (
    ROW_FORMSETS,
    AcceptIntoCaseForm,
    AcceptNewCaseForm,
    CaseChoiceForm,
    DeclineSheetForm,
    SheetForm,
)
from lotse.arrivals.models import HandoverSheet, HandoverSheetPerson
from lotse.arrivals.sheet_print import sheet_pdf
from lotse.cases.models import Case
from lotse.cases.queries import caseworkers_of, client_name
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.services import ConcurrentEditError, log_access, log_accesses
from lotse.core.submissions import mark_saved
from lotse.core.web import AuthenticatedRequest, add_errors, done_or_flash, file_response
from lotse.people.models import HouseholdMembership, Person


def _sent_sheet(user: User, pk: int) -> HandoverSheet:
    sheet = queries.fetch_sheet(HandoverSheet.objects.sent_by(user), pk)
    if sheet is None:
        raise Http404
    return sheet


def _received_sheet(user: User, pk: int) -> HandoverSheet:
    sheet = queries.fetch_sheet(HandoverSheet.objects.received_by(user), pk)
    if sheet is None:
        raise Http404
    return sheet


def _own_resident(user: User, pk: int) -> Person:
    """A person living now in a shelter the user's organisation operates; else 404."""
    person = Person.objects.filter(
        pk=pk,
        occupancies__move_out__isnull=True,
        occupancies__place__shelter__organisation_id=user.organisation_id,
    ).first()
    if person is None:
        raise Http404
    return person


def _version(request: AuthenticatedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# The sending side: the shelter's social service


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@require_safe
def sheet_list(request: AuthenticatedRequest) -> HttpResponse:
    sheets = queries.sent_sheet_list(request.user)
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=sheets, request=request)
    return render(request, "arrivals/sheet_list.html", {"sheets": sheets})


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@shows_person_data
@require_http_methods(["GET", "POST"])
def sheet_start(request: AuthenticatedRequest, person: int) -> HttpResponse:
    """Start a sheet for a resident's household: who of the household is on it."""
    user = request.user
    resident = _own_resident(user, person)
    household = services.household_of(resident)
    open_sheet = services.open_sheet_of(resident, user.organisation_id)
    errors: list[str] = []
    if request.method == "POST":
        chosen = set(request.POST.getlist("persons"))
        leave_out = [p for p, _relationship in household if str(p.pk) not in chosen]
        try:
            sheet = services.start_sheet(acting_user=user, person=resident, leave_out=leave_out)
        except ValidationError as error:
            errors = list(error.messages)
        else:
            mark_saved(request)
            messages.success(request, _("The handover sheet was started. Fill it in and hand it over."))
            return redirect("arrivals:sheet_edit", pk=sheet.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=resident, request=request)
    return render(
        request,
        "arrivals/sheet_start.html",
        {"resident": resident, "household": household, "open_sheet": open_sheet, "errors": errors},
    )


def _history(sheet: HandoverSheet) -> list[tuple[Any, str, Any]]:
    """The steps of the sheet, oldest first: when, what, who (from the sheet's own fields)."""
    steps: list[tuple[Any, str, Any]] = [(sheet.created_at, _("started"), sheet.created_by)]
    if sheet.consent_given_on is not None:
        steps.append((None, _("consent recorded"), sheet.consent_recorded_by))
    if sheet.sent_at is not None:
        steps.append((sheet.sent_at, _("handed over"), sheet.sent_by))
    if sheet.decided_at is not None:
        steps.append((sheet.decided_at, sheet.get_status_display(), sheet.decided_by))
    return steps


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@shows_person_data
@require_safe
def sheet_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sent_sheet(request.user, pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=sheet, request=request)
    page = queries.sheet_page(sheet)
    return render(request, "arrivals/sheet_detail.html", {**page, "side": "sender", "history": _history(sheet)})


def _row_initial(sheet: HandoverSheet) -> dict[str, list[dict[str, Any]]]:
    return {
        "needs": [
            {"id": r.pk, "field_of_action": r.field_of_action, "description": r.description} for r in sheet.needs.all()
        ],
        "tasks": [{"id": r.pk, "description": r.description, "due_date": r.due_date} for r in sheet.tasks.all()],
        "contacts": [
            {"id": r.pk, "name": r.name, "service": r.service, "phone": r.phone, "email": r.email, "role": r.role}
            for r in sheet.contacts.all()
        ],
        "items": [{"id": r.pk, "kind": r.kind, "description": r.description} for r in sheet.items.all()],
    }


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@shows_person_data
@require_http_methods(["GET", "POST"])
def sheet_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The draft on one page: to whom, the consent, the persons, and the rows of each list (two empty rows each;
    "save and add rows" gives two more)."""
    user = request.user
    sheet = _sent_sheet(user, pk)
    if not sheet.is_draft:
        messages.info(request, _("The sheet was handed over already; it can no longer be changed."))
        return redirect("arrivals:sheet_detail", pk=sheet.pk)
    receivers = services.receiving_candidates(sheet.sending_organisation_id)
    data = request.POST if request.method == "POST" else None
    initial = {
        "version": sheet.version,
        "receiving_organisation": sheet.receiving_organisation_id,
        "persons": list(sheet.persons.values_list("pk", flat=True)),
        "consent_given_on": sheet.consent_given_on,
        "consent_given_by": sheet.consent_given_by_id,
        "message": sheet.message,
    }
    form = SheetForm(data, initial=initial, sheet=sheet, receivers=receivers)
    rows = _row_initial(sheet)
    # A sent form is read as sent: compared with no stored rows, so rows saved by someone else in the meantime
    # make no difference to what this user's rows say (the version check refuses the save then).
    formsets = {
        name: ROW_FORMSETS[name](data, initial=None if data is not None else rows[name], prefix=name)
        for name in ROW_FORMSETS
    }
    if request.method == "POST":
        valid = form.is_valid() & all([formset.is_valid() for formset in formsets.values()])
        if valid:
            values = {
                name: [row for row in (f.row() for f in formset.forms) if row is not None]
                for name, formset in formsets.items()
            }
            try:
                services.update_sheet(
                    acting_user=user,
                    sheet=sheet,
                    expected_version=form.loaded_version(),
                    receiving_organisation=form.cleaned_data["receiving_organisation"],
                    consent_given_on=form.cleaned_data["consent_given_on"],
                    consent_given_by=form.cleaned_data["consent_given_by"],
                    message=form.cleaned_data["message"],
                    persons=form.cleaned_data["persons"],
                    **values,
                )
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
                # The user's input stays; the next save is checked against the version stored now.
                current = HandoverSheet.objects.filter(pk=sheet.pk).values_list("version", flat=True).first()
                post = request.POST.copy()
                post["version"] = str(current or 0)
                errors = form.non_field_errors()
                form = SheetForm(post, initial=initial, sheet=sheet, receivers=receivers)
                form.is_valid()
                for message in errors:
                    form.add_error(None, message)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The handover sheet was saved."))
                if "more" in request.POST:
                    return redirect("arrivals:sheet_edit", pk=sheet.pk)
                return redirect("arrivals:sheet_detail", pk=sheet.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=sheet, request=request)
    return render(
        request,
        "arrivals/sheet_edit.html",
        {"sheet": sheet, "form": form, "formsets": formsets, "persons": list(sheet.persons.all())},
    )


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@require_POST
def sheet_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sent_sheet(request.user, pk)
    if done_or_flash(
        request,
        lambda: services.send_sheet(acting_user=request.user, sheet=sheet, expected_version=_version(request)),
    ):
        messages.success(
            request,
            _("The sheet was handed over to %(organisation)s. You keep your records; they read the sheet.")
            % {"organisation": sheet.receiving_organisation.name if sheet.receiving_organisation else ""},
        )
    return redirect("arrivals:sheet_detail", pk=sheet.pk)


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@require_POST
def sheet_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sent_sheet(request.user, pk)
    if done_or_flash(
        request,
        lambda: services.withdraw_sheet(acting_user=request.user, sheet=sheet, expected_version=_version(request)),
    ):
        messages.success(request, _("The handover was withdrawn; the integration management no longer sees the sheet."))
    return redirect("arrivals:sheet_detail", pk=sheet.pk)


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@require_POST
def sheet_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sent_sheet(request.user, pk)
    if done_or_flash(
        request,
        lambda: services.delete_draft(acting_user=request.user, sheet=sheet, expected_version=_version(request)),
    ):
        messages.success(request, _("The draft was removed."))
        return redirect("arrivals:sheet_list")
    return redirect("arrivals:sheet_detail", pk=sheet.pk)


def _pdf(request: AuthenticatedRequest, sheet: HandoverSheet) -> HttpResponse:
    content = sheet_pdf(sheet, timezone.localdate())
    log_access(acting_user=request.user, action=AccessAction.PRINT, record=sheet, request=request)
    return file_response(content, f"uebergabebogen-{sheet.number}.pdf", inline=True)


@capability_required(Capability.HAND_OVER_FROM_SHELTER)
@shows_person_data
@require_safe
def sheet_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _pdf(request, _sent_sheet(request.user, pk))


# The receiving side: the integration management


@capability_required(Capability.CASEWORK)
@require_safe
def received_list(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.received_sheet_list(request.user)
    log_accesses(
        acting_user=request.user, action=AccessAction.VIEW, records=page["waiting"] + page["answered"], request=request
    )
    return render(request, "arrivals/received_list.html", page)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def received_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The sheet as handed over; while it waits: accept into a new case (naming the caseworker) or decline."""
    user = request.user
    sheet = _received_sheet(user, pk)
    decision = request.POST.get("decision") if request.method == "POST" else None
    initial = {"version": sheet.version, "responsible": user.pk}
    accept_form = AcceptNewCaseForm(
        request.POST if decision == "new" else None,
        initial=initial,
        caseworkers=caseworkers_of(sheet.receiving_organisation_id or 0),
    )
    decline_form = DeclineSheetForm(request.POST if decision == "decline" else None, initial={"version": sheet.version})
    if request.method == "POST":
        if decision not in ("new", "decline"):
            raise Http404
        form: AcceptNewCaseForm | DeclineSheetForm = accept_form if decision == "new" else decline_form
        if form.is_valid():
            try:
                if decision == "new":
                    acceptance = services.accept_into_new_case(
                        acting_user=user,
                        sheet=sheet,
                        expected_version=accept_form.loaded_version(),
                        responsible=accept_form.cleaned_data["responsible"],
                        start_date=accept_form.cleaned_data["start_date"],
                        exchange_consent_on=accept_form.consent_on(),
                    )
                    messages.success(request, _("The household was taken over into a new case."))
                    return redirect("cases:case_detail", pk=acceptance.case.pk)
                services.decline_sheet(
                    acting_user=user,
                    sheet=sheet,
                    expected_version=decline_form.loaded_version(),
                    reason=decline_form.cleaned_data["reason"],
                )
                messages.success(
                    request, _("The handover was declined; the shelter's social service reads your reason.")
                )
                return redirect("arrivals:received_list")
            except ConcurrentEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_errors(form, error)
        sheet = _received_sheet(user, pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=sheet, request=request)
    page = queries.sheet_page(sheet)
    return render(
        request,
        "arrivals/sheet_detail.html",
        {
            **page,
            "side": "receiver",
            "history": _history(sheet),
            "accept_form": accept_form,
            "decline_form": decline_form,
        },
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def received_into_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Accept into an open case of the organisation: first the case (GET), then who of the sheet is who."""
    user = request.user
    sheet = _received_sheet(user, pk)
    if not sheet.is_waiting:
        messages.info(request, _("This handover sheet was already answered."))
        return redirect("arrivals:received_detail", pk=sheet.pk)
    cases = Case.objects.editable_by(user).open().annotate(client_name=client_name("pk")).order_by("-start_date", "-pk")
    source = request.POST if request.method == "POST" else request.GET
    choice = CaseChoiceForm(source if source.get("case") else None, cases=cases)
    case = choice.cleaned_data["case"] if choice.is_bound and choice.is_valid() else None
    match_form = None
    if case is not None:
        rows = list(HandoverSheetPerson.objects.filter(sheet=sheet).order_by("position", "pk"))
        members = [
            m.person
            for m in HouseholdMembership.objects.current()
            .filter(household_id=case.household_id)
            .select_related("person")
            .order_by("person__family_name", "person__given_names")
        ]
        match_form = AcceptIntoCaseForm(
            request.POST if request.method == "POST" else None,
            initial={"version": sheet.version},
            rows=rows,
            members=members,
            proposed=services.matching_members(sheet, case),
        )
        if request.method == "POST" and match_form.is_valid():
            try:
                services.accept_into_case(
                    acting_user=user,
                    sheet=sheet,
                    expected_version=match_form.loaded_version(),
                    case=case,
                    matches=match_form.matches(),
                    exchange_consent_on=match_form.consent_on(),
                )
            except ConcurrentEditError as error:
                match_form.add_error(None, str(error))
            except ValidationError as error:
                add_errors(match_form, error)
            else:
                messages.success(request, _("The household was taken over into the case."))
                return redirect("cases:case_detail", pk=case.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=sheet, request=request)
    return render(
        request,
        "arrivals/received_into_case.html",
        {
            "sheet": sheet,
            "choice": choice,
            "case": case,
            "match_form": match_form,
            "back_url": reverse("arrivals:received_detail", args=[sheet.pk]),
        },
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def received_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _pdf(request, _received_sheet(request.user, pk))
