"""manage.py kennzahlen --stichtag YYYY-MM-DD [--von YYYY-MM-DD] [--traeger SHORTNAME] [--gemeinde AGS]"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.models import Municipality, Organisation
from lotse.reports.figures import KeyFigures, Scope, key_figures
from lotse.reports.labels import FIGURE_LABELS
from lotse.reports.presentation import reason_label


def _iso_date(option: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(option)s: “%(value)s” is not a date; please write YYYY-MM-DD.") % {"option": option, "value": text}
        ) from None


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
        day = _iso_date("--stichtag", options["stichtag"]) if options["stichtag"] else timezone.localdate()
        von = _iso_date("--von", options["von"]) if options["von"] else None
        if von is not None and von > day:
            raise CommandError(_("The period start (--von) lies after the reference date (--stichtag)."))
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
    rows: list[tuple[str, str]] = [
        (_("Reference date"), figures.stichtag.strftime("%d.%m.%Y")),
        (_("Period from"), figures.von.strftime("%d.%m.%Y")),
        (_("Organisation"), scope.organisation.short_name if scope.organisation else _("all")),
        (_("Municipality"), str(scope.municipality) if scope.municipality else _("all")),
    ]
    for key, label in FIGURE_LABELS.items():
        value = figures.value(key)
        if key == "abschlussgruende":
            rows.append((str(label), ""))
            rows.extend((f"  {reason_label(code)}", str(count)) for code, count in value.items())
        elif value is None:
            rows.append((str(label), "–"))
        else:
            rows.append((str(label), str(value).replace(".", ",")))
    width = max(len(label) for label, _value in rows)
    return "\n".join(f"{label:<{width}}  {value:>8}" for label, value in rows)
