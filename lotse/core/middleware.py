"""Request-level guards: capability checks, session lifetime and cache headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from lotse.core import second_factor
from lotse.core.access import can, declared_capability, is_second_factor_step
from lotse.core.signals import LOGIN_AT_KEY

View = Callable[..., HttpResponse]


def is_public(view_func: Any) -> bool:
    """Django's own marker (``login_not_required``) for views outside login."""
    return getattr(view_func, "login_required", True) is False


def is_django_admin(view_func: Any) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith("django.contrib.admin") or getattr(view_func, "admin_site", None) is not None


class CapabilityMiddleware:
    """Deny by default: a view must declare the capability it needs (lotse.core.access).

    A user who gave the password but not yet the second factor (lotse.core.second_factor) is sent
    to the second factor from every view but its own steps and sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if is_public(view_func):
            return None
        if second_factor.is_pending(request) and not is_second_factor_step(view_func):
            return redirect_to_login(request.get_full_path(), resolve_url("second_factor_verify"))
        if is_django_admin(view_func):
            return None
        capability = declared_capability(view_func)
        if capability is None:
            raise PermissionDenied("view declares no capability")
        if not can(request.user, capability):
            raise PermissionDenied
        return None


class SessionLifetimeMiddleware:
    """End sessions 12 hours after login, however active (idle expiry is Django's own).

    The idle timeout is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST:
    each request pushes the session's expiry 30 minutes into the future, and
    an expired session row is never loaded again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            raw = request.session.get(LOGIN_AT_KEY)
            login_at = _parse(raw)
            if login_at is None:
                request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
            elif timezone.now() - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def _parse(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


class NoStoreMiddleware:
    """Pages may show personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response


def _has_null_character(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class NullCharacterMiddleware:
    """Refuse a query parameter or form field holding a NUL character (400), before any view reads it.

    PostgreSQL cannot store or compare a text with a NUL character, so a view that handed one to a query
    would fail with a server error; no field of Lotse needs one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        form = request.POST if request.method == "POST" else QueryDict()
        if _has_null_character(request.GET) or _has_null_character(form):
            message = _("The request contains a null character, which Lotse does not accept. Please remove it.")
            return render(request, "core/bad_request.html", {"message": message}, status=400)
        return self.get_response(request)
