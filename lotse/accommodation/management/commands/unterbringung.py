"""manage.py unterbringung --stichtag YYYY-MM-DD --gemeinde AGS [--von YYYY-MM-DD] [--format json|table]"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lotse.accommodation.figure_exports import FIGURE_LABELS, reason_label
from lotse.accommodation.figures import MunicipalityFigures, municipality_figures
from lotse.core.models import Municipality


def _iso_date(option: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s: “%(value)s” is not a date; please write YYYY-MM-DD.") % {"option": option, "value": text}
        ) from None


class Command(BaseCommand):
    help = "Print the accommodation figures of one municipality at a reference date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stichtag", metavar="YYYY-MM-DD", required=True, help="reference date")
        parser.add_argument("--gemeinde", metavar="AGS", required=True, help="official municipality key")
        parser.add_argument("--von", metavar="YYYY-MM-DD", help="period start (default: earliest assignment)")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        day = _iso_date("--stichtag", options["stichtag"])
        von = _iso_date("--von", options["von"]) if options["von"] else None
        if von is not None and von > day:
            raise CommandError(_("The period start (--von) lies after the reference date (--stichtag)."))
        municipality = Municipality.objects.filter(ags=options["gemeinde"]).first()
        if municipality is None:
            raise CommandError(_("Unknown municipality key (AGS) “%(ags)s”.") % {"ags": options["gemeinde"]})
        figures = municipality_figures(municipality, day, von)
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures))


def table(figures: MunicipalityFigures) -> str:
    rows: list[tuple[str, str]] = [
        (_("Municipality"), f"{figures.municipality.name} ({figures.municipality.ags})"),
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Assigned from"), figures.von.strftime("%d.%m.%Y")),
    ]
    for key, label in FIGURE_LABELS.items():
        value = figures.value(key)
        if key == "auszugsgruende":
            rows.append((str(label), ""))
            rows.extend((f"  {reason_label(code)}", str(count)) for code, count in value.items())
        elif value is None:
            rows.append((str(label), "–"))
        else:
            rows.append((str(label), str(value).replace(".", ",")))
    width = max(len(label) for label, _value in rows)
    return "\n".join(f"{label:<{width}}  {value:>8}" for label, value in rows)
