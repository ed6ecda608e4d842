"""Sign-in, sign-out and password views (Django's own, with Lotse's templates and rules)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from lotse.core import password_reset as reset_limit
from lotse.core import second_factor
from lotse.core.access import second_factor_step, signed_in
from lotse.core.forms import InvitingPasswordResetForm, LoginForm


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

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
