"""Every URL, every persona: who is sent to login, who gets what.

Nothing here is written per URL. Who may use a URL comes from the
capability its view declares and the table in ``lotse.core.access``; the
records a URL names, and who may not see them (404), come from the app's
``tests/url_arguments.py`` (see ``lotse.core.tests.url_arguments``). A new
URL whose view declares no capability fails here, so nobody adds a view
without deciding who may use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lotse.conftest import client_for
from lotse.core.access import CAPABILITIES, Capability, declared_capability, holds
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.urls import PUBLIC_ALLOWLIST

# The city map and its actors' pages, and a volunteer interpreter's answer through the signed link: public, the
# only pages besides signing in.
PUBLIC_URLS = {"public:start", "public:map", "public:actor", "volunteers:interpreting_answer"}
# Reachable without signing in: signing in itself, password reset, the language switch, the city map.
AUTH_EXEMPT = PUBLIC_URLS | {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "set_language",
}
# Every persona of the root conftest with a role the table names; one organisation's records meet
# the personas of that organisation (in scope) and of the others (out of scope).
PERSONAS = [
    "caseworker_a",
    "teamlead_a",
    "caseworker_b",
    "teamlead_b",
    "statistician",
    "org_admin_a",
    "org_admin_b",
    "sysadmin",
    "county_housing_officer",
    "housing_officer",
    "network_coordinator",
    "network_keeper",
    "network_editor",
    "volunteer_coordinator_a",
    "volunteer_coordinator_b",
    "housing_staff_a",
    "housing_staff_b",
]


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("django-admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def url_patterns() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def is_public(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "login_required", True) is False


def capability_of(name: str) -> Capability:
    capability = declared_capability(url_patterns()[name].callback)
    assert capability is not None, f"{name}: view declares no capability"
    return capability


def allowed_methods(view: Any) -> frozenset[str] | None:
    """The HTTP methods a view accepts, if it says (require_GET/require_safe/require_POST, a class-based view)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m))
    seen: set[int] = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(cell.cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def guarded_names() -> list[str]:
    """Every URL that needs signing in."""
    return sorted(name for name, pattern in url_patterns().items() if not is_public(pattern))


def url_argument_modules() -> list[Any]:
    """``lotse.<app>.tests.url_arguments`` of every installed Lotse app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lotse."):
            continue
        name = f"{config.name}.tests.url_arguments"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name not in (name, f"{config.name}.tests"):
                raise
    return modules


@dataclass
class Urls:
    """The apps' answers for one world, merged."""

    kwargs: dict[str, Mapping[str, object]]
    out_of_scope: dict[str, frozenset[str]]
    refused: dict[str, frozenset[str]]
    accepts_post: set[str]
    redirects: set[str]

    def url(self, name: str) -> str:
        arguments = self.kwargs.get(name)
        return reverse(name, kwargs=dict(arguments) if arguments is not None else None)

    def expected(self, persona: str, roles: list[str], name: str) -> int:
        """The status of a GET by ``persona``: from the declared capability, the method and the app's scope."""
        callback = url_patterns()[name].callback
        if not holds(roles, capability_of(name)) or persona in self.refused.get(name, ()):
            return 403
        methods = allowed_methods(callback)
        if methods is not None and "GET" not in methods:
            # The URL only takes POST (e.g. deactivation, logout).
            return 405
        if persona in self.out_of_scope.get(name, ()):
            return 404
        return 302 if name in self.redirects else 200

    def permitted(self, persona: str, roles: list[str], name: str) -> bool:
        return (
            holds(roles, capability_of(name))
            and persona not in self.refused.get(name, ())
            and persona not in self.out_of_scope.get(name, ())
        )


def collect(world: UrlWorld) -> Urls:
    urls = Urls({}, {}, {}, set(), set())
    for module in url_argument_modules():
        answer: AppUrls = module.url_arguments(world)
        for mine, merged in (
            (answer.kwargs, urls.kwargs),
            (answer.out_of_scope, urls.out_of_scope),
            (answer.refused, urls.refused),
        ):
            assert not set(mine) & set(merged), f"{module.__name__} answers for another app's URLs"
            merged.update(mine)  # type: ignore[arg-type]
        urls.accepts_post |= answer.accepts_post
        urls.redirects |= answer.redirects
    return urls


def test_it_has_a_row_for_every_url():
    """A URL is public (on the allow-list) or its view declares a capability of the table."""
    patterns = url_patterns()
    undecided = {name for name in guarded_names() if declared_capability(patterns[name].callback) not in CAPABILITIES}
    assert undecided == set(), "URL without an access decision"
    assert set(PUBLIC_ALLOWLIST) == PUBLIC_URLS


def test_it_marks_exactly_the_exempt_views_as_public():
    public = {name for name, pattern in url_patterns().items() if is_public(pattern)}
    assert public == AUTH_EXEMPT


def test_it_finds_the_url_arguments_of_every_app_with_pages():
    """Each app whose views serve a page that needs signing in answers the matrix in ``tests/url_arguments.py``."""
    answering = {module.__name__.removesuffix(".tests.url_arguments") for module in url_argument_modules()}
    with_pages = set()
    for name in guarded_names():
        module = getattr(url_patterns()[name].callback, "__module__", "") or ""
        if module.startswith("lotse."):
            with_pages.add(".".join(module.split(".")[:2]))
    assert with_pages - answering == set(), "app with pages but without tests/url_arguments.py"


@pytest.mark.django_db
def test_it_asks_each_app_for_the_arguments_of_its_urls(urls: Urls):
    patterns = url_patterns()
    with_parameters = {name for name, pattern in patterns.items() if pattern.pattern.converters}
    with_parameters |= {"password_reset_confirm"}  # its parameters are plain path segments
    assert with_parameters - set(urls.kwargs) == set(), "URL without arguments from its app"
    named = set(urls.kwargs) | set(urls.out_of_scope) | set(urls.refused) | urls.accepts_post | urls.redirects
    assert named - set(patterns) == set(), "an app names a URL that does not exist"
    personas = {persona for group in (*urls.out_of_scope.values(), *urls.refused.values()) for persona in group}
    assert personas - set(PERSONAS) == set(), "an app names a persona the matrix does not ask"
    for name in sorted(with_parameters):
        urls.url(name)


@pytest.mark.django_db
def test_it_sends_anonymous_users_to_login_everywhere(urls: Urls):
    client = Client()
    for name in guarded_names():
        response = client.get(urls.url(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


@pytest.mark.django_db
def test_it_serves_the_exempt_pages_to_anonymous_users(urls: Urls):
    client = Client()
    for name in sorted(AUTH_EXEMPT - {"set_language"}):
        response = client.get(urls.url(name))
        assert response.status_code == (302 if name in urls.redirects else 200), name


@pytest.mark.django_db
def test_it_sends_anonymous_users_from_django_admin_to_its_login():
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_each_role_only_what_it_may(request, persona, urls: Urls):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    wrong = []
    for name in guarded_names():
        scoped = persona in urls.out_of_scope.get(name, ()) or persona in urls.refused.get(name, ())
        # An app's scope rule for a persona without the capability would never be tested.
        assert not scoped or holds(user.roles, capability_of(name)), (persona, name, "scoped without the capability")
        status = client.get(urls.url(name)).status_code
        expected = urls.expected(persona, user.roles, name)
        if status != expected:
            wrong.append((name, status, expected))
    assert wrong == [], f"{persona}: (URL, status, expected)"
