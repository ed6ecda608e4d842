"""The pages of the searches for a flat (wohnungssuche/...): opened and kept by the caseworkers of the case, read
by the housing staff of their organisation and of the organisations the client passed the search on to."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.cases.models import Case
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show
from lotse.housing import search_queries as queries
from lotse.housing import search_services as services
from lotse.housing.choices import SearchStatus
from lotse.housing.models import SearchProfile
from lotse.housing.search_forms import SearchOpenForm, SearchProfileForm, SearchStatusForm, profile_initial

FORM_PAGE = "housing/search/form_page.html"


def _profiles() -> QuerySet[SearchProfile]:
    return SearchProfile.objects.select_related("case__municipality", "household", "organisation")


def _editable(request: AuthenticatedRequest, pk: int) -> SearchProfile:
    """The profile, if the user may change it (its case's caseworkers); others who see it get a 404 as well."""
    return get_visible_or_404(
        SearchProfile.objects.editable_by(request.user).select_related("case"), request.user, pk=pk
    )


@require_safe
@capability_required(Capability.HOUSING)
def search_list(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.search_list(request.user, request.GET)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[profile for profile, _members in page["rows"]],
        request=request,
    )
    return render(request, "housing/search/search_list.html", page)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASEWORK)
@shows_person_data
def search_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = get_visible_or_404(
        Case.objects.filter(organisation_id=request.user.organisation_id), request.user, pk=case_pk
    )
    today = timezone.localdate()
    adults, children = services.composition(case, today)
    form = SearchOpenForm(
        request.POST or None,
        initial={"adults": adults, "children": children, "earliest_move_in": today, "search_started_on": today},
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.open_search(
            acting_user=request.user,
            case=case,
            **{key: value for key, value in form.cleaned_data.items() if key != "version"},
        ),
    )
    if saved:
        messages.success(request, _("The search for a flat was opened."))
        return redirect("housing:search_detail", pk=saved.result.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=case, request=request)
    return form_page(
        request,
        form=form,
        title=_("Open a search for a flat"),
        submit=_("Open search"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
        intro=_("Adults and children are prefilled from the household's current members and their ages."),
        template=FORM_PAGE,
        case=case,
    )


@require_safe
@capability_required(Capability.HOUSING)
@shows_person_data
def search_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = get_visible_or_404(_profiles(), request.user, pk=pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=profile, request=request)
    return render(request, "housing/search/search_detail.html", queries.search_page(request.user, profile))


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASEWORK)
@shows_person_data
def search_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _editable(request, pk)
    form = SearchProfileForm(request.POST or None, initial=profile_initial(profile))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_search(
            acting_user=request.user, profile=profile, expected_version=form.loaded_version(), **form.changed_fields()
        ),
        current_version=lambda: SearchProfile.objects.get(pk=profile.pk).version,
    )
    if saved:
        messages.success(request, _("The search was saved."))
        return redirect("housing:search_detail", pk=profile.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=profile, request=request)
    return form_page(
        request,
        form=form,
        title=_("Change the search"),
        submit=_("Save"),
        back_url=reverse("housing:search_detail", args=[profile.pk]),
        template=FORM_PAGE,
        case=profile.case,
        profile=profile,
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.CASEWORK)
@shows_person_data
def search_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    profile = _editable(request, pk)
    wanted = request.GET.get("to", "")
    form = SearchStatusForm(
        request.POST or None,
        initial={"version": profile.version, "to_status": wanted if wanted in SearchStatus.values else ""},
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.change_search_status(
            acting_user=request.user,
            profile=profile,
            expected_version=form.loaded_version(),
            to_status=form.cleaned_data["to_status"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        ),
        current_version=lambda: SearchProfile.objects.get(pk=profile.pk).version,
    )
    if saved:
        messages.success(request, _("The status of the search was changed."))
        return redirect("housing:search_detail", pk=profile.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=profile, request=request)
    return form_page(
        request,
        form=form,
        title=_("Pause, resume or end the search"),
        submit=_("Change status"),
        back_url=reverse("housing:search_detail", args=[profile.pk]),
        template=FORM_PAGE,
        case=profile.case,
        profile=profile,
    )
