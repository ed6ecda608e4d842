"""Addresses: German slugs for what users see, the URL names stay English; read-only pages refuse POST."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lotse.accommodation.models import Shelter
from lotse.conftest import client_for
from lotse.core.models import User


def test_it_puts_the_pages_under_german_addresses() -> None:
    assert reverse("accommodation:shelter_list") == "/unterbringung/unterkuenfte/"
    assert reverse("accommodation:shelter_create") == "/unterbringung/unterkuenfte/neu/"
    assert reverse("accommodation:shelter_edit", args=[7]) == "/unterbringung/unterkuenfte/7/bearbeiten/"
    assert reverse("accommodation:unit_add", args=[7]) == "/unterbringung/unterkuenfte/7/wohneinheiten/neu/"
    assert reverse("accommodation:capacity_change", args=[7]) == "/unterbringung/unterkuenfte/7/kapazitaet/"
    assert reverse("accommodation:move_in", args=[7]) == "/unterbringung/unterkuenfte/7/einzug/"
    assert reverse("accommodation:move_out", args=[3]) == "/unterbringung/unterkuenfte/aufenthalte/3/auszug/"
    assert reverse("accommodation:resident_list") == "/unterbringung/bewohner/"
    assert reverse("accommodation:resident_detail", args=[3]) == "/unterbringung/bewohner/3/"
    assert reverse("accommodation:assignment_create") == "/unterbringung/zuweisungen/neu/"
    assert reverse("accommodation:figures") == "/unterbringung/zahlen/"
    assert reverse("accommodation:forecast") == "/unterbringung/prognose/"


@pytest.mark.django_db
def test_it_refuses_a_post_to_a_read_only_page(housing_officer: User, follow_up_shelter: Shelter) -> None:
    client = client_for(housing_officer)
    for url in (
        reverse("accommodation:shelter_list"),
        reverse("accommodation:shelter_list_xlsx"),
        reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk]),
        reverse("accommodation:shelter_residents_xlsx", args=[follow_up_shelter.pk]),
        reverse("accommodation:resident_list"),
        reverse("accommodation:assignment_list"),
        reverse("accommodation:figures"),
        reverse("accommodation:forecast_xlsx"),
    ):
        assert client.post(url).status_code == 405, url
    assert client.get(reverse("accommodation:shelter_detail", args=[follow_up_shelter.pk])).status_code == 200
