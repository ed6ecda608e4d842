"""The layout every page shares: language, landmarks, skip link, labelled fields."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from lotse.conftest import client_for


@pytest.mark.django_db
def test_it_speaks_german_by_default_and_english_on_request(caseworker_a):
    client = client_for(caseworker_a)
    body = client.get(reverse("core:start")).content.decode()
    assert '<html lang="de">' in body
    assert "Abmelden" in body
    client.post(reverse("set_language"), {"language": "en", "next": reverse("core:start")})
    body = client.get(reverse("core:start")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign out" in body


@pytest.mark.django_db
def test_it_has_a_skip_link_and_landmarks(caseworker_a):
    body = client_for(caseworker_a).get(reverse("core:start")).content.decode()
    assert re.search(r'<a class="[^"]*visually-hidden-focusable[^"]*" href="#main">Zum Hauptinhalt springen</a>', body)
    assert '<main id="main"' in body
    assert "<header" in body and "<footer" in body
    assert re.search(r'<nav [^>]*aria-label="Hauptnavigation"', body)
    assert "<script>" not in body and "style=" not in body  # nothing inline: the CSP forbids it


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_it_labels_every_form_field_on_public_pages(url_name):
    body = Client().get(reverse(url_name)).content.decode()
    _assert_inputs_labelled(body)


@pytest.mark.django_db
def test_it_labels_every_form_field_of_the_user_form(org_admin_a, colleague_a):
    body = client_for(org_admin_a).get(reverse("core:user_detail", args=[colleague_a.pk])).content.decode()
    _assert_inputs_labelled(body)
    body = client_for(org_admin_a).get(reverse("core:user_create")).content.decode()
    _assert_inputs_labelled(body)


def _assert_inputs_labelled(body: str) -> None:
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', body)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in body, field_id


@pytest.mark.django_db
def test_the_header_offers_the_case_search_to_whoever_may_open_the_case_list(caseworker_a, statistician):
    body = client_for(caseworker_a).get(reverse("core:start")).content.decode()
    assert re.search(rf'<form class="header-search[^"]*" role="search" action="{reverse("cases:case_list")}"', body)
    assert '<label class="visually-hidden" for="header-search">' in body
    assert "header-search" not in client_for(statistician).get(reverse("core:start")).content.decode()
