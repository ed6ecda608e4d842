from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.network"
    verbose_name = _("Network of actors")

    def ready(self) -> None:
        # The staged-import kind of this app, for the background jobs that check and commit its uploads.
        import_module("lotse.network.actor_import")
        # How actors are named in the change history (lotse.core.records).
        import_module("lotse.network.records")
