"""The pages of the volunteer interpreter pool (dolmetschdienst/...).

The requesting staff (REQUEST_INTERPRETER) see their organisation's requests, with the case or shelter they were
made from; the pool's coordination (COORDINATE_VOLUNTEERS) sees the requests made to its pool, never the case or
the shelter. The volunteer answers on a public page through the signed link of the mail, without an account.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, done_or_flash, file_response, form_page, save_or_show
from lotse.people.vocabulary import language_name
from lotse.volunteers import interpreting_queries as queries
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.interpreting_forms import MonthForm, OutcomeForm, PoolForm, RequestFilterForm, RequestForm
from lotse.volunteers.interpreting_print import statements_pdf, statements_xlsx
from lotse.volunteers.models import InterpreterBooking, InterpreterPool, InterpreterRequest, Volunteer

FORM_PAGE = "volunteers/interpreting/form_page.html"
C = Capability


def _query_string(request: HttpRequest) -> str:
    """The list's filters, for the pagination's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _pool_request(request: AuthenticatedRequest, pk: int) -> InterpreterRequest:
    return get_visible_or_404(
        queries.made_to_pool_of(request.user).select_related("pool", "requesting_organisation"),
        request.user,
        pk=pk,
    )


def _own_request(request: AuthenticatedRequest, pk: int) -> InterpreterRequest:
    return get_visible_or_404(
        queries.requested_by(request.user).select_related("pool", "requesting_organisation", "case", "shelter"),
        request.user,
        pk=pk,
    )


def _pool_booking(request: AuthenticatedRequest, pk: int) -> InterpreterBooking:
    booking = (
        InterpreterBooking.objects.filter(request__in=queries.made_to_pool_of(request.user))
        .select_related("request", "request__pool", "volunteer")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _detail(request: AuthenticatedRequest, interpreter_request: InterpreterRequest, *, as_coordinator: bool) -> Any:
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=interpreter_request, request=request)
    page = queries.request_page(interpreter_request, request.user, as_coordinator=as_coordinator)
    return render(request, "volunteers/interpreting/request_detail.html", page)


def _book(request: AuthenticatedRequest, interpreter_request: InterpreterRequest) -> None:
    raw = request.POST.get("volunteer", "")
    volunteer = (
        Volunteer.objects.filter(organisation_id=interpreter_request.pool.organisation_id, pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if volunteer is None:
        messages.error(request, _("Choose an interpreter from the list."))
        return
    if done_or_flash(
        request,
        lambda: services.book_interpreter(
            acting_user=request.user, request=interpreter_request, volunteer=volunteer, site_url=_site_url(request)
        ),
    ):
        messages.success(
            request,
            _("%(name)s was asked by e-mail to confirm the appointment.") % {"name": volunteer.full_name},
        )


# --- The coordination of the pool ----------------------------------------------------------------------


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_safe
def pool_requests(request: AuthenticatedRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    page = queries.pool_requests_page(request.user, form.values() if form.is_bound else {}, request.GET.get("page"))
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=page["page"].object_list, request=request)
    return render(
        request,
        "volunteers/interpreting/pool_requests.html",
        {**page, "filter_form": form, "query_string": _query_string(request)},
    )


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_http_methods(["GET", "POST"])
def pool_settings(request: AuthenticatedRequest) -> HttpResponse:
    organisation = request.user.organisation
    pool = InterpreterPool.objects.filter(organisation=organisation).first()
    initial: dict[str, Any] = {"name": _("Volunteer interpreter service"), "requesters_may_book": False}
    if pool is not None:
        initial = {
            "version": pool.version,
            "name": pool.name,
            "municipalities": list(pool.municipalities.all()),
            "requesters_may_book": pool.requesters_may_book,
        }
    form = PoolForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.save_pool(
            acting_user=request.user,
            organisation=organisation,
            name=form.cleaned_data["name"],
            municipalities=form.cleaned_data["municipalities"],
            requesters_may_book=form.cleaned_data["requesters_may_book"],
            expected_version=form.loaded_version() if pool is not None else None,
        ),
        current_version=lambda: (
            InterpreterPool.objects.filter(organisation=organisation).values_list("version", flat=True).first()
        ),
    )
    if saved:
        messages.success(request, _("The interpreter pool was saved."))
        return redirect("volunteers:interpreting_pool_requests")
    return form_page(
        request,
        form=form,
        title=_("Interpreter pool settings"),
        intro=_("Caseworkers and accommodation staff of every organisation can request an interpreter from the pool."),
        submit=_("Save"),
        back_url=reverse("volunteers:interpreting_pool_requests"),
        template=FORM_PAGE,
    )


@capability_required(C.COORDINATE_VOLUNTEERS)
@shows_person_data
@require_safe
def pool_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, _pool_request(request, pk), as_coordinator=True)


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_POST
def book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    interpreter_request = _pool_request(request, pk)
    _book(request, interpreter_request)
    return redirect("volunteers:interpreting_pool_request", pk=pk)


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_POST
def decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    interpreter_request = _pool_request(request, pk)
    if done_or_flash(request, lambda: services.decline_request(acting_user=request.user, request=interpreter_request)):
        messages.success(request, _("The request was declined."))
    return redirect("volunteers:interpreting_pool_request", pk=pk)


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_POST
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _pool_booking(request, pk)
    if done_or_flash(request, lambda: services.withdraw_booking(acting_user=request.user, booking=booking)):
        messages.success(request, _("The booking was withdrawn; the request is open again."))
    return redirect("volunteers:interpreting_pool_request", pk=booking.request_id)


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_POST
def record_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _pool_booking(request, pk)
    accept = request.POST.get("accept") == "1"
    if done_or_flash(request, lambda: services.record_answer(acting_user=request.user, booking=booking, accept=accept)):
        messages.success(request, _("The answer was recorded."))
    return redirect("volunteers:interpreting_pool_request", pk=booking.request_id)


@capability_required(C.COORDINATE_VOLUNTEERS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _pool_booking(request, pk)
    initial: dict[str, Any] = {"held": "1", "actual_minutes": booking.request.duration_minutes}
    if booking.state in ("durchgefuehrt", "ausgefallen"):
        initial = {
            "held": "1" if booking.state == "durchgefuehrt" else "0",
            "actual_minutes": booking.actual_minutes,
            "travel_minutes": booking.travel_minutes,
            "travel_km": booking.travel_km,
            "note": booking.outcome_note,
        }
    form = OutcomeForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.record_outcome(
            acting_user=request.user,
            booking=booking,
            held=form.cleaned_data["held"],
            actual_minutes=form.cleaned_data.get("actual_minutes"),
            travel_minutes=form.cleaned_data.get("travel_minutes"),
            travel_km=form.cleaned_data.get("travel_km"),
            note=form.cleaned_data.get("note", ""),
        ),
    )
    if saved:
        messages.success(request, _("The outcome of the appointment was recorded."))
        return redirect("volunteers:interpreting_pool_request", pk=booking.request_id)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=booking.request, request=request)
    starts = timezone.localtime(booking.starts_at)
    return form_page(
        request,
        form=form,
        title=_("Outcome of the appointment on %(date)s with %(name)s")
        % {"date": starts.strftime("%d.%m.%Y %H:%M"), "name": booking.volunteer.full_name},
        submit=_("Save"),
        back_url=reverse("volunteers:interpreting_pool_request", args=[booking.request_id]),
        template=FORM_PAGE,
    )


def _statements(request: AuthenticatedRequest) -> tuple[datetime.date, list[queries.Statement]]:
    month = MonthForm(request.GET or None).chosen_month()
    rows = queries.statements(request.user.organisation_id, month)
    return month, rows


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_safe
def statements(request: AuthenticatedRequest) -> HttpResponse:
    month, rows = _statements(request)
    form = MonthForm(request.GET or None, initial={"month": month})
    log_accesses(
        acting_user=request.user, action=AccessAction.VIEW, records=[r.volunteer for r in rows], request=request
    )
    return render(
        request,
        "volunteers/interpreting/statements.html",
        {
            "filter_form": form,
            "month": month,
            "rows": rows,
            "totals": queries.statement_totals(rows),
            "query": f"?month={month:%Y-%m}",
        },
    )


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_safe
def statements_xlsx_view(request: AuthenticatedRequest) -> HttpResponse:
    month, rows = _statements(request)
    log_accesses(
        acting_user=request.user, action=AccessAction.EXPORT, records=[r.volunteer for r in rows], request=request
    )
    return file_response(statements_xlsx(month, rows), f"dolmetschdienst-abrechnung-{month:%Y-%m}.xlsx")


@capability_required(C.COORDINATE_VOLUNTEERS)
@require_safe
def statements_pdf_view(request: AuthenticatedRequest) -> HttpResponse:
    month, rows = _statements(request)
    log_accesses(
        acting_user=request.user, action=AccessAction.PRINT, records=[r.volunteer for r in rows], request=request
    )
    pool = InterpreterPool.objects.filter(organisation_id=request.user.organisation_id).first()
    content = statements_pdf(month, rows, pool=pool, printed_on=timezone.localdate())
    return file_response(content, f"dolmetschdienst-abrechnung-{month:%Y-%m}.pdf", inline=True)


# --- The requesting staff ------------------------------------------------------------------------------


@capability_required(C.REQUEST_INTERPRETER)
@require_safe
def my_requests(request: AuthenticatedRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    page = queries.my_requests_page(request.user, form.values() if form.is_bound else {}, request.GET.get("page"))
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=page["page"].object_list, request=request)
    return render(
        request,
        "volunteers/interpreting/my_requests.html",
        {**page, "filter_form": form, "query_string": _query_string(request)},
    )


@capability_required(C.REQUEST_INTERPRETER)
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    from lotse.accommodation.models import Shelter
    from lotse.cases.models import Case

    case = shelter = None
    raw_case, raw_shelter = request.GET.get("fall", ""), request.GET.get("unterkunft", "")
    if raw_case:
        case = get_visible_or_404(Case.objects.editable_by(request.user), request.user, pk=raw_case)
    elif raw_shelter:
        shelter = get_visible_or_404(Shelter.objects.managed_by(request.user), request.user, pk=raw_shelter)
    origin = case or shelter
    municipality_id = getattr(origin, "municipality_id", None) or request.user.organisation.municipality_id
    pool = services.pool_for_municipality(municipality_id)
    initial: dict[str, Any] = {"pool": pool.pk if pool else None}
    if shelter is not None:
        initial.update(place_kind="unterkunft", place_address=getattr(shelter, "address", ""))
    form = RequestForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.request_interpreter(
            acting_user=request.user,
            requesting_organisation=request.user.organisation,
            case=case,
            shelter=shelter,
            **form.request_fields(),
        ),
    )
    if saved:
        messages.success(request, _("The interpreter was requested."))
        return redirect("volunteers:interpreting_request_detail", pk=saved.result.pk)
    if case is not None:
        log_access(acting_user=request.user, action=AccessAction.VIEW, record=case, request=request)
    intro = _("The pool learns only what the interpreter needs: language, time, place and the client's first name.")
    if not InterpreterPool.objects.exists():
        intro = _("No interpreter pool has been set up yet.")
    if origin is not None:
        intro = _("Request from %(origin)s. ") % {"origin": origin} + intro
    return form_page(
        request,
        form=form,
        title=_("Request an interpreter"),
        intro=intro,
        submit=_("Request interpreter"),
        back_url=reverse("volunteers:interpreting_my_requests"),
        template=FORM_PAGE,
        crumb_label=_("Interpreter requests"),
    )


@capability_required(C.REQUEST_INTERPRETER)
@shows_person_data
@require_safe
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, _own_request(request, pk), as_coordinator=False)


@capability_required(C.REQUEST_INTERPRETER)
@require_POST
def request_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _book(request, _own_request(request, pk))
    return redirect("volunteers:interpreting_request_detail", pk=pk)


@capability_required(C.REQUEST_INTERPRETER)
@require_POST
def request_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    interpreter_request = _own_request(request, pk)
    if done_or_flash(request, lambda: services.cancel_request(acting_user=request.user, request=interpreter_request)):
        messages.success(request, _("The appointment was called off."))
    return redirect("volunteers:interpreting_request_detail", pk=pk)


@capability_required(C.REQUEST_INTERPRETER)
@require_POST
def link_contact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from lotse.cases.models import Contact

    interpreter_request = _own_request(request, pk)
    booking = interpreter_request.bookings.filter(state="durchgefuehrt").first()
    raw = request.POST.get("contact", "")
    contact = (
        Contact.objects.filter(case_id=interpreter_request.case_id, pk=int(raw)).first()
        if raw.isdigit() and interpreter_request.case_id
        else None
    )
    if booking is None or contact is None:
        messages.error(request, _("Choose a contact of the case."))
    elif done_or_flash(
        request, lambda: services.link_contact(acting_user=request.user, booking=booking, contact=contact)
    ):
        messages.success(request, _("The contact was linked to the appointment."))
    return redirect("volunteers:interpreting_request_detail", pk=pk)


# --- The volunteer's answer (public) -------------------------------------------------------------------


def _problem_text(reason: str) -> str:
    if reason == "expired":
        return _("This link has expired. Please contact the interpreter coordination.")
    if reason == "used":
        return _("This link has already been used. Please contact the interpreter coordination to change your answer.")
    return _("This link is not valid. Please use the link from the e-mail exactly as it is.")


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The appointment as the interpreter needs it, with confirm and decline; a POST answers once."""
    try:
        booking = services.booking_for_token(token)
    except services.LinkProblem as problem:
        return render(request, "volunteers/interpreting/answer.html", {"problem": _problem_text(problem.reason)})
    if request.method == "POST":
        accept = request.POST.get("answer") == "confirm"
        try:
            booking = services.answer_through_link(token=token, accept=accept)
        except services.LinkProblem as problem:
            return render(request, "volunteers/interpreting/answer.html", {"problem": _problem_text(problem.reason)})
        return render(request, "volunteers/interpreting/answer.html", {"answered": booking, "accepted": accept})
    interpreter_request = booking.request
    return render(
        request,
        "volunteers/interpreting/answer.html",
        {
            "booking": booking,
            "interpreter_request": interpreter_request,
            "language": language_name(interpreter_request.language),
            "starts": timezone.localtime(interpreter_request.starts_at),
            "ends": timezone.localtime(interpreter_request.ends_at),
        },
    )
