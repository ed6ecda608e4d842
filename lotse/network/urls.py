"""The network's pages: the directory, categories and info sheets (signed in), the actor import, and the
public city map (``public_urlpatterns``, mounted under /stadtkarte/ in the ``public`` namespace: no login)."""

from django.urls import URLPattern, URLResolver, path

from lotse.network.views import actors, imports, public, sheets

app_name = "network"

urlpatterns: list[URLPattern | URLResolver] = [
    path("akteure/", actors.actor_list, name="actor_list"),
    path("akteure/neu/", actors.actor_create, name="actor_create"),
    path("akteure/<int:pk>/", actors.actor_detail, name="actor_detail"),
    path("akteure/<int:pk>/bearbeiten/", actors.actor_edit, name="actor_edit"),
    path("akteure/<int:pk>/entfernen/", actors.actor_delete, name="actor_delete"),
    path("kategorien/", actors.category_list, name="category_list"),
    path("kategorien/neu/", actors.category_create, name="category_create"),
    path("kategorien/<int:pk>/bearbeiten/", actors.category_edit, name="category_edit"),
    path("kategorien/<int:pk>/entfernen/", actors.category_delete, name="category_delete"),
    # Info sheets: text blocks per language, the chosen actors, the PDF per municipality and language.
    path("infoblaetter/", sheets.sheet_list, name="sheet_list"),
    path("infoblaetter/neu/", sheets.sheet_create, name="sheet_create"),
    path("infoblaetter/<int:pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("infoblaetter/<int:pk>/akteure/", sheets.sheet_actors, name="sheet_actors"),
    path("infoblaetter/<int:pk>/<slug:language>.pdf", sheets.sheet_pdf, name="sheet_pdf"),
    path("infoblaetter/<int:pk>/bloecke/neu/", sheets.block_add, name="block_add"),
    path("infoblaetter/<int:pk>/bloecke/<int:block_pk>/", sheets.block_edit, name="block_edit"),
    path("infoblaetter/<int:pk>/bloecke/<int:block_pk>/verschieben/", sheets.block_move, name="block_move"),
    path("infoblaetter/<int:pk>/bloecke/<int:block_pk>/loeschen/", sheets.block_delete, name="block_delete"),
    path("infoblaetter/<int:pk>/bloecke/<int:block_pk>/<slug:language>/", sheets.text_edit, name="text_edit"),
    path("infoblaetter/fall/<int:case_pk>/", sheets.case_info_sheet, name="case_info_sheet"),
    # The actor list: dry run, then commit or discard; the template and the export.
    path("akteure/import/", imports.actor_import, name="actor_import"),
    path("akteure/import/<int:pk>/", imports.actor_import_detail, name="actor_import_detail"),
    path("akteure/import/<int:pk>/uebernehmen/", imports.actor_import_commit, name="actor_import_commit"),
    path("akteure/import/<int:pk>/verwerfen/", imports.actor_import_discard, name="actor_import_discard"),
    path("akteure/import/<int:pk>/fortschritt/", imports.actor_import_progress, name="actor_import_progress"),
    path("akteure/import/<int:pk>/neu-starten/", imports.actor_import_restart, name="actor_import_restart"),
    path("akteure/import/vorlage.xlsx", imports.actor_import_template, name="actor_import_template"),
    path("akteure/export.xlsx", imports.actor_export, name="actor_export"),
]

# The public city map (Stadtkarte): the only public pages besides signing in.
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.start, name="start"),
    path("<str:lang>/", public.map_page, name="map"),
    path("<str:lang>/akteure/<int:pk>/", public.actor_page, name="actor"),
]
