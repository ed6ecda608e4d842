"""The pages of sponsorship programmes (Patenschaften): programmes, their households of newcomers, sponsorships with
their life cycle and check-ins, the matching of sponsors for one household and the proposal for the waiting list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data, shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show
from lotse.volunteers import sponsorship_queries as queries
from lotse.volunteers import sponsorship_services as services
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.models import Participation, Programme, Sponsorship, Volunteer
from lotse.volunteers.sponsorship_forms import (
    CheckInForm,
    NewcomerAddForm,
    ParticipationCreateForm,
    ParticipationForm,
    ProgrammeCreateForm,
    ProgrammeForm,
    ProposalConfirmForm,
    SponsorshipRequestForm,
    TransitionForm,
    default_next_check_in,
    member_forms,
)

COORDINATE = Capability.COORDINATE_VOLUNTEERS
FORM_PAGE = "volunteers/sponsorship/form_page.html"


def _participations() -> Any:
    return Participation.objects.select_related("programme", "household", "informs_organisation")


def _sponsorships() -> Any:
    return Sponsorship.objects.select_related("participation__programme", "participation__household")


def _log_household(request: AuthenticatedRequest, participation: Participation) -> None:
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=participation, request=request)


# --- Programmes ----------------------------------------------------------------------------------------------


@require_safe
@capability_required(COORDINATE)
def programme_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "volunteers/sponsorship/programme_list.html", queries.programme_list(request.user))


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
def programme_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ProgrammeCreateForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_programme(
            acting_user=request.user,
            organisation=request.user.organisation,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            started_on=form.cleaned_data["started_on"],
            ended_on=form.cleaned_data["ended_on"],
        ),
    )
    if saved:
        messages.success(request, _("The programme was created."))
        return redirect("volunteers:programme_detail", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New programme"),
        submit=_("Create programme"),
        back_url=reverse("volunteers:programme_list"),
        template=FORM_PAGE,
    )


@require_safe
@capability_required(COORDINATE)
@shows_person_data
def programme_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.user, pk=pk)
    page = queries.programme_page(request.user, programme)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[row.participation for row in page["households"]],
        request=request,
    )
    return render(request, "volunteers/sponsorship/programme_detail.html", page)


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_no_person_data
def programme_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.user, pk=pk)
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_for(programme))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_programme(
            acting_user=request.user,
            programme=programme,
            expected_version=form.loaded_version(),
            **form.changed_fields(),
        ),
        current_version=lambda: Programme.objects.get(pk=programme.pk).version,
    )
    if saved:
        messages.success(request, _("The programme was saved."))
        return redirect("volunteers:programme_detail", pk=programme.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit programme"),
        submit=_("Save"),
        back_url=reverse("volunteers:programme_detail", args=[programme.pk]),
        template=FORM_PAGE,
        programme=programme,
    )


@require_safe
@capability_required(COORDINATE)
@shows_person_data
def programme_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.user, pk=pk)
    page = queries.proposal_page(request.user, programme)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=programme, request=request)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[row["participation"] for row in page["rows"]],
        request=request,
    )
    return render(request, "volunteers/sponsorship/proposal.html", page)


# --- Households of newcomers ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_no_person_data
def participation_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(Programme, request.user, pk=pk)
    data = request.POST or None
    form = ParticipationCreateForm(data)
    members = member_forms(data)
    all_valid = form.is_valid() and all(member.is_valid() for member in members)
    duplicates: list[queries.NewcomerDuplicate] = []
    if request.method == "POST" and all_valid and not form.duplicate_choice_made():
        # Persons the organisation already keeps who are likely members of this household: shown (and logged)
        # before anything is stored; "register anyway" goes on.
        duplicates = queries.newcomer_duplicates(
            request.user, [member.member_fields() for member in members if not member.is_empty()]
        )
        log_accesses(
            acting_user=request.user,
            action=AccessAction.VIEW,
            records=[each.hit.person for each in duplicates],
            request=request,
        )
    if request.method == "POST" and all_valid and not duplicates:
        form, saved = save_or_show(
            request,
            form,
            lambda: services.register_newcomers(
                acting_user=request.user,
                programme=programme,
                members=[member.member_fields() for member in members if not member.is_empty()],
                **form.participation_fields(),
            ),
        )
        if saved:
            messages.success(request, _("The household was registered in the programme."))
            return redirect("volunteers:participation_detail", pk=saved.result.pk)
    if request.method == "POST" and not form.errors and not all_valid:
        form.add_error(None, _("Please check the members' data."))
    return render(
        request,
        "volunteers/sponsorship/participation_create.html",
        {
            "form": form,
            "members": members,
            "programme": programme,
            "title": _("Register a household"),
            "duplicates": duplicates,
        },
    )


@require_safe
@capability_required(COORDINATE)
@shows_person_data
def participation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    page = queries.participation_page(request.user, participation)
    _log_household(request, participation)
    return render(request, "volunteers/sponsorship/participation_detail.html", page)


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_person_data
def participation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    form = ParticipationForm(request.POST or None, initial=ParticipationForm.initial_for(participation))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_participation(
            acting_user=request.user,
            participation=participation,
            expected_version=form.loaded_version(),
            **form.participation_fields(),
        ),
        current_version=lambda: Participation.objects.get(pk=participation.pk).version,
    )
    if saved:
        messages.success(request, _("The household's participation was saved."))
        return redirect("volunteers:participation_detail", pk=participation.pk)
    _log_household(request, participation)
    return form_page(
        request,
        form=form,
        title=_("Edit participation"),
        submit=_("Save"),
        back_url=reverse("volunteers:participation_detail", args=[participation.pk]),
        template=FORM_PAGE,
        programme=participation.programme,
        participation=participation,
    )


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_person_data
def newcomer_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    form = NewcomerAddForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.add_newcomer(
            acting_user=request.user,
            participation=participation,
            since=form.cleaned_data["since"],
            **form.member_fields(),
        ),
    )
    if saved:
        messages.success(request, _("The member was added to the household."))
        return redirect("volunteers:participation_detail", pk=participation.pk)
    _log_household(request, participation)
    return form_page(
        request,
        form=form,
        title=_("Add a member"),
        submit=_("Add"),
        back_url=reverse("volunteers:participation_detail", args=[participation.pk]),
        template=FORM_PAGE,
        programme=participation.programme,
        participation=participation,
    )


@require_safe
@capability_required(COORDINATE)
@shows_person_data
def participation_matching(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    page = queries.matching_page(request.user, participation)
    _log_household(request, participation)
    return render(request, "volunteers/sponsorship/matching.html", page)


def _sponsor_choices(request: AuthenticatedRequest) -> Any:
    return Volunteer.objects.visible_to(request.user).present().filter(status=VolunteerStatus.ACTIVE)


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_person_data
def sponsorship_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    persons = queries.persons_of(participation)
    initial = {"topics": participation.wanted_topics, "sponsors": request.GET.getlist("volunteer")}
    form = SponsorshipRequestForm(
        request.POST or None, initial=initial, volunteers=_sponsor_choices(request), persons=persons
    )
    form, saved = save_or_show(
        request,
        form,
        lambda: services.request_sponsorship(
            acting_user=request.user,
            participation=participation,
            sponsors=form.cleaned_data["sponsors"],
            members=list(form.cleaned_data["members"]),
            topics=form.cleaned_data["topics"],
            requested_on=form.cleaned_data["requested_on"],
            planned_end=form.cleaned_data["planned_end"],
            note=form.cleaned_data["note"],
        ),
    )
    if saved:
        messages.success(request, _("The sponsorship was requested."))
        return redirect("volunteers:sponsorship_detail", pk=saved.result.pk)
    _log_household(request, participation)
    return form_page(
        request,
        form=form,
        title=_("Request a sponsorship"),
        submit=_("Request"),
        back_url=reverse("volunteers:participation_detail", args=[participation.pk]),
        template=FORM_PAGE,
        programme=participation.programme,
        participation=participation,
    )


@require_POST
@capability_required(COORDINATE)
@shows_no_person_data
def proposal_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Confirm one proposed pair: the sponsorship is requested of the volunteer (state "requested")."""
    participation = get_visible_or_404(_participations(), request.user, pk=pk)
    form = ProposalConfirmForm(request.POST, volunteers=_sponsor_choices(request))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("volunteers:participation_matching", args=[participation.pk])
    if not form.is_valid():
        messages.error(request, _("The volunteer cannot be chosen."))
        return redirect(back)
    volunteer = form.cleaned_data["volunteer"]
    done = done_or_flash(
        request,
        lambda: services.request_sponsorship(
            acting_user=request.user,
            participation=participation,
            sponsors=[volunteer],
            requested_on=timezone.localdate(),
        ),
    )
    if done:
        messages.success(request, _("The sponsorship was requested of %(name)s.") % {"name": volunteer.full_name})
    return redirect(back)


# --- Sponsorships --------------------------------------------------------------------------------------------


@require_safe
@capability_required(COORDINATE)
def sponsorship_list(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.sponsorship_list(request.user, request.GET)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[sponsorship.participation for sponsorship, _members in page["rows"]],
        request=request,
    )
    return render(request, "volunteers/sponsorship/sponsorship_list.html", page)


@require_safe
@capability_required(COORDINATE)
def check_in_worklist(request: AuthenticatedRequest) -> HttpResponse:
    page = queries.check_in_worklist(request.user)
    log_accesses(
        acting_user=request.user,
        action=AccessAction.VIEW,
        records=[sponsorship.participation for sponsorship, _members in page["rows"]],
        request=request,
    )
    return render(request, "volunteers/sponsorship/check_in_worklist.html", page)


@require_safe
@capability_required(COORDINATE)
@shows_person_data
def sponsorship_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sponsorship = get_visible_or_404(_sponsorships(), request.user, pk=pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=sponsorship, request=request)
    return render(
        request, "volunteers/sponsorship/sponsorship_detail.html", queries.sponsorship_page(request.user, sponsorship)
    )


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_person_data
def sponsorship_transition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sponsorship = get_visible_or_404(_sponsorships(), request.user, pk=pk)
    initial = {"version": sponsorship.version, "to_state": request.GET.get("to", "")}
    form = TransitionForm(request.POST or None, initial=initial, sponsorship=sponsorship)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.change_state(
            acting_user=request.user,
            sponsorship=sponsorship,
            expected_version=form.loaded_version(),
            to_state=form.cleaned_data["to_state"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            end_reason=form.cleaned_data["end_reason"],
            planned_end=form.cleaned_data["planned_end"],
        ),
        current_version=lambda: Sponsorship.objects.get(pk=sponsorship.pk).version,
        form_kwargs={"sponsorship": sponsorship},
    )
    if saved:
        messages.success(request, _("The sponsorship's state was changed."))
        return redirect("volunteers:sponsorship_detail", pk=sponsorship.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=sponsorship, request=request)
    return form_page(
        request,
        form=form,
        title=_("Change the state"),
        submit=_("Save"),
        back_url=reverse("volunteers:sponsorship_detail", args=[sponsorship.pk]),
        template=FORM_PAGE,
        programme=sponsorship.participation.programme,
        sponsorship=sponsorship,
    )


@require_http_methods(["GET", "POST"])
@capability_required(COORDINATE)
@shows_person_data
def check_in_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sponsorship = get_visible_or_404(_sponsorships(), request.user, pk=pk)
    today = timezone.localdate()
    form = CheckInForm(request.POST or None, initial={"next_due": default_next_check_in(today)})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.record_check_in(
            acting_user=request.user,
            sponsorship=sponsorship,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            next_due=form.cleaned_data["next_due"],
        ),
    )
    if saved:
        messages.success(request, _("The check-in was recorded."))
        return redirect("volunteers:sponsorship_detail", pk=sponsorship.pk)
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=sponsorship, request=request)
    return form_page(
        request,
        form=form,
        title=_("Record a check-in"),
        submit=_("Save"),
        back_url=reverse("volunteers:sponsorship_detail", args=[sponsorship.pk]),
        template=FORM_PAGE,
        programme=sponsorship.participation.programme,
        sponsorship=sponsorship,
    )
