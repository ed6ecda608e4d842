"""The network directory inside Lotse: every signed-in user looks actors up (to refer a client to them);
the network editors create, change and remove them, and system administrators keep the categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from pghistory.models import Events

from lotse.cases.views.common import actor_of, add_errors, form_after_conflict
from lotse.core.access import Capability, capability_required, get_visible_or_404, signed_in
from lotse.core.audit import describe_events
from lotse.core.choices import NETWORK_EDITOR_ROLES, Role
from lotse.core.services import ConcurrentEditError
from lotse.network import services
from lotse.network.choices import TargetGroup
from lotse.network.forms import ActorFilterForm, ActorForm, CategoryForm
from lotse.network.models import Actor, ActorCategory, InfoSheetActor, is_network_editor
from lotse.people.vocabulary import language_name

PAGE_SIZE = 50
HISTORY_LENGTH = 30
EDITORS = tuple(NETWORK_EDITOR_ROLES)


def _actors() -> Any:
    return Actor.objects.select_related("category", "municipality")


def directory_filter(data: Any, actors: Any) -> tuple[ActorFilterForm, Any]:
    """The filter form over ``actors`` and the actors it lets through."""
    form = ActorFilterForm.for_actors(data or None, actors)
    return form, form.apply(actors) if data else actors


@signed_in
@require_safe
def actor_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    form, actors = directory_filter(request.GET, Actor.objects.visible_to(user))
    actors = actors.select_related("category", "municipality").order_by("category__position", "name", "pk")
    page = Paginator(actors, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/actor_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "may_edit": is_network_editor(user),
            "may_keep_categories": user.has_role(Role.SYSTEMADMINISTRATION),
        },
    )


def _history(actor: Actor) -> list[dict[str, Any]]:
    """The actor's own changes and its listing on info sheets.

    Only these event models: referrals reference the actor too, but they are casework of
    other organisations and never shown here.
    """
    models = [Actor.pgh_event_model, InfoSheetActor.pgh_event_model]  # type: ignore[attr-defined]
    events = Events.objects.across(*models).references(actor).order_by("-pgh_created_at", "-pgh_id")
    return describe_events(list(events[:HISTORY_LENGTH]))


@signed_in
@require_safe
def actor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    actor = get_visible_or_404(_actors(), user, pk=pk)
    editor = is_network_editor(user)
    return render(
        request,
        "network/actor_detail.html",
        {
            "actor": actor,
            "language_names": [language_name(code) for code in actor.languages],
            "target_group_labels": [
                TargetGroup(code).label for code in actor.target_groups if code in TargetGroup.values
            ],
            "may_edit": editor,
            "history": _history(actor) if editor else None,
            "referral_count": actor.referrals.count() if editor else None,
        },
    )


def _form_page(
    request: HttpRequest, *, form: forms.Form, title: str, submit: str, back_url: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "network/form_page.html",
        {"form": form, "title": title, "submit": submit, "back_url": back_url, **extra},
    )


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def actor_create(request: HttpRequest) -> HttpResponse:
    form = ActorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actor = services.create_actor(acting_user=actor_of(request), **form.actor_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was added to the directory.") % {"name": actor.name})
            return redirect("network:actor_detail", pk=actor.pk)
    return _form_page(
        request,
        form=form,
        title=_("New actor"),
        submit=_("Add to the directory"),
        back_url=reverse("network:actor_list"),
    )


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def actor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    actor = get_visible_or_404(_actors().editable_by(user), user, pk=pk)
    form = ActorForm(request.POST or None, initial=ActorForm.initial_for(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_actor(
                acting_user=user,
                record=actor,
                expected_version=form.cleaned_data["version"] or 0,
                **form.actor_fields(),
            )
        except ConcurrentEditError as error:
            current = get_visible_or_404(Actor, user, pk=actor.pk)
            form = form_after_conflict(ActorForm, request, current.version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The actor was saved."))
            return redirect("network:actor_detail", pk=actor.pk)
    return _form_page(
        request,
        form=form,
        title=_("Edit “%(name)s”") % {"name": actor.name},
        submit=_("Save"),
        back_url=reverse("network:actor_detail", args=[actor.pk]),
        acting_user=actor,
    )


@capability_required(Capability.EDIT_NETWORK)
@require_POST
def actor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    actor = get_visible_or_404(_actors().editable_by(user), user, pk=pk)
    name = actor.name
    services.delete_actor(acting_user=user, record=actor)
    messages.success(
        request,
        _("“%(name)s” was removed from the directory. Referrals to it keep the name they recorded.") % {"name": name},
    )
    return redirect("network:actor_list")


# --- categories (system administration) -------------------------------------------------------------------


@capability_required(Capability.KEEP_CATEGORIES)
@require_safe
def category_list(request: HttpRequest) -> HttpResponse:
    categories = ActorCategory.objects.annotate(actor_count=Count("actors")).order_by("position", "name")
    return render(request, "network/category_list.html", {"categories": categories})


@capability_required(Capability.KEEP_CATEGORIES)
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.create_category(acting_user=actor_of(request), **form.category_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The category “%(name)s” was added.") % {"name": category.name})
            return redirect("network:category_list")
    return _form_page(
        request,
        form=form,
        title=_("New category"),
        submit=_("Add category"),
        back_url=reverse("network:category_list"),
    )


@capability_required(Capability.KEEP_CATEGORIES)
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    category = get_visible_or_404(ActorCategory, user, pk=pk)
    form = CategoryForm(request.POST or None, initial=CategoryForm.initial_for(category))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(
                acting_user=user,
                category=category,
                expected_version=form.cleaned_data["version"] or 0,
                **form.category_fields(),
            )
        except ConcurrentEditError as error:
            current = get_visible_or_404(ActorCategory, user, pk=category.pk)
            form = form_after_conflict(CategoryForm, request, current.version, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("network:category_list")
    return _form_page(
        request,
        form=form,
        title=_("Edit category “%(name)s”") % {"name": category.name},
        submit=_("Save"),
        back_url=reverse("network:category_list"),
    )


@capability_required(Capability.KEEP_CATEGORIES)
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    category = get_visible_or_404(ActorCategory, user, pk=pk)
    try:
        services.delete_category(acting_user=user, category=category)
    except ProtectedError:
        messages.error(
            request,
            _("The category “%(name)s” still has actors. Move them to another category first.")
            % {"name": category.name},
        )
    else:
        messages.success(request, _("The category “%(name)s” was removed.") % {"name": category.name})
    return redirect("network:category_list")
