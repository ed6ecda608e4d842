"""Sign-in, sign-out and password views (Django's own, with Lotse's templates and rules)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from lotse.core.access import signed_in
from lotse.core.forms import InvitingPasswordResetForm, LoginForm


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this once a username/IP pair has failed too often.

    The message is the same whether or not the user exists.
    """
    form = LoginForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "locked_out": True}, status=429)


login_view = login_not_required(LoginView.as_view())
logout_view = signed_in(auth_views.LogoutView.as_view())

password_reset = login_not_required(
    auth_views.PasswordResetView.as_view(
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
