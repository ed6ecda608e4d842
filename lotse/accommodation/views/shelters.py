"""Shelters: the overview of places at a reference date, the shelter page, editing, units and capacity.

Places and occupancy counts are no personal data: the county, statistics
and system administration see them for every shelter. Who lives in a
shelter is seen only by the operator's accommodation staff (``managed_by``).
"""

from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lotse.accommodation import exports, queries, services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.forms import CapacityForm, ShelterCreateForm, ShelterForm, UnitForm
from lotse.accommodation.models import Shelter, ShelterQuerySet
from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data, shows_person_data_to
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, file_response, form_page, save_or_show

FORM_PAGE = "accommodation/form_page.html"


@capability_required(Capability.SHELTER_NUMBERS)
@require_safe
def shelter_list(request: AuthenticatedRequest) -> HttpResponse:
    overview, form = queries.shelter_overview(request.user, request.GET)
    return render(
        request,
        "accommodation/shelter_list.html",
        {
            "overview": overview,
            "form": form,
            "query_string": request.GET.urlencode(),
            "filtered": bool(request.GET),
            "may_create": can(request.user, Capability.MANAGE_SHELTERS),
        },
    )


@capability_required(Capability.SHELTER_NUMBERS)
@require_safe
def shelter_list_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    overview, _form = queries.shelter_overview(request.user, request.GET)
    return file_response(exports.shelter_overview_xlsx(overview), f"unterkuenfte-{overview.day.isoformat()}.xlsx")


# --- fetching in scope -----------------------------------------------------------------------------------


def _shelters() -> ShelterQuerySet:
    return Shelter.objects.select_related("municipality", "organisation")


def visible_shelter(user: User, pk: int) -> Shelter:
    """The shelter if the user may see its numbers; else 404."""
    return get_visible_or_404(_shelters(), user, pk=pk)


def managed_shelter(user: User, pk: int) -> Shelter:
    """The shelter if the user's organisation operates it and the user manages its places; else 404."""
    return get_visible_or_404(_shelters().managed_by(user), user, pk=pk)


def back_to_shelter(shelter: Shelter) -> str:
    return reverse("accommodation:shelter_detail", args=[shelter.pk])


def shelter_form_page(
    request: AuthenticatedRequest, shelter: Shelter, form: Form, *, title: str, submit: str, intro: str
) -> HttpResponse:
    """A small form about one shelter: its breadcrumb, and cancel leads back to the shelter page."""
    return form_page(
        request,
        template=FORM_PAGE,
        shelter=shelter,
        form=form,
        title=title,
        submit=submit,
        back_url=back_to_shelter(shelter),
        intro=intro,
    )


# --- create and edit -------------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_SHELTERS)
@require_http_methods(["GET", "POST"])
def shelter_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    initial = {"municipality": user.organisation.municipality_id, "kind": ShelterKind.ANSCHLUSSUNTERBRINGUNG}
    form = ShelterCreateForm(request.POST or None, initial=initial)

    def create() -> Shelter:
        fields = form.shelter_fields()
        return services.create_shelter(
            acting_user=user,
            organisation=user.organisation,
            places=form.cleaned_data["places"],
            places_from=fields["in_operation_from"] or timezone.localdate(),
            **fields,
        )

    form, saved = save_or_show(request, form, create)
    if saved:
        shelter = saved.result
        messages.success(request, _("The shelter “%(name)s” was created.") % {"name": shelter.name})
        return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return form_page(
        request,
        template=FORM_PAGE,
        shelter=None,
        form=form,
        title=_("New shelter"),
        submit=_("Create shelter"),
        back_url=reverse("accommodation:shelter_list"),
        intro=_("The shelter is operated by your organisation, %(organisation)s.")
        % {"organisation": user.organisation.name},
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def shelter_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    shelter = managed_shelter(user, pk)
    form = ShelterForm(request.POST or None, initial=ShelterForm.initial_for(shelter))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_shelter(
            acting_user=user, shelter=shelter, expected_version=form.loaded_version(), **form.shelter_fields()
        ),
        current_version=lambda: Shelter.objects.get(pk=shelter.pk).version,
    )
    if saved:
        messages.success(request, _("The shelter was saved."))
        return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter,
        form,
        title=_("Edit shelter"),
        submit=_("Save"),
        intro=_("The number of places is changed on the shelter page (“Change capacity”)."),
    )


# --- the shelter page ------------------------------------------------------------------------------------


@capability_required(Capability.SHELTER_NUMBERS)
@shows_person_data_to(Capability.MANAGE_SHELTERS)
@require_safe
def shelter_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    shelter = visible_shelter(request.user, pk)
    page = queries.shelter_page(request.user, shelter)
    if page["managed"]:
        log_access(acting_user=request.user, action=AccessAction.VIEW, record=shelter, request=request)
    return render(request, "accommodation/shelter_detail.html", page)


@capability_required(Capability.MANAGE_SHELTERS)
@shows_person_data
@require_safe
def shelter_residents_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    shelter = managed_shelter(request.user, pk)
    today = timezone.localdate()
    stays, households = queries.shelter_residents(shelter)
    content = exports.residents_xlsx(
        title=_("Residents of %(shelter)s") % {"shelter": shelter.name},
        day=today,
        stays=stays,
        with_shelter=False,
        households=households,
    )
    log_access(acting_user=request.user, action=AccessAction.EXPORT, record=shelter, request=request)
    return file_response(content, f"bewohner-{shelter.pk}-{today.isoformat()}.xlsx")


# --- units and capacity ----------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_SHELTERS)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def unit_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    shelter = managed_shelter(request.user, pk)
    form = UnitForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.add_unit(
            acting_user=request.user,
            shelter=shelter,
            name=form.cleaned_data["name"],
            places=form.cleaned_data["places"],
            places_from=form.cleaned_data["places_from"],
            accessible=form.cleaned_data["accessible"],
            notes=form.cleaned_data["notes"].strip(),
        ),
    )
    if saved:
        messages.success(
            request,
            _("The unit “%(name)s” with %(places)s places was added.")
            % {"name": saved.result.name, "places": form.cleaned_data["places"]},
        )
        return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter,
        form,
        title=_("Add a unit"),
        submit=_("Add unit"),
        intro=_("A flat, house or room of the shelter with places of its own."),
    )


@capability_required(Capability.MANAGE_SHELTERS)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def capacity_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    shelter = managed_shelter(request.user, pk)
    form = CapacityForm(request.POST or None, shelter=shelter)
    form, saved = save_or_show(
        request, form, lambda: services.change_capacity(acting_user=request.user, shelter=shelter, **form.cleaned_data)
    )
    if saved:
        data, change = form.cleaned_data, saved.result
        day = date_format(data["on"], "SHORT_DATE_FORMAT")
        if change > 0:
            text = ngettext(
                "%(count)s place was added from %(date)s on.", "%(count)s places were added from %(date)s on.", change
            ) % {"count": change, "date": day}
        elif change < 0:
            text = ngettext(
                "%(count)s place was given up from %(date)s on.",
                "%(count)s places were given up from %(date)s on.",
                -change,
            ) % {"count": -change, "date": day}
        else:
            text = _("The number of places was already %(places)s.") % {"places": data["places"]}
        messages.success(request, text)
        return redirect("accommodation:shelter_detail", pk=shelter.pk)
    return shelter_form_page(
        request,
        shelter,
        form,
        title=_("Change capacity"),
        submit=_("Change capacity"),
        intro=_(
            "The new number of places holds from the given date on; earlier dates keep the places they had. "
            "Only free places can be given up."
        ),
    )


urlpatterns: list[URLPattern] = [
    path("unterbringung/unterkuenfte/", shelter_list, name="shelter_list"),
    path("unterbringung/unterkuenfte/export.xlsx", shelter_list_xlsx, name="shelter_list_xlsx"),
    path("unterbringung/unterkuenfte/neu/", shelter_create, name="shelter_create"),
    path("unterbringung/unterkuenfte/<int:pk>/", shelter_detail, name="shelter_detail"),
    path("unterbringung/unterkuenfte/<int:pk>/bearbeiten/", shelter_edit, name="shelter_edit"),
    path("unterbringung/unterkuenfte/<int:pk>/bewohner.xlsx", shelter_residents_xlsx, name="shelter_residents_xlsx"),
    path("unterbringung/unterkuenfte/<int:pk>/wohneinheiten/neu/", unit_add, name="unit_add"),
    path("unterbringung/unterkuenfte/<int:pk>/kapazitaet/", capacity_change, name="capacity_change"),
]
