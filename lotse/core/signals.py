"""Session bookkeeping at login, for the absolute session lifetime."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

LOGIN_AT_KEY = "lotse_login_at"


@receiver(user_logged_in, dispatch_uid="lotse_record_login_time")
def record_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().isoformat()


@receiver(user_logged_in, dispatch_uid="lotse_start_second_factor")
def start_second_factor(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """After the password: does this session still need a second factor (lotse.core.second_factor)?"""
    if request is not None and hasattr(request, "session"):
        from lotse.core import second_factor

        second_factor.start_session(request, user)
