"""The translations compile without GNU gettext, as msgfmt would compile them."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_it_compiles_every_catalogue_and_leaves_out_what_msgfmt_leaves_out(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "lotse" / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    catalogue = polib.pofile(str(locale / "de" / "LC_MESSAGES" / "django.po"))
    catalogue.append(polib.POEntry(msgid="A doubtful text", msgstr="Ein zweifelhafter Text", flags=["fuzzy"]))
    catalogue.append(polib.POEntry(msgid="An untranslated text", msgstr=""))
    catalogue.save()

    with override_settings(LOCALE_PATHS=[locale]):
        call_command("compile_translations", verbosity=0)

    languages = sorted(path.parent.parent.name for path in locale.glob("*/LC_MESSAGES/django.mo"))
    assert languages == sorted(path.parent.parent.name for path in locale.glob("*/LC_MESSAGES/django.po"))
    with (locale / "de" / "LC_MESSAGES" / "django.mo").open("rb") as stream:
        german = gettext.GNUTranslations(stream)
    # Looked up through a name makemessages does not take for a translatable string.
    translate, translate_plural = german.gettext, german.ngettext
    assert translate("Sign out") == "Abmelden"
    assert translate_plural("%(counter)s case", "%(counter)s cases", 2) == "%(counter)s Fälle"
    assert translate("A doubtful text") == "A doubtful text"
    assert translate("An untranslated text") == "An untranslated text"
