"""The volunteers URLs for the URL matrix.

Volunteers, programmes, sponsorships and meetings belong to organisation A (``world.owner``), whose volunteer
coordination sees them; the coordination of organisation B holds the capability but gets a 404. Interpreter
requests are made by A's caseworkers to the pool of the coordinating organisation.
"""

from __future__ import annotations

from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def url_arguments(world: UrlWorld) -> AppUrls:
    return AppUrls()
