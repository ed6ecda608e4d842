"""manage.py wohnraum --stichtag YYYY-MM-DD [--von YYYY-MM-DD] [--gemeinde AGS] [--organisation SHORTNAME]
[--format json|table]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core.figure_command import aligned, figure_text, period
from lotse.core.models import Municipality, Organisation
from lotse.housing.figures import HousingFigures, figure_table_rows, housing_figures, municipality_label, scope_label


class Command(BaseCommand):
    help = (
        "Print the figures of housing acquisition (offers acquired and placed, open flats, searching households, "
        "leases, rent-default guarantees) at a reference date, for every organisation or one, every municipality "
        "or one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stichtag", metavar="YYYY-MM-DD", help="reference date (default: today)")
        parser.add_argument(
            "--von", metavar="YYYY-MM-DD", help="start of the period (default: 1 January of the reference year)"
        )
        parser.add_argument("--gemeinde", metavar="AGS", help="only this municipality (8-digit key)")
        parser.add_argument("--organisation", metavar="SHORTNAME", help="only this organisation")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        day, von = period(options)
        organisation = municipality = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
            if organisation is None:
                raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["organisation"]})
        if options["gemeinde"]:
            municipality = Municipality.objects.filter(ags=options["gemeinde"]).first()
            if municipality is None:
                raise CommandError(_("Unknown municipality key (AGS) “%(ags)s”.") % {"ags": options["gemeinde"]})
        figures = housing_figures(day, von, organisation, municipality)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures))


def table(figures: HousingFigures) -> str:
    head = [
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Period from"), figures.von.strftime("%d.%m.%Y")),
        (_("Organisation"), figures.organisation.short_name if figures.organisation else scope_label(None)),
        (_("Municipality"), municipality_label(figures.municipality)),
    ]
    return aligned([*head, *((label, figure_text(value)) for label, value in figure_table_rows(figures))])
