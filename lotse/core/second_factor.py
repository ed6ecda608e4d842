"""Two-factor sign-in: who must pass a second factor, where a session stands, and the services.

A user signs in with the password (Django's ``login``); if a second factor is
needed, the session is then *pending* until the user types a code of their
authenticator app (django-otp's TOTP device) or one of their single-use
recovery codes (its static device). A pending session reaches the pages of
the second factor and sign-out only (``lotse.core.middleware.CapabilityMiddleware``).

A second factor is needed by whoever set one up, and by everyone the
installation requires it of (``LOTSE_REQUIRE_2FA``): nobody (``off``), the
system and organisation administrators (``admins``), every user (``all``).
A user who must but has none sets one up right after the password.

Wrong codes count as failed sign-ins of django-axes (username and client
address), so the lockout of the password also ends guessing of codes.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lotse.core.access import Capability, holds
from lotse.core.models import User, UserSession
from lotse.core.services import _check_may_administer, audit_context

SESSION_KEY = "lotse_second_factor"
# The password was right; the second factor is still to come.
PENDING = "pending"
# The second factor was passed, or none is needed.
PASSED = "passed"
# The secret of an authenticator app being set up, until the user confirms it with a first code.
SETUP_KEY = "lotse_second_factor_setup_key"

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Recovery codes"


def required_of(user: User) -> bool:
    """Whether the installation requires a second factor of this user (``LOTSE_REQUIRE_2FA``)."""
    requirement = settings.LOTSE_REQUIRE_2FA
    if requirement == "all":
        return True
    if requirement == "admins":
        # Those who administer users: the organisation and system administrators.
        return holds(user.roles, Capability.ADMINISTER_USERS)
    return False


def app_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device


def recovery_device(user: User) -> StaticDevice | None:
    device: StaticDevice | None = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def needs_second_factor(user: User) -> bool:
    return required_of(user) or app_device(user) is not None


# Where a session stands


def start_session(request: HttpRequest, user: User) -> None:
    """At the password step (Django's ``user_logged_in``): does this session still need a second factor?"""
    request.session[SESSION_KEY] = PENDING if needs_second_factor(user) else PASSED


def is_pending(request: HttpRequest) -> bool:
    """Whether the signed-in user of this request has given the password but not yet the second factor."""
    user: Any = request.user
    if not user.is_authenticated:
        return False
    state = request.session.get(SESSION_KEY)
    if state not in (PENDING, PASSED):
        # A session that began before two-factor sign-in existed is decided once, like a new one.
        start_session(request, user)
        state = request.session[SESSION_KEY]
    return bool(state == PENDING)


def complete_sign_in(request: HttpRequest, device: Any) -> None:
    """The second factor was passed with ``device``: the session is signed in completely, under a new key."""
    otp_login(request, device)
    request.session.cycle_key()
    request.session[SESSION_KEY] = PASSED
    forget_failures(request, request.user)


def forget_failures(request: HttpRequest, user: Any) -> None:
    """A complete sign-in forgets the failed attempts of this username and client address (django-axes)."""
    AxesProxyHandler.update_request(request)
    handler: Any = AxesProxyHandler.get_implementation()
    handler.reset_user_attempts(request, {"username": user.get_username()})


def is_locked_out(request: HttpRequest, user: User) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def record_failure(request: HttpRequest, user: User) -> bool:
    """Count a wrong code like a wrong password; True if this username and address are now locked out."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


# Codes


def normalise_code(raw: str) -> str:
    """What a user types, without the spaces and hyphens that group it, in lower case."""
    return "".join(raw.split()).replace("-", "").lower()


def new_app_secret() -> str:
    """A random TOTP secret (20 bytes, hex) for an app being set up."""
    return secrets.token_hex(20)


def app_secret_for_display(hex_key: str) -> str:
    """The secret as users type it into an app without a camera: base32 in groups of four."""
    text = b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def verify_with(device: Any, code: str) -> bool:
    """Check a code against one device; django-otp locks the device row, so a code is accepted only once."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def throttled(device: Any) -> bool:
    """django-otp's own back-off after a wrong code (1, 2, 4, ... seconds): no code is checked meanwhile."""
    allowed, _ = device.verify_is_allowed()
    return not allowed


# Services


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def set_up_app(*, acting_user: User, hex_key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app a user set up with its first code; it replaces any earlier one.

    Returns the new device and a fresh set of recovery codes (the earlier codes stop working).
    """
    totp = TOTP(bytes.fromhex(hex_key))
    totp.time = time.time()
    try:
        number = int(normalise_code(code))
    except ValueError:
        number = -1
    if not totp.verify(number, tolerance=1):
        raise ValidationError(_("The code is not correct. Check the time of your phone and try again."), code="wrong")
    with transaction.atomic(), audit_context(acting_user):
        user = User.objects.select_for_update().get(pk=acting_user.pk)
        TOTPDevice.objects.filter(user=user).delete()
        # The code just typed may not be used again to sign in.
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=hex_key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        codes = _new_recovery_codes(user)
        user.second_factor_since = timezone.now()
        user.save(update_fields=["second_factor_since"])
        acting_user.second_factor_since = user.second_factor_since
        return device, codes


def renew_recovery_codes(*, acting_user: User) -> list[str]:
    """New recovery codes for the acting user (who has an authenticator app); the earlier ones stop working."""
    if app_device(acting_user) is None:
        raise ValidationError(_("Set up an authenticator app first."), code="no_app")
    with transaction.atomic(), audit_context(acting_user):
        return _new_recovery_codes(acting_user)


def _remove_second_factor(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.second_factor_since = None
    user.save(update_fields=["second_factor_since"])


def switch_off(*, acting_user: User) -> None:
    """A user switches off the second factor they set up voluntarily (never one the installation requires)."""
    if required_of(acting_user):
        raise ValidationError(
            _("Two-factor sign-in is required for your account and cannot be switched off."), code="required"
        )
    with transaction.atomic(), audit_context(acting_user):
        _remove_second_factor(User.objects.select_for_update().get(pk=acting_user.pk))


def reset_second_factor(*, acting_user: User | None, user: User) -> User:
    """An administrator removes a user's second factor (a lost phone): the user sets up a new one at the next
    sign-in, where it is required. Every session of the user ends; the change history records who did it."""
    # Who may change a user is the user administration's own rule.
    _check_may_administer(acting_user, user.organisation, [], subject=user)
    with transaction.atomic(), audit_context(acting_user):
        _remove_second_factor(user)
        UserSession.objects.filter(user=user).delete()
        return user
