"""The case list, intake of a new case, the case page, editing, status changes and the case's history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lotse.cases import services
from lotse.cases.choices import CaseStatus
from lotse.cases.forms import CaseCreateForm, CaseEditForm, CaseFilterForm, ContactEntryForm, StatusChangeForm
from lotse.cases.history import case_events
from lotse.cases.models import (
    Case,
    CaseClient,
    CaseStatusChange,
    Consent,
    Contact,
    FollowUp,
    Goal,
    Handover,
    Referral,
    Step,
)
from lotse.cases.queries import (
    cases_with_residence_status,
    filter_cases_by_name,
    head_of_household_name,
    latest_plan_pk,
)
from lotse.cases.views.common import (
    actor_of,
    add_errors,
    editable_case,
    form_after_conflict,
    form_page,
    readable_case,
)
from lotse.core.access import Capability, capability_required
from lotse.core.audit import describe_events
from lotse.core.choices import AccessAction
from lotse.core.services import ConcurrentEditError, log_access
from lotse.people.models import HouseholdMembership

PAGE_SIZE = 25
TIMELINE_LENGTH = 15

SORTS: dict[str, list[Any]] = {
    "name": ["head_name", "pk"],
    "start": ["start_date", "pk"],
    "contact": [F("last_contact").desc(nulls_last=True), "-pk"],
    "municipality": ["municipality__name", "head_name", "pk"],
}


@capability_required(Capability.CASEWORK)
def case_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    form = CaseFilterForm(request.GET or None, organisation_id=user.organisation_id)
    filters = form.values() if request.GET else {}
    last_contact = Contact.objects.filter(case_id=OuterRef("pk")).order_by("-date").values("date")[:1]
    cases: QuerySet[Case] = (
        Case.objects.visible_to(user)
        .select_related("municipality", "responsible", "organisation")
        .annotate(head_name=head_of_household_name(), last_contact=Subquery(last_contact))
        .prefetch_related(Prefetch("case_clients", queryset=CaseClient.objects.select_related("person").order_by("pk")))
    )
    status = filters.get("status", "")
    if not status:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status != "all":
        cases = cases.filter(status=status)
    if municipality := filters.get("municipality"):
        cases = cases.filter(municipality=municipality)
    responsible = filters.get("responsible", "")
    if responsible == "me":
        cases = cases.filter(responsible=user)
    elif responsible == "none":
        cases = cases.filter(responsible__isnull=True)
    elif responsible:
        cases = cases.filter(responsible_id=responsible)
    if residence := filters.get("residence"):
        cases = cases_with_residence_status(cases, residence)
    if field := filters.get("field_of_action"):
        goals = Goal.objects.filter(
            plan__case_id=OuterRef("pk"), field_of_action=field, plan_id=latest_plan_pk("plan__case_id")
        )
        cases = cases.filter(Exists(goals))
    sort = filters.get("sort", "")
    if query := filters.get("q", "").strip():
        cases = filter_cases_by_name(cases, query)
        ordering: list[Any] = SORTS.get(sort, [F("name_score").desc(), "-start_date", "-pk"])
    else:
        ordering = SORTS.get(sort, ["-start_date", "-pk"])
    cases = cases.order_by(*ordering)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "form": form, "query_string": params.urlencode(), "filtered": bool(filters)},
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    form = CaseCreateForm(
        request.POST or None,
        organisation_id=user.organisation_id,
        initial={"start_date": timezone.localdate(), "responsible": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                acting_user=user,
                organisation=user.organisation,
                municipality=data["municipality"],
                start_date=data["start_date"],
                responsible=data["responsible"],
                head=form.person_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The case was opened. Add the other members of the household next."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=None,
        form=form,
        title=_("New case"),
        submit=_("Open case"),
        back_url=reverse("cases:case_list"),
        intro=_("Intake: the case, and its first client as the head of a new household."),
    )


def _facts(person: Any) -> dict[str, Any]:
    """The current facts of a person from the prefetched histories (newest first)."""
    return {
        "residence": next(iter(person.residencerecords.all()), None),
        "language": next(iter(person.languagerecords.all()), None),
        "work": next(iter(person.workrecords.all()), None),
        "housing": next(iter(person.housingrecords.all()), None),
    }


def case_page_context(request: HttpRequest, case: Case, contact_form: ContactEntryForm | None = None) -> dict[str, Any]:
    user = actor_of(request)
    today = timezone.localdate()
    editable = case.organisation_id == user.organisation_id
    memberships = list(
        HouseholdMembership.objects.filter(household_id=case.household_id)
        .select_related("person")
        .prefetch_related(
            "person__residencerecords", "person__languagerecords", "person__workrecords", "person__housingrecords"
        )
        .order_by("valid_to", "valid_from", "pk")
    )
    client_ids = set(CaseClient.objects.filter(case=case).values_list("person_id", flat=True))
    members = [
        {
            "membership": m,
            "person": m.person,
            "is_client": m.person_id in client_ids,
            "age": m.person.age_on(today),
            "facts": _facts(m.person),
        }
        for m in memberships
        if m.valid_to is None
    ]
    former = [m for m in memberships if m.valid_to is not None]
    plan = services.current_plan(case)
    goals = (
        list(plan.goals.prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position", "pk"))))
        if plan
        else []
    )
    show_all = request.GET.get("timeline") == "all"
    contacts_qs = (
        Contact.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related("follow_ups")
        .order_by("-date", "-pk")
    )
    contacts = list(contacts_qs if show_all else contacts_qs[:TIMELINE_LENGTH])
    contact_count = len(contacts) if show_all or len(contacts) < TIMELINE_LENGTH else contacts_qs.count()
    more_contacts = contact_count > len(contacts)
    referrals = list(Referral.objects.filter(case=case).order_by("-date", "-pk"))
    changes = list(CaseStatusChange.objects.filter(case=case).select_related("by").order_by("-on", "-pk"))
    timeline = sorted(
        [("contact", c.date, c) for c in contacts]
        + [("referral", r.date, r) for r in referrals]
        + [("status", s.on, s) for s in changes],
        key=lambda entry: (entry[1], entry[2].pk),
        reverse=True,
    )
    return {
        "case": case,
        "editable": editable,
        "today": today,
        "members": members,
        "former_members": former,
        "plan": plan,
        "goals": goals,
        "timeline": timeline,
        "contact_count": contact_count,
        "more_contacts": more_contacts,
        "show_all": show_all,
        "open_follow_ups": list(FollowUp.objects.filter(case=case, done_on__isnull=True).order_by("due_date", "pk")),
        "consents": list(
            Consent.objects.filter(case=case).select_related("person", "recipient_organisation").order_by("-given_on")
        ),
        "handovers": list(
            Handover.objects.filter(case=case).select_related("from_organisation", "to_organisation", "requested_by")
        ),
        "contact_form": contact_form or ContactEntryForm(),
        "nears_max_duration": case.nears_max_duration(today),
    }


@capability_required(Capability.CASEWORK)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = readable_case(request, pk)
    log_access(acting_user=actor_of(request), action=AccessAction.VIEW, record=case, request=request)
    return render(request, "cases/case_detail.html", case_page_context(request, case))


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = editable_case(request, pk)
    initial = {
        "municipality": case.municipality_id,
        "start_date": case.start_date,
        "responsible": case.responsible_id,
        "version": case.version,
    }
    form = CaseEditForm(request.POST or None, initial=initial, organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_case(
                acting_user=user,
                case=case,
                expected_version=data["version"] or 0,
                responsible=data["responsible"],
                municipality=data["municipality"],
                start_date=data["start_date"],
            )
        except ConcurrentEditError as error:
            form = form_after_conflict(
                CaseEditForm, request, Case.objects.get(pk=case.pk).version, error, organisation_id=case.organisation_id
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The case was saved."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Edit case"),
        submit=_("Save"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = editable_case(request, pk)
    form = StatusChangeForm(
        request.POST or None,
        current=case.status,
        # A link may preset the change, e.g. "Meine Arbeit" after a client's move into an own tenancy.
        initial={
            "version": case.version,
            "to_status": request.GET.get("to", ""),
            "closing_reason": request.GET.get("reason", ""),
            **({"on": request.GET["on"]} if request.GET.get("on") else {}),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                acting_user=user,
                case=case,
                expected_version=data["version"] or 0,
                to_status=data["to_status"],
                on=data["on"],
                closing_reason=data["closing_reason"] if data["to_status"] == CaseStatus.CLOSED else "",
                note=data["note"],
            )
        except ConcurrentEditError as error:
            current = Case.objects.get(pk=case.pk)
            form = form_after_conflict(StatusChangeForm, request, current.version, error, current=current.status)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Change the status of the case"),
        submit=_("Change status"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
        intro=_("The case is “%(status)s”. Closing needs a reason; a closed case can be reopened.")
        % {"status": case.get_status_display()},
    )


@capability_required(Capability.CASEWORK)
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    case = readable_case(request, pk)
    rows = describe_events(case_events(case))
    return render(request, "cases/case_history.html", {"case": case, "rows": rows})
