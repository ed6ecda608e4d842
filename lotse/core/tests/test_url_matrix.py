"""Every URL, every persona: who is sent to login, who gets what.

The table below is the contract. A new URL without a row fails the test, so
nobody adds a view without deciding who may use it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lotse.conftest import client_for
from lotse.core.choices import Role
from lotse.urls import PUBLIC_ALLOWLIST

ALL = frozenset(Role.values)
ADMINS = frozenset({Role.ORGANISATIONSADMINISTRATION, Role.SYSTEMADMINISTRATION})

# URL name -> roles that may use it.
ACCESS: dict[str, frozenset[str]] = {
    "core:start": ALL,
    "logout": ALL,
    "password_change": ALL,
    "password_change_done": ALL,
    "core:user_list": ADMINS,
    "core:user_create": ADMINS,
    "core:user_detail": ADMINS,
    "core:user_set_active": ADMINS,
    "core:user_set_password": ADMINS,
    "core:history": ADMINS,
    "core:access_log": ADMINS,
}
# Reachable without signing in: signing in itself, password reset, the language switch.
AUTH_EXEMPT = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("django-admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def all_url_names() -> set[str]:
    return {name for name, _ in _walk(get_resolver().url_patterns)}


def url_for(name: str, subject_pk: int) -> str:
    if name == "password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    pattern = dict(_walk(get_resolver().url_patterns))[name]
    if "pk" in pattern.pattern.converters:
        return reverse(name, kwargs={"pk": subject_pk})
    return reverse(name)


def test_it_has_a_row_for_every_url():
    names = all_url_names()
    assert names - set(ACCESS) - AUTH_EXEMPT == set(), "URL without an access decision"
    assert set(ACCESS) - names == set()
    assert PUBLIC_ALLOWLIST == []


def test_it_marks_exactly_the_exempt_views_as_public():
    public = {
        name for name, p in _walk(get_resolver().url_patterns) if getattr(p.callback, "login_required", True) is False
    }
    assert public == AUTH_EXEMPT


@pytest.mark.django_db
def test_it_sends_anonymous_users_to_login_everywhere(caseworker_a):
    client = Client()
    for name in sorted(ACCESS):
        url = url_for(name, caseworker_a.pk)
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


@pytest.mark.django_db
def test_it_serves_the_exempt_pages_to_anonymous_users():
    client = Client()
    for name in sorted(AUTH_EXEMPT - {"set_language"}):
        response = client.get(url_for(name, 1))
        assert response.status_code == 200, name


@pytest.mark.django_db
def test_it_sends_anonymous_users_from_django_admin_to_its_login():
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["caseworker_a", "teamlead_a", "caseworker_b", "statistician", "org_admin_a", "sysadmin"],
)
def test_it_gives_each_role_only_what_it_may(request, persona, colleague_a):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for name, allowed in sorted(ACCESS.items()):
        response = client.get(url_for(name, colleague_a.pk))
        if set(user.roles) & allowed:
            # 405: the URL only takes POST (e.g. deactivation, logout).
            assert response.status_code in (200, 405), (persona, name, response.status_code)
        else:
            assert response.status_code == 403, (persona, name, response.status_code)
