"""Internal pages of the network directory (signed in): actors, categories, info sheets, the actor import."""

from lotse.network import urls_import, urls_sheets

app_name = "network"

urlpatterns = [
    *urls_sheets.urlpatterns,
    *urls_import.urlpatterns,
]
