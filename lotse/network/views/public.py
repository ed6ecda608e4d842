"""The public city map (Stadtkarte Integration) and each actor's page: no login, seven languages.

Anonymous visitors see published actors only, and of them only what is meant
for the public: name, category, services, address, opening hours and the
published contact. The list is the page; the Leaflet map beside it is a
companion that may be switched off (``LOTSE_MAP_TILE_URL=""``) or fail to
load its tiles without the page losing anything.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_safe

from lotse.network import queries
from lotse.network.choices import MASTER_LANGUAGE, NATIVE_NAMES, direction
from lotse.network.models import Actor


def best_language(accept_language: str) -> str:
    """The visitor's most preferred public language (``fa-IR`` counts as ``fa``); German if none fits."""
    for code, _quality in parse_accept_lang_header(accept_language):
        base = code.split("-")[0]
        if base in NATIVE_NAMES:
            return base
    return MASTER_LANGUAGE


def public_language(lang: str) -> str:
    if lang not in NATIVE_NAMES:
        raise Http404
    return lang


def render_public(request: HttpRequest, template: str, language: str, context: dict[str, Any]) -> HttpResponse:
    context.update(
        page_language=language,
        page_dir=direction(language),
        is_master_language=language == MASTER_LANGUAGE,
    )
    response = render(request, template, context)
    response["Content-Language"] = language
    return response


@login_not_required
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """/stadtkarte/: on to the map in the visitor's language."""
    language = best_language(request.headers.get("Accept-Language", ""))
    url = reverse("public:map", kwargs={"lang": language})
    if request.GET:
        url = f"{url}?{urlencode(list(request.GET.lists()), doseq=True)}"
    response = HttpResponseRedirect(url)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@login_not_required
@require_safe
def map_page(request: HttpRequest, lang: str) -> HttpResponse:
    """The published actors: search and filters, the list grouped by category, and the map."""
    language = public_language(lang)
    with translation.override(language):
        return render_public(
            request, "network/public/map.html", language, queries.public_map_page(request.GET, language)
        )


@login_not_required
@require_safe
def actor_page(request: HttpRequest, lang: str, pk: int) -> HttpResponse:
    """One published actor: what it offers, where and when, and its published contact."""
    language = public_language(lang)
    try:
        actor = queries.published_actors().get(pk=pk)
    except Actor.DoesNotExist:
        raise Http404 from None
    with translation.override(language):
        return render_public(
            request, "network/public/actor.html", language, queries.public_actor_page(actor, request.GET, language)
        )
