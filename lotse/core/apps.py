from importlib import import_module

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lotse.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The panel of the start page for this app's users (lotse.core.start_page).
        import_module("lotse.core.start_panel")
        from lotse.core import checks, signals  # noqa: F401


class LotseAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by Lotse's site (lotse.core.admin_site)."""

    default = False

    default_site = "lotse.core.admin_site.LotseAdminSite"
