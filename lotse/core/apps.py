from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lotse.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lotse.core import checks, signals  # noqa: F401
