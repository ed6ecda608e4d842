"""The public city map and the actors' pages: no login, published actors only, seven languages.

Personas: an anonymous visitor (``Client()``), a signed-in caseworker; records
from ``actor_factory`` (published unless told otherwise, in Ludwigsburg, with
coordinates).
"""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request
from decimal import Decimal
from email.message import Message
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import pgettext

from lotse.conftest import client_for
from lotse.core.middleware import is_public
from lotse.core.testing import queries_of
from lotse.network import queries, tiles
from lotse.network.choices import PUBLIC_LANGUAGE_CODES
from lotse.network.models import Actor, ActorCategory

pytestmark = pytest.mark.django_db


def map_url(lang: str = "de", **query: str) -> str:
    url = reverse("public:map", kwargs={"lang": lang})
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    return url


def actor_url(actor: Actor, lang: str = "de") -> str:
    return reverse("public:actor", kwargs={"lang": lang, "pk": actor.pk})


def page(url: str, client: Client | None = None) -> str:
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class PageParser(HTMLParser):
    """The links, scripts and inline styles of a page, and the names of the actors listed."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self.listed: list[str] = []
        self.html: dict[str, str | None] = {}
        self._in_name = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html = values
        if tag in {"a", "link"} and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "script":
            self.scripts.append(values)
        if "style" in values or tag == "style":
            self.styled.append(tag)
        self._in_name = tag == "a" and "actor-name" in (values.get("class") or "")

    def handle_data(self, data: str) -> None:
        if self._in_name:
            self.listed.append(data.strip())
            self._in_name = False


def parsed(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def listed(url: str, client: Client | None = None) -> list[str]:
    return parsed(page(url, client)).listed


def map_data(html: str) -> dict[str, Any] | None:
    found = re.search(r'<script id="actor-map-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def unpublished(actor_factory) -> Actor:
    return actor_factory(name="Geheime Beratung Intern", is_public=False, services="Beratung nur intern")


# --- who may see the public pages -----------------------------------------------------------------------


def test_it_serves_the_three_public_pages_to_anonymous_visitors(actor_factory):
    actor = actor_factory(name="Migrationsberatung Caritas")
    client = Client()

    start = client.get(reverse("public:start"))
    assert start.status_code == 302
    assert start["Location"] == map_url("de")
    assert client.get(map_url("de")).status_code == 200
    assert client.get(actor_url(actor, "de")).status_code == 200
    # Public through Django's own marker, which the role middleware honours.
    for url in (reverse("public:start"), map_url("de"), actor_url(actor)):
        assert is_public(resolve(url).func), url
    assert "sessionid" not in client.cookies and "lotse_session" not in client.cookies
    assert "csrftoken" not in client.cookies


def test_it_shows_signed_in_staff_the_public_pages_as_the_public_sees_them(caseworker_a, actor_factory, unpublished):
    actor_factory(name="Jobcenter Ludwigsburg")
    client = client_for(caseworker_a)

    assert listed(map_url("de"), client) == ["Jobcenter Ludwigsburg"]
    assert client.get(actor_url(unpublished)).status_code == 404
    html = page(map_url("de"), client)
    assert caseworker_a.username not in html
    assert reverse("logout") not in html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fa-IR,fa;q=0.9,en;q=0.5", "fa"),
        ("fr-FR, ar;q=0.5, de;q=0.4", "ar"),
        ("en-GB,en;q=0.8", "en"),
        ("uk", "uk"),
        ("ru-RU;q=0.3, tr;q=0.9", "tr"),
        ("fr, es", "de"),
        ("", "de"),
        ("*", "de"),
    ],
)
def test_it_redirects_to_the_map_in_the_visitors_best_language(header, expected):
    response = Client().get(reverse("public:start"), headers={"Accept-Language": header})

    assert response.status_code == 302
    assert response["Location"] == map_url(expected)
    assert "Accept-Language" in response["Vary"]


def test_it_keeps_the_filters_on_the_way_to_the_map():
    response = Client().get(reverse("public:start") + "?category=beratung&q=Kurs", headers={"Accept-Language": "tr"})

    assert response["Location"] == map_url("tr") + "?category=beratung&q=Kurs"


def test_it_answers_an_unknown_language_with_404(actor_factory):
    actor = actor_factory()
    client = Client()

    for lang in ("fr", "xx", "DE", "de-at"):
        assert client.get(f"/stadtkarte/{lang}/").status_code == 404, lang
        assert client.get(f"/stadtkarte/{lang}/akteure/{actor.pk}/").status_code == 404, lang


def test_it_answers_an_unpublished_or_unknown_actor_with_404(unpublished):
    client = Client()

    assert client.get(actor_url(unpublished)).status_code == 404
    assert client.get(reverse("public:actor", kwargs={"lang": "de", "pk": unpublished.pk + 1000})).status_code == 404


def test_it_exposes_no_unpublished_actor_anywhere(actor_factory, unpublished):
    actor_factory(name="Beratung für Frauen", services="Beratung")

    for lang in PUBLIC_LANGUAGE_CODES:
        for url in (map_url(lang), map_url(lang, q="Beratung"), map_url(lang, q="Geheime"), map_url(lang, q="intern")):
            html = page(url)
            assert unpublished.name not in html, url
            assert unpublished.services not in html, url
            assert parsed(html).listed in ([], ["Beratung für Frauen"]), url
            data = map_data(html)
            assert unpublished.pk not in [marker["id"] for marker in (data or {}).get("markers", [])]


def test_it_shows_no_internal_fields_and_links_only_to_public_pages(actor_factory):
    actor = actor_factory(
        name="Kleiderkammer St. Paul",
        website="https://kleiderkammer.example.org",
        email="kleider@example.org",
        phone="07141 1234",
    )
    Actor.objects.filter(pk=actor.pk).update(version=7)
    actor.refresh_from_db()

    for url in (map_url("de"), actor_url(actor, "de"), map_url("ar"), actor_url(actor, "ar")):
        html = page(url)
        for moment in (actor.created_at, actor.updated_at):
            assert moment.strftime("%d.%m.%Y") not in html, url
            assert moment.date().isoformat() not in html, url
        assert "is_public" not in html and "version" not in html, url
        for link in parsed(html).links:
            allowed = (
                link.startswith(("/stadtkarte/", "/static/", "?", "#", "tel:", "mailto:"))
                or link == reverse("login")
                or link == actor.website
            )
            assert allowed, (url, link)


# --- the list: search and filters -------------------------------------------------------------------------


@pytest.fixture
def directory(actor_factory, municipality_other):
    """Four published actors in two categories, two municipalities and several languages."""
    arbeit = ActorCategory.objects.get(slug="arbeit")
    return {
        "frauen": actor_factory(name="Beratung für Frauen", services="Offene Beratung", languages=["ara", "deu"]),
        "jobcenter": actor_factory(name="Jobcenter Ludwigsburg", category=arbeit, languages=["deu", "ukr"]),
        "kleider": actor_factory(
            name="Kleiderkammer Besigheim", municipality=municipality_other, services="Kleidung", languages=["fas"]
        ),
        "sprach": actor_factory(
            name="Sprachcafé Besigheim",
            category=arbeit,
            municipality=municipality_other,
            services="Deutsch üben",
            latitude=None,
            longitude=None,
        ),
    }


def test_it_lists_every_published_actor_grouped_by_category(directory, unpublished):
    html = page(map_url("de"))

    # Arbeit (position 1) before Beratung; by name within a category.
    assert parsed(html).listed == [
        "Jobcenter Ludwigsburg",
        "Sprachcafé Besigheim",
        "Beratung für Frauen",
        "Kleiderkammer Besigheim",
    ]
    assert "Actors found: 4" in html or "Gefundene Akteure: 4" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "arbeit"}, ["Jobcenter Ludwigsburg", "Sprachcafé Besigheim"]),
        ({"category": "beratung"}, ["Beratung für Frauen", "Kleiderkammer Besigheim"]),
        ({"category": "blaulicht"}, []),
        ({"language": "ara"}, ["Beratung für Frauen"]),
        ({"language": "deu"}, ["Jobcenter Ludwigsburg", "Beratung für Frauen"]),
        ({"language": "fas"}, ["Kleiderkammer Besigheim"]),
        ({"municipality": "08118010"}, ["Sprachcafé Besigheim", "Kleiderkammer Besigheim"]),
        ({"municipality": "08118048", "category": "arbeit"}, ["Jobcenter Ludwigsburg"]),
        ({"municipality": "08118010", "language": "fas", "category": "beratung"}, ["Kleiderkammer Besigheim"]),
        # German stemming: the plural finds the singular.
        ({"q": "Beratungen"}, ["Beratung für Frauen"]),
        ({"q": "Kleidungen"}, ["Kleiderkammer Besigheim"]),
        # A part of a name.
        ({"q": "kleiderk"}, ["Kleiderkammer Besigheim"]),
        ({"q": "Jobcent"}, ["Jobcenter Ludwigsburg"]),
        ({"q": "Besigheim", "category": "arbeit"}, ["Sprachcafé Besigheim"]),
        ({"q": "Feuerwehr"}, []),
    ],
)
def test_it_filters_and_searches_the_list(directory, unpublished, query, expected):
    assert listed(map_url("de", **query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"category": "gibt-es-nicht"},
        {"language": "xx"},
        {"municipality": "99999999"},
        {"municipality": "<script>"},
        {"page": "abc"},
        {"page": "999"},
        {"q": "   "},
        {"q": "x" * 500},
    ],
)
def test_it_ignores_invalid_filter_values(directory, query):
    response = Client().get(map_url("de", **query))

    assert response.status_code == 200
    # Blank or too long (over 200 characters) a search is no search either.
    assert sorted(parsed(response.content.decode()).listed) == sorted(actor.name for actor in directory.values())


def test_it_ignores_only_the_invalid_filter_and_applies_the_others(directory):
    assert listed(map_url("de", category="gibt-es-nicht", language="fas")) == ["Kleiderkammer Besigheim"]


def test_it_offers_only_the_languages_and_municipalities_of_published_actors(directory, unpublished, municipality_lb):
    from lotse.core.tests.factories import MunicipalityFactory

    hidden_town = MunicipalityFactory.create(ags="08118077", name="Verstecktingen")
    Actor.objects.filter(pk=unpublished.pk).update(languages=["pus"], municipality=hidden_town)

    html = page(map_url("en"))

    assert '<option value="fas">Persian</option>' in html
    assert '<option value="ukr">Ukrainian</option>' in html
    assert 'value="pus"' not in html
    assert "Verstecktingen" not in html
    assert '<option value="08118010">Besigheim</option>' in html


def test_it_pages_a_long_list_keeping_the_filters(actor_factory, monkeypatch):
    monkeypatch.setattr(queries, "PUBLIC_PAGE_SIZE", 2)
    for number in range(5):
        actor_factory(name=f"Sprachkurs {number}")

    html = page(map_url("de", q="Sprachkurs"))

    assert parsed(html).listed == ["Sprachkurs 0", "Sprachkurs 1"]
    assert 'href="?q=Sprachkurs&amp;page=2"' in html
    assert listed(map_url("de", q="Sprachkurs", page="3")) == ["Sprachkurs 4"]


@pytest.mark.parametrize("count", [1, 20])
def test_it_lists_with_a_fixed_number_of_queries(actor_factory, count):
    for number in range(count):
        actor_factory(name=f"Beratungsstelle {number}", languages=["ara", "deu", "fas"], target_groups=["frauen"])
    client = Client()

    plain = queries_of(client, map_url("ar"))
    filtered = queries_of(client, map_url("ar", q="Beratung", category="beratung", language="ara"))

    # Languages offered, the count, the page of actors, the categories and municipalities of the form.
    assert len(plain) == 5
    # And the category the filter names.
    assert len(filtered) == 6


# --- the map ----------------------------------------------------------------------------------------------


def test_it_puts_exactly_the_listed_actors_with_coordinates_on_the_map(directory, unpublished):
    data = map_data(page(map_url("de")))

    assert data is not None
    located = [directory[key] for key in ("jobcenter", "frauen", "kleider")]
    assert sorted(marker["id"] for marker in data["markers"]) == sorted(actor.pk for actor in located)
    marker = next(marker for marker in data["markers"] if marker["id"] == directory["frauen"].pk)
    assert marker == {
        "id": directory["frauen"].pk,
        "name": "Beratung für Frauen",
        "category": "Beratung",
        "lat": 48.8975,
        "lon": 9.1922,
        "url": actor_url(directory["frauen"], "de"),
    }
    assert data["tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    filtered = map_data(page(map_url("ar", language="ara")))
    assert filtered is not None
    assert [marker["id"] for marker in filtered["markers"]] == [directory["frauen"].pk]
    assert filtered["markers"][0]["category"] == "الاستشارة"
    assert filtered["markers"][0]["url"] == actor_url(directory["frauen"], "ar")


def test_it_centres_the_map_on_the_listed_actors(actor_factory):
    actor_factory(name="Nord", latitude=Decimal("49.000000"), longitude=Decimal("9.000000"))
    actor_factory(name="Süd", latitude=Decimal("48.000000"), longitude=Decimal("10.000000"))

    data = map_data(page(map_url("de")))

    assert data is not None
    assert data["centre"] == [48.5, 9.5]
    assert data["bounds"] == [[48.0, 9.0], [49.0, 10.0]]


def test_it_says_so_when_no_listed_actor_has_coordinates(directory):
    html = page(map_url("en", q="Sprachcafé"))

    assert parsed(html).listed == ["Sprachcafé Besigheim"]
    assert map_data(html) is None
    assert 'id="actor-map"' not in html
    assert "None of the actors listed has a place on the map." in html


def test_it_shows_the_full_list_without_a_map_when_tiles_are_switched_off(directory, settings):
    settings.LOTSE_MAP_TILE_URL = ""

    for url in (map_url("de"), actor_url(directory["frauen"], "de")):
        html = page(url)
        assert 'id="actor-map"' not in html
        assert map_data(html) is None
        assert "leaflet" not in html
    assert len(listed(map_url("de"))) == 4


class _TileServer:
    """A stand-in for ``urllib.request.urlopen``: answers (or fails) as told, and counts what it was asked."""

    def __init__(self, failure: Exception | None) -> None:
        self.failure = failure
        self.asked: list[str] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.asked.append(request.full_url)
        if self.failure is not None:
            raise self.failure
        return io.BytesIO(b"")


@pytest.fixture
def tile_check(settings, monkeypatch):
    """Switches the check on; the test then sets up the tile server's answer (None: it answers)."""
    settings.LOTSE_MAP_TILE_CHECK = True
    cache.clear()

    def answering(failure: Exception | None) -> _TileServer:
        server = _TileServer(failure)
        monkeypatch.setattr(urllib.request, "urlopen", server)  # as lotse.network.tiles calls it
        return server

    yield answering
    cache.clear()


def test_it_leaves_the_map_out_while_its_tile_server_does_not_answer(directory, tile_check):
    """Without a way to the tile server, no browser is sent to it: no failed tile, no error in the console."""
    server = tile_check(urllib.error.URLError(OSError("Name or service not known")))

    for url in (map_url("de"), actor_url(directory["frauen"], "de"), map_url("ar")):
        html = page(url)
        assert 'id="actor-map"' not in html
        assert map_data(html) is None
        assert "leaflet" not in html
    assert len(listed(map_url("de"))) == 4
    # Asked once for the tile of the whole world, then kept (CHECK_SECONDS).
    assert server.asked == ["https://tile.openstreetmap.org/0/0/0.png"]


@pytest.mark.parametrize(
    "failure",
    [None, urllib.error.HTTPError("https://tile.openstreetmap.org/0/0/0.png", 403, "Forbidden", Message(), None)],
)
def test_it_shows_the_map_when_the_tile_server_answers_even_with_a_refusal(directory, tile_check, failure):
    server = tile_check(failure)

    data = map_data(page(map_url("de")))

    assert data is not None and data["tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert len(server.asked) == 1


def test_it_asks_for_the_first_tile_of_any_template():
    assert tiles.first_tile("https://{s}.tiles.example.org:8443/map/{z}/{x}/{y}{r}.png") == (
        "https://a.tiles.example.org:8443/map/0/0/0.png"
    )


def test_it_gives_the_map_accessible_names_and_loads_it_from_static_files_only(directory):
    html = page(map_url("de"))
    parser = parsed(html)

    assert re.search(r'<div id="actor-map" class="public-map" role="region" aria-label="[^"]+" hidden>', html)
    assert "aria-hidden" not in html
    # Scripts come from files or are JSON data; no inline style attributes (Content-Security-Policy).
    for script in parser.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    assert parser.styled == []
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/network/map.js" in html


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_it_has_a_skip_link_landmarks_and_labelled_fields(directory, lang):
    from lotse.core.tests.test_layout import _assert_inputs_labelled

    html = page(map_url(lang))

    assert re.search(r'<a class="visually-hidden-focusable skip-link" href="#main">', html)
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert re.search(r'<nav aria-label="[^"]+">', html)
    assert re.search(r'<form method="get" action="" [^>]*role="search" aria-label="[^"]+">', html)
    assert 'method="post"' not in html and "csrfmiddlewaretoken" not in html
    _assert_inputs_labelled(html)


def test_it_admits_the_tile_server_in_the_content_security_policy(directory):
    response = Client().get(map_url("de"))

    policy = response["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src.split()
    assert "'unsafe-inline'" not in policy


def test_it_shows_a_small_map_on_an_actor_page_with_coordinates_only(directory):
    with_location = map_data(page(actor_url(directory["frauen"])))
    without = page(actor_url(directory["sprach"]))

    assert with_location is not None
    assert [marker["id"] for marker in with_location["markers"]] == [directory["frauen"].pk]
    assert with_location["markers"][0]["url"] == ""
    assert map_data(without) is None and 'id="actor-map"' not in without


# --- an actor's page --------------------------------------------------------------------------------------


def test_it_shows_an_actors_published_details(actor_factory):
    actor = actor_factory(
        name="Migrationsberatung Diakonie",
        organisation_type="wohlfahrtsverband",
        services="Beratung zu Aufenthalt\nund Familiennachzug",
        target_groups=["gefluechtete", "familien"],
        languages=["ara", "fas", "deu"],
        street="Karlstraße 7",
        postcode="71638",
        town="Ludwigsburg",
        opening_hours="Mo-Do 9-12 Uhr",
        contact_person="Frau Yilmaz",
        phone="07141 9876",
        email="migration@example.org",
        website="https://diakonie.example.org/migration",
        accessibility="barrierefrei",
        appointment_needed=True,
    )

    html = page(actor_url(actor, "de"))

    for text in (
        "Migrationsberatung Diakonie",
        "Beratung",
        "Beratung zu Aufenthalt<br>und Familiennachzug",
        "Karlstraße 7",
        "71638 Ludwigsburg",
        "Mo-Do 9-12 Uhr",
        "Frau Yilmaz",
        'href="tel:071419876"',
        'href="mailto:migration@example.org"',
        'href="https://diakonie.example.org/migration"',
    ):
        assert text in html, text
    with translation.override("de"):
        for label in (
            pgettext("public", "Welfare association"),
            pgettext("public", "Refugees"),
            pgettext("public", "Families"),
            pgettext("public", "Step-free access"),
            pgettext("public", "Please make an appointment."),
        ):
            assert label in html, label
    assert "Arabisch, Deutsch, Persisch" in html


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("de", "Arabisch, Dari, Deutsch, Ukrainisch"),
        ("en", "Arabic, Dari, German, Ukrainian"),
        ("ar", "الألمانية، الأوكرانية، الدارية، العربية"),
        ("fa", "آلمانی، اوکراینی، دری، عربی"),
        ("ru", "арабский, дари, немецкий, украинский"),
        ("tr", "Almanca, Arapça, Darice, Ukraynaca"),
        ("uk", "арабська, дарі, німецька, українська"),
    ],
)
def test_it_names_the_languages_of_counselling_in_the_page_language(actor_factory, language, names):
    actor = actor_factory(languages=["ara", "deu", "ukr", "prs"])

    assert names in page(actor_url(actor, language))


def test_it_links_only_web_addresses(actor_factory):
    actor = actor_factory(website="javascript:alert(1)")

    html = page(actor_url(actor))

    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html


# --- languages and direction ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", PUBLIC_LANGUAGE_CODES)
def test_it_renders_each_language_in_its_direction(actor_factory, lang):
    actor = actor_factory()
    rtl = lang in {"ar", "fa"}

    for url in (map_url(lang), actor_url(actor, lang)):
        response = Client().get(url)
        html = response.content.decode()
        parser = parsed(html)
        assert response["Content-Language"] == lang
        assert parser.html == {"lang": lang, "dir": "rtl" if rtl else "ltr"}
        assert ("bootstrap.rtl.min.css" in html) is rtl
        assert ("bootstrap.min.css" in html) is not rtl


@pytest.mark.parametrize(
    ("lang", "heading", "category_name"),
    [
        ("de", "Akteure für Integration", "Beratung"),
        ("en", "Actors for integration", "Counselling"),
        ("ar", "جهات فاعلة في مجال الاندماج", "الاستشارة"),
        ("fa", "نهادهای فعال در زمینه ادغام", "مشاوره"),
        ("uk", "Організації та служби з інтеграції", "Консультації"),
        ("ru", "Организации и службы по интеграции", "Консультации"),
        ("tr", "Uyum alanındaki kurum ve kuruluşlar", "Danışmanlık"),
    ],
)
def test_it_translates_the_page_texts(actor_factory, lang, heading, category_name):
    actor_factory()

    html = page(map_url(lang))

    assert f'<h1 class="h2">{heading}</h1>' in html
    assert category_name in html
    with translation.override(lang):
        assert pgettext("public", "Language of counselling") in html
        if lang != "en":
            assert pgettext("public", "Language of counselling") != "Language of counselling"


def test_it_links_the_same_page_in_the_other_six_languages(actor_factory):
    actor = actor_factory()

    html = page(map_url("uk", category="beratung"))
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="(\w+)" dir="(\w+)">([^<]+)</a>', html)

    assert [(href, code) for href, code, *_rest in links] == [
        (map_url(code) + "?category=beratung", code) for code in PUBLIC_LANGUAGE_CODES if code != "uk"
    ]
    assert ("/stadtkarte/ar/?category=beratung", "ar", "ar", "rtl", "العربية") in links
    assert 'aria-current="page">Українська</span>' in html
    actor_links = re.findall(r'hreflang="(\w+)"', page(actor_url(actor, "fa")))
    assert sorted(set(actor_links)) == sorted(code for code in PUBLIC_LANGUAGE_CODES if code != "fa")


# --- settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", None, "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org:8443/map/{z}/{x}/{y}.png", None, "https://*.tiles.example.org:8443"),
        ("", "", None),
        ("   ", "", None),
    ],
)
def test_it_reads_the_tile_url_template(monkeypatch, value, expected, source):
    from lotse.settings import env

    monkeypatch.setenv("LOTSE_MAP_TILE_URL", value)

    template = env.get_tile_url("LOTSE_MAP_TILE_URL", "https://default.example.org/{z}/{x}/{y}.png")

    assert template == (value if expected is None else expected)
    if source:
        assert env.tile_source(template) == source


@pytest.mark.parametrize(
    "value",
    [
        "tile.openstreetmap.org/{z}/{x}/{y}.png",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/{z}/{x}.png",
        "https://a{s}.tiles.example.org/{z}/{x}/{y}.png",
        "https://user:secret@tiles.example.org/{z}/{x}/{y}.png",
    ],
)
def test_it_refuses_a_malformed_tile_url_template(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from lotse.settings import env

    monkeypatch.setenv("LOTSE_MAP_TILE_URL", value)

    with pytest.raises(ImproperlyConfigured, match="LOTSE_MAP_TILE_URL must be a tile URL template"):
        env.get_tile_url("LOTSE_MAP_TILE_URL", "")
