"""Assignments (Zuweisungen) of the county to municipalities, and the yearly intake obligations.

Everyone with the role Unterbringung sees the assignments of their organisation
(made by it, or to the municipality it administers); only the accommodation
staff of a Landratsamt record assignments and set intake obligations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lotse.accommodation import figure_exports, services
from lotse.accommodation.models import Assignment, IntakeObligation, Occupancy, Shelter, residents_visible_to
from lotse.accommodation.planning_forms import (
    AssignmentFilterForm,
    AssignmentForm,
    IntakeObligationForm,
    name_filter,
)
from lotse.accommodation.views.shelters import download
from lotse.cases.views.common import actor_of
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.choices import AccessAction
from lotse.core.models import Municipality, User
from lotse.core.services import log_access
from lotse.people.models import Person
from lotse.reports.figures import share

MAX_SEARCH_RESULTS = 50


def may_assign(user: User) -> bool:
    try:
        services.check_assigns(user)
    except ValidationError:
        return False
    return True


def _assignments(request: HttpRequest) -> tuple[AssignmentFilterForm, QuerySet[Assignment]]:
    form = AssignmentFilterForm(request.GET or None)
    assignments = (
        Assignment.objects.visible_to(actor_of(request))
        .select_related("municipality", "organisation")
        .annotate(person_count=Count("assigned_persons"))
    )
    return form, form.apply(assignments)


@capability_required(Capability.MANAGE_SHELTERS)
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    form, assignments = _assignments(request)
    query = request.GET.urlencode()
    return render(
        request,
        "accommodation/assignment_list.html",
        {
            "form": form,
            "assignments": list(assignments),
            "may_assign": may_assign(actor_of(request)),
            "xlsx_url": f"{reverse('accommodation:assignment_list_xlsx')}{'?' + query if query else ''}",
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_GET
def assignment_list_xlsx(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    _form, assignments = _assignments(request)
    chosen = list(assignments.prefetch_related("assigned_persons__person"))
    for assignment in chosen:
        log_access(acting_user=user, action=AccessAction.EXPORT, record=assignment, request=request)
    return download(figure_exports.assignments_xlsx(chosen), f"zuweisungen-{timezone.localdate().isoformat()}.xlsx")


def _candidate_groups(user: User, chosen: set[int], query: str) -> list[tuple[str, list[tuple[Person, bool]]]]:
    """Current residents of the user's shelters grouped by shelter, then the matches of a name search."""
    stays = (
        Occupancy.objects.current()
        .filter(place__shelter__in=Shelter.objects.managed_by(user))
        .select_related("person", "place__shelter")
        .order_by("place__shelter__name", "person__family_name", "person__given_names", "person_id")
    )
    groups: dict[str, list[tuple[Person, bool]]] = {}
    for stay in stays:
        groups.setdefault(stay.place.shelter.name, []).append((stay.person, stay.person_id in chosen))
    result = list(groups.items())
    listed = {person.pk for persons in groups.values() for person, _checked in persons}
    extra = residents_visible_to(user).filter(pk__in=chosen - listed)
    if query.strip():
        extra = extra | residents_visible_to(user).filter(name_filter(query)).exclude(pk__in=listed)
    found = list(extra.order_by("family_name", "given_names", "pk")[:MAX_SEARCH_RESULTS])
    if found:
        result.append((_("Search results"), [(person, person.pk in chosen) for person in found]))
    return result


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not may_assign(user):
        raise Http404
    candidates = residents_visible_to(user)
    form = AssignmentForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = services.record_assignment(
                    acting_user=user,
                    organisation=user.organisation,
                    municipality=data["gemeinde"],
                    date=data["date"],
                    persons=list(data["persons"]),
                    reference=data["reference"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The assignment to %(municipality)s was recorded.") % {"municipality": assignment.municipality},
                )
                return redirect("accommodation:assignment_detail", pk=assignment.pk)
        status = 400
    query = request.GET.get("q", "")
    return render(
        request,
        "accommodation/assignment_form.html",
        {"form": form, "groups": _candidate_groups(user, form.chosen_ids(), query), "query": query},
        status=status,
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    assignment = get_visible_or_404(
        Assignment.objects.select_related("municipality", "organisation", "created_by"), user, pk=pk
    )
    assigned = list(
        assignment.assigned_persons.select_related("person").order_by("person__family_name", "person__given_names")
    )
    log_access(acting_user=user, action=AccessAction.VIEW, record=assignment, request=request)
    return render(request, "accommodation/assignment_detail.html", {"assignment": assignment, "assigned": assigned})


def _year(request: HttpRequest) -> int:
    text = request.GET.get("jahr", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def intake_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    year = _year(request)
    allowed = may_assign(user)
    if request.method == "POST" and not allowed:
        raise Http404
    form = IntakeObligationForm(request.POST or None, initial={"year": year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_intake_obligation(
                    acting_user=user,
                    organisation=user.organisation,
                    municipality=data["gemeinde"],
                    year=data["year"],
                    persons=data["persons"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The intake obligation of %(municipality)s for %(year)s was saved.")
                    % {"municipality": data["gemeinde"], "year": data["year"]},
                )
                return redirect(f"{reverse('accommodation:intake_list')}?jahr={data['year']}")
        status = 400
    rows = intake_rows(year)
    context: dict[str, Any] = {"form": form, "may_assign": allowed, "year": year, "rows": rows}
    return render(request, "accommodation/intake_list.html", context, status=status)


def intake_rows(year: int) -> list[dict[str, Any]]:
    """Per municipality with an obligation or assignments in ``year``: obligation, assigned, percent."""
    municipalities = (
        Municipality.objects.annotate(
            assigned=Count(
                "assignments__assigned_persons__person", distinct=True, filter=Q(assignments__date__year=year)
            )
        )
        .filter(Q(assigned__gt=0) | Q(intake_obligations__year=year))
        .distinct()
        .order_by("name")
    )
    obligations = dict(IntakeObligation.objects.filter(year=year).values_list("municipality_id", "persons"))
    rows = []
    for municipality in municipalities:
        obligation = obligations.get(municipality.pk)
        rows.append(
            {
                "municipality": municipality,
                "obligation": obligation,
                "assigned": municipality.assigned,  # type: ignore[attr-defined]
                "percent": share(municipality.assigned, obligation),  # type: ignore[attr-defined]
            }
        )
    return rows


urlpatterns: list[URLPattern] = [
    path("unterbringung/zuweisungen/", assignment_list, name="assignment_list"),
    path("unterbringung/zuweisungen/export.xlsx", assignment_list_xlsx, name="assignment_list_xlsx"),
    path("unterbringung/zuweisungen/neu/", assignment_create, name="assignment_create"),
    path("unterbringung/zuweisungen/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("unterbringung/aufnahmeverpflichtungen/", intake_list, name="intake_list"),
]
