"""The fictional demo county, read from the data files beside this module.

``county.toml`` holds the organisations, municipalities and users; the other
files hold the name pools, text templates and actors the generators draw on.
"""

from __future__ import annotations

import datetime
import json
import random
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

from lotse.core.services import audit_context

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as file:
        return tomllib.load(file)


@cache
def read_json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as file:
        return json.load(file)


COMMAND = "load_demo_data"


@contextmanager
def recorded() -> Iterator[None]:
    """One step of the demo in the change history: its own context, named after the command.

    Each step gets a context of its own (a nested one would merge into the enclosing context),
    so the history names the user each service was called for, as after a request of that user.
    """
    with audit_context(command=COMMAND):
        yield


def tuples(value: Any) -> Any:
    """JSON's lists as tuples, as the generators' constants are (hashable, and equal to the originals)."""
    if isinstance(value, list):
        return tuple(tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: tuples(item) for key, item in value.items()}
    return value


_COUNTY = read_toml("county.toml")

# The password of every demo user, printed by `make demo`. Demo only.
DEMO_PASSWORD: str = _COUNTY["password"]
COUNTY: str = _COUNTY["county"]
MUNICIPALITIES: list[tuple[str, str]] = [(ags, name) for ags, name in _COUNTY["municipalities"]]
ORGANISATIONS: list[tuple[str, str, str]] = [(short, name, kind) for short, name, kind in _COUNTY["organisations"]]
# The municipality whose administration an organisation is (AGS): the county's assignments reach it.
ORGANISATION_MUNICIPALITIES: dict[str, str] = dict(_COUNTY["organisation_municipalities"])
# username, organisation, roles, first name, last name
USERS: list[tuple[str, str, list[str], str, str]] = [
    (u["username"], u["organisation"], list(u["roles"]), u["first_name"], u["last_name"]) for u in _COUNTY["users"]
]


T = TypeVar("T")


class Drafting:
    """The seeded chances every demo generator draws from, so the same seed drafts the same county."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, options: Mapping[T, float]) -> T:
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))


def analyze_written_tables(*models: type[Model]) -> None:
    """Give the planner the statistics of the tables the demo just wrote, inside its transaction.

    Tables that were emptied before (a test database, say) can be known to the planner as empty until
    autovacuum next runs; the demo's own counts and the pages after it would then join the demo's
    thousands of rows as if there were none (nested loops over sequential scans: minutes, not
    milliseconds). ANALYZE inside the transaction counts its own rows.
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
