"""The network directory inside Lotse: every signed-in user looks actors up (to refer a client to them);
the network editors create, change and remove them, and system administrators keep the categories."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core.access import Capability, capability_required, get_visible_or_404, signed_in
from lotse.core.audit import shows_no_person_data
from lotse.core.web import AuthenticatedRequest, form_page, save_or_show
from lotse.network import queries, services
from lotse.network.forms import ActorForm, CategoryForm
from lotse.network.models import Actor, ActorCategory

FORM_PAGE = "network/form_page.html"


def _actors() -> Any:
    return Actor.objects.select_related("category", "municipality")


@signed_in
@require_safe
def actor_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "network/actor_list.html", queries.directory_page(request.user, request.GET))


@signed_in
@shows_no_person_data
@require_safe
def actor_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    actor = get_visible_or_404(_actors(), request.user, pk=pk)
    return render(request, "network/actor_detail.html", queries.actor_page(request.user, actor))


@capability_required(Capability.EDIT_NETWORK)
@require_http_methods(["GET", "POST"])
def actor_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ActorForm(request.POST or None)
    form, saved = save_or_show(
        request, form, lambda: services.create_actor(acting_user=request.user, **form.actor_fields())
    )
    if saved:
        actor = saved.result
        messages.success(request, _("“%(name)s” was added to the directory.") % {"name": actor.name})
        return redirect("network:actor_detail", pk=actor.pk)
    return form_page(
        request,
        form=form,
        title=_("New actor"),
        submit=_("Add to the directory"),
        back_url=reverse("network:actor_list"),
        template=FORM_PAGE,
    )


@capability_required(Capability.EDIT_NETWORK)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def actor_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    actor = get_visible_or_404(_actors().editable_by(user), user, pk=pk)
    form = ActorForm(request.POST or None, initial=ActorForm.initial_for(actor))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_actor(
            acting_user=user,
            record=actor,
            expected_version=form.cleaned_data["version"] or 0,
            **form.actor_fields(),
        ),
        current_version=lambda: get_visible_or_404(Actor, user, pk=actor.pk).version,
    )
    if saved:
        messages.success(request, _("The actor was saved."))
        return redirect("network:actor_detail", pk=actor.pk)
    return form_page(
        request,
        form=form,
        title=_("Edit “%(name)s”") % {"name": actor.name},
        submit=_("Save"),
        back_url=reverse("network:actor_detail", args=[actor.pk]),
        template=FORM_PAGE,
        actor=actor,
    )


@capability_required(Capability.EDIT_NETWORK)
@require_POST
def actor_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    actor = get_visible_or_404(_actors().editable_by(request.user), request.user, pk=pk)
    name = actor.name
    services.delete_actor(acting_user=request.user, record=actor)
    messages.success(
        request,
        _("“%(name)s” was removed from the directory. Referrals to it keep the name they recorded.") % {"name": name},
    )
    return redirect("network:actor_list")


# --- categories (system administration) -------------------------------------------------------------------


@capability_required(Capability.KEEP_CATEGORIES)
@require_safe
def category_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "network/category_list.html", {"categories": queries.categories_with_counts()})


@capability_required(Capability.KEEP_CATEGORIES)
@require_http_methods(["GET", "POST"])
def category_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None)
    form, saved = save_or_show(
        request, form, lambda: services.create_category(acting_user=request.user, **form.category_fields())
    )
    if saved:
        messages.success(request, _("The category “%(name)s” was added.") % {"name": saved.result.name})
        return redirect("network:category_list")
    return form_page(
        request,
        form=form,
        title=_("New category"),
        submit=_("Add category"),
        back_url=reverse("network:category_list"),
        template=FORM_PAGE,
    )


@capability_required(Capability.KEEP_CATEGORIES)
@shows_no_person_data
@require_http_methods(["GET", "POST"])
def category_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    category = get_visible_or_404(ActorCategory, user, pk=pk)
    form = CategoryForm(request.POST or None, initial=CategoryForm.initial_for(category))
    form, saved = save_or_show(
        request,
        form,
        lambda: services.update_category(
            acting_user=user,
            category=category,
            expected_version=form.cleaned_data["version"] or 0,
            **form.category_fields(),
        ),
        current_version=lambda: get_visible_or_404(ActorCategory, user, pk=category.pk).version,
    )
    if saved:
        messages.success(request, _("The category was saved."))
        return redirect("network:category_list")
    return form_page(
        request,
        form=form,
        title=_("Edit category “%(name)s”") % {"name": category.name},
        submit=_("Save"),
        back_url=reverse("network:category_list"),
        template=FORM_PAGE,
    )


@capability_required(Capability.KEEP_CATEGORIES)
@require_POST
def category_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    category = get_visible_or_404(ActorCategory, request.user, pk=pk)
    try:
        services.delete_category(acting_user=request.user, category=category)
    except ProtectedError:
        messages.error(
            request,
            _("The category “%(name)s” still has actors. Move them to another category first.")
            % {"name": category.name},
        )
    else:
        messages.success(request, _("The category “%(name)s” was removed.") % {"name": category.name})
    return redirect("network:category_list")
