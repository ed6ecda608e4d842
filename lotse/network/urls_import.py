"""The actor import from a CSV or XLSX list: dry run, then commit or discard."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
