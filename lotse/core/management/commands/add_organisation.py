from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core import services
from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, Organisation
from lotse.core.validation import error_text


class Command(BaseCommand):
    help = "Create an organisation (Träger), or update its name and kind. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--short-name", required=True, help="Unique short name, e.g. caritas-lb")
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--kind", required=True, help="One of: " + ", ".join(OrganisationKind.values))
        parser.add_argument(
            "--municipality", metavar="AGS", help="The municipality whose administration this is (kind gemeinde)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with services.audit_context(command="add_organisation"):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError(_("--name must not be empty."))
        municipality = None
        if options.get("municipality"):
            municipality = Municipality.objects.filter(ags=options["municipality"].strip()).first()
            if municipality is None:
                raise CommandError(
                    _("Unknown municipality key (AGS) “%(ags)s”: add it with add_municipality first.")
                    % {"ags": options["municipality"].strip()}
                )
        try:
            organisation, created = services.ensure_organisation(
                short_name=options["short_name"].strip(),
                name=name,
                kind=options["kind"].strip(),
                municipality=municipality,
            )
        except ValidationError as error:
            raise CommandError(error_text(error, Organisation)) from None
        verb = "Created" if created else "Up to date"
        self.stdout.write(f"{verb}: organisation {organisation.short_name} ({organisation.name}, {organisation.kind})")
