"""The arrival journey's pages: the responsibilities for integration management per municipality."""

from django.urls import URLPattern, URLResolver, path

from lotse.arrivals.views import responsibilities

app_name = "arrivals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("zustaendigkeiten/", responsibilities.responsibility_list, name="responsibility_list"),
    path("zustaendigkeiten/neu/", responsibilities.responsibility_create, name="responsibility_create"),
    path("zustaendigkeiten/<int:pk>/bearbeiten/", responsibilities.responsibility_edit, name="responsibility_edit"),
    path("zustaendigkeiten/<int:pk>/beenden/", responsibilities.responsibility_end, name="responsibility_end"),
    path("zustaendigkeiten/<int:pk>/entfernen/", responsibilities.responsibility_delete, name="responsibility_delete"),
]
