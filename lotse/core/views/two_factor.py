"""Two-factor sign-in: the second step after the password, recovery codes, setting up an app.

The steps (``second_factor_step``) are what a user who gave only the password
may reach; the overview and its actions come after a complete sign-in. The
rules and services are in ``lotse.core.second_factor``.
"""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lotse.core import second_factor
from lotse.core.access import second_factor_step, signed_in
from lotse.core.forms import AppCodeForm, RecoveryCodeForm, ReplaceAppForm
from lotse.core.views.auth import lockout
from lotse.core.web import AuthenticatedRequest, add_errors


def _password_confirmed(request: AuthenticatedRequest, password: str) -> bool:
    """The signed-in user's own password, checked as a sign-in checks it (failures count towards the lock)."""
    if not password:
        return False
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


WRONG_PASSWORD = gettext_noop("The password is not correct; nothing was changed.")


def _refused_without_password(request: AuthenticatedRequest) -> HttpResponse | None:
    """Back to the page with a message unless the POST carries the user's password; None when it does."""
    if _password_confirmed(request, request.POST.get("password", "")):
        return None
    messages.error(request, _(WRONG_PASSWORD))
    return redirect("second_factor")


def _next_url(request: HttpRequest) -> str:
    """Where the user wanted to go before the second factor (a local address only), else where a sign-in leads."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("core:after_sign_in")


def _to_step(name: str, request: HttpRequest) -> HttpResponse:
    return redirect_to_login(_next_url(request), resolve_url(name))


def _locked_out(request: HttpRequest) -> HttpResponse:
    """Locked out by django-axes: the password step counts for nothing any more."""
    logout(request)
    return lockout(request)


def _check_code(
    request: AuthenticatedRequest, form: AppCodeForm | RecoveryCodeForm, device: Any, wrong: str
) -> HttpResponse | None:
    """Check the code of a POSTed form against ``device``; a response if the user is locked out, else None
    (and the form carries the refusal, if any)."""
    user = request.user
    if second_factor.is_locked_out(request, user):
        return _locked_out(request)
    if not form.is_valid():
        return None
    if device is not None and second_factor.throttled(device):
        form.add_error("code", _("Too many wrong codes in a row. Wait a few seconds and try again."))
        return None
    code = second_factor.normalise_code(form.cleaned_data["code"])
    if device is not None and second_factor.verify_with(device, code):
        second_factor.complete_sign_in(request, device)
        return None
    if second_factor.record_failure(request, user):
        return _locked_out(request)
    form.add_error("code", wrong)
    return None


@second_factor_step
@signed_in
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: the code of the authenticator app."""
    if not second_factor.is_pending(request):
        return redirect(_next_url(request))
    device = second_factor.app_device(request.user)
    if device is None:
        return _to_step("second_factor_setup", request)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST":
        answer = _check_code(request, form, device, _("The code is not correct. Please try again."))
        if answer is not None:
            return answer
        if not second_factor.is_pending(request):
            return redirect(_next_url(request))
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@second_factor_step
@signed_in
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def recover(request: AuthenticatedRequest) -> HttpResponse:
    """Signing in with a single-use recovery code instead of the app (phone lost or not at hand)."""
    if not second_factor.is_pending(request):
        return redirect(_next_url(request))
    if second_factor.app_device(request.user) is None:
        return _to_step("second_factor_setup", request)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST":
        device = second_factor.recovery_device(request.user)
        answer = _check_code(request, form, device, _("This recovery code is not correct or was used already."))
        if answer is not None:
            return answer
        if not second_factor.is_pending(request):
            left = second_factor.recovery_codes_left(request.user)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code, which is now used up. %(left)s codes are left. "
                    "If you lost your phone, set up the app again or create new recovery codes."
                )
                % {"left": left},
            )
            return redirect("second_factor")
    return render(
        request,
        "registration/second_factor_recover.html",
        {"form": form, "next": _next_url(request)},
    )


def _qr_code(url: str) -> SafeString:
    """The setup address as an inline SVG (no external service, no script, nothing but paths)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg") :]
    # Generated from our own secret and username: markup of the qrcode package, nothing a user typed raw.
    return mark_safe(svg.replace("<svg ", '<svg role="img" class="qr-code" ', 1))  # noqa: S308


@second_factor_step
@signed_in
@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
def set_up(request: AuthenticatedRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the QR code, confirm with a first code."""
    user = request.user
    pending = second_factor.is_pending(request)
    if pending and second_factor.app_device(user) is not None:
        # Whoever has only the password may not put their own app in place of the user's.
        return _to_step("second_factor_verify", request)
    hex_key = request.session.get(second_factor.SETUP_KEY)
    if not isinstance(hex_key, str) or len(hex_key) != 40:
        hex_key = second_factor.new_app_secret()
        request.session[second_factor.SETUP_KEY] = hex_key
    # Replacing an app set up before needs the password as well (a session left open is not enough).
    replacing = not pending and second_factor.app_device(user) is not None
    form: AppCodeForm = (ReplaceAppForm if replacing else AppCodeForm)(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and replacing
        and not _password_confirmed(request, form.cleaned_data["password"])
    ):
        form.add_error("password", _(WRONG_PASSWORD))
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.set_up_app(acting_user=user, hex_key=hex_key, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            del request.session[second_factor.SETUP_KEY]
            second_factor.complete_sign_in(request, device)
            return _show_codes(request, codes, first=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    url = TOTPDevice(user=user, key=hex_key).config_url
    return render(
        request,
        "registration/second_factor_set_up.html",
        {
            "form": form,
            "qr_code": _qr_code(url),
            "secret": second_factor.app_secret_for_display(hex_key),
            "required": pending,
            "next": _next_url(request),
        },
    )


def _show_codes(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    return render(
        request,
        "registration/second_factor_codes.html",
        {
            "codes": [second_factor.format_recovery_code(code) for code in codes],
            "first": first,
            "next": _next_url(request),
        },
    )


@signed_in
@require_safe
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own page: whether two-factor sign-in is on, how many recovery codes are left."""
    user = request.user
    return render(
        request,
        "registration/second_factor.html",
        {
            "device": second_factor.app_device(user),
            "codes_left": second_factor.recovery_codes_left(user),
            "required": second_factor.required_of(user),
        },
    )


@signed_in
@sensitive_post_parameters("password")
@require_POST
def renew_codes(request: AuthenticatedRequest) -> HttpResponse:
    if (refused := _refused_without_password(request)) is not None:
        return refused
    try:
        codes = second_factor.renew_recovery_codes(acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("second_factor")
    return _show_codes(request, codes, first=False)


@signed_in
@sensitive_post_parameters("password")
@require_POST
def switch_off(request: AuthenticatedRequest) -> HttpResponse:
    if (refused := _refused_without_password(request)) is not None:
        return refused
    try:
        second_factor.switch_off(acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Two-factor sign-in is switched off."))
    return redirect(reverse("second_factor"))
