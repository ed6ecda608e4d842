"""The persons of a case: household members, their details and their dated facts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lotse.cases import queries, services
from lotse.cases.forms import FACT_EDIT_FORMS, FACT_FORMS, MemberForm, MoveOutForm
from lotse.cases.queries import FACT_TITLES
from lotse.cases.views.cases import case_form_page
from lotse.cases.views.fetch import editable_case, fact_kind, person_of_case, readable_case
from lotse.core.access import Capability, can, capability_required
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.services import log_access
from lotse.core.web import AuthenticatedRequest, done_or_flash, save_or_show
from lotse.people import services as people_services
from lotse.people.duplicates import duplicates_context, duplicates_to_confirm, own_persons
from lotse.people.forms import PersonEditForm
from lotse.people.models import STATUS_RECORD_MODELS, HouseholdMembership, Person


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    case = editable_case(user, pk)
    form = MemberForm(request.POST or None)
    form.offer_persons(own_persons(user))
    # A likely duplicate of the new member stops the step until the user takes them over or confirms.
    duplicates = duplicates_to_confirm(request, user, form, form.person_fields() if form.is_valid() else None)
    if not duplicates:
        form, saved = save_or_show(
            request,
            form,
            lambda: services.add_household_member(
                acting_user=user,
                case=case,
                relationship=form.cleaned_data["relationship"],
                since=form.cleaned_data["since"],
                is_client=form.cleaned_data["is_client"],
                person_fields=form.person_fields() if form.existing() is None else None,
                person=form.existing(),
            ),
        )
        if saved:
            messages.success(request, _("%(name)s was added to the household.") % {"name": saved.result.full_name})
            return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Add a member of the household"),
        submit=_("Add"),
        **duplicates_context(duplicates, organisation_id=user.organisation_id),
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def person_detail(request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
    """The person's details (edited in place by the owning organisation) and the histories of their facts."""
    user = request.user
    case = readable_case(user, pk)
    person = person_of_case(user, case, person_pk)
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    if request.method == "POST":
        if not queries.may_edit_person(user, case, person):
            raise Http404
        form, saved = save_or_show(
            request,
            form,
            lambda: people_services.update_person(
                acting_user=user, person=person, expected_version=form.loaded_version(), **form.person_fields()
            ),
            current_version=lambda: Person.objects.get(pk=person.pk).version,
        )
        if saved:
            messages.success(request, _("The details of %(name)s were saved.") % {"name": person.full_name})
            return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
    log_access(acting_user=user, action=AccessAction.VIEW, record=person, request=request)
    # Like every form page: a refused save is no success.
    return render(
        request,
        "cases/person_detail.html",
        {
            **queries.person_page(user, case, person),
            "form": form,
            "can_merge": can(user, Capability.MERGE_PERSONS) and person.organisation_id == user.organisation_id,
        },
    )


@capability_required(Capability.CASEWORK)
@require_POST
def client_toggle(request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    person = person_of_case(request.user, case, person_pk)
    make_client = request.POST.get("client") == "1"
    if done_or_flash(
        request, lambda: services.set_client(acting_user=request.user, case=case, person=person, is_client=make_client)
    ):
        if make_client:
            messages.success(request, _("%(name)s is now a client of this case.") % {"name": person.full_name})
        else:
            messages.success(request, _("%(name)s is no longer a client of this case.") % {"name": person.full_name})
    return redirect("cases:case_detail", pk=case.pk)


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def person_move_out(request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
    case = editable_case(request.user, pk)
    person = person_of_case(request.user, case, person_pk)
    current = HouseholdMembership.objects.filter(person=person, valid_to__isnull=True).first()
    if current is None or current.household_id != case.household_id:
        raise Http404
    form = MoveOutForm(request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.move_to_new_household(
            acting_user=request.user, case=case, person=person, since=form.cleaned_data["since"]
        ),
    )
    if saved:
        messages.success(
            request, _("%(name)s moved out and now heads a household of their own.") % {"name": person.full_name}
        )
        return redirect("cases:case_detail", pk=case.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("%(name)s moves out of the household") % {"name": person.full_name},
        submit=_("Record the move"),
        back_url=reverse("cases:person_detail", args=[case.pk, person.pk]),
        intro=_(
            "The person founds a household of their own and stops being a client of this case. "
            "Their membership in this household stays in the history."
        ),
        record=person,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def fact_add(request: AuthenticatedRequest, pk: int, person_pk: int, kind: str) -> HttpResponse:
    kind = fact_kind(kind)
    case = editable_case(request.user, pk)
    person = person_of_case(request.user, case, person_pk)
    form = FACT_FORMS[kind](request.POST or None)
    form, saved = save_or_show(
        request,
        form,
        lambda: people_services.add_status_record(
            acting_user=request.user, person=person, kind=kind, **form.cleaned_data
        ),
    )
    if saved:
        messages.success(request, _("%(what)s was recorded.") % {"what": FACT_TITLES[kind]})
        return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("%(what)s of %(name)s") % {"what": FACT_TITLES[kind], "name": person.full_name},
        submit=_("Save entry"),
        back_url=reverse("cases:person_detail", args=[case.pk, person.pk]),
        intro=_("A new entry from the given date on; earlier entries stay in the history."),
        record=person,
    )


@capability_required(Capability.CASEWORK)
@shows_person_data
@require_http_methods(["GET", "POST"])
def fact_edit(request: AuthenticatedRequest, pk: int, person_pk: int, kind: str, record_pk: int) -> HttpResponse:
    """Correct a dated fact in place; the change history keeps what it said before."""
    kind = fact_kind(kind)
    case = editable_case(request.user, pk)
    person = person_of_case(request.user, case, person_pk)
    model = STATUS_RECORD_MODELS[kind]
    record = model._default_manager.filter(person=person, pk=record_pk).select_related("person").first()
    if record is None:
        raise Http404
    fields = people_services.status_record_fields(kind)
    initial = {"version": record.version, **{name: getattr(record, name) for name in fields}}
    form = FACT_EDIT_FORMS[kind](request.POST or None, initial=initial)
    form, saved = save_or_show(
        request,
        form,
        lambda: people_services.update_status_record(
            acting_user=request.user, record=record, expected_version=form.loaded_version(), **form.changed_fields()
        ),
        current_version=lambda: model._default_manager.get(pk=record.pk).version,
    )
    if saved:
        messages.success(
            request,
            _("The entry was corrected; the change history keeps what it said before."),
        )
        return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
    return case_form_page(
        request,
        case,
        form,
        title=_("Correct: %(what)s of %(name)s") % {"what": FACT_TITLES[kind], "name": person.full_name},
        submit=_("Save correction"),
        back_url=reverse("cases:person_detail", args=[case.pk, person.pk]),
        intro=_(
            "Correct an entry that was recorded wrongly. A change from a later date on is a new entry instead, "
            "so the history stays right."
        ),
        record=record,
    )


@capability_required(Capability.CASEWORK)
@require_POST
def fact_delete(request: AuthenticatedRequest, pk: int, person_pk: int, kind: str, record_pk: int) -> HttpResponse:
    kind = fact_kind(kind)
    case = editable_case(request.user, pk)
    person = person_of_case(request.user, case, person_pk)
    record = STATUS_RECORD_MODELS[kind]._default_manager.filter(person=person, pk=record_pk).first()
    if record is None:
        raise Http404
    if done_or_flash(request, lambda: people_services.delete_status_record(acting_user=request.user, record=record)):
        messages.success(request, _("The entry was removed; the change history keeps it."))
    return redirect("cases:person_detail", pk=case.pk, person_pk=person.pk)
