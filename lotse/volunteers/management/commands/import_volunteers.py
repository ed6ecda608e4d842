"""manage.py import_volunteers FILE --organisation SHORTNAME [--commit] [--user USERNAME]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core.models import Organisation
from lotse.core.staged_import_command import BaseImportCommand
from lotse.volunteers.volunteer_import import VOLUNTEER_LIST


class Command(BaseImportCommand):
    help = (
        "Check a list of volunteers (XLSX or CSV) and, with --commit, import it into the organisation: all rows or "
        "none. Prints the report; exits with status 1 when the list has problems."
    )
    importer = VOLUNTEER_LIST

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--organisation", metavar="SHORTNAME", help="the coordinating organisation")

    def organisation(self, options: dict[str, Any]) -> Organisation | None:
        if not options["organisation"]:
            return None
        organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["organisation"]})
        return organisation
