"""The responsibilities for integration management in the demo county (``data/responsibilities.toml``),
entered through :mod:`lotse.arrivals.services` as the district office's system administrator would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lotse.arrivals.models import Responsibility
from lotse.arrivals.services import create_responsibility
from lotse.core.models import Municipality, Organisation
from lotse.demo.data import MUNICIPALITIES, read_toml, recorded

SETTINGS = read_toml("responsibilities.toml")


def planned() -> list[tuple[str, str, str, str]]:
    """(municipality, organisation short name, district, note) of every responsibility of the demo county."""
    named = {town: short for short, towns in SETTINGS["whole_municipalities"].items() for town in towns}
    entries = [(town, named.get(town, SETTINGS["default"]), "", "") for _ags, town in MUNICIPALITIES]
    entries += [(d["municipality"], d["organisation"], d["district"], d.get("note", "")) for d in SETTINGS["districts"]]
    return entries


def start(today: datetime.date) -> datetime.date:
    """The first day of the month ``since_months`` months before ``today``: the responsibilities' start."""
    month = today.year * 12 + today.month - 1 - SETTINGS["since_months"]
    return datetime.date(month // 12, month % 12 + 1, 1)


def load_demo_responsibilities(today: datetime.date | None = None) -> int:
    """Enter what is missing (a second load creates nothing); the demo municipalities and organisations must exist.

    Returns how many responsibilities were created.
    """
    since = start(today or timezone.localdate())
    organisations = {o.short_name: o for o in Organisation.objects.all()}
    municipalities = {m.name: m for m in Municipality.objects.filter(ags__in=[ags for ags, _town in MUNICIPALITIES])}
    existing = set(Responsibility.objects.values_list("municipality__name", "organisation__short_name", "district"))
    created = 0
    for town, short, district, note in planned():
        if (town, short, district) in existing or town not in municipalities or short not in organisations:
            continue
        with recorded():
            create_responsibility(
                acting_user=None,
                municipality=municipalities[town],
                organisation=organisations[short],
                valid_from=since,
                district=district,
                note=note,
            )
        created += 1
    return created
