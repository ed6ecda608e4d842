"""Django's admin site, closed to all but system administrators who passed their second factor.

It is off unless ``LOTSE_DJANGO_ADMIN`` is set (the production default is off):
then every admin address answers 404. It has no sign-in form of its own; its
login address sends to Lotse's sign-in (password, then second factor).
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from lotse.core.access import Capability, can


def _switched_on() -> None:
    if not settings.LOTSE_DJANGO_ADMIN:
        raise Http404


class LotseAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        is_verified = getattr(user, "is_verified", None)
        return bool(
            settings.LOTSE_DJANGO_ADMIN
            and can(user, Capability.ADMINISTER_INSTALLATION)
            and is_verified is not None
            and is_verified()
        )

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def switched(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            _switched_on()
            return inner(request, *args, **kwargs)

        return update_wrapper(switched, inner)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        _switched_on()
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            # Signed in, but no system administrator with a second factor: no second way in.
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))

    login.login_required = False  # type: ignore[attr-defined]
