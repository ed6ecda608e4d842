"""The public city map (Stadtkarte Integration) and each actor's page: no login, seven languages.

Anonymous visitors see published actors only, and of them only what is meant
for the public: name, category, services, address, opening hours and the
published contact. The list is the page; the Leaflet map beside it is a
companion that may be switched off (``LOTSE_MAP_TILE_URL=""``) or fail to
load its tiles without the page losing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import pgettext
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_safe

from lotse.network.choices import (
    MASTER_LANGUAGE,
    NATIVE_NAMES,
    PUBLIC_LANGUAGES,
    RTL_LANGUAGES,
    TargetGroup,
    direction,
    list_separator,
)
from lotse.network.forms import ActorFilterForm
from lotse.network.models import Actor
from lotse.people.vocabulary import language_name

# Actors per page of the list (and markers on the map): the Ludwigsburg network has about a hundred.
PAGE_SIZE = 50


def listing(items: Iterable[Any], language: str) -> str:
    """Names joined as the language writes a list, in its alphabetical order."""
    return list_separator(language).join(sorted((str(item) for item in items), key=str.casefold))


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


class PublicActorFilterForm(ActorFilterForm):
    """The directory's filter with categories and municipalities named for the public."""

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda category: category.label(language)  # type: ignore[attr-defined]
        self.fields["municipality"].label_from_instance = lambda municipality: municipality.name  # type: ignore[attr-defined]


def published_actors() -> QuerySet[Actor]:
    return Actor.objects.published().select_related("category", "municipality")


@dataclass(frozen=True)
class ListedActor:
    actor: Actor
    languages: str


@dataclass(frozen=True)
class CategoryGroup:
    label: str
    entries: list[ListedActor]


def grouped(actors: Iterable[Actor], language: str) -> list[CategoryGroup]:
    """Consecutive actors of one category under its name (the list is ordered by category)."""
    return [
        CategoryGroup(
            label=category.label(language),
            entries=[
                ListedActor(actor, listing((language_name(code) for code in actor.languages), language))
                for actor in members
            ],
        )
        for category, members in groupby(actors, key=lambda actor: actor.category)
    ]


def map_config(actors: Iterable[Actor], language: str, *, link: bool) -> dict[str, Any] | None:
    """What map.js draws: tiles, icons and a marker per actor with coordinates; None without a map."""
    if not settings.LOTSE_MAP_TILE_URL:
        return None
    located = [actor for actor in actors if actor.latitude is not None and actor.longitude is not None]
    if not located:
        return None
    latitudes: list[Decimal] = [actor.latitude for actor in located]  # type: ignore[misc]
    longitudes: list[Decimal] = [actor.longitude for actor in located]  # type: ignore[misc]
    markers = [
        {
            "id": actor.pk,
            "name": actor.name,
            "category": actor.category.label(language),
            "lat": float(actor.latitude),  # type: ignore[arg-type]
            "lon": float(actor.longitude),  # type: ignore[arg-type]
            "url": reverse("public:actor", kwargs={"lang": language, "pk": actor.pk}) if link else "",
        }
        for actor in located
    ]
    return {
        "tiles": settings.LOTSE_MAP_TILE_URL,
        "attribution": settings.LOTSE_MAP_ATTRIBUTION,
        "rtl": language in RTL_LANGUAGES,
        "icon": {
            "url": static("vendor/leaflet/images/marker-icon.png"),
            "retina": static("vendor/leaflet/images/marker-icon-2x.png"),
            "shadow": static("vendor/leaflet/images/marker-shadow.png"),
        },
        "details": pgettext("public", "Details"),
        "zoom_in": pgettext("public", "Zoom in"),
        "zoom_out": pgettext("public", "Zoom out"),
        "centre": [
            float(sum(latitudes) / len(latitudes)),
            float(sum(longitudes) / len(longitudes)),
        ],
        "bounds": [[float(min(latitudes)), float(min(longitudes))], [float(max(latitudes)), float(max(longitudes))]],
        "markers": markers,
    }


def language_links(request: HttpRequest, language: str, url_name: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The same page in every public language (the current one marked), keeping the query string."""
    query = request.GET.urlencode()
    links = []
    for code, name, _rtl in PUBLIC_LANGUAGES:
        url = reverse(url_name, kwargs={"lang": code, **kwargs})
        links.append(
            {
                "code": code,
                "name": name,
                "dir": direction(code),
                "url": f"{url}?{query}" if query else url,
                "current": code == language,
            }
        )
    return links


def page_links(request: HttpRequest, page: Page[Actor]) -> dict[str, str]:
    """Links to the previous and next page with the same filters."""
    params = request.GET.copy()
    links = {}
    if page.has_previous():
        params["page"] = str(page.previous_page_number())
        links["previous"] = f"?{params.urlencode()}"
    if page.has_next():
        params["page"] = str(page.next_page_number())
        links["next"] = f"?{params.urlencode()}"
    return links


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
        form = PublicActorFilterForm.for_actors(request.GET, Actor.objects.published(), language=language)
        actors = form.apply(published_actors()).order_by("category__position", "category__name", "name", "pk")
        page = Paginator(actors, PAGE_SIZE).get_page(request.GET.get("page"))
        listed = list(page.object_list)
        return render_public(
            request,
            "network/public/map.html",
            language,
            {
                "form": form,
                "filtered": bool(form.values()),
                "page": page,
                "count": page.paginator.count,
                "groups": grouped(listed, language),
                "page_links": page_links(request, page),
                "map": map_config(listed, language, link=True),
                "map_enabled": bool(settings.LOTSE_MAP_TILE_URL),
                "language_links": language_links(request, language, "public:map"),
            },
        )


@login_not_required
@require_safe
def actor_page(request: HttpRequest, lang: str, pk: int) -> HttpResponse:
    """One published actor: what it offers, where and when, and its published contact."""
    language = public_language(lang)
    try:
        actor = published_actors().get(pk=pk)
    except Actor.DoesNotExist:
        raise Http404 from None
    with translation.override(language):
        return render_public(
            request,
            "network/public/actor.html",
            language,
            {
                "actor": actor,
                "category": actor.category.label(language),
                "target_groups": listing((TargetGroup(code).label for code in actor.target_groups), language),
                "languages": listing((language_name(code) for code in actor.languages), language),
                # Only web addresses become links (an imported value might be anything).
                "website_url": actor.website if actor.website.startswith(("https://", "http://")) else "",
                "map": map_config([actor], language, link=False),
                "language_links": language_links(request, language, "public:actor", pk=actor.pk),
            },
        )
