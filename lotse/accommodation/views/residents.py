"""Residents: moving in (a known person or a new resident) and out, the resident page and the resident list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.accommodation import exports, queries, services
from lotse.accommodation.choices import MoveOutReason
from lotse.accommodation.forms import MoveInForm, MoveOutForm, ResidentSearchForm
from lotse.accommodation.models import Occupancy, residents_visible_to
from lotse.accommodation.views.shelters import back_to_shelter, managed_shelter
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, file_response, form_page, save_or_show
from lotse.people.duplicates import duplicates_context, duplicates_to_confirm
from lotse.people.models import Person

PAGE_SIZE = 25


def _day(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def managed_occupancy(user: User, pk: int) -> Occupancy:
    """A stay in a shelter the user's organisation operates; else 404."""
    try:
        return Occupancy.objects.select_related("person", "place__shelter__municipality", "place__unit").get(
            pk=pk, place__shelter__organisation_id=queries.managing_organisation_id(user)
        )
    except (Occupancy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_resident(user: User, pk: int) -> Person:
    """A person the user may read as accommodation staff; else 404."""
    try:
        return residents_visible_to(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@capability_required(Capability.MANAGE_SHELTERS)
# A search for the person to move in: like the resident list, it names persons but opens no one's record.
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def move_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    shelter = managed_shelter(user, pk)
    search = ResidentSearchForm(request.GET)
    query = search.query()
    hits, preselected = queries.move_in_candidates(user, query, request.GET.get("person", ""))
    form = MoveInForm(
        request.POST or None,
        initial={"person": preselected} if preselected is not None else {},
        shelter=shelter,
        residents=residents_visible_to(user),
        hits=[(p, queries.hit_label(p)) for p in hits],
    )
    form.offer_persons(residents_visible_to(user))
    # A new resident who is likely known already stops the move-in until the user takes them over or confirms.
    new_resident = form.is_valid() and form.cleaned_data["person"] is None
    duplicates = duplicates_to_confirm(
        request, user, form, form.new_person_fields() if new_resident else None, scope=residents_visible_to(user)
    )

    def move() -> tuple[Occupancy, Occupancy | None]:
        """The new stay, and the stay it ended (if any)."""
        data = form.cleaned_data
        stay = {"on": data["on"], "unit": data["unit"], "basis": data["basis"], "notes": data["notes"].strip()}
        person = data["person"] or form.existing()
        if person is None:
            return services.move_in_new_resident(
                acting_user=user, shelter=shelter, **stay, **form.new_person_fields()
            ), None
        before = queries.current_stay(person)
        return services.move_in(acting_user=user, shelter=shelter, person=person, **stay), before

    form, saved = save_or_show(request, form, move) if not duplicates else (form, None)
    if saved:
        occupancy, before = saved.result
        place = occupancy.place
        where = f"{place.unit.name}, {place}" if place.unit else str(place)
        text = _("%(person)s moved in on %(date)s (%(place)s).") % {
            "person": occupancy.person.full_name,
            "date": _day(occupancy.move_in),
            "place": where,
        }
        if before is not None and before.place.shelter.organisation_id == shelter.organisation_id:
            text += " " + _("The stay in %(shelter)s ended that day as a move to another shelter.") % {
                "shelter": before.place.shelter.name
            }
        elif before is not None:
            text += " " + _("The stay in another shelter ended that day.")
        messages.success(request, text)
        return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return render(
        request,
        "accommodation/shelter_move_in.html",
        {
            "shelter": shelter,
            "form": form,
            "search": search,
            "query": query,
            "hits": hits,
            **duplicates_context(duplicates, organisation_id=None),
        },
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def move_out(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    occupancy = managed_occupancy(user, pk)
    shelter = occupancy.place.shelter
    initial = {"version": occupancy.version, "new_municipality": shelter.municipality_id}
    form = MoveOutForm(request.POST or None, initial=initial)

    def move() -> object:
        data = form.cleaned_data
        own_tenancy = data["reason"] == MoveOutReason.PRIVATER_MIETVERTRAG
        return services.move_out(
            acting_user=user,
            occupancy=occupancy,
            on=data["on"],
            reason=data["reason"],
            expected_version=form.loaded_version(),
            new_municipality=data["new_municipality"] if own_tenancy else None,
        )

    form, saved = save_or_show(
        request, form, move, current_version=lambda: Occupancy.objects.get(pk=occupancy.pk).version
    )
    if saved:
        return redirect("accommodation:move_out_done", pk=occupancy.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=occupancy, request=request)
    return form_page(
        request,
        template="accommodation/resident_move_out.html",
        form=form,
        title=_("%(person)s moves out") % {"person": occupancy.person.full_name},
        submit=_("Record the move-out"),
        back_url=back_to_shelter(shelter),
        intro=_("Lives in %(shelter)s since %(since)s (%(place)s).")
        % {"shelter": shelter.name, "since": _day(occupancy.move_in), "place": occupancy.place},
        crumb=_("Move out"),
        shelter=shelter,
        occupancy=occupancy,
        person=occupancy.person,
        targets=queries.move_targets(user, exclude=shelter),
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_safe
def move_out_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """After a move-out: what was recorded, and for an own tenancy the way to the person's case."""
    occupancy = managed_occupancy(request.user, pk)
    if occupancy.move_out is None:
        raise Http404
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=occupancy, request=request)
    return render(request, "accommodation/resident_moved_out.html", queries.moved_out_page(request.user, occupancy))


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_safe
def resident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = visible_resident(request.user, pk)
    page = queries.resident_page(request.user, person)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=person, request=request)
    return render(request, "accommodation/resident_detail.html", page)


@capability_required(Capability.MANAGE_SHELTERS)
@require_safe
def resident_list(request: AuthenticatedRequest) -> HttpResponse:
    search = ResidentSearchForm(request.GET)
    query = search.query()
    # A name is looked for among former residents too (a family that comes back, a question about a past stay).
    stays = queries.residents_found(request.user, query) if query else queries.current_residents(request.user, "")
    page = Paginator(stays, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[stay.person for stay in page.object_list],
        request=request,
    )
    return render(
        request,
        "accommodation/resident_list.html",
        {"page": page, "search": search, "query": query, "query_string": urlencode({"q": query}) if query else ""},
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_safe
def resident_list_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    stays = list(queries.current_residents(user, ResidentSearchForm(request.GET).query()))
    today = timezone.localdate()
    content = exports.residents_xlsx(
        title=_("Residents of the shelters of %(organisation)s") % {"organisation": user.organisation.name},
        day=today,
        stays=stays,
        with_shelter=True,
    )
    log_access(acting_user=user, action=AccessAction.EXPORT, record=user.organisation, request=request)
    return file_response(content, f"bewohner-{today.isoformat()}.xlsx")


urlpatterns: list[URLPattern] = [
    path("unterbringung/unterkuenfte/<int:pk>/einzug/", move_in, name="move_in"),
    path("unterbringung/unterkuenfte/aufenthalte/<int:pk>/auszug/", move_out, name="move_out"),
    path("unterbringung/unterkuenfte/aufenthalte/<int:pk>/ausgezogen/", move_out_done, name="move_out_done"),
    path("unterbringung/bewohner/", resident_list, name="resident_list"),
    path("unterbringung/bewohner/export.xlsx", resident_list_xlsx, name="resident_list_xlsx"),
    path("unterbringung/bewohner/<int:pk>/", resident_detail, name="resident_detail"),
]
