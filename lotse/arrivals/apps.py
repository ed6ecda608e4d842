from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrivalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.arrivals"
    verbose_name = _("Arrivals")

    def ready(self) -> None:
        # How new arrivals are named in the change history and the access log (lotse.core.records).
        import_module("lotse.arrivals.records")
