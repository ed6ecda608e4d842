"""The printed info sheet "Ansprechpartner und Beratungsangebote" of a municipality in one language (WeasyPrint).

The sheet is handed to newcomers: its fixed texts are in the message context
"public" and translated into every sheet language; Arabic and Farsi run right
to left. DejaVu Sans covers Latin, Cyrillic, Arabic and Persian script.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lotse.network.choices import MASTER_LANGUAGE, RTL_LANGUAGES, SheetLanguage, direction, list_separator
from lotse.network.models import Actor, InfoSheet, InfoSheetBlock, InfoSheetText
from lotse.network.queries import by_category
from lotse.people.vocabulary import language_name


@dataclass
class PrintedBlock:
    heading: str
    body: str
    # The language the text is printed in: the sheet's, or German where the translation is missing.
    language: str
    fallback: bool
    # A translation written before the last change of its German original: printed with a note.
    outdated: bool = False

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def body_html(self) -> SafeString:
        return text_html(self.body, self.language)


@dataclass
class PrintedActor:
    actor: Actor
    languages: str


@dataclass
class ActorGroup:
    label: str
    actors: list[PrintedActor] = field(default_factory=list)


# Phone numbers and other runs of digits with spaces, hyphens or slashes ("116 117", "07141 555-0100").
NUMBER_RUN = re.compile(r"\+?\d[\d /-]*\d")


def text_html(text: str, language: str) -> SafeString:
    """The text with its line breaks; in right-to-left text a phone number keeps its left-to-right order.

    The bidirectional algorithm would show "116 117" as "117 116" in Arabic text.
    """
    if language in RTL_LANGUAGES:
        # Split the raw text, then escape each piece: the digits of an escaped character ("&#x27;") are no number.
        pieces, start = [], 0
        for match in NUMBER_RUN.finditer(text):
            pieces += [str(escape(text[start : match.start()])), f'<span class="ltr">{escape(match.group(0))}</span>']
            start = match.end()
        html = "".join([*pieces, str(escape(text[start:]))])
    else:
        html = str(escape(text))
    return mark_safe("<br>".join(html.splitlines()))  # noqa: S308 - every piece is escaped above


def printed_blocks(sheet: InfoSheet, language: str) -> list[PrintedBlock]:
    """The blocks in ``language``; a block not translated yet is printed in German."""
    texts = Prefetch(
        "texts", queryset=InfoSheetText.objects.filter(language__in={language, MASTER_LANGUAGE}), to_attr="printed"
    )
    result = []
    for block in InfoSheetBlock.objects.filter(sheet=sheet).prefetch_related(texts).order_by("position", "pk"):
        by_language = {text.language: text for text in block.printed}
        original = by_language.get(MASTER_LANGUAGE)
        text = by_language.get(language) or original
        if text is None:
            continue
        result.append(
            PrintedBlock(
                heading=text.heading,
                body=text.body,
                language=text.language,
                fallback=text.language != language,
                outdated=text.is_outdated(original),
            )
        )
    return result


def printed_actors(sheet: InfoSheet, language: str) -> list[ActorGroup]:
    """The sheet's published actors by category (in the category order), named in ``language``."""
    actors = (
        Actor.objects.published()
        .filter(info_sheets=sheet)
        .select_related("category")
        .order_by("category__position", "category__name", "name", "pk")
    )
    separator = list_separator(language)
    with translation.override(language):
        groups = by_category(
            actors, lambda actor: PrintedActor(actor, separator.join(language_name(code) for code in actor.languages))
        )
        return [ActorGroup(label=group["category"].label(language), actors=group["actors"]) for group in groups]


def sheet_context(sheet: InfoSheet, language: str, printed_on: datetime.date | None = None) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "municipality": sheet.municipality,
        "language": language,
        "direction": direction(language),
        "blocks": printed_blocks(sheet, language),
        "groups": printed_actors(sheet, language),
        "printed_on": printed_on or timezone.localdate(),
    }


def sheet_html(sheet: InfoSheet, language: str, printed_on: datetime.date | None = None) -> str:
    if language not in SheetLanguage.values:
        raise ValueError(f"no info sheet language {language!r}")
    context = sheet_context(sheet, language, printed_on)
    with translation.override(language):
        return render_to_string("network/sheets/sheet_pdf.html", context)


def sheet_pdf(sheet: InfoSheet, language: str, printed_on: datetime.date | None = None) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=sheet_html(sheet, language, printed_on)).write_pdf())


def pdf_filename(sheet: InfoSheet, language: str) -> str:
    umlauts: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
    ascii_name = sheet.municipality.name.lower().translate(str.maketrans(umlauts))
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in ascii_name).strip("-")
    return f"infoblatt-{slug or sheet.pk}-{language}.pdf"
