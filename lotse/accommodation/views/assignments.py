"""Assignments (Zuweisungen) of the county to municipalities, and the yearly intake obligations.

Everyone with the role Unterbringung sees the assignments of their organisation
(made by it, or to the municipality it administers); only the accommodation
staff of a Landratsamt record assignments and set intake obligations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.accommodation import figure_exports, queries, services
from lotse.accommodation.models import Assignment, Shelter, assigns_for_county, residents_visible_to
from lotse.accommodation.planning_forms import AssignmentForm, IntakeObligationsForm
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.models import Municipality
from lotse.core.services import log_access
from lotse.core.submissions import mark_saved
from lotse.core.web import AuthenticatedRequest, file_response, save_or_show


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def assignment_list(request: AuthenticatedRequest) -> HttpResponse:
    form, page = queries.assignment_page(request.user, request.GET)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accommodation/assignment_list.html",
        {
            "form": form,
            "filtered": bool(form.values()),
            "page": page,
            "assignments": page.object_list,
            "query_string": params.urlencode(),
            "may_assign": assigns_for_county(request.user),
            "xlsx_url": queries.with_query(reverse("accommodation:assignment_list_xlsx"), params.urlencode()),
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def assignment_list_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered list in the page's order (newest first), one row per assigned person; every assignment logged."""
    form, chosen = queries.assignment_export(request.user, request.GET)
    for assignment in chosen:
        log_access(acting_user=request.user, action=AccessAction.EXPORT, record=assignment, request=request)
    return file_response(
        figure_exports.assignments_xlsx(chosen, form.description()),
        f"zuweisungen-{timezone.localdate().isoformat()}.xlsx",
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def assignment_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not assigns_for_county(user):
        raise Http404
    form = AssignmentForm(
        request.POST or None,
        candidates=residents_visible_to(user),
        shelters=Shelter.objects.visible_to(user).in_group("au"),
    )

    def record() -> Assignment:
        data = form.cleaned_data
        return services.record_assignment(
            acting_user=user,
            organisation=user.organisation,
            municipality=data["gemeinde"],
            date=data["date"],
            persons=list(data["persons"]),
            households=list(data["households"]),
            reference=data["reference"],
            notes=data["notes"],
            planned_arrival=data["planned_arrival"],
            future_shelter=data["future_shelter"],
            future_address=data["future_address"],
        )

    form, saved = save_or_show(request, form, record)
    if saved:
        assignment = saved.result
        messages.success(
            request,
            _("The assignment to %(municipality)s was recorded.") % {"municipality": assignment.municipality.name},
        )
        return redirect("accommodation:assignment_detail", pk=assignment.pk)
    query = request.GET.get("q", "")
    return render(
        request,
        "accommodation/assignment_form.html",
        {
            "form": form,
            "sections": queries.candidate_sections(user, form.chosen_ids(), form.chosen_household_ids(), query),
            "query": query,
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_safe
def assignment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = get_visible_or_404(
        Assignment.objects.select_related("municipality", "organisation", "created_by", "future_shelter__municipality"),
        request.user,
        pk=pk,
    )
    assigned = queries.assigned_persons(assignment)
    # Which integration management received the assignment as a new arrival (lotse.arrivals), none if nobody
    # was responsible for the municipality on the day.
    receivers = [arrival.organisation for arrival in assignment.arrivals.select_related("organisation").order_by("pk")]
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=assignment, request=request)
    return render(
        request,
        "accommodation/assignment_detail.html",
        {"assignment": assignment, "assigned": assigned, "receivers": receivers},
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def intake_list(request: AuthenticatedRequest) -> HttpResponse:
    """The obligations of all municipalities for one year, entered on one page by the county's staff."""
    user = request.user
    allowed = assigns_for_county(user)
    if request.method == "POST" and not allowed:
        raise Http404
    posted = request.method == "POST"
    year = queries.intake_year(request.POST, field="year") if posted else queries.intake_year(request.GET)
    municipalities = queries.intake_municipalities(year)
    stored = queries.stored_obligations(year)
    form = IntakeObligationsForm(
        request.POST if posted else None,
        municipalities=municipalities,
        stored=stored,
        initial={"year": year},
    )
    if posted and form.is_valid():
        try:
            counts = services.set_intake_obligations(
                acting_user=user, organisation=user.organisation, year=year, rows=form.changed_rows()
            )
        except ValidationError as error:
            form = _form_after_refusal(request, error, municipalities, year)
        else:
            mark_saved(request)
            messages.success(
                request,
                _("Intake obligations for %(year)s saved: %(created)s new, %(changed)s changed, %(removed)s removed.")
                % {"year": year, **counts},
            )
            return redirect(f"{reverse('accommodation:intake_list')}?jahr={year}")
    context: dict[str, Any] = {
        "form": form,
        "may_assign": allowed,
        "year": year,
        "rows": zip(queries.intake_rows(municipalities, stored), form.rows(), strict=True),
        "errors": [(field, error) for field in form for error in field.errors if field.name.startswith("p_")],
    }
    return render(request, "accommodation/intake_list.html", context)


def _form_after_refusal(
    request: AuthenticatedRequest, error: ValidationError, municipalities: list[Municipality], year: int
) -> IntakeObligationsForm:
    """The user's input again, with the refusal under each row (or above the table); rows someone else
    changed meanwhile are checked against their current version at the next save."""
    stored = queries.stored_obligations(year)
    data = request.POST.copy()
    for municipality in municipalities:
        obligation = stored.get(municipality.pk)
        if str(obligation.version if obligation else 0) != data.get(f"v_{municipality.ags}", ""):
            data[f"v_{municipality.ags}"] = str(obligation.version if obligation else 0)
            data[f"o_{municipality.ags}"] = str(obligation.persons) if obligation else ""
    form = IntakeObligationsForm(data, municipalities=municipalities, stored=stored)
    form.is_valid()
    if hasattr(error, "error_dict"):
        for ags, messages_of_row in error.message_dict.items():
            for message in messages_of_row:
                form.add_error(f"p_{ags}" if f"p_{ags}" in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
    return form


urlpatterns: list[URLPattern] = [
    path("unterbringung/zuweisungen/", assignment_list, name="assignment_list"),
    path("unterbringung/zuweisungen/export.xlsx", assignment_list_xlsx, name="assignment_list_xlsx"),
    path("unterbringung/zuweisungen/neu/", assignment_create, name="assignment_create"),
    path("unterbringung/zuweisungen/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("unterbringung/aufnahmeverpflichtungen/", intake_list, name="intake_list"),
]
