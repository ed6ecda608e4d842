"""manage.py ehrenamt --stichtag YYYY-MM-DD [--von YYYY-MM-DD] [--organisation SHORTNAME] [--format json|table]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.core.figure_command import aligned, figure_text, period
from lotse.core.models import Organisation
from lotse.volunteers.figures import VolunteerFigures, figure_table_rows, scope_label, volunteer_figures


class Command(BaseCommand):
    help = (
        "Print the figures of volunteering (volunteers, sponsorships, newcomers reached, interpreter pool) at a "
        "reference date, for every organisation or one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stichtag", metavar="YYYY-MM-DD", help="reference date (default: today)")
        parser.add_argument(
            "--von", metavar="YYYY-MM-DD", help="start of the period (default: the earliest programme start)"
        )
        parser.add_argument("--organisation", metavar="SHORTNAME", help="only this coordinating organisation")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        day, von = period(options)
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
            if organisation is None:
                raise CommandError(_("Unknown organisation “%(name)s”.") % {"name": options["organisation"]})
        figures = volunteer_figures(day, von, organisation)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures))


def table(figures: VolunteerFigures) -> str:
    head = [
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Period from"), figures.von.strftime("%d.%m.%Y")),
        (_("Organisation"), figures.organisation.short_name if figures.organisation else scope_label(None)),
    ]
    return aligned([*head, *((label, figure_text(value)) for label, value in figure_table_rows(figures))])
