"""Key figures kept once computed, and used while no change since reaches them.

The dashboard keeps the figures of each closed month of its series (a month
is closed when its last day is before today) and those of its reference date
with both breakdowns. They are kept in ``KeptFigures`` with the snapshot they were computed in. Every change of the
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
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lotse.reports.figures import (
    CASE_KEYS,
    COUNT_KEYS,
    Grouping,
    KeyFigures,
    Scope,
    compute,
    default_period_start,
    key_figures_with_breakdowns,
    one_snapshot,
)
from lotse.reports.models import FigureChange, KeptFigures

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
          AND CASE
              -- the computing transaction's own changes: seen if made before the computation (a snapshot
              -- counts its own transaction as visible or not depending on what else was running)
              WHEN ch.transaction_id = m.computed_in THEN ch.id > coalesce(m.own_changes_until, 0)
              ELSE NOT pg_visible_in_snapshot(ch.transaction_id::text::xid8, m.snapshot::pg_snapshot)
          END
    )
"""


@dataclass(frozen=True)
class Seen:
    """What a computation could see: its snapshot, and in a transaction that changed data itself, its own changes."""

    snapshot: str
    transaction: int | None
    own_changes_until: int | None


@dataclass(frozen=True)
class Kept:
    """The figures of one day, with its breakdowns by organisation and municipality when it is a reference date."""

    figures: KeyFigures
    breakdowns: dict[Grouping, dict[int, KeyFigures]] | None


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


def _counts(figures: KeyFigures) -> dict[str, Any]:
    return {**{key: figures.value(key) for key in STORED_KEYS}, REASONS: dict(figures.abschlussgruende)}


def _figures(day: datetime.date, von: datetime.date, counts: dict[str, Any]) -> KeyFigures:
    figures = KeyFigures(stichtag=day, von=von, **{key: counts[key] for key in STORED_KEYS})
    figures.abschlussgruende.update(counts[REASONS])
    return figures


def kept(days: Sequence[datetime.date], von: datetime.date, scope: Scope) -> dict[datetime.date, Kept]:
    """The kept figures of those of ``days`` whose figures are kept and still valid."""
    if not days:
        return {}
    organisation, municipality = _scope_key(scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT m.day, m.counts::text, m.breakdowns::text FROM {KeptFigures._meta.db_table} m
            WHERE m.day = ANY(%s) AND m.von = %s
              AND m.organisation_id IS NOT DISTINCT FROM %s AND m.municipality_id IS NOT DISTINCT FROM %s
              AND m.counts ?& %s::text[]  -- kept before a figure was added: computed again
              AND {STILL_VALID}
            """,
            [list(days), von, organisation, municipality, list(STORED_KEYS)],
        )
        rows = cursor.fetchall()
    result = {}
    for day, counts, breakdowns in rows:
        groups: dict[Grouping, dict[int, KeyFigures]] | None = None
        if breakdowns is not None:
            groups = {
                grouping: {int(pk): _figures(day, von, group) for pk, group in by_group.items()}
                for grouping, by_group in json.loads(breakdowns).items()
            }
        result[day] = Kept(_figures(day, von, json.loads(counts)), groups)
    return result


def keep(computed: Iterable[Kept], von: datetime.date, scope: Scope, seen: Seen) -> None:
    """Keep figures computed in the snapshot ``seen``; a failure to keep costs only time."""
    organisation, municipality = _scope_key(scope)
    rows = [
        (
            item.figures.stichtag,
            json.dumps(_counts(item.figures)),
            None
            if item.breakdowns is None
            else json.dumps(
                {
                    grouping: {str(pk): _counts(figures) for pk, figures in by_group.items()}
                    for grouping, by_group in item.breakdowns.items()
                }
            ),
        )
        for item in computed
    ]
    if not rows:
        return
    days, counts, breakdowns = zip(*rows, strict=True)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {KeptFigures._meta.db_table}
                    (day, von, organisation_id, municipality_id, counts, breakdowns, snapshot, computed_in,
                     own_changes_until)
                SELECT kept.day, %s, %s, %s, kept.counts::jsonb, kept.breakdowns::jsonb, %s, %s, %s
                FROM unnest(%s::date[], %s::text[], %s::text[]) AS kept(day, counts, breakdowns)
                ON CONFLICT ON CONSTRAINT kept_figures_once DO UPDATE SET
                    counts = EXCLUDED.counts, breakdowns = EXCLUDED.breakdowns, snapshot = EXCLUDED.snapshot,
                    computed_in = EXCLUDED.computed_in,
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
                    list(breakdowns),
                ],
            )
    except DatabaseError:
        logger.warning("Could not keep the key figures of closed months", exc_info=True)


def report_figures(
    stichtag: datetime.date, von: datetime.date, series_days: Sequence[datetime.date], scope: Scope
) -> tuple[list[KeyFigures], KeyFigures, dict[Grouping, dict[int, KeyFigures]]]:
    """The series over ``series_days`` (ending with ``stichtag``), the figures at ``stichtag`` and its breakdowns.

    All in one snapshot: the closed months and the reference date (with its
    breakdowns) from what is kept where it is still valid, the other months in
    one computation, the reference date with both breakdowns in one statement.
    What is computed here is kept afterwards.
    """
    today = timezone.localdate()
    closed = [day for day in series_days if is_closed_month_end(day, today) and day != stichtag]
    with one_snapshot():
        seen = seen_now()
        known = kept([*closed, stichtag], von, scope)
        missing = [day for day in series_days if day not in known and day != stichtag]
        computed = compute(missing, von, scope) if missing else {}
        reference = known.get(stichtag)
        if reference is None or reference.breakdowns is None:
            reference = Kept(*key_figures_with_breakdowns(stichtag, von, scope))
            to_keep = [reference]
        else:
            to_keep = []
    to_keep.extend(Kept(computed[(day, None)], None) for day in closed if day not in known)
    keep(to_keep, von, scope, seen)
    figures, breakdowns = reference.figures, reference.breakdowns or {}
    # The reference date is one row wherever it appears (lotse.reports.presentation.Report.row_name).
    series = [
        figures if day == stichtag else (known[day].figures if day in known else computed[(day, None)])
        for day in series_days
    ]
    return series, figures, breakdowns


def figures_on(day: datetime.date, scope: Scope) -> KeyFigures:
    """The figures at ``day`` with the dashboard's default period start: the dashboard's kept reference date
    while still valid, else counted (with both breakdowns, as the dashboard will want them) and kept."""
    _series, figures, _breakdowns = report_figures(day, default_period_start(scope, day), [day], scope)
    return figures


def forget_outdated() -> tuple[int, int]:
    """Delete the kept figures no longer valid or long unused, then the changes no kept figures need any more.

    Returns the numbers of kept figures and of changes deleted.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {KeptFigures._meta.db_table} m
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
