"""manage.py unterbringung --stichtag YYYY-MM-DD --gemeinde AGS [--von YYYY-MM-DD] [--format json|table]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.accommodation.figure_exports import figure_rows
from lotse.accommodation.figures import MunicipalityFigures, municipality_figures
from lotse.core.figure_command import aligned, figure_text, period
from lotse.core.models import Municipality


class Command(BaseCommand):
    help = "Print the accommodation figures of one municipality at a reference date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stichtag", metavar="YYYY-MM-DD", required=True, help="reference date")
        parser.add_argument("--gemeinde", metavar="AGS", required=True, help="official municipality key")
        parser.add_argument("--von", metavar="YYYY-MM-DD", help="period start (default: earliest assignment)")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        day, von = period(options)
        municipality = Municipality.objects.filter(ags=options["gemeinde"]).first()
        if municipality is None:
            raise CommandError(_("Unknown municipality key (AGS) “%(ags)s”.") % {"ags": options["gemeinde"]})
        figures = municipality_figures(municipality, day, von)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures))


def table(figures: MunicipalityFigures) -> str:
    head = [
        (_("Municipality"), f"{figures.municipality.name} ({figures.municipality.ags})"),
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Assigned from"), figures.von.strftime("%d.%m.%Y")),
    ]
    return aligned([*head, *((label, figure_text(value)) for label, value in figure_rows(figures))])
