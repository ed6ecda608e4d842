"""User management by organisation administrators (own organisation) and system administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core import second_factor, services
from lotse.core.access import Capability, can, capability_required, get_visible_or_404
from lotse.core.audit import shows_person_data
from lotse.core.choices import AccessAction
from lotse.core.forms import SetPasswordForm, UserCreateForm, UserForm, VersionedForm
from lotse.core.models import Organisation, User
from lotse.core.web import AuthenticatedRequest, done_or_flash, form_page, save_or_show


def _is_sysadmin(request: AuthenticatedRequest) -> bool:
    """System administrators manage the users of every organisation and may grant their own role."""
    return can(request.user, Capability.ADMINISTER_INSTALLATION)


def _site_url(request: AuthenticatedRequest) -> str:
    """Scheme and host the invitation links point to: the address the administrator works at."""
    return request.build_absolute_uri("/")


def _initial(user: User) -> dict[str, object]:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": user.roles,
        "version": user.version,
    }


@capability_required(Capability.ADMINISTER_USERS)
@require_safe
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    users = (
        User.objects.visible_to(request.user)
        .search(query)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name", "username")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "core/user_list.html", {"page": page, "query": query, "show_org": _is_sysadmin(request)})


@capability_required(Capability.ADMINISTER_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    acting_user = request.user
    sysadmin = _is_sysadmin(request)
    form = UserCreateForm(
        request.POST or None,
        allow_sysadmin=sysadmin,
        organisations=Organisation.objects.all() if sysadmin else None,
        initial={"organisation": acting_user.organisation_id},
    )
    organisation = acting_user.organisation

    def create() -> User:
        data = form.cleaned_data
        return services.invite_user(
            acting_user=acting_user,
            organisation=data["organisation"] if sysadmin else organisation,
            username=data["username"],
            roles=data["roles"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            language=data["language"],
            site_url=_site_url(request),
        )

    form, saved = save_or_show(request, form, create)
    if saved:
        user = saved.result
        messages.success(
            request,
            _("User “%(username)s” was created and invited by e-mail to %(email)s.")
            % {"username": user.username, "email": user.email},
        )
        return redirect("core:user_detail", pk=user.pk)
    return form_page(
        request,
        form=form,
        title=_("New user"),
        submit=_("Create user"),
        back_url=reverse("core:user_list"),
        template="core/form_page.html",
    )


@capability_required(Capability.ADMINISTER_USERS)
@shows_person_data
@require_http_methods(["GET", "POST"])
def user_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    acting_user = request.user
    user = get_visible_or_404(User.objects.select_related("organisation"), acting_user, pk=pk)
    sysadmin = _is_sysadmin(request)
    initial = _initial(user)
    form = UserForm(request.POST or None, initial=initial, allow_sysadmin=sysadmin)
    conflict: User | None = None
    if request.method == "POST":

        def current_version() -> int:
            # The page shows the current values beside the user's input.
            nonlocal conflict
            conflict = User.objects.select_related("organisation").get(pk=user.pk)
            return conflict.version

        form, saved = save_or_show(
            request,
            form,
            lambda: services.update_user(
                acting_user=acting_user, user=user, expected_version=form.loaded_version(), **form.changed_fields()
            ),
            current_version=current_version,
            form_kwargs={"allow_sysadmin": sysadmin},
        )
        if saved:
            messages.success(request, _("Changes to “%(username)s” were saved.") % {"username": user.username})
            return redirect("core:user_detail", pk=user.pk)
    services.log_access(acting_user=acting_user, action=AccessAction.VIEW, record=user, request=request)
    return render(
        request,
        "core/user_detail.html",
        {"form": form, "subject": user, "password_form": SetPasswordForm(user), "conflict": conflict},
    )


@capability_required(Capability.ADMINISTER_USERS)
@require_POST
def user_set_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    acting_user = request.user
    user = get_visible_or_404(User.objects.select_related("organisation"), acting_user, pk=pk)
    form = VersionedForm(request.POST)
    activate = request.POST.get("active") == "1"
    if not form.is_valid() or form.cleaned_data["version"] is None:
        messages.error(request, _("The request was incomplete. Please try again."))
        return redirect("core:user_detail", pk=user.pk)
    if done_or_flash(
        request,
        lambda: services.set_user_active(
            acting_user=acting_user, user=user, active=activate, expected_version=form.cleaned_data["version"]
        ),
    ):
        if activate:
            messages.success(request, _("“%(username)s” can sign in again.") % {"username": user.username})
        else:
            messages.success(
                request,
                _("“%(username)s” was deactivated and signed out everywhere.") % {"username": user.username},
            )
    return redirect("core:user_detail", pk=user.pk)


@capability_required(Capability.ADMINISTER_USERS)
@require_POST
def user_set_password(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    acting_user = request.user
    user = get_visible_or_404(User.objects.select_related("organisation"), acting_user, pk=pk)
    form = SetPasswordForm(user, request.POST)
    form, saved = save_or_show(
        request,
        form,
        lambda: services.set_user_password(acting_user=acting_user, user=user, password=form.cleaned_data["password1"]),
    )
    if saved:
        messages.success(request, _("The password of “%(username)s” was set.") % {"username": user.username})
        return redirect("core:user_detail", pk=user.pk)
    initial = _initial(user)
    return render(
        request,
        "core/user_detail.html",
        {
            "form": UserForm(initial=initial, allow_sysadmin=_is_sysadmin(request)),
            "subject": user,
            "password_form": form,
        },
    )


@capability_required(Capability.ADMINISTER_USERS)
@require_POST
def user_reset_second_factor(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A user lost their phone: remove their second factor, they set up a new one at the next sign-in."""
    acting_user = request.user
    user = get_visible_or_404(User.objects.select_related("organisation"), acting_user, pk=pk)
    if done_or_flash(request, lambda: second_factor.reset_second_factor(acting_user=acting_user, user=user)):
        messages.success(
            request,
            _("The second factor of “%(username)s” was reset and their sessions ended.") % {"username": user.username},
        )
    return redirect("core:user_detail", pk=user.pk)


@capability_required(Capability.ADMINISTER_USERS)
@require_POST
def user_resend_invitation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Send the invitation again (a new link; the earlier ones keep working until a password is chosen)."""
    acting_user = request.user
    user = get_visible_or_404(User.objects.select_related("organisation"), acting_user, pk=pk)
    if done_or_flash(
        request, lambda: services.send_invitation(acting_user=acting_user, user=user, site_url=_site_url(request))
    ):
        messages.success(
            request,
            _("The invitation was sent again to %(email)s.") % {"email": user.email},
        )
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("core:user_list")
    return redirect("core:user_detail", pk=user.pk)
