"""The case list, intake of a new case, the case page, editing, status changes and the case's history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from lotse.cases import queries, services
from lotse.cases.choices import CaseStatus
from lotse.cases.forms import CaseCreateForm, CaseEditForm, CaseFilterForm, ContactEntryForm, StatusChangeForm
from lotse.cases.history import case_kinds, case_persons
from lotse.cases.models import Case
from lotse.cases.views.fetch import editable_case, readable_case
from lotse.core.access import Capability, can, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.forms import AuditFilterForm
from lotse.core.services import log_access, log_accesses
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show
from lotse.people.duplicates import duplicates_context, duplicates_to_confirm, own_persons
from lotse.people.models import Person

FORM_PAGE = "cases/form_page.html"


def case_form_page(
    request: AuthenticatedRequest,
    case: Case,
    form: Form,
    *,
    title: str,
    submit: str,
    back_url: str | None = None,
    intro: str = "",
    record: Model | None = None,
    **context: Any,
) -> HttpResponse:
    """A small form about one case: its breadcrumb, and cancel leads back to ``back_url`` (the case page).

    The form shows the case's data (a person's name, the goal or referral edited), so showing it is written to
    the access log as a view of ``record`` (the case itself unless a record of it is named).
    """
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=record or case, request=request)
    return form_page(
        request,
        form=form,
        title=title,
        submit=submit,
        back_url=back_url or reverse("cases:case_detail", args=[case.pk]),
        intro=intro,
        template=FORM_PAGE,
        case=case,
        **context,
    )


@capability_required(Capability.CASEWORK)
@require_safe
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, organisation_id=request.user.organisation_id)
    filters = form.values() if request.GET else {}
    page = queries.case_list_page(request.user, filters, request.GET.get("page"))
    page.object_list = list(page.object_list)
    # The list names each case's clients: every case shown is in the access log.
    log_accesses(acting_user=request.user, action=AccessAction.VIEW, records=page.object_list, request=request)
    params = request.GET.copy()
    params.pop("page", None)
    # A team lead chooses cases of the page and assigns them to another caseworker at once.
    reassign = can(request.user, Capability.LEAD_TEAM)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "form": form,
            "query_string": params.urlencode(),
            "filtered": bool(filters),
            "reassign": reassign,
            "caseworkers": list(queries.caseworkers_of(request.user.organisation_id)) if reassign else [],
        },
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = CaseCreateForm(
        request.POST or None,
        organisation_id=user.organisation_id,
        initial={"start_date": timezone.localdate(), "responsible": user.pk},
    )
    form.offer_persons(own_persons(user))
    # A likely duplicate of the new client stops the intake until the user takes them over or confirms.
    duplicates = duplicates_to_confirm(request, user, form, form.person_fields() if form.is_valid() else None)
    if not duplicates:

        def open_case() -> Case:
            existing = form.existing()
            return services.open_case(
                acting_user=user,
                organisation=user.organisation,
                municipality=form.cleaned_data["municipality"],
                start_date=form.cleaned_data["start_date"],
                responsible=form.cleaned_data["responsible"],
                head=form.person_fields() if existing is None else None,
                head_person=existing,
            )

        form, saved = save_or_show(request, form, open_case)
        if saved:
            messages.success(request, _("The case was opened. Add the other members of the household next."))
            return redirect("cases:case_detail", pk=saved.result.pk)
    return form_page(
        request,
        form=form,
        title=_("New case"),
        submit=_("Open case"),
        back_url=reverse("cases:case_list"),
        intro=_("Intake: the case, and its first client as the head of a new household."),
        template=FORM_PAGE,
        case=None,
        **duplicates_context(duplicates, organisation_id=user.organisation_id),
    )


def render_case_page(
    request: AuthenticatedRequest,
    case: Case,
    template: str,
    contact_form: ContactEntryForm | None = None,
    **extra: object,
) -> HttpResponse:
    """The case page, or one of its parts (htmx), with the quick contact form; showing it is logged."""
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=case, request=request)
    page = queries.case_page(
        request.user, case, today=timezone.localdate(), show_all=request.GET.get("timeline") == "all"
    )
    form = contact_form or new_contact_form(case, interpreter_language=page["interpreter_language"])
    return render(request, template, {**page, "contact_form": form, **extra})


def case_clients(case: Case) -> QuerySet[Person]:
    """The clients of the case, the first client (who names the case) first."""
    return Person.objects.filter(client_of__case=case).order_by("client_of__pk")


def new_contact_form(
    case: Case, data: QueryDict | None = None, *, interpreter_language: str | None = None
) -> ContactEntryForm:
    """The form to record a contact; the first client took part unless the user says otherwise, and the
    interpreted language is offered as the main client's language (an interpreter is still chosen)."""
    clients = case_clients(case)
    first = clients.values_list("pk", flat=True).first()
    initial: dict[str, Any] = {"participants": [first] if first else []}
    if data is None:
        initial["interpreter_language"] = (
            queries.case_interpreter_language(case) if interpreter_language is None else interpreter_language
        )
    return ContactEntryForm(data, clients=clients, initial=initial)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = readable_case(request.user, pk)
    return render_case_page(request, case, "cases/case_detail.html")


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = editable_case(user, pk)
    initial = {
        "municipality": case.municipality_id,
        "start_date": case.start_date,
        "responsible": case.responsible_id,
        "version": case.version,
    }
    form = CaseEditForm(request.POST or None, initial=initial, organisation_id=case.organisation_id)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_case(
            acting_user=user,
            case=case,
            expected_version=form.loaded_version(),
            responsible=form.cleaned_data["responsible"],
            municipality=form.cleaned_data["municipality"],
            start_date=form.cleaned_data["start_date"],
        ),
        current_version=lambda: Case.objects.get(pk=case.pk).version,
        form_kwargs={"organisation_id": case.organisation_id},
    )
    if saved:
        messages.success(request, _("The case was saved."))
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Edit case"),
        submit=_("Save"),
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def case_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = editable_case(user, pk)
    # Closing into own housing offers to record the tenancy of every client (lotse.cases.services.change_status).
    clients = list(case.clients.order_by("family_name", "given_names", "pk"))
    tenancy_kwargs: dict[str, Any] = {"clients": clients, "municipality": case.municipality}
    form = StatusChangeForm(
        request.POST or None,
        current=case.status,
        **tenancy_kwargs,
        # A link may preset the change, e.g. "Meine Arbeit" after a client's move into an own tenancy.
        initial={
            "version": case.version,
            "to_status": request.GET.get("to", ""),
            "closing_reason": request.GET.get("reason", ""),
            **({"on": request.GET["on"]} if request.GET.get("on") else {}),
        },
    )
    after_conflict: dict[str, object] = {**tenancy_kwargs}

    def current_version() -> int:
        # The form offers the changes from the status the case has now.
        current = Case.objects.get(pk=case.pk)
        after_conflict["current"] = current.status
        return current.version

    def change() -> Case:
        data = form.cleaned_data
        return services.change_status(
            acting_user=user,
            case=case,
            expected_version=form.loaded_version(),
            to_status=data["to_status"],
            on=data["on"],
            closing_reason=data["closing_reason"] if data["to_status"] == CaseStatus.CLOSED else "",
            note=data["note"],
            tenancy_for=form.tenancy_for(),
            tenancy_municipality=data.get("tenancy_municipality"),
        )

    form, saved = save_or_show(request, form, change, current_version=current_version, form_kwargs=after_conflict)
    if saved:
        messages.success(request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})
        if tenants := form.tenancy_for():
            messages.success(
                request,
                _("The own tenancy from %(date)s was recorded for: %(names)s.")
                % {
                    "date": form.cleaned_data["on"].strftime("%d.%m.%Y"),
                    "names": ", ".join(p.full_name for p in tenants),
                },
            )
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Change the status of the case"),
        submit=_("Change status"),
        intro=_("The case is “%(status)s”. Closing needs a reason; a closed case can be reopened.")
        % {"status": case.get_status_display()},
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def case_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = readable_case(user, pk)
    persons = case_persons(case)
    form = AuditFilterForm(
        request.GET or None,
        users=queries.case_history_users(case, persons),
        persons=[(str(p.pk), p.full_name) for p in persons],
        kinds=case_kinds(),
    )
    filters = form.values()
    log_access(acting_user=user, action=AccessAction.VIEW, record=case, request=request)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/case_history.html",
        {
            **queries.case_history(user, case, persons, filters, request.GET.get("page")),
            "form": form,
            "query_string": params.urlencode(),
            "filtered": bool(filters),
        },
    )
