"""The actor import from a CSV or XLSX list: dry run, then commit or discard; the template and the export."""

from django.urls import path

from lotse.network.views import imports

urlpatterns = [
    path("akteure/import/", imports.actor_import, name="actor_import"),
    path("akteure/import/<int:pk>/", imports.actor_import_detail, name="actor_import_detail"),
    path("akteure/import/<int:pk>/uebernehmen/", imports.actor_import_commit, name="actor_import_commit"),
    path("akteure/import/<int:pk>/verwerfen/", imports.actor_import_discard, name="actor_import_discard"),
    path("akteure/import/vorlage.xlsx", imports.actor_import_template, name="actor_import_template"),
    path("akteure/export.xlsx", imports.actor_export, name="actor_export"),
]
