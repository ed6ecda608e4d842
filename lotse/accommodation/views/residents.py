"""Residents: moving in (a known person or a new resident) and out, the resident page and the resident list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lotse.accommodation import exports, services
from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.forms import MoveInForm, MoveOutForm, ResidentSearchForm
from lotse.accommodation.models import (
    Assignment,
    Occupancy,
    Shelter,
    accommodation_organisation_id,
    residents_visible_to,
)
from lotse.accommodation.views.shelters import (
    download,
    managed_shelter,
    occupied_on,
    places_on,
)
from lotse.cases.models import Case
from lotse.cases.views.common import actor_of, add_errors, form_after_conflict
from lotse.core.access import Capability, capability_required
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.services import ConcurrentEditError, log_access
from lotse.people.models import HousingRecord, Person
from lotse.people.search import fold, plain
from lotse.people.vocabulary import nationality_name

SEARCH_HITS = 20
PAGE_SIZE = 25


def _day(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _organisation_id(user: User) -> int:
    organisation_id = accommodation_organisation_id(user)
    assert organisation_id is not None  # the views require the role Unterbringung
    return organisation_id


def matching_name(persons: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Persons whose names or aliases contain ``text``, also in another spelling (the folded search key)."""
    query, folded = plain(text), fold(text)
    if not query:
        return persons.none()
    return persons.filter(Q(search_text__contains=query) | Q(search_key__contains=folded))


def managed_occupancy(request: HttpRequest, pk: int) -> Occupancy:
    """A stay in a shelter the user's organisation operates; else 404."""
    user = actor_of(request)
    try:
        return Occupancy.objects.select_related("person", "place__shelter__municipality", "place__unit").get(
            pk=pk, place__shelter__organisation_id=_organisation_id(user)
        )
    except (Occupancy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_resident(request: HttpRequest, pk: int) -> Person:
    """A person the user may read as accommodation staff; else 404."""
    try:
        return residents_visible_to(actor_of(request)).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def move_targets(user: User, exclude: Shelter | None = None) -> list[Any]:
    """The user's shelters in operation today with their free places: where a resident can move to."""
    today = timezone.localdate()
    shelters = (
        Shelter.objects.managed_by(user)
        .in_operation_on(today)
        .annotate(places_count=places_on(today), occupied_count=occupied_on(today))
        .order_by("name")
    )
    if exclude is not None:
        shelters = shelters.exclude(pk=exclude.pk)
    result: list[Any] = list(shelters)
    for shelter in result:
        shelter.free_count = shelter.places_count - shelter.occupied_count
    return result


def _with_current_stay(persons: QuerySet[Person], organisation_id: int) -> QuerySet[Person]:
    """Annotate where the person lives now: the name of an own shelter, or only that they live somewhere else."""
    current = Occupancy.objects.filter(person_id=OuterRef("pk"), move_out__isnull=True)
    own = current.filter(place__shelter__organisation_id=organisation_id).values("place__shelter__name")[:1]
    return persons.annotate(own_shelter=Subquery(own), housed=Exists(current))


def _hit_label(person: Any) -> str:
    parts = [person.full_name]
    if person.birth_date_display:
        parts.append(_("born %(date)s") % {"date": person.birth_date_display})
    if person.own_shelter:
        parts.append(_("lives in %(shelter)s") % {"shelter": person.own_shelter})
    elif person.housed:
        parts.append(_("lives in another shelter"))
    return " · ".join(parts)


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def move_in(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    shelter = managed_shelter(request, pk)
    organisation_id = _organisation_id(user)
    residents = residents_visible_to(user)
    search = ResidentSearchForm(request.GET)
    query = search.query()
    hits: list[Any] = []
    if query:
        hits = list(_with_current_stay(matching_name(residents, query), organisation_id)[:SEARCH_HITS])
    initial: dict[str, Any] = {}
    preselected = request.GET.get("person", "")
    if preselected.isdigit():
        chosen = _with_current_stay(residents.filter(pk=int(preselected)), organisation_id).first()
        if chosen is not None:
            hits = [chosen, *(p for p in hits if p.pk != chosen.pk)]
            initial["person"] = chosen.pk
    form = MoveInForm(
        request.POST or None,
        initial=initial,
        shelter=shelter,
        residents=residents,
        hits=[(p, _hit_label(p)) for p in hits],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"] or services.register_resident(
                    acting_user=user, organisation=user.organisation, **form.new_person_fields()
                )
                previous = Occupancy.objects.filter(person=person, move_out__isnull=True).select_related(
                    "place__shelter"
                )
                before = previous.first()
                occupancy = services.move_in(
                    acting_user=user,
                    shelter=shelter,
                    person=person,
                    on=data["on"],
                    unit=data["unit"],
                    basis=data["basis"],
                    notes=data["notes"].strip(),
                )
        except ValidationError as error:
            add_errors(form, error)
        else:
            place = occupancy.place
            where = f"{place.unit.name}, {place}" if place.unit else str(place)
            text = _("%(person)s moved in on %(date)s (%(place)s).") % {
                "person": person.full_name,
                "date": _day(occupancy.move_in),
                "place": where,
            }
            if before is not None and before.place.shelter.organisation_id == organisation_id:
                text += " " + _("The stay in %(shelter)s ended that day as a move to another shelter.") % {
                    "shelter": before.place.shelter.name
                }
            elif before is not None:
                text += " " + _("The stay in another shelter ended that day.")
            messages.success(request, text)
            return redirect("accommodation:shelter_detail", pk=shelter.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accommodation/shelter_move_in.html",
        {"shelter": shelter, "form": form, "search": search, "query": query, "hits": hits},
        status=status,
    )


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def move_out(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    occupancy = managed_occupancy(request, pk)
    shelter = occupancy.place.shelter
    initial = {"version": occupancy.version, "new_municipality": shelter.municipality_id}
    form = MoveOutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_out(
                acting_user=user,
                occupancy=occupancy,
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"] or 0,
                new_municipality=data["new_municipality"]
                if data["reason"] == MoveOutReason.PRIVATER_MIETVERTRAG
                else None,
            )
        except ConcurrentEditError as error:
            form = form_after_conflict(MoveOutForm, request, Occupancy.objects.get(pk=occupancy.pk).version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("accommodation:move_out_done", pk=occupancy.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accommodation/resident_move_out.html",
        {
            "shelter": shelter,
            "occupancy": occupancy,
            "person": occupancy.person,
            "form": form,
            "targets": move_targets(user, exclude=shelter),
            "title": _("%(person)s moves out") % {"person": occupancy.person.full_name},
        },
        status=status,
    )


@capability_required(Capability.MANAGE_SHELTERS)
def move_out_done(request: HttpRequest, pk: int) -> HttpResponse:
    """After a move-out: what was recorded, and for an own tenancy the way to the person's case."""
    user = actor_of(request)
    occupancy = managed_occupancy(request, pk)
    if occupancy.move_out is None:
        raise Http404
    person = occupancy.person
    own_tenancy = occupancy.move_out_reason == MoveOutReason.PRIVATER_MIETVERTRAG
    cases: list[Case] = []
    if own_tenancy:
        cases = list(
            Case.objects.editable_by(user).open().filter(case_clients__person=person).distinct().order_by("-start_date")
        )
    housing = (
        HousingRecord.objects.filter(person=person, valid_from=occupancy.move_out)
        .select_related("municipality")
        .first()
    )
    return render(
        request,
        "accommodation/resident_moved_out.html",
        {
            "shelter": occupancy.place.shelter,
            "occupancy": occupancy,
            "person": person,
            "own_tenancy": own_tenancy,
            "cases": cases,
            "housing": housing,
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    person = visible_resident(request, pk)
    organisation_id = _organisation_id(user)
    stays: list[Any] = list(
        Occupancy.objects.filter(person=person)
        .select_related("place__shelter", "place__unit")
        .order_by("-move_in", "-pk")
    )
    for stay in stays:
        stay.own = stay.place.shelter.organisation_id == organisation_id
    current = next((s for s in stays if s.move_out is None), None)
    assignments = list(
        Assignment.objects.visible_to(user)
        .filter(assigned_persons__person=person)
        .select_related("municipality", "organisation")
        .distinct()
    )
    housing = list(HousingRecord.objects.filter(person=person).select_related("municipality"))
    log_access(acting_user=user, action=AccessAction.VIEW, record=person, request=request)
    return render(
        request,
        "accommodation/resident_detail.html",
        {
            "person": person,
            "nationalities": [nationality_name(code) for code in person.nationalities],
            "stays": stays,
            "current": current,
            "assignments": assignments,
            "housing": housing,
            "targets": move_targets(user, exclude=current.place.shelter if current and current.own else None),
        },
    )


def _current_residents(user: User, query: str) -> QuerySet[Occupancy]:
    stays = Occupancy.objects.filter(
        place__shelter__in=Shelter.objects.managed_by(user), move_out__isnull=True
    ).select_related("person", "place__shelter", "place__unit")
    if query:
        stays = stays.filter(person__in=matching_name(Person.objects.all(), query))
    return stays.order_by("person__family_name", "person__given_names", "person_id")


@capability_required(Capability.MANAGE_SHELTERS)
def resident_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    search = ResidentSearchForm(request.GET)
    query = search.query()
    page = Paginator(_current_residents(user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accommodation/resident_list.html",
        {"page": page, "search": search, "query": query, "query_string": urlencode({"q": query}) if query else ""},
    )


@capability_required(Capability.MANAGE_SHELTERS)
def resident_list_xlsx(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    search = ResidentSearchForm(request.GET)
    stays = list(_current_residents(user, search.query()))
    today = timezone.localdate()
    content = exports.residents_xlsx(
        title=_("Residents of the shelters of %(organisation)s") % {"organisation": user.organisation.name},
        day=today,
        stays=stays,
        with_shelter=True,
    )
    log_access(acting_user=user, action=AccessAction.EXPORT, record=user.organisation, request=request)
    return download(content, f"bewohner-{today.isoformat()}.xlsx")


urlpatterns: list[URLPattern] = [
    path("unterbringung/<int:pk>/move-in/", move_in, name="move_in"),
    path("unterbringung/stays/<int:pk>/move-out/", move_out, name="move_out"),
    path("unterbringung/stays/<int:pk>/moved-out/", move_out_done, name="move_out_done"),
    path("unterbringung/residents/", resident_list, name="resident_list"),
    path("unterbringung/residents/export.xlsx", resident_list_xlsx, name="resident_list_xlsx"),
    path("unterbringung/residents/<int:pk>/", resident_detail, name="resident_detail"),
]
