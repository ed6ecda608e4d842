from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lotse.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        # The staged-import kind and the export of this app, for the background jobs that run them.
        import_module("lotse.imports.importer")
        import_module("lotse.imports.export")
