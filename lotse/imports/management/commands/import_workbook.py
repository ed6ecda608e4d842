"""manage.py import_workbook FILE [FILE ...] --organisation SHORTNAME [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core.models import Organisation
from lotse.core.staged_import_command import BaseImportCommand
from lotse.imports.importer import WORKBOOK


class Command(BaseImportCommand):
    help = (
        "Import a Lotse workbook (XLSX, or one CSV file per sheet) into an organisation. "
        "Prints the report; exits with status 1 when the file has problems (then nothing is written)."
    )
    importer = WORKBOOK
    several_files = True
    commit_by_default = True

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--organisation", required=True, metavar="SHORTNAME", help="the importing organisation")

    def organisation(self, options: dict[str, Any]) -> Organisation:
        organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["organisation"]})
        return organisation
