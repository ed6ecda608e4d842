"""No query parameter of any page gives a server error, whatever text it carries.

The parameters are not written here: each page of the URL matrix's world is
requested once by a persona who may see it, and the page says which
parameters it takes (the fields of its GET forms, the ``name`` of elements
with ``hx-get``, the query keys of its links, each pointing at the page it
names). Hypothesis then sends arbitrary text to them: punctuation alone,
NUL, very long strings, other scripts, right-to-left marks, emoji.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotse.cases.tests.factories import open_case_for
from lotse.conftest import client_for
from lotse.core.tests.test_url_matrix import PERSONAS, Urls, allowed_methods, guarded_names, url_patterns
from lotse.network.models import Actor

NULL_MESSAGE = "Die Anfrage enthält ein Nullzeichen, das Lotse nicht annimmt. Bitte entfernen Sie es."
# Texts that once broke a page, and texts of the kind that do: a name of punctuation only, NUL, SQL's
# wildcards, a number too large for a key, impossible dates, other scripts and directions.
AWKWARD = [
    "%",
    "-",
    "?!",
    "%%",
    "_",
    "\\",
    "'",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "99999999999999999999999",
    "31.02.2025",
    "2025-13-45",
    "9999-12-31",
    "01.01.0001",
    "مُحَمَّد",
    "\u202eevil",
    "Ğül-Şahin",
    "😀",
    "x" * 3000,
]
texts = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=60), st.text(alphabet="%-_?!.,;:'\"\\ 0123456789"))


class _Parameters(HTMLParser):
    """The query parameters a page sends to which URL: its GET forms, htmx requests and links."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.found: dict[str, set[str]] = defaultdict(set)
        self.form_targets: list[str | None] = []

    def _target(self, url: str) -> str:
        return urlsplit(url).path or self.path

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").lower()
            self.form_targets.append(self._target(attributes.get("action", "")) if method == "get" else None)
        name = attributes.get("name", "")
        in_get_form = bool(self.form_targets) and self.form_targets[-1] is not None
        if tag in {"input", "select", "textarea", "button"} and name and name != "csrfmiddlewaretoken" and in_get_form:
            self.found[str(self.form_targets[-1])].add(name)
        for attribute in ("hx-get", "href"):
            if url := attributes.get(attribute):
                target = self._target(url)
                self.found[target] |= {key for key, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
                if attribute == "hx-get" and name:
                    self.found[target].add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_targets:
            self.form_targets.pop()


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def readable_names() -> list[str]:
    """The pages a GET may ask for (not the POST-only actions)."""
    names = []
    for name in guarded_names():
        methods = allowed_methods(url_patterns()[name].callback)
        if methods is None or "GET" in methods:
            names.append(name)
    return names


def discover(urls: Urls, clients: dict[str, Client]) -> dict[str, tuple[str, set[str]]]:
    """For every URL that takes query parameters: its path, and the parameters pages send to it."""
    parameters: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, str] = {}
    for name in readable_names():
        path = urls.url(name)
        paths[path] = name
        response = clients[name].get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Parameters(path)
        parser.feed(response.content.decode())
        for target, keys in parser.found.items():
            target_name = _url_name(target)
            if target_name is not None and keys:
                parameters[target_name] |= keys
    return {
        name: (urls.url(name), keys) for name, keys in parameters.items() if name in clients and urls.url(name) in paths
    }


def _clients(request: pytest.FixtureRequest, urls: Urls) -> dict[str, Client]:
    """For each readable URL a client of the first persona who may use it."""
    users = {persona: request.getfixturevalue(persona) for persona in PERSONAS}
    by_persona = {persona: client_for(user) for persona, user in users.items()}
    clients = {}
    for name in readable_names():
        for persona, user in users.items():
            if urls.permitted(persona, user.roles, name):
                clients[name] = by_persona[persona]
                break
    return clients


@pytest.mark.django_db
def test_it_finds_the_search_and_filter_parameters_of_the_list_pages(request: pytest.FixtureRequest, urls: Urls):
    found = discover(urls, _clients(request, urls))
    assert {"q", "status", "municipality", "responsible", "sort"} <= found["cases:case_list"][1]
    assert "q" in found["core:user_list"][1]
    assert "q" in found["network:actor_list"][1]
    assert "stichtag" in found["reports:dashboard"][1]


@pytest.mark.django_db
def test_it_answers_every_query_parameter_of_every_page_without_a_server_error(
    request: pytest.FixtureRequest, urls: Urls
):
    clients = _clients(request, urls)
    pages = discover(urls, clients)
    assert len(pages) >= 10, sorted(pages)
    for name, (path, keys) in sorted(pages.items()):
        answers_without_a_server_error(clients[name], name, path, keys)


def answers_without_a_server_error(client: Client, name: str, path: str, keys: set[str]) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=st.fixed_dictionaries({}, optional=dict.fromkeys(sorted(keys), texts)))
    def answers(query: dict[str, Any]) -> None:
        response = client.get(path, query)
        assert response.status_code < 500, (name, query)

    answers()


# The reported cases


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["%", "-", "?!", "--"])
def test_it_lists_no_case_for_a_name_without_letters_or_digits(caseworker_a, text: str):
    open_case_for(caseworker_a, family_name="Haddad")
    response = client_for(caseworker_a).get("/cases/", {"q": text})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/users/", {"q": "\x00"}),
        ("/cases/", {"q": "Had\x00dad"}),
        ("/cases/", {"sort": "\x00"}),
        ("/cases/", {"\x00": "1"}),
    ],
)
def test_it_refuses_a_null_character_in_a_query_parameter(org_admin_a, caseworker_a, path, query):
    persona = org_admin_a if path == "/users/" else caseworker_a
    response = client_for(persona).get(path, query)
    assert response.status_code == 400
    assert NULL_MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_null_character_in_a_form_field_and_changes_nothing(network_editor):
    client = client_for(network_editor)
    response = client.post("/netzwerk/akteure/neu/", {"name": "Jobcenter\x00"})
    assert response.status_code == 400
    assert NULL_MESSAGE in response.content.decode()
    assert not Actor.objects.exists()
