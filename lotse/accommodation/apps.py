from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccommodationConfig(AppConfig):
    name = "lotse.accommodation"
    verbose_name = _("Accommodation")

    def ready(self) -> None:
        # The panel of the start page for this app's users (lotse.core.start_page).
        import_module("lotse.accommodation.start_panel")
        # How stays are named in the change history and the access log (lotse.core.records).
        import_module("lotse.accommodation.records")
