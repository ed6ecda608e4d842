"""The key figures of closed months, kept once computed and used while no change since reaches them.

A month is closed when its last day is before today. Its figures are kept in
``MonthFigures`` with the snapshot they were computed in. Every change of the
data they are computed from is logged with the earliest date it affects
(``FigureChange``, written by triggers). Kept figures are used only when no
logged change dated on or before their day is missing from their snapshot,
so they are always what a fresh computation in the reader's snapshot gives:
a change committed while they were computed, a backdated language record or
a case closed into a past month makes them be computed again.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lotse.reports.figures import (
    CASE_KEYS,
    COUNT_KEYS,
    Grouping,
    KeyFigures,
    Scope,
    compute,
    key_figures_with_breakdowns,
    one_snapshot,
)
from lotse.reports.models import FigureChange, MonthFigures

logger = logging.getLogger(__name__)

STORED_KEYS = (*COUNT_KEYS, *CASE_KEYS)
REASONS = "abschlussgruende"
# Kept figures are computed again after this long, and changes logged this long ago forgotten (lotse.reports.tasks).
KEEP_FIGURES_DAYS = 90
KEEP_CHANGES_DAYS = 1

# A kept row is still valid when every change dated on or before its day was visible to its computation.
STILL_VALID = f"""
    NOT EXISTS (
        SELECT 1 FROM {FigureChange._meta.db_table} ch
        WHERE ch.affected_from <= m.day
          AND NOT pg_visible_in_snapshot(ch.transaction_id::text::xid8, m.snapshot::pg_snapshot)
          AND NOT coalesce(ch.transaction_id = m.computed_in AND ch.id <= m.own_changes_until, FALSE)
    )
"""


@dataclass(frozen=True)
class Seen:
    """What a computation could see: its snapshot, and in a transaction that changed data itself, its own changes."""

    snapshot: str
    transaction: int | None
    own_changes_until: int | None


def seen_now() -> Seen:
    """Call first thing in the snapshot of the computation (a later statement may only see more, never less)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT pg_current_snapshot()::text, own.xid,
                   (SELECT max(id) FROM {FigureChange._meta.db_table} WHERE transaction_id = own.xid)
            FROM (SELECT pg_current_xact_id_if_assigned()::text::bigint AS xid) AS own
            """
        )
        snapshot, own, until = cursor.fetchone()
    return Seen(snapshot, own, until)


def is_closed_month_end(day: datetime.date, today: datetime.date) -> bool:
    return day < today and (day + datetime.timedelta(days=1)).day == 1


def _scope_key(scope: Scope) -> tuple[int | None, int | None]:
    return (
        scope.organisation.pk if scope.organisation else None,
        scope.municipality.pk if scope.municipality else None,
    )


def kept(days: Sequence[datetime.date], von: datetime.date, scope: Scope) -> dict[datetime.date, KeyFigures]:
    """The kept figures of those of ``days`` whose figures are kept and still valid."""
    if not days:
        return {}
    organisation, municipality = _scope_key(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT m.day, m.counts::text FROM {MonthFigures._meta.db_table} m
            WHERE m.day = ANY(%s) AND m.von = %s
              AND m.organisation_id IS NOT DISTINCT FROM %s AND m.municipality_id IS NOT DISTINCT FROM %s
              AND {STILL_VALID}
            """,
            [list(days), von, organisation, municipality],
        )
        rows = cursor.fetchall()
    result = {}
    for day, text in rows:
        counts = json.loads(text)
        figures = KeyFigures(stichtag=day, von=von, **{key: counts[key] for key in STORED_KEYS})
        figures.abschlussgruende.update(counts[REASONS])
        result[day] = figures
    return result


def keep(computed: Iterable[KeyFigures], von: datetime.date, scope: Scope, seen: Seen) -> None:
    """Keep figures of closed months computed in the snapshot ``seen``; a failure to keep costs only time."""
    organisation, municipality = _scope_key(scope)
    rows = [
        (
            figures.stichtag,
            json.dumps({**{key: figures.value(key) for key in STORED_KEYS}, REASONS: dict(figures.abschlussgruende)}),
        )
        for figures in computed
    ]
    if not rows:
        return
    days, counts = zip(*rows, strict=True)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {MonthFigures._meta.db_table}
                    (day, von, organisation_id, municipality_id, counts, snapshot, computed_in, own_changes_until)
                SELECT kept.day, %s, %s, %s, kept.counts::jsonb, %s, %s, %s
                FROM unnest(%s::date[], %s::text[]) AS kept(day, counts)
                ON CONFLICT ON CONSTRAINT month_figures_once DO UPDATE SET
                    counts = EXCLUDED.counts, snapshot = EXCLUDED.snapshot, computed_in = EXCLUDED.computed_in,
                    own_changes_until = EXCLUDED.own_changes_until, created_at = now()
                """,
                [
                    von,
                    organisation,
                    municipality,
                    seen.snapshot,
                    seen.transaction,
                    seen.own_changes_until,
                    list(days),
                    list(counts),
                ],
            )
    except DatabaseError:
        logger.warning("Could not keep the key figures of closed months", exc_info=True)


def report_figures(
    stichtag: datetime.date, von: datetime.date, series_days: Sequence[datetime.date], scope: Scope
) -> tuple[list[KeyFigures], KeyFigures, dict[Grouping, dict[int, KeyFigures]]]:
    """The series over ``series_days`` (ending with ``stichtag``), the figures at ``stichtag`` and its breakdowns.

    All in one snapshot: the closed months from what is kept where it is still
    valid, the other months in one computation, the reference date with both
    breakdowns in one statement. The months computed here are kept afterwards.
    """
    today = timezone.localdate()
    closed = [day for day in series_days if is_closed_month_end(day, today)]
    with one_snapshot():
        seen = seen_now()
        known = kept(closed, von, scope)
        missing = [day for day in series_days if day not in known and day != stichtag]
        computed = compute(missing, von, scope) if missing else {}
        figures, breakdowns = key_figures_with_breakdowns(stichtag, von, scope)
    computed[(stichtag, None)] = figures
    keep((computed[(day, None)] for day in closed if day not in known), von, scope, seen)
    # The reference date is one row wherever it appears (lotse.reports.presentation.Report.row_name).
    series = [figures if day == stichtag else known.get(day) or computed[(day, None)] for day in series_days]
    return series, figures, breakdowns


def forget_outdated() -> tuple[int, int]:
    """Delete the kept figures no longer valid or long unused, then the changes no kept figures need any more.

    Returns the numbers of kept figures and of changes deleted.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {MonthFigures._meta.db_table} m
            WHERE NOT ({STILL_VALID}) OR m.created_at < now() - make_interval(days => %s)
            """,
            [KEEP_FIGURES_DAYS],
        )
        figures = cursor.rowcount
        # A kept row computed from a snapshot older than this would have had to be computed for a day.
        cursor.execute(
            f"DELETE FROM {FigureChange._meta.db_table} WHERE created_at < now() - make_interval(days => %s)",
            [KEEP_CHANGES_DAYS],
        )
        return figures, cursor.rowcount
