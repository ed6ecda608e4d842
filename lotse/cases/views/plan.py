"""The integration plan agreed with the client: dated versions, goals, steps, and the PDF to sign."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases import services
from lotse.cases.choices import FieldOfAction
from lotse.cases.forms import GoalForm, PlanForm, StepForm
from lotse.cases.models import Case, Goal, IntegrationPlan, Step
from lotse.cases.views.common import (
    actor_of,
    add_errors,
    editable_case,
    form_after_conflict,
    form_page,
    readable_case,
)
from lotse.core.access import Capability, capability_required
from lotse.core.choices import AccessAction
from lotse.core.services import ConcurrentEditError, log_access


def _plan(case: Case, number: int | None) -> IntegrationPlan | None:
    if number is None:
        return services.current_plan(case)
    return case.plans.filter(number=number).first()


def _goals(plan: IntegrationPlan) -> list[Goal]:
    steps = Prefetch("steps", queryset=Step.objects.order_by("position", "pk"))
    return list(plan.goals.prefetch_related(steps).order_by("position", "pk"))


def _grouped(goals: list[Goal]) -> list[dict[str, Any]]:
    """Goals by field of action, in the fixed order of the fields."""
    labels = dict(FieldOfAction.choices)
    return [
        {"field": labels[code], "code": code, "goals": [g for g in goals if g.field_of_action == code]}
        for code in FieldOfAction.values
        if any(g.field_of_action == code for g in goals)
    ]


@capability_required(Capability.CASEWORK)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = readable_case(request, pk)
    number = request.GET.get("version")
    latest = _plan(case, None)
    plan = _plan(case, int(number)) if number and number.isdigit() else latest
    if number and plan is None:
        raise Http404
    goals = _goals(plan) if plan else []
    editable = (
        plan is not None
        and latest is not None
        and plan.pk == latest.pk
        and case.organisation_id == actor_of(request).organisation_id
        and case.status != "abgeschlossen"
    )
    return render(
        request,
        "cases/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "latest": latest,
            "groups": _grouped(goals),
            "versions": list(case.plans.order_by("-number").values("number", "agreed_on")),
            "editable": editable,
            "can_edit_case": case.organisation_id == actor_of(request).organisation_id,
            "today": timezone.localdate(),
        },
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    previous = _plan(case, None)
    form = PlanForm(request.POST or None, initial={"review_on": None, "notes": previous.notes if previous else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_plan_version(
                acting_user=actor_of(request),
                case=case,
                agreed_on=data["agreed_on"],
                review_on=data["review_on"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("A new version of the plan was started."))
            return redirect("cases:plan_detail", pk=case.pk)
    intro = (
        _("The new version starts with the goals and steps of version %(number)s, which stays as it was agreed.")
        % {"number": previous.number}
        if previous
        else _("The first integration plan of this case. Add the goals agreed with the client next.")
    )
    return form_page(
        request,
        case=case,
        form=form,
        title=_("New version of the integration plan"),
        submit=_("Start new version"),
        back_url=reverse("cases:plan_detail", args=[case.pk]),
        intro=intro,
    )


def _latest_plan_or_404(case: Case) -> IntegrationPlan:
    plan = _plan(case, None)
    if plan is None:
        raise Http404
    return plan


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    plan = _latest_plan_or_404(case)
    initial = {"agreed_on": plan.agreed_on, "review_on": plan.review_on, "notes": plan.notes, "version": plan.version}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                acting_user=actor_of(request),
                plan=plan,
                expected_version=data["version"] or 0,
                agreed_on=data["agreed_on"],
                review_on=data["review_on"],
                notes=data["notes"],
            )
        except ConcurrentEditError as error:
            form = form_after_conflict(PlanForm, request, IntegrationPlan.objects.get(pk=plan.pk).version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("cases:plan_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Edit version %(number)s of the plan") % {"number": plan.number},
        submit=_("Save"),
        back_url=reverse("cases:plan_detail", args=[case.pk]),
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    plan = _latest_plan_or_404(case)
    form = GoalForm(request.POST or None, initial={"field_of_action": request.GET.get("field", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("version", None)
        try:
            services.add_goal(acting_user=actor_of(request), plan=plan, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The goal was added to the plan."))
            return redirect("cases:plan_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Add a goal"),
        submit=_("Add goal"),
        back_url=reverse("cases:plan_detail", args=[case.pk]),
    )


def _goal_of(case: Case, goal_pk: int) -> Goal:
    goal = Goal.objects.select_related("plan__case").filter(plan__case=case, pk=goal_pk).first()
    if goal is None:
        raise Http404
    return goal


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    goal = _goal_of(case, goal_pk)
    initial = {
        "field_of_action": goal.field_of_action,
        "title": goal.title,
        "due_date": goal.due_date,
        "review_date": goal.review_date,
        "status": goal.status,
        "version": goal.version,
    }
    form = GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = data.pop("version") or 0
        try:
            services.update_goal(acting_user=actor_of(request), goal=goal, expected_version=version, **data)
        except ConcurrentEditError as error:
            form = form_after_conflict(GoalForm, request, Goal.objects.get(pk=goal.pk).version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("cases:plan_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Edit goal"),
        submit=_("Save"),
        back_url=reverse("cases:plan_detail", args=[case.pk]),
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def step_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    goal = _goal_of(case, goal_pk)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_step(acting_user=actor_of(request), goal=goal, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The step was added."))
            return redirect("cases:plan_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Add a step to “%(goal)s”") % {"goal": goal.title},
        submit=_("Add step"),
        back_url=reverse("cases:plan_detail", args=[case.pk]),
    )


@capability_required(Capability.CASEWORK)
@require_POST
def step_done(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    step = Step.objects.select_related("goal__plan__case").filter(goal__plan__case=case, pk=step_pk).first()
    if step is None:
        raise Http404
    try:
        services.set_step_done(acting_user=actor_of(request), step=step, done=request.POST.get("done") == "1")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("cases:plan_detail", pk=case.pk)


@capability_required(Capability.CASEWORK)
def plan_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The plan as a PDF to print and sign together with the client."""
    from weasyprint import HTML

    case = readable_case(request, pk)
    plan = _plan(case, number)
    if plan is None:
        raise Http404
    clients = list(case.clients.order_by("family_name", "given_names"))
    html = render_to_string(
        "cases/plan_pdf.html",
        {
            "case": case,
            "plan": plan,
            "groups": _grouped(_goals(plan)),
            "clients": clients,
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    pdf = HTML(string=html).write_pdf()
    log_access(acting_user=actor_of(request), action=AccessAction.PRINT, record=plan, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="integrationsvereinbarung-{case.number}-v{plan.number}.pdf"'
    return response
