"""The network directory inside Lotse: who sees and edits actors, search and filters, history, referrals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lotse.cases import services as case_services
from lotse.cases.models import Referral
from lotse.cases.tests.factories import acting_user_of, events_of, frozen_today, open_case_for, refused_with
from lotse.conftest import client_for
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.network import services
from lotse.network.models import Actor, ActorCategory

pytestmark = pytest.mark.django_db


def actor_post(actor: Actor | None = None, /, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Migrationsberatung Weststadt",
        "category": ActorCategory.objects.get(slug="beratung").pk,
        "organisation_type": "wohlfahrtsverband",
        "services": "Beratung zu Aufenthalt, Familiennachzug und Behördenpost",
        "target_groups": ["gefluechtete", "familien"],
        "languages": ["ara", "deu", "fas"],
        "street": "Solitudestraße 12",
        "postcode": "71638",
        "town": "Ludwigsburg",
        "municipality": "",
        "latitude": "48,8931",
        "longitude": "9,1791",
        "opening_hours": "Mo-Do 9-12 Uhr",
        "contact_person": "Frau R. Haddad",
        "phone": "07141 555-0123",
        "email": "mbe@example.org",
        "website": "example.org/mbe",
        "accessibility": "barrierefrei",
        "appointment_needed": "on",
        "is_public": "on",
        "version": actor.version if actor else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_lets_the_volunteer_coordination_add_an_actor_with_every_field(network_editor, municipality_lb):
    response = client_for(network_editor).post(
        reverse("network:actor_create"), actor_post(municipality=municipality_lb.pk)
    )
    actor = Actor.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:actor_detail", args=[actor.pk])
    assert (actor.name, actor.category.slug, actor.organisation_type) == (
        "Migrationsberatung Weststadt",
        "beratung",
        "wohlfahrtsverband",
    )
    assert actor.target_groups == ["gefluechtete", "familien"]
    assert actor.languages == ["ara", "deu", "fas"]
    assert (actor.latitude, actor.longitude) == (Decimal("48.893100"), Decimal("9.179100"))
    assert actor.website == "https://example.org/mbe"
    assert actor.appointment_needed and actor.is_public
    assert actor.municipality == municipality_lb
    assert acting_user_of(events_of(actor).get()) == network_editor.pk


def test_it_lets_the_network_editor_role_and_system_administration_edit(network_keeper, sysadmin, actor_factory):
    actor = actor_factory(name="Sprachcafé")
    for user in (network_keeper, sysadmin):
        actor.refresh_from_db()
        response = client_for(user).post(
            reverse("network:actor_edit", args=[actor.pk]),
            actor_post(actor, name=f"Sprachcafé {user.username}", municipality=actor.municipality_id),
        )
        assert response.status_code == 302, user.username
    actor.refresh_from_db()
    assert actor.name == "Sprachcafé sysadmin"
    assert actor.version == 3
    assert [acting_user_of(e) for e in events_of(actor)][1:] == [network_keeper.pk, sysadmin.pk]


def test_it_refuses_editing_to_caseworkers_and_lets_them_read_the_whole_directory(caseworker_a, actor_factory):
    public = actor_factory(name="Jobcenter")
    internal = actor_factory(name="Schutzwohnung", is_public=False)
    client = client_for(caseworker_a)
    assert client.get(reverse("network:actor_edit", args=[public.pk])).status_code == 403
    assert (
        client.post(reverse("network:actor_create"), actor_post(municipality=public.municipality_id)).status_code == 403
    )
    assert client.post(reverse("network:actor_delete", args=[public.pk])).status_code == 403
    assert Actor.objects.count() == 2
    page = client.get(reverse("network:actor_list")).content.decode()
    assert "Jobcenter" in page and "Schutzwohnung" in page
    detail = client.get(reverse("network:actor_detail", args=[internal.pk])).content.decode()
    assert "Schutzwohnung" in detail
    # Only editors see the change history and the remove button.
    assert "Change history" not in detail and reverse("network:actor_delete", args=[internal.pk]) not in detail


def test_it_refuses_bad_input_with_a_message_and_changes_nothing(network_editor, municipality_lb):
    client = client_for(network_editor)
    cases = {
        "postcode": ("7163", "A postal code has five digits."),
        "email": ("mbe-at-example", "Enter a valid email address."),
        "latitude": ("95.5", "Ensure this value is less than or equal to 90."),
    }
    for field, (value, message) in cases.items():
        response = client.post(
            reverse("network:actor_create"),
            actor_post(None, municipality=municipality_lb.pk, **{field: value}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200, field
        assert response.context["form"].errors[field] == [message], field
    response = client.post(
        reverse("network:actor_create"),
        actor_post(municipality=municipality_lb.pk, longitude=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].errors["longitude"] == ["Give both latitude and longitude, or neither."]
    assert not Actor.objects.exists()


def test_it_refuses_a_second_actor_of_the_same_name_in_a_municipality(network_editor, actor_factory):
    existing = actor_factory(name="Stadtbibliothek")
    with refused_with("The directory already lists “Stadtbibliothek” in this municipality."):
        services.create_actor(
            acting_user=network_editor,
            name="Stadtbibliothek",
            category=existing.category,
            municipality=existing.municipality,
        )
    assert Actor.objects.count() == 1


def test_it_detects_a_concurrent_edit_and_keeps_the_first(network_editor, network_keeper, actor_factory):
    actor = actor_factory(name="Tafelladen")
    stale = actor.version
    services.update_actor(acting_user=network_keeper, record=actor, expected_version=stale, phone="07141 555-0999")
    with pytest.raises(ConcurrentEditError):
        services.update_actor(acting_user=network_editor, record=actor, expected_version=stale, phone="07141 555-0000")
    response = client_for(network_editor).post(
        reverse("network:actor_edit", args=[actor.pk]),
        actor_post(actor, name="Tafelladen", version=stale, phone="0000", municipality=actor.municipality_id),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    actor.refresh_from_db()
    assert actor.phone == "07141 555-0999"


def test_it_searches_with_german_stemming_and_filters(caseworker_a, actor_factory, municipality_other):
    beratung = actor_factory(name="Frauenberatung", services="Beratungen für Frauen", languages=["deu", "tur"])
    kurs = actor_factory(
        name="Volkshochschule",
        category=ActorCategory.objects.get(slug="sprache-bildung"),
        services="Integrationskurse und Sprachkurse",
        languages=["deu", "ukr"],
        municipality=municipality_other,
    )
    client = client_for(caseworker_a)

    def names(**query) -> list[str]:
        response = client.get(reverse("network:actor_list"), query)
        return [a.name for a in response.context["page"]]

    assert names(q="Beratung") == ["Frauenberatung"]
    assert names(q="sprachkurs") == ["Volkshochschule"]
    assert names(q="volkshoch") == ["Volkshochschule"]
    assert names(category="sprache-bildung") == ["Volkshochschule"]
    assert names(language="tur") == ["Frauenberatung"]
    assert names(municipality=municipality_other.ags) == ["Volkshochschule"]
    # An invalid filter is ignored, the others still apply.
    assert names(category="gibt-es-nicht", language="ukr") == ["Volkshochschule"]
    assert sorted(names()) == sorted([beratung.name, kurs.name])


def test_it_lists_the_directory_in_a_fixed_number_of_queries(caseworker_a, actor_factory):
    actor_factory()
    client = client_for(caseworker_a)
    client.get(reverse("network:actor_list"))
    one = queries_of(client, reverse("network:actor_list"))
    for _ in range(30):
        actor_factory()
    many = queries_of(client, reverse("network:actor_list") + "?q=Beratung")
    assert_same_queries(one, many)


def test_it_keeps_the_history_of_an_actor_and_removes_it_keeping_referrals(network_editor, caseworker_a, actor_factory):
    actor = actor_factory(name="Schuldnerberatung")
    case = open_case_for(caseworker_a)
    with frozen_today():
        client_for(caseworker_a).post(
            reverse("cases:referral_add", args=[case.pk]),
            {
                "date": "2025-03-01",
                "network_actor": actor.pk,
                "to_whom": "",
                "field_of_action": "finanzen",
                "topic": "Schulden",
            },
        )
    referral = Referral.objects.get()
    assert (referral.network_actor, referral.to_whom) == (actor, "Schuldnerberatung")
    detail = client_for(network_editor).get(reverse("network:actor_detail", args=[actor.pk]))
    assert detail.context["referral_count"] == 1
    response = client_for(network_editor).post(reverse("network:actor_delete", args=[actor.pk]))
    assert response.status_code == 302
    assert not Actor.objects.exists()
    referral.refresh_from_db()
    assert (referral.network_actor, referral.to_whom) == (None, "Schuldnerberatung")
    assert [e.pgh_label for e in events_of(Actor, actor.pk)] == ["insert", "delete"]


def test_it_records_a_referral_by_free_text_or_refuses_one_without_either(caseworker_a):
    case = open_case_for(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:referral_add", args=[case.pk])
    base = {"date": "2025-03-01", "field_of_action": "arbeit_ausbildung", "topic": "Bewerbung"}
    with frozen_today():
        response = client.post(url, {**base, "network_actor": "", "to_whom": ""}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["form"].errors["to_whom"] == [
            "Choose an actor of the network or name whom the client was referred to."
        ]
        assert not Referral.objects.exists()
        client.post(url, {**base, "network_actor": "", "to_whom": "Bäckerei Maier"})
    referral = Referral.objects.get()
    assert (referral.network_actor, referral.to_whom) == (None, "Bäckerei Maier")


def test_it_shows_the_linked_actor_on_the_case(caseworker_a, actor_factory):
    actor = actor_factory(name="Jugendmigrationsdienst")
    case = open_case_for(caseworker_a)
    with frozen_today():
        response = client_for(caseworker_a).get(reverse("cases:referral_add", args=[case.pk]))
        assert "Jugendmigrationsdienst (Ludwigsburg)" in response.content.decode()
        client_for(caseworker_a).post(
            reverse("cases:referral_add", args=[case.pk]),
            {"date": "2025-03-01", "network_actor": actor.pk, "field_of_action": "bildung", "topic": "Schule"},
        )
        page = client_for(caseworker_a).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("network:actor_detail", args=[actor.pk]) in page


def test_it_lets_system_administration_add_a_category_named_in_every_language(sysadmin, network_editor):
    data = {
        "name": "Gesundheit",
        "slug": "gesundheit",
        "position": "70",
        "name_en": "Health",
        "name_ar": "الصحة",
        "version": "",
    }
    assert client_for(network_editor).post(reverse("network:category_create"), data).status_code == 403
    response = client_for(sysadmin).post(reverse("network:category_create"), data)
    assert response.status_code == 302
    category = ActorCategory.objects.get(slug="gesundheit")
    assert category.translations == {"en": "Health", "ar": "الصحة"}
    assert (category.label("ar"), category.label("tr"), category.label("de")) == ("الصحة", "Gesundheit", "Gesundheit")
    response = client_for(sysadmin).post(reverse("network:category_create"), {**data, "name": "Gesundheit 2"})
    assert response.status_code == 200
    assert ActorCategory.objects.filter(slug="gesundheit").count() == 1


def test_it_keeps_a_category_with_actors(sysadmin, actor_factory):
    actor = actor_factory()
    response = client_for(sysadmin).post(reverse("network:category_delete", args=[actor.category_id]))
    assert response.status_code == 302
    assert ActorCategory.objects.filter(pk=actor.category_id).exists()


def test_it_never_shows_other_organisations_referrals_in_the_history_of_an_actor(
    network_keeper, caseworker_b, actor_factory
):
    actor = actor_factory(name="Schuldnerberatung")
    case = open_case_for(caseworker_b)
    with frozen_today():
        referral = case_services.add_referral(
            acting_user=caseworker_b,
            case=case,
            date=datetime.date(2025, 3, 1),
            to_whom="",
            network_actor=actor,
            field_of_action="finanzen",
            topic="Schulden",
        )
    case_services.set_referral_outcome(
        acting_user=caseworker_b,
        referral=referral,
        expected_version=referral.version,
        outcome="wahrgenommen",
        outcome_note="Insolvenz beantragt",
    )
    response = client_for(network_keeper).get(reverse("network:actor_detail", args=[actor.pk]))
    page = response.content.decode()
    assert "Insolvenz beantragt" not in page and "Schulden" not in page
    assert [row["label"] for row in response.context["history"]] == ["insert"]


def test_it_refuses_changes_by_anyone_but_the_editors_in_the_services(caseworker_a, network_editor, actor_factory):
    actor = actor_factory()
    with refused_with(
        "Only system administration, volunteer coordination and network editors may change the directory."
    ):
        services.delete_actor(acting_user=caseworker_a, record=actor)
    # The categories are kept by system administrators only, as their pages are.
    with refused_with("Only system administrators keep the categories of the network."):
        services.create_category(acting_user=network_editor, slug="gesundheit", name="Gesundheit", position=70)
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert not ActorCategory.objects.filter(slug="gesundheit").exists()


def test_it_names_the_actor_in_the_crumbs_of_its_edit_page(network_editor, actor_factory):
    actor = actor_factory(name="Tafelladen Ludwigsburg")
    response = client_for(network_editor).get(reverse("network:actor_edit", args=[actor.pk]))
    crumbs = response.content.decode().split('class="breadcrumb"')[1].split("</nav>")[0]
    assert reverse("network:actor_detail", args=[actor.pk]) in crumbs
    assert "Tafelladen Ludwigsburg" in crumbs
