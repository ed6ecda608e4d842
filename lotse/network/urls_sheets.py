"""Info sheets: text blocks per language, the chosen actors, the PDF per municipality and language."""

from django.urls import URLPattern, path

from lotse.network.views import sheets

urlpatterns: list[URLPattern] = [
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
]
