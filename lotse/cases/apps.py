from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lotse.cases"
    label = "cases"
    verbose_name = _("Case management")

    def ready(self) -> None:
        # The panel of the start page for this app's users (lotse.core.start_page).
        import_module("lotse.cases.start_panel")
        # How cases and persons are named in the change history and the access log (lotse.core.records).
        import_module("lotse.cases.records")
