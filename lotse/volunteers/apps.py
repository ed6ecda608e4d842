from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lotse.volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        # Volunteers: their names in the history and access log, the list import's kind, the start-page panel.
        import_module("lotse.volunteers.volunteer_records")
        import_module("lotse.volunteers.volunteer_import")
        import_module("lotse.volunteers.volunteer_start_panel")
        # The sponsorships' record names (change history, access log) and start-page panel.
        import_module("lotse.volunteers.sponsorship_records")
        import_module("lotse.volunteers.sponsorship_panel")
        import_module("lotse.volunteers.interpreting_records")
