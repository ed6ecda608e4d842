"""manage.py compile_translations: the .po files of LOCALE_PATHS into .mo files, without GNU gettext.

``make`` runs it before migrating, so a fresh machine needs no gettext
installed; fuzzy and untranslated entries are left out, as msgfmt does.
Producing the .po files (``makemessages``) stays a developer's task with
GNU gettext.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translations (.po to .mo) with polib; GNU gettext is not needed."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for folder in settings.LOCALE_PATHS:
            for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {mo_path}")
        if options["verbosity"] > 0:
            self.stdout.write(f"{compiled} translation file(s) compiled")
