from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.housing"
    verbose_name = _("Housing")

    def ready(self) -> None:
        # Landlords, offers and rent limits: their names in the history and access log, the rent limits' import kind.
        import_module("lotse.housing.housing_records")
        import_module("lotse.housing.rent_limit_import")
        # The housing panel of the start page.
        import_module("lotse.housing.start_panel")
