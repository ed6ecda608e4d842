"""The team lead's view: every caseworker's caseload, the team's overdue items, reassigning cases, substitutions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.cases import queries, services
from lotse.cases.forms import ReassignForm, SubstitutionForm, TeamFilterForm
from lotse.cases.models import Case, Substitution
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data
from lotse.core.choices import AccessAction
from lotse.core.forms import VersionedForm
from lotse.core.models import User
from lotse.core.services import log_accesses
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show


@capability_required(Capability.LEAD_TEAM)
@require_safe
def team(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    team = queries.team_rows(user, today)
    form = TeamFilterForm(request.GET or None, caseworkers=team[0])
    filters = form.values() if request.GET else {}
    page = queries.team_page(user, today, team, filters, request.GET.get("page"))
    # The due items name their cases' clients: each case shown is in the access log. They are cases of the team
    # lead's own organisation (editable_by), so the row needs no query of the case.
    log_accesses(
        acting_user=user,
        action=AccessAction.VIEW,
        records=[Case(pk=item["item_case"], organisation_id=user.organisation_id) for item in page["page"].object_list],
        request=request,
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/team.html", {**page, "form": form, "query_string": params.urlencode()})


def _back_to_list(request: AuthenticatedRequest) -> HttpResponse:
    """Back to the case list the cases were chosen on, with its filters."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("cases:case_list")


@capability_required(Capability.LEAD_TEAM)
@require_POST
def cases_reassign(request: AuthenticatedRequest) -> HttpResponse:
    """Give the cases chosen on the case list to another caseworker of the organisation, all in one change."""
    user = request.user
    form = ReassignForm(request.POST, organisation_id=user.organisation_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return _back_to_list(request)
    responsible: User = form.cleaned_data["responsible"]
    done: list[int] = []

    def reassign() -> None:
        done.append(
            services.reassign_cases(
                acting_user=user, organisation=user.organisation, versions=form.versions(), responsible=responsible
            )
        )

    if done_or_flash(request, reassign):
        messages.success(
            request,
            ngettext("%(count)d case was assigned to %(name)s.", "%(count)d cases were assigned to %(name)s.", done[0])
            % {"count": done[0], "name": responsible.get_full_name() or responsible.username},
        )
    return _back_to_list(request)


@capability_required(Capability.LEAD_TEAM)
@require_http_methods(["GET", "POST"])
def substitution_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = SubstitutionForm(request.POST or None, organisation_id=user.organisation_id)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_substitution(
            acting_user=user,
            organisation=user.organisation,
            absent=form.cleaned_data["absent"],
            substitute=form.cleaned_data["substitute"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
        ),
    )
    if saved:
        messages.success(request, _("The substitution was saved."))
        return redirect(f"{reverse('cases:team')}#substitutions")
    return form_page(
        request,
        form=form,
        title=_("New substitution"),
        submit=_("Save"),
        back_url=reverse("cases:team"),
        intro=_(
            "While a caseworker is absent, the substitute sees what is due in her cases in “My work”, "
            "from the first to the last day given."
        ),
        template="cases/team_form_page.html",
    )


@capability_required(Capability.LEAD_TEAM)
@shows_no_person_data
@require_POST
def substitution_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    substitution = get_visible_or_404(Substitution, request.user, pk=pk)
    form = VersionedForm(request.POST)
    version = form.loaded_version() if form.is_valid() else 0
    if done_or_flash(
        request,
        lambda: services.end_substitution(
            acting_user=request.user, substitution=substitution, expected_version=version
        ),
    ):
        messages.success(request, _("The substitution was ended."))
    return redirect(f"{reverse('cases:team')}#substitutions")


@capability_required(Capability.LEAD_TEAM)
@shows_no_person_data
@require_POST
def substitution_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    substitution = get_visible_or_404(Substitution, request.user, pk=pk)
    if done_or_flash(
        request, lambda: services.delete_substitution(acting_user=request.user, substitution=substitution)
    ):
        messages.success(request, _("The substitution was deleted."))
    return redirect(f"{reverse('cases:team')}#substitutions")
