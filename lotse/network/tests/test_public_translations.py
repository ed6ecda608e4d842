"""Every text of the public pages and info sheets (message context "public") in every public language.

German is held to every string by lotse/core/tests/test_project.py; Arabic,
Farsi, Ukrainian, Russian and Turkish only to the public ones (English is the
source text itself).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from lotse.network.choices import MASTER_LANGUAGE, PUBLIC_LANGUAGE_CODES

PUBLIC_CONTEXT = "public"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# The public languages with a catalogue of their own beside German (English is the source text).
CATALOGUE_LANGUAGES = [code for code in PUBLIC_LANGUAGE_CODES if code not in {MASTER_LANGUAGE, "en"}]


def catalogue(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def untranslated_public(po: polib.POFile) -> list[str]:
    return [
        entry.msgid
        for entry in po
        if entry.msgctxt == PUBLIC_CONTEXT and not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_it_has_a_catalogue_for_each_public_language():
    assert CATALOGUE_LANGUAGES == ["ar", "fa", "uk", "ru", "tr"]


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_it_translates_every_public_text(language):
    path = catalogue(Path(settings.BASE_DIR) / "lotse", language)
    assert path.exists(), f"Run `manage.py makemessages -l {language}` and translate the public texts"
    po = polib.pofile(str(path))

    assert [entry for entry in po if entry.msgctxt == PUBLIC_CONTEXT] != []
    assert untranslated_public(po) == []


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_it_keeps_the_placeholders_of_public_texts(language):
    po = polib.pofile(str(catalogue(Path(settings.BASE_DIR) / "lotse", language)))

    for entry in po:
        if entry.msgctxt == PUBLIC_CONTEXT and entry.msgstr:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_it_has_every_public_source_string_in_each_catalogue(tmp_path, settings, monkeypatch):
    """Extract the strings afresh from a copy of the sources: no public text may be untranslated."""
    source = Path(settings.BASE_DIR) / "lotse"
    copy = tmp_path / "lotse"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=CATALOGUE_LANGUAGES, verbosity=0)

    missing = {
        language: untranslated_public(polib.pofile(str(catalogue(copy, language)))) for language in CATALOGUE_LANGUAGES
    }
    assert {language: texts for language, texts in missing.items() if texts} == {}, "Translate these public texts"
