from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from lotse.volunteers import interpreting_records  # noqa: F401  (registers the namers)
