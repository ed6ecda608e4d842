"""Sign-in, sign-out and password views (Django's own, with Lotse's templates and rules)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from lotse.core import password_reset as reset_limit
from lotse.core import second_factor, services
from lotse.core.access import second_factor_step, signed_in
from lotse.core.forms import InvitingPasswordResetForm, LoginForm, SetPasswordForm
from lotse.core.invitations import invitation_tokens
from lotse.core.models import User


def sprayed_from(request: HttpRequest) -> bool:
    """Whether the client's address failed to sign in LOTSE_SIGN_IN_FAILURES_PER_ADDRESS times within the cool-off
    time, counted over all user names (django-axes counts each user name and address on its own)."""
    address = get_client_ip_address(request)
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return (failures or 0) >= settings.LOTSE_SIGN_IN_FAILURES_PER_ADDRESS


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if sprayed_from(request):
            # The same answer as a locked user name gets, before any password is checked.
            return lockout(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if second_factor.is_pending(self.request):
            # The password was right; the second factor decides (and clears the failed attempts).
            return redirect_to_login(self.get_success_url(), resolve_url("second_factor_verify"))
        second_factor.forget_failures(self.request, form.get_user())
        return response


class LimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with a rate limit per address and client (lotse.core.password_reset).

    A request over the limit gets the same answer as any other: the page "check your e-mail".
    """

    def form_valid(self, form: Any) -> HttpResponse:
        if reset_limit.admit(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        # The same work as for an unknown address: look the address up, send nothing.
        list(form.get_users(form.cleaned_data["email"]))
        return HttpResponseRedirect(self.get_success_url())


def lockout(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this once a username/IP pair has failed too often.

    The message is the same whether or not the user exists.
    """
    form = LoginForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "locked_out": True}, status=429)


login_view = login_not_required(LoginView.as_view())
logout_view = second_factor_step(signed_in(auth_views.LogoutView.as_view()))

password_reset = login_not_required(
    LimitedPasswordResetView.as_view(
        form_class=InvitingPasswordResetForm,
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("password_reset_done"),
    )
)
password_reset_done = login_not_required(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete"))
)
password_reset_complete = login_not_required(auth_views.PasswordResetCompleteView.as_view())
password_change = signed_in(auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")))
password_change_done = signed_in(auth_views.PasswordChangeDoneView.as_view())


# Names, not secrets: where the token waits in the session, and what stands in for it in the URL.
INVITATION_SESSION_TOKEN = "_lotse_invitation_token"  # noqa: S105
INVITATION_URL_TOKEN = "set-password"  # noqa: S105


def _invited_user(uidb64: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return User.objects.select_related("organisation").get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited user chooses their first password, then signs in (with the second factor where required).

    As in Django's password reset, the token moves from the URL into the session at once, so it never
    leaks in a Referer header of the page.
    """
    user = _invited_user(uidb64)
    if token != INVITATION_URL_TOKEN:
        if user is not None and invitation_tokens.check_token(user, token):
            request.session[INVITATION_SESSION_TOKEN] = token
            return HttpResponseRedirect(request.path.replace(token, INVITATION_URL_TOKEN))
        user = None
    else:
        session_token = request.session.get(INVITATION_SESSION_TOKEN)
        if user is None or not invitation_tokens.check_token(user, session_token):
            user = None
    if user is None or user.has_usable_password() or not user.is_active:
        return render(request, "registration/invitation_accept.html", {"validlink": False})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(user=user, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[INVITATION_SESSION_TOKEN]
            messages.success(request, _("Your password was saved. Please sign in with your username and password."))
            return HttpResponseRedirect(reverse("login"))
    return render(
        request,
        "registration/invitation_accept.html",
        {"validlink": True, "form": form, "subject": user},
    )
