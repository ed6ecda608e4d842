from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrivalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.arrivals"
    verbose_name = _("Arrivals")

    def ready(self) -> None:
        # How handover sheets and new arrivals are named in the change history and the access log (lotse.core.records).
        import_module("lotse.arrivals.records")
        from lotse.arrivals import exchange

        # Housing facts flow between linked records on the signals of accommodation and people.
        exchange.connect()
        import_module("lotse.arrivals.start_panel")
