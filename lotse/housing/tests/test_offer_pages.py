"""The pages of landlords, flat offers and rent limits: scope (404), the refusal of the rent-limit forms outside a
Landratsamt (403), an invalid form shown again with its errors, the database after a valid one, the access log, and
the lists in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.housing import offer_services, rent_limit_services
from lotse.housing.choices import OfferStatus
from lotse.housing.models import FlatOffer, Landlord, OfferDocument, RentLimit
from lotse.housing.rent_limit_services import LimitValues
from lotse.housing.tests.offer_world import PNG, days_ago, landlord, municipality, offer

pytestmark = pytest.mark.django_db


def test_it_records_a_landlord_through_the_form_and_shows_an_invalid_one_again_with_its_errors(org_a, housing_staff_a):
    client = client_for(housing_staff_a)
    url = reverse("housing:landlord_create")
    response = client.post(url, {"kind": "privat", "name": "", "preferred_contact": "telefon"})
    assert response.status_code == 200
    assert not Landlord.objects.exists()
    response = client.post(
        url,
        {
            "kind": "privat",
            "name": "Erika Muster",
            "phone": "07141 1234",
            "preferred_contact": "email",
            "consent_on": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Tragen Sie die E-Mail-Adresse ein" in response.content.decode()
    response = client.post(
        url,
        {
            "kind": "privat",
            "name": "Erika Muster",
            "phone": "07141 1234",
            "preferred_contact": "telefon",
            "consent_on": days_ago(1).isoformat(),
        },
    )
    erika = Landlord.objects.get()
    assert response.status_code == 302
    assert (erika.organisation, erika.consent_recorded_by, erika.consent_on) == (org_a, housing_staff_a, days_ago(1))


def test_it_shows_a_landlord_only_within_the_organisation_and_logs_the_access(
    org_a, housing_staff_a, housing_staff_b, caseworker_b
):
    erika = landlord(org_a)
    url = reverse("housing:landlord_detail", args=[erika.pk])
    for outsider in (housing_staff_b, caseworker_b):
        assert client_for(outsider).get(url).status_code == 404
    response = client_for(housing_staff_a).get(url)
    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.by, row.record_type, row.record_id, row.record_organisation) == (
        housing_staff_a,
        "housing.landlord",
        str(erika.pk),
        org_a,
    )


def test_it_shows_the_gross_cold_rent_and_the_limit_per_household_size(org_a, housing_staff_a, sysadmin):
    place = municipality()
    rent_limit_services.set_limits(
        acting_user=sysadmin,
        municipalities=[place],
        valid_from=days_ago(100),
        limits={1: LimitValues(Decimal("552")), 2: LimitValues(Decimal("668")), 3: LimitValues(Decimal("790"))},
    )
    flat = offer(landlord(org_a), place, rent_cold=Decimal("600"), service_charges=Decimal("120"), max_occupants=4)
    response = client_for(housing_staff_a).get(reverse("housing:offer_detail", args=[flat.pk]))
    assert response.status_code == 200
    assert response.context["gross_cold_rent"] == Decimal("720")
    checks = [(c.size, c.within) for c in response.context["limit_checks"]]
    # Four persons: three's limit plus the step between two and three (790 + 122 = 912).
    assert checks == [(1, False), (2, False), (3, True), (4, True)]
    assert response.context["limit_checks"][3].limit.max_gross_cold_rent == Decimal("912.00")


def test_it_shows_a_shared_offer_read_only_without_the_landlord(
    org_a, org_b, housing_staff_a, caseworker_b, teamlead_b
):
    erika = landlord(org_a, name="Erika Geheim", phone="0711 999")
    flat = offer(erika, municipality())
    url = reverse("housing:offer_detail", args=[flat.pk])
    assert client_for(caseworker_b).get(url).status_code == 404
    offer_services.share_offer(acting_user=housing_staff_a, offer=flat, organisation=org_b)
    response = client_for(caseworker_b).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Erika Geheim" not in page and "0711 999" not in page
    assert [row.record_type for row in AccessLogEntry.objects.filter(by=caseworker_b)] == ["housing.flatoffer"]
    for name in ("housing:offer_edit", "housing:offer_status", "housing:offer_share", "housing:offer_document_upload"):
        assert client_for(teamlead_b).get(reverse(name, args=[flat.pk])).status_code == 404, name
    own = client_for(housing_staff_a).get(url).content.decode()
    assert "Erika Geheim" in own


def test_it_changes_the_status_through_its_form(org_a, housing_staff_a):
    flat = offer(landlord(org_a), municipality())
    url = reverse("housing:offer_status", args=[flat.pk])
    client = client_for(housing_staff_a)
    response = client.post(url, {"version": flat.version, "status": "reserviert", "on": days_ago(1).isoformat()})
    assert response.status_code == 200  # neu → reserviert is not offered
    response = client.post(url, {"version": flat.version, "status": "geprueft", "on": days_ago(1).isoformat()})
    assert response.status_code == 302
    flat.refresh_from_db()
    assert (flat.status, flat.status_since) == (OfferStatus.CHECKED, days_ago(1))
    stale = client.post(url, {"version": flat.version - 1, "status": "reserviert", "on": days_ago(0).isoformat()})
    assert stale.status_code == 200
    assert FlatOffer.objects.get(pk=flat.pk).status == OfferStatus.CHECKED


def test_it_uploads_a_photo_and_serves_it_to_those_who_see_the_offer(org_a, housing_staff_a, housing_staff_b):
    flat = offer(landlord(org_a), municipality())
    client = client_for(housing_staff_a)
    url = reverse("housing:offer_document_upload", args=[flat.pk])
    refused = client.post(url, {"title": "", "file": SimpleUploadedFile("x.png", b"not an image")})
    assert refused.status_code == 200
    response = client.post(url, {"title": "Küche", "file": SimpleUploadedFile("kueche.png", PNG)})
    assert response.status_code == 302
    photo = OfferDocument.objects.get()
    shown = reverse("housing:offer_document", args=[flat.pk, photo.pk])
    answer = client.get(shown)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert b"".join(answer.streaming_content) == PNG  # type: ignore[attr-defined]
    assert client_for(housing_staff_b).get(shown).status_code == 404


def test_it_refuses_the_rent_limit_forms_outside_a_landratsamt(housing_staff_a, sysadmin):
    place = municipality()
    url = reverse("housing:rent_limit_set")
    assert client_for(housing_staff_a).get(url).status_code == 403
    client = client_for(sysadmin)
    assert client.post(url, {"municipalities": [place.pk], "valid_from": "2026-01-01"}).status_code == 200
    response = client.post(
        url, {"municipalities": [place.pk], "valid_from": "2026-01-01", "rent_1": "552", "space_1": "45"}
    )
    assert response.status_code == 302
    assert list(RentLimit.objects.values_list("household_size", "max_gross_cold_rent")) == [(1, Decimal("552.00"))]


def test_it_lists_landlords_offers_and_limits_in_a_fixed_number_of_queries(
    org_a, org_b, housing_staff_a, caseworker_b, sysadmin
):
    place = municipality()
    erika = landlord(org_a)
    offer_services.share_offer(acting_user=None, offer=offer(erika, place), organisation=org_b)
    staff, reader = client_for(housing_staff_a), client_for(caseworker_b)
    urls = [
        (staff, reverse("housing:landlord_list")),
        (staff, reverse("housing:offer_list") + "?status=open&rooms=2"),
        (reader, reverse("housing:offer_list")),
        (staff, reverse("housing:rent_limits")),
    ]
    few = [queries_of(client, url) for client, url in urls]
    for index in range(12):
        other = landlord(org_a, name=f"Vermieter {index}")
        flat = offer(other, municipality(f"Ort {index}", f"081180{index + 10:02d}"))
        offer_services.share_offer(acting_user=None, offer=flat, organisation=org_b)
        rent_limit_services.set_limits(
            acting_user=None,
            municipalities=[flat.municipality],
            valid_from=datetime.date(2026, 1, 1),
            limits={size: LimitValues(Decimal(400 + size * 100)) for size in range(1, 9)},
        )
    many = [queries_of(client, url) for client, url in urls]
    for before, after in zip(few, many, strict=True):
        assert_same_queries(before, after)
