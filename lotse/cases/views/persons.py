"""The persons of a case: household members, their details and their dated facts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lotse.accommodation.models import Occupancy
from lotse.cases import services
from lotse.cases.forms import FACT_FORMS, MemberForm, MoveOutForm
from lotse.cases.models import Case, CaseClient
from lotse.cases.views.common import (
    actor_of,
    add_errors,
    editable_case,
    form_after_conflict,
    form_page,
    readable_case,
)
from lotse.core.access import Capability, capability_required, get_visible_or_404
from lotse.core.choices import AccessAction
from lotse.core.services import ConcurrentEditError, log_access
from lotse.people import services as people_services
from lotse.people.forms import PersonEditForm
from lotse.people.models import STATUS_RECORD_MODELS, HouseholdMembership, Person

FACT_TITLES = {
    "residence": gettext_lazy("Residence status"),
    "language": gettext_lazy("German language level"),
    "work": gettext_lazy("Work situation"),
    "housing": gettext_lazy("Housing situation"),
}


def _person_of_case(request: HttpRequest, case: Case, person_pk: int) -> Person:
    """A person of the case's household (now or earlier) or one of its clients, in the user's scope."""
    persons = Person.objects.filter(household_memberships__household_id=case.household_id) | Person.objects.filter(
        client_of__case=case
    )
    return get_visible_or_404(persons.distinct(), actor_of(request), pk=person_pk)


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    case = editable_case(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.add_household_member(
                acting_user=user,
                case=case,
                relationship=data["relationship"],
                since=data["since"],
                is_client=data["is_client"],
                person_fields=form.person_fields(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the household.") % {"name": person.full_name})
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Add a member of the household"),
        submit=_("Add"),
        back_url=reverse("cases:case_detail", args=[case.pk]),
    )


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    user = actor_of(request)
    case = readable_case(request, pk)
    person = _person_of_case(request, case, person_pk)
    editable = case.organisation_id == user.organisation_id and person.organisation_id == user.organisation_id
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                people_services.update_person(
                    acting_user=user,
                    person=person,
                    expected_version=form.cleaned_data["version"] or 0,
                    **form.person_fields(),
                )
            except ConcurrentEditError as error:
                version = Person.objects.get(pk=person.pk).version
                form = form_after_conflict(PersonEditForm, request, version, error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The details of %(name)s were saved.") % {"name": person.full_name})
                return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
    else:
        log_access(acting_user=user, action=AccessAction.VIEW, record=person, request=request)
    histories = [
        {"kind": kind, "title": FACT_TITLES[kind], "records": list(model._default_manager.filter(person=person))}
        for kind, model in STATUS_RECORD_MODELS.items()
    ]
    memberships = list(person.household_memberships.select_related("household").order_by("-valid_from", "-pk"))
    stays = list(
        Occupancy.objects.visible_to(user)
        .filter(person=person)
        .select_related("place__shelter__organisation", "place__shelter__municipality", "place__unit")
        .order_by("-move_in", "-pk")
    )
    return render(
        request,
        "cases/person_detail.html",
        {
            "case": case,
            "person": person,
            "form": form,
            "editable": editable,
            "histories": histories,
            "memberships": memberships,
            "stays": stays,
            "is_client": CaseClient.objects.filter(case=case, person=person).exists(),
        },
    )


@capability_required(Capability.CASEWORK)
@require_POST
def client_toggle(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    person = _person_of_case(request, case, person_pk)
    make_client = request.POST.get("client") == "1"
    try:
        services.set_client(acting_user=actor_of(request), case=case, person=person, is_client=make_client)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if make_client:
            messages.success(request, _("%(name)s is now a client of this case.") % {"name": person.full_name})
        else:
            messages.success(request, _("%(name)s is no longer a client of this case.") % {"name": person.full_name})
    return redirect("cases:case_detail", pk=case.pk)


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def person_move_out(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    case = editable_case(request, pk)
    person = _person_of_case(request, case, person_pk)
    current = HouseholdMembership.objects.filter(person=person, valid_to__isnull=True).first()
    if current is None or current.household_id != case.household_id:
        raise Http404
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_to_new_household(
                acting_user=actor_of(request), case=case, person=person, since=form.cleaned_data["since"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s moved out and now heads a household of their own.") % {"name": person.full_name}
            )
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("%(name)s moves out of the household") % {"name": person.full_name},
        submit=_("Record the move"),
        back_url=reverse("cases:person_detail", args=[case.pk, person.pk]),
        intro=_(
            "The person founds a household of their own and stops being a client of this case. "
            "Their membership in this household stays in the history."
        ),
    )


def _fact_kind(kind: str) -> str:
    if kind not in STATUS_RECORD_MODELS:
        raise Http404
    return kind


@capability_required(Capability.CASEWORK)
@require_http_methods(["GET", "POST"])
def fact_add(request: HttpRequest, pk: int, person_pk: int, kind: str) -> HttpResponse:
    kind = _fact_kind(kind)
    case = editable_case(request, pk)
    person = _person_of_case(request, case, person_pk)
    form = FACT_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields: dict[str, Any] = {name: value for name, value in form.cleaned_data.items()}
        try:
            people_services.add_status_record(acting_user=actor_of(request), person=person, kind=kind, **fields)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(what)s was recorded.") % {"what": FACT_TITLES[kind]})
            return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("%(what)s of %(name)s") % {"what": FACT_TITLES[kind], "name": person.full_name},
        submit=_("Save entry"),
        back_url=reverse("cases:person_detail", args=[case.pk, person.pk]),
        intro=_("A new entry from the given date on; earlier entries stay in the history."),
    )


@capability_required(Capability.CASEWORK)
@require_POST
def fact_delete(request: HttpRequest, pk: int, person_pk: int, kind: str, record_pk: int) -> HttpResponse:
    kind = _fact_kind(kind)
    case = editable_case(request, pk)
    person = _person_of_case(request, case, person_pk)
    record = STATUS_RECORD_MODELS[kind]._default_manager.filter(person=person, pk=record_pk).first()
    if record is None:
        raise Http404
    try:
        people_services.delete_status_record(acting_user=actor_of(request), record=record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The entry was removed; the change history keeps it."))
    return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
