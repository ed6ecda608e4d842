"""The responsibilities for integration management: read by the casework and accommodation staff, kept by
the system administrators. They name organisations and municipalities, no person."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.arrivals import queries, services
from lotse.arrivals.forms import EndResponsibilityForm, NewResponsibilityForm, ResponsibilityForm
from lotse.arrivals.models import Responsibility
from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_no_person_data
from lotse.core.models import Municipality
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show

FORM_PAGE = "arrivals/form_page.html"


def _editable(request: AuthenticatedRequest, pk: int) -> Responsibility:
    return get_visible_or_404(
        Responsibility.objects.editable_by(request.user).select_related("municipality", "organisation"),
        request.user,
        pk=pk,
    )


def _back(show_all: bool = False) -> str:
    url = reverse("arrivals:responsibility_list")
    return f"{url}?alle=1" if show_all else url


@capability_required(Capability.READ_RESPONSIBILITIES)
@require_safe
def responsibility_list(request: AuthenticatedRequest) -> HttpResponse:
    show_all = request.GET.get("alle") == "1"
    page = queries.responsibility_page(today=timezone.localdate(), show_all=show_all)
    page["can_manage"] = can(request.user, Capability.MANAGE_RESPONSIBILITIES)
    return render(request, "arrivals/responsibility_list.html", page)


@capability_required(Capability.MANAGE_RESPONSIBILITIES)
@require_http_methods(["GET", "POST"])
def responsibility_create(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, object] = {}
    municipality = request.GET.get("gemeinde", "")
    if municipality.isdigit() and Municipality.objects.filter(pk=int(municipality)).exists():
        initial["municipality"] = int(municipality)
    form = NewResponsibilityForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_responsibility(acting_user=request.user, **form.responsibility_fields()),
    )
    if saved:
        responsibility = saved.result
        messages.success(
            request,
            _("%(organisation)s is now responsible for %(municipality)s.")
            % {"organisation": responsibility.organisation.name, "municipality": responsibility.municipality.name},
        )
        return redirect(_back(not responsibility.in_force_on(timezone.localdate())))
    return form_page(
        request,
        form=form,
        title=_("New responsibility"),
        submit=_("Add responsibility"),
        back_url=_back(),
        template=FORM_PAGE,
    )


@capability_required(Capability.MANAGE_RESPONSIBILITIES)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def responsibility_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    responsibility = _editable(request, pk)
    form = ResponsibilityForm(request.POST or None, initial=ResponsibilityForm.initial_for(responsibility))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_responsibility(
            acting_user=request.user,
            responsibility=responsibility,
            expected_version=form.loaded_version(),
            **form.responsibility_fields(),
        ),
        current_version=lambda: _editable(request, pk).version,
    )
    if saved:
        messages.success(request, _("The responsibility was saved."))
        return redirect(_back(not responsibility.in_force_on(timezone.localdate())))
    return form_page(
        request,
        form=form,
        title=_("Edit the responsibility of %(organisation)s for %(municipality)s")
        % {"organisation": responsibility.organisation.name, "municipality": responsibility.municipality.name},
        submit=_("Save"),
        back_url=_back(),
        template=FORM_PAGE,
    )


@capability_required(Capability.MANAGE_RESPONSIBILITIES)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def responsibility_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    responsibility = _editable(request, pk)
    initial: dict[str, object] = {"version": responsibility.version}
    if responsibility.valid_until is not None:
        initial["valid_until"] = responsibility.valid_until
    form = EndResponsibilityForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.end_responsibility(
            acting_user=request.user,
            responsibility=responsibility,
            expected_version=form.loaded_version(),
            valid_until=form.cleaned_data["valid_until"],
        ),
        current_version=lambda: _editable(request, pk).version,
    )
    if saved:
        messages.success(request, _("The responsibility ends with the day entered."))
        return redirect(_back(not responsibility.in_force_on(timezone.localdate())))
    return form_page(
        request,
        form=form,
        title=_("End the responsibility of %(organisation)s for %(municipality)s")
        % {"organisation": responsibility.organisation.name, "municipality": responsibility.municipality.name},
        intro=_("From the day after the last day, the responsibility no longer applies; it stays in the list of all."),
        submit=_("End responsibility"),
        back_url=_back(),
        template=FORM_PAGE,
    )


@capability_required(Capability.MANAGE_RESPONSIBILITIES)
@shows_no_person_data
@require_POST
def responsibility_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    responsibility = _editable(request, pk)
    version = request.POST.get("version", "")
    if done_or_flash(
        request,
        lambda: services.delete_responsibility(
            acting_user=request.user,
            responsibility=responsibility,
            expected_version=int(version) if version.isdigit() else -1,
        ),
    ):
        messages.success(
            request,
            _("The responsibility of %(organisation)s for %(municipality)s was removed.")
            % {"organisation": responsibility.organisation.name, "municipality": responsibility.municipality.name},
        )
    return redirect(_back(request.POST.get("alle") == "1"))
