"""The demo network: the council paper's 105 actors, two info sheets, linked referrals (the demo of conftest)."""

from __future__ import annotations

import math
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F

from lotse.cases.models import Referral
from lotse.cases.tests.factories import events_of
from lotse.core.access import Capability, can
from lotse.core.choices import Role
from lotse.core.models import User
from lotse.demo.network import COUNT_KEYS, LOCAL_SERVICES, load_demo_network
from lotse.network.choices import MASTER_LANGUAGE, PUBLIC_LANGUAGE_CODES
from lotse.network.models import Actor, InfoSheet, InfoSheetBlock, InfoSheetText
from lotse.people.vocabulary import LANGUAGE_CODES

LUDWIGSBURG_AGS = "08118048"
# Centre, postcode and area code of each town of the demo actors.
TOWNS: dict[str, tuple[float, float, str, str]] = {
    "Ludwigsburg": (48.8963, 9.1918, "71638", "07141"),
    "Bietigheim-Bissingen": (48.9630, 9.1310, "74321", "07142"),
    "Kornwestheim": (48.8610, 9.1845, "70806", "07154"),
    "Marbach am Neckar": (48.9390, 9.2610, "71672", "07144"),
    "Vaihingen an der Enz": (48.9328, 8.9565, "71665", "07042"),
    "Asperg": (48.9063, 9.1407, "71679", "07141"),
    "Ditzingen": (48.8270, 9.0665, "71254", "07156"),
}


pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "actors": Actor.objects.count(),
        "sheets": InfoSheet.objects.count(),
        "blocks": InfoSheetBlock.objects.count(),
        "texts": InfoSheetText.objects.count(),
        "linked": Referral.objects.filter(network_actor__isnull=False).count(),
        "actor_events": apps.get_model("network", "ActorEvent").objects.count(),
        "referral_events": apps.get_model("cases", "ReferralEvent").objects.count(),
    }


def text(town: str, number: int, language: str) -> InfoSheetText:
    """The text of the sheet's ``number``-th block (the sheet services number the blocks from 0)."""
    return InfoSheetText.objects.get(
        block__sheet__municipality__name=town, block__position=number - 1, language=language
    )


def distance_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    north = (lat_a - lat_b) * 111.2
    east = (lon_a - lon_b) * 111.2 * math.cos(math.radians(lat_b))
    return math.hypot(north, east)


def test_it_loads_the_105_actors_of_the_council_paper_in_its_six_categories(demo: str) -> None:
    assert "Demo network: 105 actors (96 shown publicly), 2 info sheets with 6 text blocks in 41 texts" in demo
    per_category = Counter(Actor.objects.values_list("category__slug", flat=True))
    assert per_category == {
        "arbeit": 16,
        "beratung": 31,
        "blaulicht": 4,
        "engagement": 26,
        "sprache-bildung": 21,
        "kunst-kultur": 7,
    }
    blaulicht = set(Actor.objects.filter(category__slug="blaulicht").values_list("name", flat=True))
    assert blaulicht == {
        "Klinikum Ludwigsburg",
        "Feuerwehr Ludwigsburg",
        "Polizeirevier Ludwigsburg",
        "DRK Notfallseelsorge",
    }
    per_town = Counter(Actor.objects.values_list("municipality__ags", flat=True))
    assert per_town[LUDWIGSBURG_AGS] >= 75
    assert len(per_town) >= 5
    assert Actor.objects.filter(municipality__name="Bietigheim-Bissingen").count() >= 8


def test_it_publishes_nine_in_ten_actors_with_their_contact_and_municipality(demo: str) -> None:
    published = Actor.objects.published().select_related("municipality")
    assert 0.85 <= published.count() / Actor.objects.count() <= 0.95
    for actor in published:
        assert actor.municipality_id and actor.town == actor.municipality.name, actor.name
        assert actor.phone and actor.email and actor.opening_hours and actor.services, actor.name
        assert actor.contact_person and actor.languages and actor.target_groups, actor.name
    # Fictional contact data only: example.org addresses and the 555 block (or an emergency number).
    for actor in Actor.objects.all():
        assert actor.email.endswith(".example.org"), actor.email
        assert " 555-" in actor.phone, actor.phone
        assert not actor.website or actor.website.endswith(".example.org"), actor.website
        assert set(actor.languages) <= LANGUAGE_CODES, actor.name
    # A few published actors have no office to put on the map; the list still shows them.
    assert 1 <= published.filter(latitude__isnull=True).count() <= 4


def test_it_keeps_the_markers_on_land_near_their_town(demo: str) -> None:
    located = Actor.objects.filter(latitude__isnull=False).select_related("municipality")
    assert located.count() >= 95
    for actor in located:
        centre_lat, centre_lon, _postcode, _area = TOWNS[actor.municipality.name]
        assert actor.latitude is not None and actor.longitude is not None
        km = distance_km(float(actor.latitude), float(actor.longitude), centre_lat, centre_lon)
        assert km <= 3, (actor.name, km)
    # The Neckar runs east of Ludwigsburg's centre: no marker of the city lies beyond 9.225 E.
    assert not located.filter(municipality__ags=LUDWIGSBURG_AGS, longitude__gt=9.225).exists()


def test_it_keeps_the_protection_house_internal_and_without_an_address(demo: str) -> None:
    house = Actor.objects.get(name="Frauen- und Kinderschutzhaus")
    assert not house.is_public
    assert (house.street, house.postcode, house.latitude, house.longitude) == ("", "", None, None)
    assert not Actor.objects.published().filter(name="Frauen- und Kinderschutzhaus").exists()
    assert not InfoSheet.objects.filter(actors__is_public=False).exists()


def test_it_writes_the_sheets_of_ludwigsburg_and_bietigheim_bissingen(demo: str) -> None:
    sheets = {sheet.municipality.name: sheet for sheet in InfoSheet.objects.select_related("municipality")}
    assert set(sheets) == {"Ludwigsburg", "Bietigheim-Bissingen"}
    for sheet in sheets.values():
        assert 10 <= sheet.actors.count() <= 15
        assert sheet.blocks.count() == 3
    assert sheets["Ludwigsburg"].actors.filter(name="Jobcenter Ludwigsburg").exists()
    assert (
        sheets["Bietigheim-Bissingen"]
        .actors.filter(name="Migrationsberatung für Erwachsene (MBE)", municipality__name="Bietigheim-Bissingen")
        .exists()
    )
    # Ludwigsburg's sheet is complete in every public language, Bietigheim-Bissingen lacks one translation.
    for position in (0, 1, 2):
        languages = set(
            InfoSheetText.objects.filter(block__sheet=sheets["Ludwigsburg"], block__position=position).values_list(
                "language", flat=True
            )
        )
        assert languages == set(PUBLIC_LANGUAGE_CODES)
    missing = set(PUBLIC_LANGUAGE_CODES) - set(
        InfoSheetText.objects.filter(block__sheet=sheets["Bietigheim-Bissingen"], block__position=2).values_list(
            "language", flat=True
        )
    )
    assert missing == {"fa"}
    assert text("Ludwigsburg", 1, "de").heading == "Willkommen in Ludwigsburg"
    assert "112" in text("Ludwigsburg", 2, "ar").body and "116\u00a0117" in text("Ludwigsburg", 2, "ar").body
    assert text("Ludwigsburg", 3, "uk").heading == "Будь ласка, візьміть із собою документи"
    editor = User.objects.get(username="netzwerk")
    assert not InfoSheetText.objects.exclude(written_by=editor).exists()


def test_it_shows_the_turkish_emergency_text_of_ludwigsburg_as_outdated(demo: str) -> None:
    original = text("Ludwigsburg", 2, MASTER_LANGUAGE)
    turkish = text("Ludwigsburg", 2, "tr")
    assert turkish.is_outdated(original)
    # The German original gained the helpline after the Turkish text was written.
    assert "116\u00a0016" in original.body and "116\u00a0016" not in turkish.body
    outdated = []
    for translation in InfoSheetText.objects.exclude(language=MASTER_LANGUAGE).select_related("block__sheet"):
        master = InfoSheetText.objects.get(block=translation.block, language=MASTER_LANGUAGE)
        if translation.is_outdated(master):
            outdated.append(
                (translation.block.sheet.municipality.name, translation.block.position + 1, translation.language)
            )
    assert outdated == [("Ludwigsburg", 2, "tr")]


def test_it_links_the_casework_referrals_to_the_actor_they_name(demo: str) -> None:
    linked = Referral.objects.filter(network_actor__isnull=False)
    assert linked.count() >= 200
    assert not linked.exclude(to_whom=F("network_actor__name")).exists()
    jobcenter = Actor.objects.get(name="Jobcenter Ludwigsburg")
    assert Referral.objects.filter(to_whom="Jobcenter Ludwigsburg").exclude(network_actor=jobcenter).count() == 0
    # A local service is linked in the client's own town only.
    for name in LOCAL_SERVICES:
        assert (
            not Referral.objects.filter(to_whom=name, network_actor__isnull=False)
            .exclude(network_actor__municipality=F("case__municipality"))
            .exists()
        )
    assert Referral.objects.filter(to_whom="Freundeskreis Asyl", network_actor__isnull=True).exists()
    assert Referral.objects.filter(
        to_whom="Freundeskreis Asyl", network_actor__municipality__name="Bietigheim-Bissingen"
    ).exists()
    # County-wide services fall back to Ludwigsburg's; counselling with an office in the client's town goes there.
    mbe = Referral.objects.filter(to_whom="Migrationsberatung für Erwachsene (MBE)", network_actor__isnull=False)
    assert (
        mbe.filter(network_actor__municipality__ags=LUDWIGSBURG_AGS)
        .exclude(case__municipality__ags=LUDWIGSBURG_AGS)
        .exists()
    )
    assert mbe.filter(
        case__municipality__name="Vaihingen an der Enz", network_actor__municipality__name="Vaihingen an der Enz"
    ).exists()
    # Free text that names no actor stays as it is.
    assert not Referral.objects.filter(
        to_whom="Rechtsanwältin für Migrationsrecht", network_actor__isnull=False
    ).exists()
    # The caseworker chose the actor when recording the referral, as in the app: the history's first entry has it.
    referral = linked.first()
    assert referral is not None
    event = events_of(referral).first()
    assert event.pgh_label == "insert" and event.network_actor_id == referral.network_actor_id
    assert event.pgh_context.metadata["command"] == "load_demo_data"
    assert event.pgh_context.metadata["user"] == referral.created_by_id


def test_it_records_the_actors_in_the_change_history(demo: str) -> None:
    actor = Actor.objects.get(name="Agentur für Arbeit Ludwigsburg")
    (event,) = events_of(actor)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["command"] == "load_demo_data"
    assert "user" not in event.pgh_context.metadata


def test_it_gives_the_network_a_demo_editor(demo: str) -> None:
    editor = User.objects.get(username="netzwerk")
    assert editor.organisation.short_name == "stadt-lb"
    assert editor.roles == [Role.NETZWERKPFLEGE]
    assert can(editor, Capability.EDIT_NETWORK)
    assert editor.check_password("Lotse-Demo-2026!")


def test_it_loads_once_and_a_second_load_creates_nothing(demo: str) -> None:
    before = counts()
    out = StringIO()
    call_command("load_demo_data", "--quiet-logins", "--no-accommodation", stdout=out)
    assert "Demo network: the demo actors and info sheets already exist; nothing created." in out.getvalue()
    assert counts() == before
    assert load_demo_network() == dict.fromkeys(COUNT_KEYS, 0)
    assert counts() == before


def test_it_leaves_the_network_out_when_asked(demo: str) -> None:
    before = counts()
    out = StringIO()
    call_command("load_demo_data", "--quiet-logins", "--no-accommodation", "--no-network", stdout=out)
    assert "Demo network" not in out.getvalue()
    assert counts() == before
