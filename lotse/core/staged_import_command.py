"""The command line of every staged import: ``manage.py import_<kind> FILE [...] [--commit | --dry-run] [--user]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.models import Organisation, User
from lotse.core.staged_import import Importer, earlier_commit, fingerprint, import_from_command
from lotse.core.upload_guard import check_size


class BaseImportCommand(BaseCommand):
    """Check the files and (with --commit, or by default where ``commit_by_default``) import them.

    Prints the report, and exits with status 1 when the files have problems
    (then nothing is written). A committed import is remembered like one from
    the app when the organisation it went into is known.
    """

    importer: ClassVar[Importer]
    # Whether the command takes several files (one CSV file per sheet).
    several_files: ClassVar[bool] = False
    # Whether the command imports unless told --dry-run (otherwise it checks unless told --commit).
    commit_by_default: ClassVar[bool] = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+" if self.several_files else 1, metavar="FILE", help="an .xlsx workbook or .csv file"
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--commit", action="store_true", help="import the files (all rows or none)")
        mode.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")
        parser.add_argument("--user", metavar="USERNAME", help="the user named in the change history as the importer")

    def organisation(self, options: dict[str, Any]) -> Organisation | None:
        """The organisation the files go into (None: the user's, or none at all)."""
        return None

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self.organisation(options)
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(_("Unknown user “%(name)s”.") % {"name": options["user"]})
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            # Before the files are read into memory; the readers check them further.
            check_size([path.stat().st_size for path in paths], self.importer.max_megabytes())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        files = [(path.name, path.read_bytes()) for path in paths]
        commit = options["commit"] or (self.commit_by_default and not options["dry_run"])
        earlier = earlier_commit(self.importer, fingerprint(files), user=None, organisation=organisation)
        if earlier is not None and earlier.committed_at is not None:
            self.stdout.write(
                _("This file was already imported into %(organisation)s on %(when)s.")
                % {
                    "organisation": earlier.organisation.short_name,
                    "when": date_format(localtime(earlier.committed_at), "SHORT_DATETIME_FORMAT"),
                }
            )
        try:
            report, _run = import_from_command(
                self.importer, files, organisation=organisation, acting_user=user, commit=commit
            )
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
            self.stdout.write(self.style.SUCCESS(_("Import committed.")))
        else:
            self.stdout.write(_("Dry run: nothing was written."))
