"""Project hygiene: migrations complete, every string translated."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO_FILE = Path(settings.BASE_DIR) / "lotse" / "locale" / "de" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")
        raise exit_


def test_it_translates_every_message_to_german():
    po = polib.pofile(str(PO_FILE))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


# Pair forms ("Klientinnen und Klienten", "der Klientin bzw. dem Klienten") and slashes ("Klient/in")
# instead of the one gender-inclusive form of the interface, the colon ("Klient:innen", "Benutzer:in").
PAIR_OR_SLASH = re.compile(
    r"[A-ZÄÖÜ]\w*innen und [A-ZÄÖÜ]\w+"
    r"|[A-ZÄÖÜ]\w*in (?:bzw\.|oder) (?:de[rnm]|ein|mein)\w* \w+"
    r"|\w+/-?in(?:nen)?\b"
)


def test_it_uses_one_gender_inclusive_form():
    po = polib.pofile(str(PO_FILE))
    found = [
        match.group(0)
        for entry in po
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        for match in PAIR_OR_SLASH.finditer(text)
    ]
    assert found == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_it_has_every_source_string_in_the_catalogue(tmp_path, settings, monkeypatch):
    """Extract the strings afresh from a copy of the sources: nothing untranslated may appear."""
    source = Path(settings.BASE_DIR) / "lotse"
    copy = tmp_path / "lotse"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["de"], verbosity=0)
    fresh = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], "Run `manage.py makemessages -l de` and translate these"
