"""Info sheets: text blocks per language, the chosen actors, the PDF per municipality and language."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
