"""The key figures' URLs for the URL matrix: no parameters, no records, read-only.

Which organisations' figures a page sums is decided inside the page (key
figures of all organisations need ``KEY_FIGURES_OF_ALL``), never by a 404.
"""

from __future__ import annotations

from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def url_arguments(world: UrlWorld) -> AppUrls:
    return AppUrls()
