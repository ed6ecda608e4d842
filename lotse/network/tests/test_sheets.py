"""Info sheets: who edits and who prints, German as the master of its translations, the actors listed,
the editor pages, printing from a case in the client's language.

Personas: the city's volunteer coordination (``network_editor``), a Netzwerkpflege user of
organisation A (``network_keeper``), the system administrator; the caseworker and team lead of A,
the caseworker of B, the statistician and the org admin of A, who only read and print.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lotse.cases.tests.factories import acting_user_of, events_of, open_case_for, refused_with
from lotse.conftest import client_for
from lotse.core.choices import AccessAction, Role
from lotse.core.models import AccessLogEntry
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory, UserFactory
from lotse.network import queries, sheet_services
from lotse.network.models import InfoSheet, InfoSheetActor, InfoSheetBlock, InfoSheetText

NOT_EDITOR = "Only system administration, volunteer coordination and network editors may change the directory."
CONFLICT = "Dieser Datensatz wurde zwischenzeitlich von einer anderen Person geändert"
START = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
ARABIC_TITLE = "جهات الاتصال وخدمات الاستشارة"
TURKISH_TITLE = "İletişim noktaları ve danışmanlık hizmetleri"
GERMAN_TITLE = "Ansprechpartner und Beratungsangebote"


@contextmanager
def at(minutes: int) -> Iterator[None]:
    """The clock stands ``minutes`` after 16.06.2025 10:00 (Berlin)."""
    with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
        yield


@pytest.fixture
def sheet(network_editor, municipality_lb) -> InfoSheet:
    return sheet_services.create_sheet(acting_user=network_editor, municipality=municipality_lb)


def add_block(editor, sheet, heading="Willkommen", body="Willkommen in Ludwigsburg!", minute=0) -> InfoSheetBlock:
    with at(minute):
        return sheet_services.add_block(acting_user=editor, sheet=sheet, heading=heading, body=body)


def text(block, language) -> InfoSheetText:
    return InfoSheetText.objects.get(block=block, language=language)


def translate(editor, block, language, heading, body, minute, **kwargs) -> InfoSheetText:
    existing = InfoSheetText.objects.filter(block=block, language=language).first()
    with at(minute):
        return sheet_services.write_text(
            acting_user=editor,
            block=block,
            language=language,
            heading=heading,
            body=body,
            expected_version=existing.version if existing else None,
            **kwargs,
        )


def outdated(block, language) -> bool:
    return text(block, language).is_outdated(text(block, "de"))


@pytest.fixture
def block(network_editor, sheet) -> InfoSheetBlock:
    """A block in German (10:00) with its Arabic translation (10:05)."""
    block = add_block(network_editor, sheet)
    translate(network_editor, block, "ar", "أهلاً وسهلاً", "أهلاً بكم في لودفيغسبورغ!", minute=5)
    return block


# --- who may do what -------------------------------------------------------------------------------------

EDITOR_PAGES = ["sheet_create", "sheet_detail", "sheet_actors", "block_add", "block_edit", "block_delete", "text_edit"]


def editor_urls(sheet, block) -> dict[str, str]:
    on_block = {"pk": sheet.pk, "block_pk": block.pk}
    return {
        "sheet_create": reverse("network:sheet_create"),
        "sheet_detail": reverse("network:sheet_detail", args=[sheet.pk]),
        "sheet_actors": reverse("network:sheet_actors", args=[sheet.pk]),
        "block_add": reverse("network:block_add", args=[sheet.pk]),
        "block_edit": reverse("network:block_edit", kwargs=on_block),
        "block_move": reverse("network:block_move", kwargs=on_block),
        "block_delete": reverse("network:block_delete", kwargs=on_block),
        "text_edit": reverse("network:text_edit", kwargs={**on_block, "language": "ar"}),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["network_editor", "network_keeper", "network_admin"])
def test_it_opens_every_editor_page_to_network_editors(request, persona, sheet, block):
    client = client_for(request.getfixturevalue(persona))
    for name, url in editor_urls(sheet, block).items():
        if name == "block_move":
            continue
        assert client.get(url).status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["caseworker_a", "teamlead_a", "statistician", "org_admin_a"])
def test_it_refuses_every_editor_page_to_everyone_else_and_changes_nothing(request, persona, sheet, block):
    client = client_for(request.getfixturevalue(persona))
    before = list(InfoSheetText.objects.order_by("pk").values_list("pk", "version", "body"))
    for name, url in editor_urls(sheet, block).items():
        if name != "block_move":
            assert client.get(url).status_code == 403, name
        response = client.post(url, {"heading": "X", "body": "Y", "direction": "down", "municipality": "1"})
        assert response.status_code == 403, name
    assert list(InfoSheetText.objects.order_by("pk").values_list("pk", "version", "body")) == before
    assert InfoSheetBlock.objects.filter(pk=block.pk).exists()
    assert InfoSheet.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["caseworker_a", "statistician", "org_admin_a", "network_editor", "sysadmin"])
def test_it_lets_every_signed_in_user_see_the_list_and_print_a_sheet(request, persona, sheet, block):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("network:sheet_list")).status_code == 200
    response = client.get(reverse("network:sheet_pdf", args=[sheet.pk, "ar"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="infoblatt-ludwigsburg-ar.pdf"'
    entry = AccessLogEntry.objects.get(by=user)
    assert (entry.action, entry.record_type, entry.record_id) == (
        AccessAction.PRINT,
        "network.infosheet",
        str(sheet.pk),
    )


@pytest.mark.django_db
def test_it_lets_accommodation_staff_print_the_sheet_they_hand_out(sheet, block, city):
    housing = UserFactory.create(username="unterbringung", organisation=city, roles=[Role.UNTERBRINGUNG])
    client = client_for(housing)
    assert client.get(reverse("network:sheet_pdf", args=[sheet.pk, "de"])).status_code == 200
    assert client.get(reverse("network:sheet_detail", args=[sheet.pk])).status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(sheet):
    client = Client()
    for url in (reverse("network:sheet_list"), reverse("network:sheet_pdf", args=[sheet.pk, "de"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_it_answers_an_unknown_sheet_or_language_with_404(network_editor, sheet, block):
    client = client_for(network_editor)
    assert client.get(reverse("network:sheet_pdf", args=[sheet.pk, "xx"])).status_code == 404
    assert client.get(reverse("network:sheet_pdf", args=[sheet.pk + 1, "de"])).status_code == 404
    url = reverse("network:text_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk, "language": "xx"})
    assert client.get(url).status_code == 404
    other = sheet_services.create_sheet(
        acting_user=network_editor, municipality=MunicipalityFactory.create(name="Asperg")
    )
    assert client.get(reverse("network:block_edit", kwargs={"pk": other.pk, "block_pk": block.pk})).status_code == 404


@pytest.mark.django_db
def test_it_refuses_every_change_by_users_who_are_not_network_editors(caseworker_a, municipality_lb, sheet, block):
    ar = text(block, "ar")
    with refused_with(NOT_EDITOR):
        sheet_services.create_sheet(acting_user=caseworker_a, municipality=municipality_lb)
    with refused_with(NOT_EDITOR):
        sheet_services.add_block(acting_user=caseworker_a, sheet=sheet, heading="", body="Text")
    with refused_with(NOT_EDITOR):
        sheet_services.write_text(
            acting_user=caseworker_a, block=block, language="ar", heading="", body="نص", expected_version=ar.version
        )
    with refused_with(NOT_EDITOR):
        sheet_services.confirm_translation(acting_user=caseworker_a, text=ar, expected_version=ar.version)
    with refused_with(NOT_EDITOR):
        sheet_services.set_actors(acting_user=caseworker_a, sheet=sheet, actors=[], expected_version=sheet.version)
    with refused_with(NOT_EDITOR):
        sheet_services.move_block(acting_user=caseworker_a, block=block, direction=sheet_services.DOWN)
    with refused_with(NOT_EDITOR):
        sheet_services.delete_block(acting_user=caseworker_a, block=block)
    assert text(block, "ar").version == ar.version
    assert InfoSheetBlock.objects.filter(sheet=sheet).count() == 1


# --- sheets and blocks -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_one_sheet_per_municipality(network_editor, municipality_lb, sheet):
    assert events_of(sheet).count() == 1
    assert acting_user_of(events_of(sheet).get()) == network_editor.pk
    with refused_with("Ludwigsburg already has an info sheet."):
        sheet_services.create_sheet(acting_user=network_editor, municipality=municipality_lb)
    assert InfoSheet.objects.count() == 1


@pytest.mark.django_db
def test_it_adds_blocks_at_the_end_with_their_german_text(network_editor, network_keeper, sheet):
    first = add_block(network_editor, sheet, "Willkommen", "Willkommen!")
    second = add_block(network_keeper, sheet, "Notruf", "  Polizei 110, Feuerwehr und Rettungsdienst 112  ")
    assert [b.pk for b in InfoSheetBlock.objects.filter(sheet=sheet)] == [first.pk, second.pk]
    german = text(second, "de")
    assert (german.heading, german.body, german.written_by) == (
        "Notruf",
        "Polizei 110, Feuerwehr und Rettungsdienst 112",
        network_keeper,
    )
    assert german.written_at == START
    assert acting_user_of(events_of(german).get()) == network_keeper.pk
    with refused_with("Enter the text of the block."):
        sheet_services.add_block(acting_user=network_editor, sheet=sheet, heading="Leer", body="   ")
    assert InfoSheetBlock.objects.filter(sheet=sheet).count() == 2


@pytest.mark.django_db
def test_it_moves_blocks_up_and_down(network_editor, sheet):
    a, b, c = (add_block(network_editor, sheet, heading=name) for name in "ABC")

    def order() -> list[int]:
        return list(InfoSheetBlock.objects.filter(sheet=sheet).values_list("pk", flat=True))

    assert sheet_services.move_block(acting_user=network_editor, block=c, direction=sheet_services.UP) is True
    assert order() == [a.pk, c.pk, b.pk]
    assert sheet_services.move_block(acting_user=network_editor, block=a, direction=sheet_services.DOWN) is True
    assert order() == [c.pk, a.pk, b.pk]
    assert sheet_services.move_block(acting_user=network_editor, block=c, direction=sheet_services.UP) is False
    assert sheet_services.move_block(acting_user=network_editor, block=b, direction=sheet_services.DOWN) is False
    assert order() == [c.pk, a.pk, b.pk]
    assert list(InfoSheetBlock.objects.filter(sheet=sheet).values_list("position", flat=True)) == [0, 1, 2]
    assert acting_user_of(events_of(InfoSheetBlock.objects.get(pk=a.pk)).last()) == network_editor.pk


@pytest.mark.django_db
def test_it_deletes_a_block_with_its_texts_in_every_language(network_editor, sheet, block):
    texts = list(InfoSheetText.objects.filter(block=block).values_list("pk", flat=True))
    sheet_services.delete_block(acting_user=network_editor, block=block)
    assert not InfoSheetBlock.objects.filter(pk=block.pk).exists()
    assert not InfoSheetText.objects.filter(pk__in=texts).exists()
    for pk in texts:
        removed = events_of(InfoSheetText, pk).last()
        assert (removed.pgh_label, acting_user_of(removed)) == ("delete", network_editor.pk)
    with refused_with("The text block was deleted in the meantime."):
        sheet_services.delete_block(acting_user=network_editor, block=block)


# --- German first, outdated translations -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_translation_before_the_german_text(network_editor, sheet):
    bare = InfoSheetBlock.objects.create(sheet=sheet, position=0)
    with refused_with("Write the German text of the block first: it is the original of every translation."):
        sheet_services.write_text(
            acting_user=network_editor,
            block=bare,
            language="tr",
            heading="",
            body="Hoş geldiniz",
            expected_version=None,
        )
    assert not InfoSheetText.objects.filter(block=bare).exists()
    with refused_with("Info sheets are not written in the language “xx”."):
        sheet_services.write_text(
            acting_user=network_editor, block=bare, language="xx", heading="", body="?", expected_version=None
        )


@pytest.mark.django_db
def test_it_marks_a_translation_outdated_when_the_german_text_changes_after_it(network_editor, block):
    assert not outdated(block, "ar")
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen in Ludwigsburg!", minute=10)
    assert outdated(block, "ar")
    assert text(block, "de").written_at == START + datetime.timedelta(minutes=10)
    assert text(block, "ar").written_at == START + datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_it_keeps_translations_current_when_the_german_text_is_saved_unchanged(network_editor, block):
    german = text(block, "de")
    saved = translate(network_editor, block, "de", " Willkommen ", "Willkommen in Ludwigsburg!", minute=10)
    assert (saved.version, saved.written_at) == (german.version, german.written_at)
    assert not outdated(block, "ar")


@pytest.mark.django_db
def test_it_makes_a_changed_translation_current(network_editor, network_keeper, block):
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    translate(network_keeper, block, "ar", "أهلاً وسهلاً", "أهلاً وسهلاً بكم!", minute=20)
    arabic = text(block, "ar")
    assert not outdated(block, "ar")
    assert (arabic.body, arabic.written_by, arabic.written_at) == (
        "أهلاً وسهلاً بكم!",
        network_keeper,
        START + datetime.timedelta(minutes=20),
    )
    assert acting_user_of(events_of(arabic).last()) == network_keeper.pk


@pytest.mark.django_db
def test_it_needs_a_confirmation_to_keep_an_outdated_translation_unchanged(network_editor, network_keeper, block):
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    with refused_with(
        "The German text was changed after this translation was written. Change the translation, "
        "or confirm that it still matches the current German text."
    ):
        translate(network_keeper, block, "ar", "أهلاً وسهلاً", "أهلاً بكم في لودفيغسبورغ!", minute=20)
    assert outdated(block, "ar")
    translate(network_keeper, block, "ar", "أهلاً وسهلاً", "أهلاً بكم في لودفيغسبورغ!", minute=20, confirmed=True)
    assert not outdated(block, "ar")
    assert text(block, "ar").written_by == network_keeper


@pytest.mark.django_db
def test_it_confirms_a_translation_as_still_correct(network_editor, network_keeper, block):
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    arabic = text(block, "ar")
    loaded = arabic.version
    with at(30):
        sheet_services.confirm_translation(
            acting_user=network_keeper, text=arabic, expected_version=loaded, master_version=text(block, "de").version
        )
    confirmed = text(block, "ar")
    assert not outdated(block, "ar")
    assert (confirmed.body, confirmed.written_by, confirmed.version) == (arabic.body, network_keeper, loaded + 1)
    assert confirmed.written_at == START + datetime.timedelta(minutes=30)
    with refused_with("The German text is the original: there is nothing to confirm."):
        sheet_services.confirm_translation(acting_user=network_keeper, text=text(block, "de"), expected_version=1)


@pytest.mark.django_db
def test_it_refuses_a_translation_when_the_german_text_changed_while_translating(network_editor, block):
    seen = text(block, "de").version
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    with refused_with(
        "The German text was changed while you were translating, so nothing was saved. "
        "Compare your translation with the current German text beside the form and save again."
    ):
        translate(network_editor, block, "ar", "مرحباً", "مرحباً!", minute=20, master_version=seen)
    assert text(block, "ar").body == "أهلاً بكم في لودفيغسبورغ!"


@pytest.mark.django_db
def test_it_refuses_the_second_of_two_concurrent_edits_of_a_text(network_editor, network_keeper, block):
    loaded = text(block, "ar").version
    for user, body in ((network_editor, "أولاً"), (network_keeper, "ثانياً")):
        try:
            sheet_services.write_text(
                acting_user=user, block=block, language="ar", heading="", body=body, expected_version=loaded
            )
        except ConcurrentEditError:
            assert user == network_keeper
    assert text(block, "ar").body == "أولاً"
    # Two first translations into one language: the later one finds the earlier one.
    sheet_services.write_text(
        acting_user=network_editor, block=block, language="fa", heading="", body="یک", expected_version=None
    )
    with pytest.raises(ConcurrentEditError):
        sheet_services.write_text(
            acting_user=network_keeper, block=block, language="fa", heading="", body="دو", expected_version=None
        )
    assert text(block, "fa").body == "یک"


@pytest.mark.django_db
def test_it_counts_missing_and_outdated_blocks_per_language(network_editor, sheet, block):
    second = add_block(network_editor, sheet, "Notruf", "110 und 112", minute=1)
    translate(network_editor, second, "ar", "الطوارئ", "110 و 112", minute=6)
    translate(network_editor, second, "tr", "Acil durum", "110 ve 112", minute=6)
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    statuses = {s.code: s for s in queries.sheet_statuses([sheet])[sheet.pk]}
    assert (statuses["de"].missing, statuses["de"].outdated, statuses["de"].complete) == (0, 0, True)
    assert (statuses["ar"].missing, statuses["ar"].outdated, statuses["ar"].complete) == (0, 1, False)
    assert (statuses["tr"].missing, statuses["tr"].outdated) == (1, 0)
    assert (statuses["fa"].missing, statuses["fa"].outdated, statuses["fa"].blocks) == (2, 0, 2)


# --- actors on the sheet ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_only_published_actors(network_editor, sheet, actor_factory):
    public = actor_factory(name="Migrationsberatung Caritas")
    hidden = actor_factory(name="Geheimtreff", is_public=False)
    with refused_with(
        "Only published actors can be listed on the info sheet, which is handed to the public. "
        "Not published: Geheimtreff."
    ):
        sheet_services.set_actors(
            acting_user=network_editor, sheet=sheet, actors=[public, hidden], expected_version=sheet.version
        )
    assert not sheet.actors.exists()
    sheet_services.set_actors(acting_user=network_editor, sheet=sheet, actors=[public], expected_version=sheet.version)
    assert list(sheet.actors.all()) == [public]


@pytest.mark.django_db
def test_it_keeps_an_actor_listed_that_was_unpublished_later(network_editor, sheet, actor_factory):
    first, second = actor_factory(), actor_factory()
    sheet_services.set_actors(
        acting_user=network_editor, sheet=sheet, actors=[first, second], expected_version=sheet.version
    )
    first.is_public = False
    first.save()
    sheet_services.set_actors(acting_user=network_editor, sheet=sheet, actors=[first], expected_version=sheet.version)
    assert list(sheet.actors.all()) == [first]


@pytest.mark.django_db
def test_it_records_who_added_and_removed_actors(network_editor, network_keeper, sheet, actor_factory):
    first, second = actor_factory(), actor_factory()
    sheet_services.set_actors(
        acting_user=network_editor, sheet=sheet, actors=[first, second], expected_version=sheet.version
    )
    sheet_services.set_actors(acting_user=network_keeper, sheet=sheet, actors=[second], expected_version=sheet.version)
    events = InfoSheetActor.pgh_event_model.objects.filter(infosheet_id=sheet.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.actor_id, acting_user_of(e)) for e in events] == [
        ("actor.add", first.pk, network_editor.pk),
        ("actor.add", second.pk, network_editor.pk),
        ("actor.remove", first.pk, network_keeper.pk),
    ]
    assert InfoSheet.objects.get(pk=sheet.pk).version == sheet.version


@pytest.mark.django_db
def test_it_refuses_a_stale_choice_of_actors(network_editor, network_keeper, sheet, actor_factory):
    first, second = actor_factory(), actor_factory()
    loaded = sheet.version
    sheet_services.set_actors(acting_user=network_editor, sheet=sheet, actors=[first], expected_version=loaded)
    with pytest.raises(ConcurrentEditError):
        sheet_services.set_actors(acting_user=network_keeper, sheet=sheet, actors=[second], expected_version=loaded)
    assert list(InfoSheet.objects.get(pk=sheet.pk).actors.all()) == [first]


# --- the pages -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_a_sheet_for_a_municipality_without_one(network_editor, municipality_lb, municipality_other):
    client = client_for(network_editor)
    assert "Neues Infoblatt" in client.get(reverse("network:sheet_list")).content.decode()
    page = client.get(reverse("network:sheet_create")).content.decode()
    assert f'<option value="{municipality_other.pk}">Besigheim (08118010)</option>' in page
    assert f'<option value="{municipality_lb.pk}">Ludwigsburg (08118048)</option>' in page
    response = client.post(reverse("network:sheet_create"), {"municipality": municipality_other.pk})
    created = InfoSheet.objects.get(municipality=municipality_other)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:sheet_detail", args=[created.pk])
    page = client.get(reverse("network:sheet_create")).content.decode()
    assert f'<option value="{municipality_other.pk}">' not in page
    response = client.post(reverse("network:sheet_create"), {"municipality": municipality_other.pk})
    assert response.status_code == 200
    assert InfoSheet.objects.count() == 1


@pytest.mark.django_db
def test_it_offers_no_creation_to_readers(caseworker_a, sheet, block):
    page = client_for(caseworker_a).get(reverse("network:sheet_list")).content.decode()
    assert "Ludwigsburg" in page
    assert "Neues Infoblatt" not in page
    assert f'href="{reverse("network:sheet_detail", args=[sheet.pk])}"' not in page
    assert reverse("network:sheet_pdf", args=[sheet.pk, "fa"]) in page


@pytest.mark.django_db
def test_it_marks_an_outdated_translation_in_the_editor_and_the_list(network_editor, sheet, block):
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen in Ludwigsburg!", minute=10)
    client = client_for(network_editor)
    detail = client.get(reverse("network:sheet_detail", args=[sheet.pk])).content.decode()
    assert "Arabisch: veraltet" in " ".join(detail.split())
    assert "Türkisch: fehlt" in " ".join(detail.split())
    listing = client.get(reverse("network:sheet_list")).content.decode()
    assert "1 veraltet" in listing
    assert "1 fehlt" in listing
    url = reverse("network:text_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk, "language": "ar"})
    page = client.get(url).content.decode()
    assert "Herzlich willkommen in Ludwigsburg!" in page
    assert 'name="confirmed"' in page
    assert 'dir="rtl"' in page and 'lang="ar"' in page


@pytest.mark.django_db
def test_it_makes_a_translation_current_through_the_form(network_editor, network_keeper, sheet, block):
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    arabic = text(block, "ar")
    url = reverse("network:text_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk, "language": "ar"})
    form = {
        "heading": arabic.heading,
        "body": arabic.body,
        "version": arabic.version,
        "master_version": text(block, "de").version,
    }
    client = client_for(network_keeper)
    with at(20):
        refused = client.post(url, form)
    assert refused.status_code == 200
    assert "bestätigen Sie, dass sie noch zum aktuellen deutschen Text passt" in refused.content.decode()
    assert outdated(block, "ar")
    with at(21):
        response = client.post(url, {**form, "confirmed": "on"})
    assert response.status_code == 302
    assert not outdated(block, "ar")
    assert text(block, "ar").written_by == network_keeper


@pytest.mark.django_db
def test_it_tells_the_translator_when_the_german_text_changed_meanwhile(network_editor, sheet, block):
    client = client_for(network_editor)
    url = reverse("network:text_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk, "language": "tr"})
    form = {
        "heading": "Hoş geldiniz",
        "body": "Ludwigsburg'a hoş geldiniz!",
        "master_version": text(block, "de").version,
    }
    translate(network_editor, block, "de", "Willkommen", "Herzlich willkommen!", minute=10)
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Der deutsche Text wurde geändert, während Sie übersetzt haben" in page
    assert "Herzlich willkommen!" in page
    assert not InfoSheetText.objects.filter(block=block, language="tr").exists()
    # The next save is checked against the German text shown now.
    assert client.post(url, {**form, "master_version": text(block, "de").version}).status_code == 302
    assert text(block, "tr").body == "Ludwigsburg'a hoş geldiniz!"


@pytest.mark.django_db
def test_it_refuses_a_text_saved_by_someone_else_in_the_meantime(network_editor, network_keeper, sheet, block):
    german = text(block, "de")
    url = reverse("network:block_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk})
    translate(network_keeper, block, "de", "Hallo", "Hallo zusammen!", minute=10)
    response = client_for(network_editor).post(
        url, {"heading": "Willkommen", "body": "Mein Text", "version": german.version}
    )
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert text(block, "de").body == "Hallo zusammen!"


@pytest.mark.django_db
def test_it_warns_that_translations_become_outdated_when_the_german_text_is_saved(network_editor, sheet, block):
    url = reverse("network:block_edit", kwargs={"pk": sheet.pk, "block_pk": block.pk})
    client = client_for(network_editor)
    german = text(block, "de")
    with at(10):
        response = client.post(url, {"heading": "Willkommen", "body": "Neu!", "version": german.version}, follow=True)
    assert "Seine Übersetzungen (Arabisch) sind als veraltet markiert" in response.content.decode()
    assert outdated(block, "ar")


@pytest.mark.django_db
def test_it_adds_moves_and_deletes_blocks_through_the_pages(network_editor, sheet, block):
    client = client_for(network_editor)
    response = client.post(reverse("network:block_add", args=[sheet.pk]), {"heading": "Notruf", "body": "110"})
    assert response.status_code == 302
    second = InfoSheetBlock.objects.filter(sheet=sheet).order_by("pk").last()
    assert second is not None
    assert text(second, "de").body == "110"
    assert (
        client.post(reverse("network:block_add", args=[sheet.pk]), {"heading": "Leer", "body": ""}).status_code == 200
    )
    move = reverse("network:block_move", kwargs={"pk": sheet.pk, "block_pk": second.pk})
    assert client.get(move).status_code == 405
    client.post(move, {"direction": "up"})
    assert list(InfoSheetBlock.objects.filter(sheet=sheet).values_list("pk", flat=True)) == [second.pk, block.pk]
    response = client.post(move, {"direction": "sideways"}, follow=True)
    assert "Verschieben Sie den Block nach oben oder nach unten." in response.content.decode()
    client.post(reverse("network:block_delete", kwargs={"pk": sheet.pk, "block_pk": block.pk}))
    assert list(InfoSheetBlock.objects.filter(sheet=sheet)) == [second]


@pytest.mark.django_db
def test_it_refuses_an_unpublished_actor_in_the_actor_form(network_editor, sheet, actor_factory):
    public = actor_factory(name="Jobcenter")
    hidden = actor_factory(name="Geheimtreff", is_public=False)
    client = client_for(network_editor)
    url = reverse("network:sheet_actors", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert "Jobcenter" in page and "Geheimtreff" not in page
    response = client.post(url, {"actors": [public.pk, hidden.pk], "version": sheet.version})
    assert response.status_code == 200
    assert "Ein gewählter Akteur ist nicht veröffentlicht" in response.content.decode()
    assert not sheet.actors.exists()
    assert client.post(url, {"actors": [public.pk], "version": sheet.version}).status_code == 302
    assert list(sheet.actors.all()) == [public]


@pytest.mark.django_db
def test_it_flags_listed_actors_that_are_no_longer_published(network_editor, sheet, actor_factory):
    listed = actor_factory(name="Café International")
    sheet_services.set_actors(acting_user=network_editor, sheet=sheet, actors=[listed], expected_version=sheet.version)
    listed.is_public = False
    listed.save()
    client = client_for(network_editor)
    detail = client.get(reverse("network:sheet_detail", args=[sheet.pk])).content.decode()
    assert "nicht veröffentlicht – wird nicht gedruckt" in detail
    assert "1 Akteur auf der Liste ist nicht mehr veröffentlicht" in detail
    assert "1 aufgeführt, nicht veröffentlicht" in client.get(reverse("network:sheet_list")).content.decode()


def make_sheets(editor, actor_factory, municipalities) -> None:
    for municipality in municipalities:
        sheet = sheet_services.create_sheet(acting_user=editor, municipality=municipality)
        block = add_block(editor, sheet)
        translate(editor, block, "uk", "Ласкаво просимо", "Ласкаво просимо!", minute=3)
        actors = [actor_factory(municipality=municipality), actor_factory(municipality=municipality, is_public=False)]
        sheet.actors.add(*actors)


@pytest.mark.django_db
def test_it_lists_sheets_with_a_fixed_number_of_queries(network_editor, actor_factory):
    client = client_for(network_editor)
    make_sheets(network_editor, actor_factory, [MunicipalityFactory.create(name="Asperg")])
    MunicipalityFactory.create(name="Freiberg am Neckar")
    client.get(reverse("network:sheet_list"))  # warms the session
    one = queries_of(client, reverse("network:sheet_list"))
    make_sheets(network_editor, actor_factory, [MunicipalityFactory.create(name=f"Ort {n}") for n in range(3)])
    with assert_queries(len(one)):
        response = client.get(reverse("network:sheet_list"))
    assert len(response.context["rows"]) == 4
    assert all(row["unpublished"] == 1 for row in response.context["rows"])


# --- printing from a case --------------------------------------------------------------------------------


def pdf_text(response) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.django_db
def test_it_prints_the_sheet_in_the_clients_language_from_a_case(caseworker_a, municipality_lb, sheet, block):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=["kur", "ara", "deu"])
    response = client_for(caseworker_a).get(reverse("network:case_info_sheet", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert ARABIC_TITLE in pdf_text(response)
    entry = AccessLogEntry.objects.get(by=caseworker_a)
    assert (entry.action, entry.record_type, entry.record_id) == (AccessAction.PRINT, "cases.case", str(case.pk))


@pytest.mark.django_db
def test_it_prints_another_language_when_asked(teamlead_a, caseworker_a, municipality_lb, sheet, block):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=["ara"])
    response = client_for(teamlead_a).get(reverse("network:case_info_sheet", args=[case.pk]) + "?sprache=tr")
    assert TURKISH_TITLE in pdf_text(response)
    response = client_for(teamlead_a).get(reverse("network:case_info_sheet", args=[case.pk]) + "?sprache=xx")
    assert response.status_code == 200
    assert "Das Infoblatt gibt es nicht in der Sprache „xx“." in response.content.decode()
    assert AccessLogEntry.objects.filter(by=teamlead_a).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoken", "printed"),
    [
        (["deu", "eng", "fas"], "fa"),
        (["eng", "rus", "ukr"], "ru"),
        (["deu", "eng"], "en"),
        (["deu", "kmr"], "de"),
        (["deu", "prs"], "fa"),
        (["apc", "eng"], "ar"),
        ([], "de"),
    ],
)
def test_it_prefers_a_language_other_than_german_and_english(caseworker_a, municipality_lb, spoken, printed):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=spoken)
    assert queries.client_language(case) == printed


@pytest.mark.django_db
def test_it_prints_german_when_the_client_speaks_no_sheet_language(caseworker_a, municipality_lb, sheet, block):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=["kur", "tir"])
    response = client_for(caseworker_a).get(reverse("network:case_info_sheet", args=[case.pk]))
    assert GERMAN_TITLE in pdf_text(response)


@pytest.mark.django_db
def test_it_hides_the_case_of_another_organisation(caseworker_a, caseworker_b, municipality_lb, sheet, block):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=["ara"])
    assert client_for(caseworker_b).get(reverse("network:case_info_sheet", args=[case.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(by=caseworker_b).exists()


@pytest.mark.django_db
def test_it_prints_from_cases_for_casework_only(network_editor, caseworker_a, municipality_lb, sheet):
    case = open_case_for(caseworker_a, municipality=municipality_lb)
    assert client_for(network_editor).get(reverse("network:case_info_sheet", args=[case.pk])).status_code == 403


@pytest.mark.django_db
def test_it_explains_when_the_municipality_has_no_sheet(caseworker_a, municipality_other, sheet):
    case = open_case_for(caseworker_a, municipality=municipality_other, languages=["ara"])
    response = client_for(caseworker_a).get(reverse("network:case_info_sheet", args=[case.pk]))
    assert response.status_code == 200
    assert "Für Besigheim gibt es noch kein Infoblatt." in response.content.decode()
    assert not AccessLogEntry.objects.filter(by=caseworker_a, action=AccessAction.PRINT).exists()


@pytest.mark.django_db
def test_it_offers_the_clients_language_on_the_case_page(caseworker_a, municipality_lb, municipality_other, sheet):
    case = open_case_for(caseworker_a, municipality=municipality_lb, languages=["fas", "ara"])
    card = " ".join(render_to_string("network/_case_info_sheet.html", {"case": case}).split())
    assert "Infoblatt auf Farsi drucken" in card
    assert f'href="{reverse("network:case_info_sheet", args=[case.pk])}?sprache=fa"' in card
    assert '<option value="ar">Arabisch · العربية</option>' in card
    assert '<option value="fa">' not in card
    elsewhere = open_case_for(caseworker_a, municipality=municipality_other)
    card = render_to_string("network/_case_info_sheet.html", {"case": elsewhere})
    assert "Für Besigheim gibt es noch kein Infoblatt." in card
