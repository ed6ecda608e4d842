"""Internal pages of the network directory (signed in): actors, categories, info sheets, the actor import."""

from django.urls import path

from lotse.network import urls_import, urls_sheets
from lotse.network.views import actors

app_name = "network"

urlpatterns = [
    path("akteure/", actors.actor_list, name="actor_list"),
    path("akteure/neu/", actors.actor_create, name="actor_create"),
    path("akteure/<int:pk>/", actors.actor_detail, name="actor_detail"),
    path("akteure/<int:pk>/bearbeiten/", actors.actor_edit, name="actor_edit"),
    path("akteure/<int:pk>/entfernen/", actors.actor_delete, name="actor_delete"),
    path("kategorien/", actors.category_list, name="category_list"),
    path("kategorien/neu/", actors.category_create, name="category_create"),
    path("kategorien/<int:pk>/bearbeiten/", actors.category_edit, name="category_edit"),
    path("kategorien/<int:pk>/entfernen/", actors.category_delete, name="category_delete"),
    *urls_sheets.urlpatterns,
    *urls_import.urlpatterns,
]
