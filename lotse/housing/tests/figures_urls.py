"""The figures part of the housing URLs for the URL matrix: the page and its export take no arguments, and who may
open them comes from the capability table alone (HOUSING_FIGURES)."""

from __future__ import annotations

from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def figures_urls(world: UrlWorld) -> AppUrls:
    return AppUrls()
