"""The public city map (Stadtkarte): no login. The only public pages besides signing in."""

from django.urls import URLPattern

app_name = "public"

urlpatterns: list[URLPattern] = []
