"""The public city map (Stadtkarte): no login. The only public pages besides signing in."""

from django.urls import URLPattern, path

from lotse.network.views import public

app_name = "public"

urlpatterns: list[URLPattern] = [
    path("", public.start, name="start"),
    path("<str:lang>/", public.map_page, name="map"),
    path("<str:lang>/akteure/<int:pk>/", public.actor_page, name="actor"),
]
