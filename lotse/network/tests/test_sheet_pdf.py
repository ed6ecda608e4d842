"""The printed info sheet: the text in each script, DejaVu fonts, right to left for Arabic and Farsi,
German where a translation is missing, only the published actors by category, the print in the access log.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lotse.cases.tests.factories import frozen_today
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.network import pdf, sheet_services
from lotse.network.models import ActorCategory, InfoSheet

# The block "Welcome" and the sheet's title in each language (the title from the catalogues).
TEXTS = {
    "de": ("Willkommen", "Willkommen in Ludwigsburg! Hier finden Sie Hilfe und Beratung."),
    "ar": ("أهلاً وسهلاً", "مرحبا بكم في لودفيغسبورغ. هنا تجدون المساعدة والاستشارة."),
    "fa": ("خوش آمدید", "به لودویگزبورگ خوش آمدید. اینجا کمک و مشاوره پیدا می‌کنید."),
    "uk": ("Ласкаво просимо", "Ласкаво просимо до Людвігсбурга! Тут ви знайдете допомогу."),
    "ru": ("Добро пожаловать", "Добро пожаловать в Людвигсбург! Здесь вы найдёте помощь."),
    "tr": ("Hoş geldiniz", "Ludwigsburg'a hoş geldiniz! Burada yardım ve danışmanlık bulursunuz."),
}
ZWNJ = "\u200c"
TITLES = {
    "de": "Ansprechpartner und Beratungsangebote",
    "ar": "جهات الاتصال وخدمات الاستشارة",
    "fa": "اطلاعات تماس و خدمات مشاوره",
    "uk": "Контакти та консультаційні послуги",
    "ru": "Контакты и консультационные услуги",
    "tr": "İletişim noktaları ve danışmanlık hizmetleri",
}


@pytest.fixture
def sheet(network_editor, municipality_lb) -> InfoSheet:
    sheet = sheet_services.create_sheet(acting_user=network_editor, municipality=municipality_lb)
    heading, body = TEXTS["de"]
    block = sheet_services.add_block(acting_user=network_editor, sheet=sheet, heading=heading, body=body)
    for language, (heading, body) in TEXTS.items():
        if language != "de":
            sheet_services.write_text(
                acting_user=network_editor,
                block=block,
                language=language,
                heading=heading,
                body=body,
                expected_version=None,
            )
    return sheet


def read(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(content).pages)


def font_names(content: bytes) -> set[str]:
    names = set()
    for page in read(content).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "ar", "fa", "uk", "ru", "tr"])
def test_it_prints_the_text_of_each_script_with_dejavu_fonts(sheet, language):
    content = pdf.sheet_pdf(sheet, language)
    printed = text_of(content)
    heading, body = TEXTS[language]
    assert TITLES[language] in printed
    assert heading in printed
    # The zero-width non-joiner of Persian (می‌کنید) joins no glyphs, so the PDF's text has none.
    assert body.replace(ZWNJ, "") in printed
    assert "Ludwigsburg" in printed
    fonts = font_names(content)
    assert fonts
    assert all("DejaVu" in name for name in fonts), fonts


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("uk", "ltr"), ("de", "ltr")])
def test_it_sets_language_and_direction_of_the_page(sheet, language, direction):
    html = pdf.sheet_html(sheet, language)
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.django_db
def test_it_prints_german_with_a_note_where_a_translation_is_missing(network_editor, sheet):
    sheet_services.add_block(
        acting_user=network_editor, sheet=sheet, heading="Notruf", body="Polizei 110, Feuerwehr 112"
    )
    printed = text_of(pdf.sheet_pdf(sheet, "uk"))
    assert "Ласкаво просимо" in printed
    assert "Цей текст ще не перекладено вашою мовою." in printed
    assert "Polizei 110, Feuerwehr 112" in printed
    assert printed.index("Ласкаво просимо") < printed.index("Polizei 110")
    html = pdf.sheet_html(sheet, "ar")
    assert '<section class="block" lang="de" dir="ltr">' in html
    assert "Цей текст" not in text_of(pdf.sheet_pdf(sheet, "de"))
    assert "not yet available in your language" in text_of(pdf.sheet_pdf(sheet, "en"))


@pytest.mark.django_db
def test_it_prints_only_the_published_actors_by_category_with_their_contact(network_editor, sheet, actor_factory):
    work = ActorCategory.objects.get(slug="arbeit")
    counselling = actor_factory(
        name="Migrationsberatung Caritas",
        street="Eberhardstraße 29",
        phone="07141 555-0100",
        email="migration@caritas.example",
        website="https://caritas.example/migration",
        opening_hours="Mo–Do 9–12 Uhr",
        languages=["ara", "fas"],
        appointment_needed=True,
    )
    job_centre = actor_factory(name="Jobcenter Landkreis", category=work, languages=[], appointment_needed=False)
    hidden = actor_factory(name="Geheimtreff am Bahnhof")
    sheet_services.set_actors(
        acting_user=network_editor,
        sheet=sheet,
        actors=[counselling, job_centre, hidden],
        expected_version=sheet.version,
    )
    hidden.is_public = False
    hidden.save()

    arabic = text_of(pdf.sheet_pdf(sheet, "ar"))
    for expected in (
        "Migrationsberatung Caritas",
        "Eberhardstraße 29, 71634 Ludwigsburg",
        "07141 555-0100",
        "migration@caritas.example",
        "https://caritas.example/migration",
        "Mo–Do 9–12 Uhr",
        "الاستشارة",  # the category Beratung
        "العمل",  # the category Arbeit
        "العربية",  # a language of counselling, named in Arabic
        "الهاتف",
        "أوقات العمل",
        "لا حاجة إلى موعد مسبق.",
        "Jobcenter Landkreis",
    ):
        assert expected in arabic, expected
    assert "Geheimtreff" not in arabic
    # Categories in their order: Arbeit before Beratung.
    assert arabic.index("Jobcenter Landkreis") < arabic.index("Migrationsberatung Caritas")

    german = text_of(pdf.sheet_pdf(sheet, "de"))
    assert "Beratung" in german and "Arbeit" in german
    assert "Arabisch, Persisch" in german
    assert "Bitte vereinbaren Sie einen Termin." in german
    assert "Kein Termin nötig." in german
    assert "Geheimtreff" not in german


@pytest.mark.django_db
def test_it_prints_the_date_and_says_when_no_actor_is_listed(sheet):
    with frozen_today(datetime.date(2025, 6, 16)):
        german = text_of(pdf.sheet_pdf(sheet, "de"))
        turkish = text_of(pdf.sheet_pdf(sheet, "tr"))
    assert "Stand: 16.06.2025" in german
    assert "Auf diesem Blatt sind noch keine Ansprechpersonen aufgeführt." in german
    assert "16.06.2025 itibarıyla" in turkish


@pytest.mark.django_db
def test_it_logs_each_print_of_a_sheet(caseworker_a, sheet):
    client = client_for(caseworker_a)
    response = client.get(reverse("network:sheet_pdf", args=[sheet.pk, "fa"]))
    assert TITLES["fa"] in text_of(response.content)
    client.get(reverse("network:sheet_pdf", args=[sheet.pk, "ru"]))
    entries = AccessLogEntry.objects.filter(by=caseworker_a).order_by("pk")
    assert [(e.action, e.record_type, e.record_id, e.path) for e in entries] == [
        (AccessAction.PRINT, "network.infosheet", str(sheet.pk), reverse("network:sheet_pdf", args=[sheet.pk, "fa"])),
        (AccessAction.PRINT, "network.infosheet", str(sheet.pk), reverse("network:sheet_pdf", args=[sheet.pk, "ru"])),
    ]


@pytest.mark.django_db
def test_it_keeps_phone_numbers_in_order_in_right_to_left_text(network_editor, sheet):
    block = sheet_services.add_block(
        acting_user=network_editor, sheet=sheet, heading="Notruf", body="Bereitschaftsdienst 116 117"
    )
    sheet_services.write_text(
        acting_user=network_editor,
        block=block,
        language="ar",
        heading="الطوارئ",
        body="خدمة الطبيب المناوب: 116 117\n<b>الشرطة</b> 110",
        expected_version=None,
    )
    html = pdf.sheet_html(sheet, "ar")
    expected = (
        'خدمة الطبيب المناوب: <span class="ltr">116 117</span><br>'
        '&lt;b&gt;الشرطة&lt;/b&gt; <span class="ltr">110</span>'
    )
    assert expected in html
    assert "116 117" in text_of(pdf.sheet_pdf(sheet, "ar"))
    assert "Bereitschaftsdienst 116 117</p>" in pdf.sheet_html(sheet, "de")


def test_it_escapes_quotes_in_right_to_left_text_without_breaking_the_entity():
    html = str(pdf.text_html("Caritas' Beratung: 116 117 & mehr", "ar"))
    assert html == 'Caritas&#x27; Beratung: <span class="ltr">116 117</span> &amp; mehr'


@pytest.mark.django_db
def test_it_prints_an_outdated_translation_with_a_note(network_editor, sheet):
    block = sheet.blocks.get()
    original = block.texts.get(language="de")
    with frozen_today(datetime.date.today() + datetime.timedelta(days=1)):
        sheet_services.write_text(
            acting_user=network_editor,
            block=block,
            language="de",
            heading="Willkommen",
            body="Willkommen in Ludwigsburg! Neu: Beratung auch samstags.",
            expected_version=original.version,
        )
    printed = text_of(pdf.sheet_pdf(sheet, "tr"))
    assert "Ludwigsburg'a hoş geldiniz!" in printed
    assert "Bu metnin Almanca aslı çevirisinden sonra değiştirildi" in printed
    german = text_of(pdf.sheet_pdf(sheet, "de"))
    assert "Neu: Beratung auch samstags." in german
    assert "Originaltext" not in german
