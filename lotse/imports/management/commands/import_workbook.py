"""manage.py import_workbook FILE [FILE ...] --organisation SHORTNAME [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.models import Organisation
from lotse.imports.engine import fingerprint, import_workbook
from lotse.imports.services import earlier_commit, record_command_import
from lotse.imports.workbook import Source


class Command(BaseCommand):
    help = (
        "Import a Lotse workbook (XLSX, or one CSV file per sheet) into an organisation. "
        "Prints the report; exits with status 1 when the file has problems (then nothing is written)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="an .xlsx workbook or CSV files named after sheets"
        )
        parser.add_argument("--organisation", required=True, metavar="SHORTNAME", help="the importing organisation")
        parser.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["organisation"]})
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        streams = [path.open("rb") for path in paths]
        try:
            sources = [Source(path.name, stream) for path, stream in zip(paths, streams, strict=True)]
            file_hash = fingerprint((source.name, source.stream) for source in sources)
            earlier = earlier_commit(organisation, file_hash)
            if earlier is not None and earlier.committed_at is not None:
                self.stdout.write(
                    _("This file was already imported into %(organisation)s on %(when)s.")
                    % {
                        "organisation": organisation.short_name,
                        "when": date_format(localtime(earlier.committed_at), "SHORT_DATETIME_FORMAT"),
                    }
                )
            report = import_workbook(
                sources, organisation=organisation, acting_user=None, commit=not options["dry_run"]
            )
        finally:
            for stream in streams:
                stream.close()
        for line in report.text_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                ngettext(
                    "%(count)s problem; nothing was imported.",
                    "%(count)s problems; nothing was imported.",
                    report.problem_count,
                )
                % {"count": report.problem_count},
                returncode=1,
            )
        if report.committed:
            record_command_import(
                organisation=organisation, file_names=[p.name for p in paths], file_hash=file_hash, report=report
            )
            self.stdout.write(self.style.SUCCESS(_("Import committed.")))
        else:
            self.stdout.write(_("Dry run: nothing was written."))
