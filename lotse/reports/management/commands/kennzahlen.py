"""manage.py kennzahlen --stichtag YYYY-MM-DD [--von YYYY-MM-DD] [--traeger SHORTNAME] [--gemeinde AGS]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core.figure_command import figure_table, period
from lotse.core.models import Municipality, Organisation
from lotse.reports.figures import KeyFigures, Scope, key_figures
from lotse.reports.labels import FIGURE_LABELS
from lotse.reports.presentation import reason_label


class Command(BaseCommand):
    help = (
        "Print the key figures of the integration management at a reference date, "
        "for the installation or one organisation and/or municipality."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stichtag", metavar="YYYY-MM-DD", help="reference date (default: today)")
        parser.add_argument("--von", metavar="YYYY-MM-DD", help="start of the period (default: earliest case start)")
        parser.add_argument("--traeger", metavar="SHORTNAME", help="only cases of this organisation")
        parser.add_argument("--gemeinde", metavar="AGS", help="only cases in this municipality")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        day, von = period(options)
        organisation = municipality = None
        if options["traeger"]:
            organisation = Organisation.objects.filter(short_name=options["traeger"]).first()
            if organisation is None:
                raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["traeger"]})
        if options["gemeinde"]:
            municipality = Municipality.objects.filter(ags=options["gemeinde"]).first()
            if municipality is None:
                raise CommandError(_("Unknown municipality key (AGS) “%(ags)s”.") % {"ags": options["gemeinde"]})
        scope = Scope(organisation=organisation, municipality=municipality)
        figures = key_figures(day, von, scope)
        if options["format"] == "json":
            self.stdout.write(json.dumps(as_json(figures, scope), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures, scope))


def as_json(figures: KeyFigures, scope: Scope) -> dict[str, Any]:
    return {
        "stichtag": figures.stichtag.isoformat(),
        "von": figures.von.isoformat(),
        **scope.as_json(),
        **figures.as_json(),
    }


def table(figures: KeyFigures, scope: Scope) -> str:
    head = [
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Period from"), figures.von.strftime("%d.%m.%Y")),
        (_("Organisation"), scope.organisation.short_name if scope.organisation else _("all")),
        (_("Municipality"), str(scope.municipality) if scope.municipality else _("all")),
    ]
    return figure_table(head, figures, FIGURE_LABELS, reasons="abschlussgruende", reason_label=reason_label)
