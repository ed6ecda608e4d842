from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core import services
from lotse.core.models import Municipality
from lotse.core.validation import error_text


class Command(BaseCommand):
    help = "Create a municipality (Gemeinde) with its 8-digit AGS, or update its name. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ags", required=True, help="Amtlicher Gemeindeschlüssel, 8 digits, e.g. 08118048")
        parser.add_argument("--name", required=True)
        parser.add_argument("--county", default="", help="County (Landkreis), e.g. 'Landkreis Ludwigsburg'")

    def handle(self, *args: Any, **options: Any) -> None:
        with services.audit_context(command="add_municipality"):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError(_("--name must not be empty."))
        try:
            municipality, created = services.ensure_municipality(
                ags=options["ags"].strip(), name=name, county=options["county"].strip()
            )
        except ValidationError as error:
            raise CommandError(error_text(error, Municipality)) from None
        verb = "Created" if created else "Up to date"
        self.stdout.write(f"{verb}: municipality {municipality.ags} {municipality.name}")
