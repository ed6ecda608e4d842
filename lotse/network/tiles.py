"""Whether the public map's tile server answers, asked by Lotse's server now and then.

An installation without a way to the tile server (a county network without
internet, a test machine) would otherwise let every browser fail on every tile
of every map, each failure an error in the browser's console. The server asks
for one tile at most every ``CHECK_SECONDS`` per process; while it gets no
answer, the pages show the list of actors without the map, as with
``LOTSE_MAP_TILE_URL=""``. Any HTTP answer counts as reachable (a tile server
may refuse the server's request and still serve browsers); only a failure to
connect (name not found, refused, timed out) does not.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CHECK_SECONDS = 900
TIMEOUT_SECONDS = 2.0
_CACHE_KEY = "lotse.network.tiles.reachable"


def map_tile_url() -> str:
    """The tile URL template the pages use: empty when the map is switched off or its tile server unreachable."""
    template: str = settings.LOTSE_MAP_TILE_URL
    if not template or not settings.LOTSE_MAP_TILE_CHECK:
        return template
    reachable = cache.get(_CACHE_KEY)
    if reachable is None:
        reachable = _answers(template)
        cache.set(_CACHE_KEY, reachable, CHECK_SECONDS)
    return template if reachable else ""


def first_tile(template: str) -> str:
    """The URL of the tile of the whole world (zoom 0) in ``template``."""
    return template.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0").replace("{r}", "")


def _answers(template: str) -> bool:
    url = first_tile(template)
    # http or https only: the setting is checked when read (lotse.settings.env.get_tile_url).
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "Lotse (tile server check)"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        logger.warning("The map's tile server %s does not answer (%s); the map is left out.", url, error)
        return False
