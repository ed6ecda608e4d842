"""Shelters: the overview of places at a reference date, the shelter page, editing, units and capacity.

Places and occupancy counts are no personal data: the county, statistics
and system administration see them for every shelter. Who lives in a
shelter is seen only by the operator's accommodation staff (``managed_by``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from pghistory.models import Events

from lotse.accommodation import exports, services
from lotse.accommodation.choices import PRELIMINARY_KINDS, ShelterKind
from lotse.accommodation.forms import (
    KIND_GROUP_AU,
    KIND_GROUP_VU,
    CapacityForm,
    ShelterCreateForm,
    ShelterFilterForm,
    ShelterForm,
    UnitForm,
)
from lotse.accommodation.models import (
    Occupancy,
    Place,
    Shelter,
    ShelterQuerySet,
    Unit,
    accommodation_organisation_id,
)
from lotse.cases.views.common import actor_of, add_errors, form_after_conflict
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import describe_events, tracked_event_models
from lotse.core.choices import AccessAction, Role
from lotse.core.models import Municipality
from lotse.core.services import ConcurrentEditError, log_access
from lotse.people.models import Person
from lotse.reports.figures import share

# Who sees the overview and the shelter pages (numbers only unless they operate the shelter).
OVERVIEW_ROLES = (Role.UNTERBRINGUNG, Role.STATISTIK, Role.SYSTEMADMINISTRATION)
HISTORY_LENGTH = 30
FORMER_RESIDENTS_SHOWN = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- counting places and stays ---------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """The number of rows of ``queryset`` (correlated to the outer row) as a subquery, 0 when there are none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def places_on(day: datetime.date, ref: str = "shelter") -> Coalesce:
    """Places of the outer shelter (or unit: ``ref="unit"``) available on ``day``."""
    return _count(Place.objects.filter(**{ref: OuterRef("pk")}).available_on(day), ref)


def occupied_on(day: datetime.date, ref: str = "shelter") -> Coalesce:
    """Stays in the outer shelter (or unit) that hold on ``day``."""
    return _count(Occupancy.objects.filter(**{f"place__{ref}": OuterRef("pk")}).on(day), f"place__{ref}")


@dataclass
class Totals:
    label: str
    places: int = 0
    occupied: int = 0
    shelters: int = 0

    @property
    def free(self) -> int:
        return self.places - self.occupied

    @property
    def rate(self) -> Decimal | None:
        return share(self.occupied, self.places)

    def add(self, shelter: Any) -> None:
        self.shelters += 1
        self.places += shelter.places_count
        self.occupied += shelter.occupied_count


@dataclass
class Overview:
    day: datetime.date
    shelters: list[Any]
    filters_text: str
    totals: Totals = field(init=False)
    by_group: list[Totals] = field(init=False)

    def __post_init__(self) -> None:
        self.totals = Totals(_("Total"))
        preliminary = Totals(_("of them preliminary accommodation (VU)"))
        follow_up = Totals(_("of them follow-up accommodation (AU)"))
        for shelter in self.shelters:
            shelter.free_count = shelter.places_count - shelter.occupied_count
            shelter.rate = share(shelter.occupied_count, shelter.places_count)
            shelter.in_operation = (shelter.in_operation_from is None or shelter.in_operation_from <= self.day) and (
                shelter.in_operation_to is None or shelter.in_operation_to >= self.day
            )
            self.totals.add(shelter)
            (preliminary if shelter.kind in PRELIMINARY_KINDS else follow_up).add(shelter)
        self.by_group = [preliminary, follow_up]


def build_overview(user: Any, data: Any) -> tuple[Overview, ShelterFilterForm]:
    """The overview's shelters with their counts on the reference date, filtered (a fixed number of queries)."""
    visible = Shelter.objects.visible_to(user)
    municipalities = Municipality.objects.filter(pk__in=visible.values("municipality_id")).order_by("name")
    today = timezone.localdate()
    form = ShelterFilterForm(data or None, municipalities=municipalities, initial={"stichtag": today})
    filters = form.values() if data else {}
    day = filters.get("stichtag") or today
    shelters = visible.select_related("municipality", "organisation")
    texts = []
    if municipality := filters.get("municipality"):
        shelters = shelters.filter(municipality=municipality)
        texts.append(municipality.name)
    kind = filters.get("kind", "")
    if kind in (KIND_GROUP_VU, KIND_GROUP_AU):
        shelters = shelters.in_group(kind)
    elif kind:
        shelters = shelters.filter(kind=kind)
    if kind:
        texts.append(str(dict(form.fields["kind"].choices)[kind]))  # type: ignore[attr-defined]
    shelters = shelters.annotate(places_count=places_on(day), occupied_count=occupied_on(day)).order_by(
        "municipality__name", "name"
    )
    overview = Overview(day=day, shelters=list(shelters), filters_text=", ".join(texts) or _("none"))
    return overview, form


@capability_required(Capability.SHELTER_NUMBERS)
def shelter_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    overview, form = build_overview(user, request.GET)
    return render(
        request,
        "accommodation/shelter_list.html",
        {
            "overview": overview,
            "form": form,
            "query_string": request.GET.urlencode(),
            "filtered": bool(request.GET),
            "may_create": user.has_role(Role.UNTERBRINGUNG),
        },
    )


@capability_required(Capability.SHELTER_NUMBERS)
def shelter_list_xlsx(request: HttpRequest) -> HttpResponse:
    overview, _form = build_overview(actor_of(request), request.GET)
    return download(exports.shelter_overview_xlsx(overview), f"unterkuenfte-{overview.day.isoformat()}.xlsx")


def download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- fetching in scope -----------------------------------------------------------------------------------


def _shelters() -> ShelterQuerySet:
    return Shelter.objects.select_related("municipality", "organisation")


def visible_shelter(request: HttpRequest, pk: int) -> Shelter:
    """The shelter if the user may see its numbers; else 404."""
    return get_visible_or_404(_shelters(), actor_of(request), pk=pk)


def managed_shelter(request: HttpRequest, pk: int) -> Shelter:
    """The shelter if the user's organisation operates it and the user manages its places; else 404."""
    user = actor_of(request)
    return get_visible_or_404(_shelters().managed_by(user), user, pk=pk)


def manages(user: Any, shelter: Shelter) -> bool:
    return accommodation_organisation_id(user) == shelter.organisation_id


def shelter_form_page(
    request: HttpRequest,
    *,
    shelter: Shelter | None,
    form: Any,
    title: str,
    submit: str,
    back_url: str,
    intro: str = "",
    status: int = 200,
) -> HttpResponse:
    """One page layout for the small forms of accommodation: breadcrumb, title, form, save and cancel."""
    if request.method == "POST" and form.errors and status == 200:
        status = 400
    context = {"shelter": shelter, "form": form, "title": title, "submit": submit, "back_url": back_url, "intro": intro}
    return render(request, "accommodation/shelter_form_page.html", context, status=status)


# --- create and edit -------------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def shelter_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    initial = {"municipality": user.organisation.municipality_id, "kind": ShelterKind.ANSCHLUSSUNTERBRINGUNG}
    form = ShelterCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.shelter_fields()
        try:
            shelter = services.create_shelter(
                acting_user=user,
                organisation=user.organisation,
                places=form.cleaned_data["places"],
                places_from=fields["in_operation_from"] or timezone.localdate(),
                **fields,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The shelter “%(name)s” was created.") % {"name": shelter.name})
            return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter=None,
        form=form,
        title=_("New shelter"),
        submit=_("Create shelter"),
        back_url=reverse("accommodation:shelter_list"),
        intro=_("The shelter is operated by your organisation, %(organisation)s.")
        % {"organisation": user.organisation.name},
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def shelter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    shelter = managed_shelter(request, pk)
    form = ShelterForm(request.POST or None, initial=ShelterForm.initial_for(shelter))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shelter(
                acting_user=user,
                shelter=shelter,
                expected_version=form.cleaned_data["version"] or 0,
                **form.shelter_fields(),
            )
        except ConcurrentEditError as error:
            form = form_after_conflict(ShelterForm, request, Shelter.objects.get(pk=shelter.pk).version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The shelter was saved."))
            return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter=shelter,
        form=form,
        title=_("Edit shelter"),
        submit=_("Save"),
        back_url=reverse("accommodation:shelter_detail", args=[shelter.pk]),
        intro=_("The number of places is changed on the shelter page (“Change capacity”)."),
    )


# --- the shelter page ------------------------------------------------------------------------------------


def shelter_events(shelter: Shelter, places: list[Place], limit: int = HISTORY_LENGTH) -> list[Any]:
    """The newest events of the shelter, its units, places and stays, newest first (a fixed number of queries).

    Events of units and places reference the shelter; events of stays reference their place.
    """
    models = tracked_event_models(frozenset({"accommodation"}))
    seen: set[str] = set()
    events: list[Any] = []
    for objs in ([shelter], places):
        if not objs:
            continue
        for event in Events.objects.across(*models).references(objs).order_by("-pgh_created_at")[:limit]:
            if event.pgh_slug not in seen:
                seen.add(event.pgh_slug)
                events.append(event)
    events.sort(key=lambda event: (event.pgh_created_at, event.pgh_id), reverse=True)
    return events[:limit]


def _history_rows(shelter: Shelter, places: list[Place]) -> list[dict[str, Any]]:
    events = shelter_events(shelter, places)
    rows = describe_events(events)
    # A stay is named by its resident rather than by its number.
    occupancy_label = Occupancy._meta.label
    person_ids = {e.pgh_data.get("person_id") for e in events if e.pgh_obj_model == occupancy_label and e.pgh_data}
    names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=[pk for pk in person_ids if pk])}
    for event, row in zip(events, rows, strict=True):
        if event.pgh_obj_model == occupancy_label and event.pgh_data:
            row["record"] = names.get(event.pgh_data.get("person_id"), row["record"])
        elif event.pgh_obj_model == Place._meta.label and event.pgh_data:
            row["record"] = _("Place %(number)s") % {"number": event.pgh_data.get("number")}
    return rows


@capability_required(Capability.SHELTER_NUMBERS)
def shelter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    shelter = visible_shelter(request, pk)
    today = timezone.localdate()
    totals = (
        Shelter.objects.filter(pk=shelter.pk).annotate(p=places_on(today), o=occupied_on(today)).values("p", "o")[0]
    )
    units: list[Any] = list(
        Unit.objects.filter(shelter=shelter)
        .annotate(places_count=places_on(today, "unit"), occupied_count=occupied_on(today, "unit"))
        .order_by("name")
    )
    for unit in units:
        unit.free_count = unit.places_count - unit.occupied_count
    in_units = sum(u.places_count for u in units), sum(u.occupied_count for u in units)
    without_unit = {"places": totals["p"] - in_units[0], "occupied": totals["o"] - in_units[1]}
    without_unit["free"] = without_unit["places"] - without_unit["occupied"]
    context: dict[str, Any] = {
        "shelter": shelter,
        "today": today,
        "places": totals["p"],
        "occupied": totals["o"],
        "free": totals["p"] - totals["o"],
        "rate": share(totals["o"], totals["p"]),
        "units": units,
        "without_unit": without_unit,
        "managed": manages(user, shelter),
    }
    if context["managed"]:
        stays = Occupancy.objects.filter(place__shelter=shelter).select_related("person", "place__unit")
        former = stays.filter(move_out__isnull=False).order_by("-move_out", "-pk")
        context.update(
            residents=list(stays.filter(move_out__isnull=True).order_by("person__family_name", "person__given_names")),
            former=list(former[:FORMER_RESIDENTS_SHOWN]),
            former_count=former.count(),
            history=_history_rows(shelter, list(Place.objects.filter(shelter=shelter).only("pk"))),
        )
        log_access(acting_user=user, action=AccessAction.VIEW, record=shelter, request=request)
    return render(request, "accommodation/shelter_detail.html", context)


@capability_required(Capability.MANAGE_SHELTERS)
def shelter_residents_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    shelter = managed_shelter(request, pk)
    stays = list(
        Occupancy.objects.filter(place__shelter=shelter, move_out__isnull=True)
        .select_related("person", "place__unit", "place__shelter")
        .order_by("person__family_name", "person__given_names", "pk")
    )
    today = timezone.localdate()
    content = exports.residents_xlsx(
        title=_("Residents of %(shelter)s") % {"shelter": shelter.name},
        day=today,
        stays=stays,
        with_shelter=False,
    )
    log_access(acting_user=user, action=AccessAction.EXPORT, record=shelter, request=request)
    return download(content, f"bewohner-{shelter.pk}-{today.isoformat()}.xlsx")


# --- units and capacity ----------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = managed_shelter(request, pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.add_unit(
                acting_user=actor_of(request),
                shelter=shelter,
                name=data["name"],
                places=data["places"],
                places_from=data["places_from"],
                accessible=data["accessible"],
                notes=data["notes"].strip(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The unit “%(name)s” with %(places)s places was added.")
                % {"name": unit.name, "places": data["places"]},
            )
            return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter=shelter,
        form=form,
        title=_("Add a unit"),
        submit=_("Add unit"),
        back_url=reverse("accommodation:shelter_detail", args=[shelter.pk]),
        intro=_("A flat, house or room of the shelter with places of its own."),
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def capacity_change(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = managed_shelter(request, pk)
    form = CapacityForm(request.POST or None, shelter=shelter)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.change_capacity(
                acting_user=actor_of(request), shelter=shelter, places=data["places"], on=data["on"], unit=data["unit"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            day = date_format(data["on"], "SHORT_DATE_FORMAT")
            if change > 0:
                text = _("%(count)s places were added from %(date)s on.") % {"count": change, "date": day}
            elif change < 0:
                text = _("%(count)s places were given up from %(date)s on.") % {"count": -change, "date": day}
            else:
                text = _("The number of places was already %(places)s.") % {"places": data["places"]}
            messages.success(request, text)
            return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter=shelter,
        form=form,
        title=_("Change capacity"),
        submit=_("Change capacity"),
        back_url=reverse("accommodation:shelter_detail", args=[shelter.pk]),
        intro=_(
            "The new number of places holds from the given date on; earlier dates keep the places they had. "
            "Only free places can be given up."
        ),
    )


urlpatterns: list[URLPattern] = [
    path("unterbringung/", shelter_list, name="shelter_list"),
    path("unterbringung/export.xlsx", shelter_list_xlsx, name="shelter_list_xlsx"),
    path("unterbringung/new/", shelter_create, name="shelter_create"),
    path("unterbringung/<int:pk>/", shelter_detail, name="shelter_detail"),
    path("unterbringung/<int:pk>/edit/", shelter_edit, name="shelter_edit"),
    path("unterbringung/<int:pk>/residents.xlsx", shelter_residents_xlsx, name="shelter_residents_xlsx"),
    path("unterbringung/<int:pk>/units/new/", unit_add, name="unit_add"),
    path("unterbringung/<int:pk>/capacity/", capacity_change, name="capacity_change"),
]
