"""manage.py import_actors FILE [--commit] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.models import User
from lotse.network.actor_import import import_actor_list, record_command_import


class Command(BaseCommand):
    help = (
        "Check a list of actors (XLSX or CSV) against the network directory and, with --commit, import it: "
        "all rows or none. Prints the report; exits with status 1 when the list has problems."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="an .xlsx workbook or a .csv file")
        parser.add_argument("--commit", action="store_true", help="import the list (without: a dry run)")
        parser.add_argument(
            "--user", metavar="USERNAME", help="the network editor named in the change history as the importer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(_("Unknown user “%(name)s”.") % {"name": options["user"]})
        content = path.read_bytes()
        try:
            report = import_actor_list(path.name, content, acting_user=user, commit=options["commit"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
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
            if user is not None:
                record_command_import(acting_user=user, name=path.name, content=content, report=report)
            self.stdout.write(self.style.SUCCESS(_("Import committed.")))
        else:
            self.stdout.write(_("Dry run: nothing was written."))
