from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lotse.reports"
    label = "reports"
    verbose_name = _("Key figures")

    def ready(self) -> None:
        # The panel of the start page for this app's users (lotse.core.start_page).
        import_module("lotse.reports.start_panel")
