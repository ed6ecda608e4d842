from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lotse.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        # The staged-import kind of this app, for the background jobs that check and commit its uploads.
        import_module("lotse.imports.importer")
