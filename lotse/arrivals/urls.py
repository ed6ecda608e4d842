"""The arrival journey's pages: the responsibilities for integration management per municipality."""

from django.urls import URLPattern, URLResolver, path

from lotse.arrivals import views

app_name = "arrivals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("zustaendigkeiten/", views.responsibility_list, name="responsibility_list"),
    path("zustaendigkeiten/neu/", views.responsibility_create, name="responsibility_create"),
    path("zustaendigkeiten/<int:pk>/bearbeiten/", views.responsibility_edit, name="responsibility_edit"),
    path("zustaendigkeiten/<int:pk>/beenden/", views.responsibility_end, name="responsibility_end"),
    path("zustaendigkeiten/<int:pk>/entfernen/", views.responsibility_delete, name="responsibility_delete"),
]
