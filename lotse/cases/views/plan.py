"""The integration plan agreed with the client: dated versions, goals, steps, and the PDF to sign."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.cases import plan_print as plan_print_module
from lotse.cases import queries, services
from lotse.cases.forms import GoalForm, PlanForm, PlanPrintForm, StepForm
from lotse.cases.models import Case, Goal, IntegrationPlan, Step
from lotse.cases.views.cases import case_form_page
from lotse.cases.views.fetch import editable_case, readable_case
from lotse.core.access import Capability, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, done_or_flash, file_response, save_or_show


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = readable_case(request.user, pk)
    number = request.GET.get("version")
    latest = queries.plan_of(case, None)
    plan = queries.plan_of(case, int(number)) if number and number.isascii() and number.isdigit() else latest
    if number and plan is None:
        raise Http404
    log_access(acting_user=request.user, action=AccessAction.VIEW, record=plan or case, request=request)
    page = queries.plan_page(request.user, case, plan, latest)
    return render(request, "cases/plan_detail.html", {**page, "today": timezone.localdate()})


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def plan_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    previous = queries.plan_of(case, None)
    form = PlanForm(request.POST or None, initial={"review_on": None, "notes": previous.notes if previous else ""})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.create_plan_version(acting_user=request.user, case=case, **form.changed_fields()),
    )
    if saved:
        messages.success(request, _("A new version of the plan was started."))
        return redirect("cases:plan_detail", pk=case.pk)
    intro = (
        _("The new version starts with the goals and steps of version %(number)s, which stays as it was agreed.")
        % {"number": previous.number}
        if previous
        else _("The first integration plan of this case. Add the goals agreed with the client next.")
    )
    return case_form_page(
        request,
        case,
        form,
        title=_("New version of the integration plan"),
        submit=_("Start new version"),
        back_url=_back_to_plan(case),
        intro=intro,
    )


def _back_to_plan(case: Case) -> str:
    return reverse("cases:plan_detail", args=[case.pk])


def _latest_plan_or_404(case: Case) -> IntegrationPlan:
    plan = queries.plan_of(case, None)
    if plan is None:
        raise Http404
    return plan


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    plan = _latest_plan_or_404(case)
    if printed := _printed_notice(request, plan):
        return printed
    initial = {"agreed_on": plan.agreed_on, "review_on": plan.review_on, "notes": plan.notes, "version": plan.version}
    form = PlanForm(request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_plan(
            acting_user=request.user,
            plan=plan,
            expected_version=form.loaded_version(),
            **form.changed_fields(),
        ),
        current_version=lambda: IntegrationPlan.objects.get(pk=plan.pk).version,
    )
    if saved:
        messages.success(request, _("The plan was saved."))
        return redirect("cases:plan_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Edit version %(number)s of the plan") % {"number": plan.number},
        submit=_("Save"),
        back_url=_back_to_plan(case),
        record=plan,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def goal_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    plan = _latest_plan_or_404(case)
    if printed := _printed_notice(request, plan):
        return printed
    form = GoalForm(request.POST or None, case=case, initial={"field_of_action": request.GET.get("field", "")})
    form, saved = save_or_show(
        request, form, lambda: services.add_goal(acting_user=request.user, plan=plan, **form.changed_fields())
    )
    if saved:
        messages.success(request, _("The goal was added to the plan."))
        return redirect("cases:plan_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Add a goal"),
        submit=_("Add goal"),
        back_url=_back_to_plan(case),
        record=plan,
    )


def _printed_notice(request: AuthenticatedRequest, plan: IntegrationPlan) -> HttpResponse | None:
    """A form to change a version printed for signature is not shown: the plan page offers the next version.

    (A POST still reaches the service, which refuses the change.)
    """
    if request.method != "GET" or not plan.is_printed:
        return None
    messages.info(request, _("This version was printed for signature. Changes start a new version."))
    return redirect("cases:plan_detail", pk=plan.case_id)


def _goal_of(case: Case, goal_pk: int) -> Goal:
    goal = Goal.objects.select_related("plan__case").filter(plan__case=case, pk=goal_pk).first()
    if goal is None:
        raise Http404
    return goal


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    goal = _goal_of(case, goal_pk)
    if printed := _printed_notice(request, goal.plan):
        return printed
    initial = {
        "field_of_action": goal.field_of_action,
        "title": goal.title,
        "due_date": goal.due_date,
        "review_date": goal.review_date,
        "status": goal.status,
        "members": [member.pk for member in goal.members.all()],
        "version": goal.version,
    }
    form = GoalForm(request.POST or None, case=case, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_goal(
            acting_user=request.user,
            goal=goal,
            expected_version=form.loaded_version(),
            **form.changed_fields(),
        ),
        current_version=lambda: Goal.objects.get(pk=goal.pk).version,
        form_kwargs={"case": case},
    )
    if saved:
        messages.success(request, _("The goal was saved."))
        return redirect("cases:plan_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Edit goal"),
        submit=_("Save"),
        back_url=_back_to_plan(case),
        record=goal,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def step_add(request: AuthenticatedRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    goal = _goal_of(case, goal_pk)
    if printed := _printed_notice(request, goal.plan):
        return printed
    form = StepForm(request.POST or None)
    form, saved = save_or_show(
        request, form, lambda: services.add_step(acting_user=request.user, goal=goal, **form.cleaned_data)
    )
    if saved:
        messages.success(request, _("The step was added."))
        return redirect("cases:plan_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Add a step to “%(goal)s”") % {"goal": goal.title},
        submit=_("Add step"),
        back_url=_back_to_plan(case),
        record=goal,
    )


@capability_required(Capability.CASEWORK)
@require_POST
def step_done(request: AuthenticatedRequest, pk: int, step_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    step = Step.objects.select_related("goal__plan__case").filter(goal__plan__case=case, pk=step_pk).first()
    if step is None:
        raise Http404
    done_or_flash(
        request,
        lambda: services.set_step_done(acting_user=request.user, step=step, done=request.POST.get("done") == "1"),
    )
    return redirect("cases:plan_detail", pk=case.pk)


def _plan_by_number_or_404(case: Case, number: int) -> IntegrationPlan:
    plan = queries.plan_of(case, number)
    if plan is None:
        raise Http404
    return plan


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def plan_print(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """Print the newest version for signature: it is locked from then on; choose the language beside German."""
    case = editable_case(request.user, pk)
    plan = _plan_by_number_or_404(case, number)
    language = plan.printed_language if plan.is_printed else plan_print_module.preselected_language(case)
    form = PlanPrintForm(request.POST or None, initial={"language": language, "version": plan.version})
    form, saved = save_or_show(
        request,
        form,
        lambda: services.print_plan_for_signature(
            acting_user=request.user,
            plan=plan,
            expected_version=form.loaded_version(),
            language=form.cleaned_data["language"],
        ),
        current_version=lambda: IntegrationPlan.objects.get(pk=plan.pk).version,
    )
    if saved:
        # The language always travels (blank: German only), also when a version printed before is printed again.
        url = reverse("cases:plan_pdf", args=[case.pk, plan.number])
        return redirect(f"{url}?{urlencode({'language': form.cleaned_data['language']})}")
    intro = (
        _("This version was printed for signature on %(date)s. It is printed again as it was.")
        % {"date": date_format(timezone.localtime(plan.printed_at), "SHORT_DATETIME_FORMAT")}
        if plan.printed_at
        else _(
            "After printing for signature this version can no longer be changed; "
            "a change then starts a new version. Each adult client gets a signature line."
        )
    )
    return case_form_page(
        request,
        case,
        form,
        title=_("Print version %(number)s for signature") % {"number": plan.number},
        submit=_("Print for signature"),
        back_url=_back_to_plan(case),
        intro=intro,
        record=plan,
    )


@capability_required(Capability.CASEWORK)
@require_POST
def plan_continue(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """After a print for signature: start the next version, a copy of the printed one, to change it."""
    case = editable_case(request.user, pk)
    plan = _plan_by_number_or_404(case, number)
    if done_or_flash(request, lambda: services.continue_printed_plan(acting_user=request.user, plan=plan)):
        messages.success(
            request,
            _("Version %(number)s was started as a copy of version %(printed)s. Change it and print it again.")
            % {"number": plan.number + 1, "printed": plan.number},
        )
    return redirect("cases:plan_detail", pk=case.pk)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_safe
def plan_pdf(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """The plan as a PDF: for signature once printed for it (with a line for each adult client), else a draft."""
    case = readable_case(request.user, pk)
    plan = _plan_by_number_or_404(case, number)
    # The language asked for (an unknown one: German only), else the one printed for signature.
    asked = request.GET.get("language")
    language = plan.printed_language if asked is None else asked if asked in plan_print_module.PLAN_LANGUAGES else ""
    pdf = plan_print_module.plan_pdf(case, plan, language, timezone.localdate())
    log_access(acting_user=request.user, action=AccessAction.PRINT, record=plan, request=request)
    return file_response(pdf, plan_print_module.pdf_filename(case, plan, language), inline=True)
