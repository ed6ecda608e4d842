"""Key figures (Kennzahlen) of the integration management at a reference date.

Everything is counted by aggregation in PostgreSQL; no person is loaded into
Python. The definitions are those shown on the dashboard (``definitions.html``)
and in ``docs/kennzahlen.md``:

- a case is active on D when ``start_date <= D`` and (no end or ``end_date > D``);
- age on D is counted from the stored date of birth, which for a partial date
  is already its first possible day (1st of the month, or 1 January);
- a status (language level, work or housing situation) on D is the latest
  record with ``valid_from <= D``; no language record means ``keine``;
- ended cases are those with ``V <= end_date <= D``; a client ended in their first own tenancy when the
  housing record holding on the end date is ``privater_mietvertrag`` and no earlier record of theirs is.

One function computes any set of reference dates, optionally grouped by
organisation or municipality, in statements that run in one snapshot (four for
several dates, three for one: ``compute_one_day``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db import connection, transaction

from lotse.cases.choices import ClosingReason
from lotse.cases.models import Case, CaseClient
from lotse.core.models import Municipality, Organisation
from lotse.people.choices import B1_OR_HIGHER, HousingSituation, WorkSituation
from lotse.people.models import HousingRecord, LanguageRecord, Person, WorkRecord

Grouping = Literal["organisation", "municipality"]

EMPLOYED = (WorkSituation.BESCHAEFTIGT_SVP,)
IN_TRAINING = (WorkSituation.AUSBILDUNG, WorkSituation.PRAKTIKUM, WorkSituation.STUDIUM)
OWN_TENANCY = HousingSituation.PRIVATER_MIETVERTRAG
ADULT_AGE = 18
# Memory per hash and sort of one report query (PostgreSQL's default of 4 MB spills a series to disk).
WORK_MEM = "64MB"

# The keys of one set of figures, in the order of the definitions (and of the JSON output).
COUNT_KEYS = (
    "klienten",
    "minderjaehrige",
    "erwachsene",
    "alter_unbekannt",
    "erwachsene_b1_plus",
    "erwachsene_beschaeftigt",
    "erwachsene_ausbildung",
)
SHARE_KEYS = ("anteil_b1_plus", "anteil_beschaeftigt", "anteil_ausbildung")
CASE_KEYS = ("faelle_aktiv", "beendet_personen", "beendet_mit_mietvertrag", "beendet_erstmals_privat")
FIGURE_KEYS = (*COUNT_KEYS, *SHARE_KEYS, *CASE_KEYS, "abschlussgruende")


def share(part: int, whole: int | None) -> Decimal | None:
    """Percent of ``whole`` with one decimal, rounded half up; None without a whole (None or 0)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# The tables the statements of the key figures read.
TABLES = {
    "case": Case._meta.db_table,
    "client": CaseClient._meta.db_table,
    "person": Person._meta.db_table,
    "language": LanguageRecord._meta.db_table,
    "work": WorkRecord._meta.db_table,
    "housing": HousingRecord._meta.db_table,
}


@dataclass
class KeyFigures:
    """The figures at one reference date for one scope (everything, or one group)."""

    stichtag: datetime.date
    von: datetime.date
    klienten: int = 0
    minderjaehrige: int = 0
    erwachsene: int = 0
    alter_unbekannt: int = 0
    erwachsene_b1_plus: int = 0
    erwachsene_beschaeftigt: int = 0
    erwachsene_ausbildung: int = 0
    faelle_aktiv: int = 0
    beendet_personen: int = 0
    beendet_mit_mietvertrag: int = 0
    beendet_erstmals_privat: int = 0
    abschlussgruende: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ClosingReason.values, 0))

    @property
    def anteil_b1_plus(self) -> Decimal | None:
        return share(self.erwachsene_b1_plus, self.erwachsene)

    @property
    def anteil_beschaeftigt(self) -> Decimal | None:
        return share(self.erwachsene_beschaeftigt, self.erwachsene)

    @property
    def anteil_ausbildung(self) -> Decimal | None:
        return share(self.erwachsene_ausbildung, self.erwachsene)

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def as_json(self) -> dict[str, Any]:
        """The figures as JSON values: counts as ints, shares as numbers with one decimal or None."""
        result: dict[str, Any] = {}
        for key in FIGURE_KEYS:
            value = getattr(self, key)
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, dict):
                value = dict(value)
            result[key] = value
        return result


@dataclass(frozen=True)
class Scope:
    """Which cases count: all of the installation, or those of one organisation and/or municipality."""

    organisation: Organisation | None = None
    municipality: Municipality | None = None

    def _conditions(self) -> dict[str, int]:
        """The case columns the scope fixes, by name: ``organisation_id``, ``municipality_id``."""
        fixed = {}
        if self.organisation is not None:
            fixed["organisation_id"] = self.organisation.pk
        if self.municipality is not None:
            fixed["municipality_id"] = self.municipality.pk
        return fixed

    def where(self, alias: str) -> tuple[str, list[Any]]:
        fixed = self._conditions()
        return " AND ".join(["TRUE", *(f"{alias}.{column} = %s" for column in fixed)]), list(fixed.values())

    def where_named(self, alias: str) -> tuple[str, dict[str, Any]]:
        """``where`` with named parameters (``scope_organisation_id``, ``scope_municipality_id``)."""
        fixed = self._conditions()
        clauses = ["TRUE", *(f"{alias}.{column} = %(scope_{column})s" for column in fixed)]
        return " AND ".join(clauses), {f"scope_{column}": value for column, value in fixed.items()}

    def as_json(self) -> dict[str, str | None]:
        return {
            "traeger": self.organisation.short_name if self.organisation else None,
            "gemeinde": self.municipality.ags if self.municipality else None,
        }


def default_period_start(scope: Scope, fallback: datetime.date) -> datetime.date:
    """The default V: the earliest start of a case in the scope (``fallback`` when there is none)."""
    where, params = scope.where("c")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(c.start_date) FROM {Case._meta.db_table} c WHERE {where}", params)
        (earliest,) = cursor.fetchone()
    return earliest or fallback


def key_figures(day: datetime.date, von: datetime.date | None = None, scope: Scope | None = None) -> KeyFigures:
    """The figures at one reference date."""
    scope = scope or Scope()
    von = von or default_period_start(scope, day)
    return compute([day], von, scope)[(day, None)]


def key_figure_series(
    days: Sequence[datetime.date], von: datetime.date, scope: Scope | None = None
) -> list[KeyFigures]:
    """The figures at each of ``days`` (same V for all), in the order given."""
    result = compute(days, von, scope or Scope())
    return [result[(day, None)] for day in days]


def key_figures_by(
    grouping: Grouping, day: datetime.date, von: datetime.date, scope: Scope | None = None
) -> dict[int, KeyFigures]:
    """The figures at one date per organisation or municipality of the cases (by primary key).

    A person with cases in two groups counts in both; groups without any case
    in the scope are left out.
    """
    result = compute([day], von, scope or Scope(), grouping)
    return {group: figures for (_day, group), figures in result.items() if group is not None}


def key_figures_by_both(
    day: datetime.date, von: datetime.date, scope: Scope | None = None
) -> dict[Grouping, dict[int, KeyFigures]]:
    """``key_figures_by`` for organisations and municipalities at once: one computation, not two.

    Each case takes part twice, once in its organisation's group and once in its municipality's
    (the group keys are ``2 * id`` and ``2 * id + 1``), and every count partitions by the group.
    """
    return split_groups(compute([day], von, scope or Scope(), "both"))


def key_figures_with_breakdowns(
    day: datetime.date, von: datetime.date, scope: Scope | None = None
) -> tuple[KeyFigures, dict[Grouping, dict[int, KeyFigures]]]:
    """``key_figures`` and ``key_figures_by_both`` at one date, in one computation."""
    result = compute([day], von, scope or Scope(), "total_and_both")
    return result[(day, None)], split_groups(result)


def split_groups(result: dict[tuple[datetime.date, int | None], KeyFigures]) -> dict[Grouping, dict[int, KeyFigures]]:
    """The groups of a computation ``by_both`` (see ``key_figures_by_both``), by grouping and primary key."""
    both: dict[Grouping, dict[int, KeyFigures]] = {"organisation": {}, "municipality": {}}
    for (_day, group), figures in result.items():
        if group is not None:
            both["municipality" if group % 2 else "organisation"][group // 2] = figures
    return both


def month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The last day of every month from ``first``'s month to ``last``'s; the final one is ``last`` itself."""
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        days.append(min(datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1), last))
        year, month = next_year, next_month
    return days


def compute(
    days: Iterable[datetime.date],
    von: datetime.date,
    scope: Scope,
    grouping: Grouping | Literal["both", "total_and_both"] | None = None,
) -> dict[tuple[datetime.date, int | None], KeyFigures]:
    """The figures for every (day, group); with ``grouping`` None the group is None.

    Groups that have no row at a day are absent when grouping; without
    grouping (and for the total of ``total_and_both``) every day is present
    (with zeros where nothing counts). One reference date is counted directly,
    several by a sweep over time; both give the same figures.
    """
    day_list = sorted(set(days))
    if not day_list:
        return {}
    group_columns = {
        None: ["NULL::bigint"],
        "organisation": ["c.organisation_id"],
        "municipality": ["c.municipality_id"],
        "both": ["c.organisation_id * 2", "c.municipality_id * 2 + 1"],  # see key_figures_by_both
        "total_and_both": ["NULL::bigint", "c.organisation_id * 2", "c.municipality_id * 2 + 1"],
    }[grouping]
    where, where_params = scope.where("c")
    tables = TABLES
    scoped_cases = f"""
        days(d, adult_born_by) AS (
            SELECT d, (d - make_interval(years => %s))::date FROM unnest(%s::date[]) AS d
        ),
        scoped_cases AS ({
        " UNION ALL ".join(
            f"SELECT c.id, c.start_date, c.end_date, c.closing_reason, {column} AS g "
            f"FROM {tables['case']} c WHERE {where}"
            for column in group_columns
        )
    })"""
    scoped_params: list[Any] = [ADULT_AGE, day_list, *(where_params * len(group_columns))]

    result: dict[tuple[datetime.date, int | None], KeyFigures] = {}
    if grouping in (None, "total_and_both"):
        for day in day_list:
            result[(day, None)] = KeyFigures(stichtag=day, von=von)

    def figures(day: datetime.date, group: int | None) -> KeyFigures:
        key = (day, group)
        if key not in result:
            result[key] = KeyFigures(stichtag=day, von=von)
        return result[key]

    # Several reference dates: clients are counted by sweeping over time instead of joining every client
    # to every date:
    # 1. the spans in which a person is a client in a group, merged so that overlapping cases count once,
    #    and clipped to the window of the reference dates;
    # 2. cut where something counted changes (a language or work record, the 18th birthday), so that
    #    each segment has one age class, one language level and one work situation;
    # 3. each segment covers a run of reference dates (found with width_bucket in the sorted dates):
    #    +1 at the first, -1 after the last, and a running sum gives the count at every date.
    clients_sql = f"""
        WITH {scoped_cases},
        window_ AS (
            SELECT min(d) AS first_day, max(d) + 1 AS after_last, array_agg(d ORDER BY d) AS days, count(*) AS n
            FROM days
        ),
        spans AS (
            SELECT sc.g, cc.person_id, greatest(sc.start_date, w.first_day) AS s,
                   least(coalesce(sc.end_date, 'infinity'::date), w.after_last) AS e
            FROM scoped_cases sc
            CROSS JOIN window_ w
            JOIN {tables["client"]} cc ON cc.case_id = sc.id
            WHERE sc.start_date < w.after_last AND (sc.end_date IS NULL OR sc.end_date > w.first_day)
        ),
        marked AS (
            SELECT g, person_id, s, e,
                CASE WHEN s <= max(e) OVER (
                    PARTITION BY g, person_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ) THEN 0 ELSE 1 END AS new_island
            FROM spans
        ),
        islands AS (
            SELECT g, person_id, s, e,
                sum(new_island) OVER (PARTITION BY g, person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
            FROM marked
        ),
        merged AS (SELECT g, person_id, min(s) AS s, max(e) AS e FROM islands GROUP BY g, person_id, island),
        changes AS (
            SELECT person_id, at FROM (
                SELECT person_id, valid_from AS at FROM {tables["language"]}
                UNION ALL
                SELECT person_id, valid_from FROM {tables["work"]}
                UNION ALL
                -- the first day on which (day - 18 years) >= birth date; born on 29 February: 1 March
                SELECT id, CASE WHEN extract(month FROM birth_date) = 2 AND extract(day FROM birth_date) = 29
                    THEN (birth_date + make_interval(years => %s))::date + 1
                    ELSE (birth_date + make_interval(years => %s))::date END
                FROM {tables["person"]} WHERE birth_date IS NOT NULL
            ) AS all_changes, window_ w
            WHERE at > w.first_day AND at < w.after_last
        ),
        cuts AS (
            SELECT g, person_id, s AS at, e FROM merged
            UNION
            SELECT m.g, m.person_id, c.at, m.e
            FROM merged m JOIN changes c ON c.person_id = m.person_id AND c.at > m.s AND c.at < m.e
        ),
        segments AS (
            SELECT g, person_id, at AS s, lead(at, 1, e) OVER (PARTITION BY g, person_id, e ORDER BY at) AS e
            FROM cuts
        ),
        language AS (
            SELECT person_id, level, valid_from,
                   lead(valid_from) OVER (PARTITION BY person_id ORDER BY valid_from) AS valid_to
            FROM {tables["language"]}
        ),
        work AS (
            SELECT person_id, situation, valid_from,
                   lead(valid_from) OVER (PARTITION BY person_id ORDER BY valid_from) AS valid_to
            FROM {tables["work"]}
        ),
        classified AS (
            SELECT seg.g,
                CASE WHEN p.birth_date IS NULL THEN 'u'
                     WHEN p.birth_date <= (seg.s - make_interval(years => %s))::date THEN 'a'
                     ELSE 'm' END AS age,
                coalesce(l.level = ANY(%s), FALSE) AS b1,
                CASE WHEN wr.situation = ANY(%s) THEN 'e' WHEN wr.situation = ANY(%s) THEN 't' ELSE 'o' END AS work,
                width_bucket(seg.s - 1, w.days) + 1 AS first_index,
                width_bucket(seg.e - 1, w.days) AS last_index
            FROM segments seg
            CROSS JOIN window_ w
            JOIN {tables["person"]} p ON p.id = seg.person_id
            LEFT JOIN language l
                ON l.person_id = seg.person_id AND l.valid_from <= seg.s AND (l.valid_to IS NULL OR l.valid_to > seg.s)
            LEFT JOIN work wr
                ON wr.person_id = seg.person_id AND wr.valid_from <= seg.s
                AND (wr.valid_to IS NULL OR wr.valid_to > seg.s)
        ),
        deltas AS (
            SELECT g, age, b1, work, index, sum(change) AS change FROM (
                SELECT g, age, b1, work, first_index AS index, 1 AS change FROM classified
                WHERE first_index <= last_index
                UNION ALL
                SELECT g, age, b1, work, last_index + 1, -1 FROM classified WHERE first_index <= last_index
            ) AS steps
            GROUP BY g, age, b1, work, index
        ),
        running AS (
            SELECT g, age, b1, work, index,
                sum(change) OVER (PARTITION BY g, age, b1, work ORDER BY index) AS persons,
                lead(index, 1, (SELECT n + 1 FROM window_)::int)
                    OVER (PARTITION BY g, age, b1, work ORDER BY index) AS next_index
            FROM deltas
        ),
        numbered AS (SELECT d, row_number() OVER (ORDER BY d) AS index FROM days)
        SELECT numbered.d, r.g,
            sum(r.persons)::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'm'))::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'a'))::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'u'))::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'a' AND r.b1))::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'a' AND r.work = 'e'))::bigint,
            (sum(r.persons) FILTER (WHERE r.age = 'a' AND r.work = 't'))::bigint
        FROM numbered JOIN running r ON r.index <= numbered.index AND numbered.index < r.next_index
        GROUP BY numbered.d, r.g
    """
    clients_params = [
        *scoped_params,
        ADULT_AGE,
        ADULT_AGE,
        ADULT_AGE,
        sorted(B1_OR_HIGHER),
        list(EMPLOYED),
        list(IN_TRAINING),
    ]
    cases_sql = f"""
        WITH {scoped_cases}
        SELECT days.d, sc.g, count(*)
        FROM days JOIN scoped_cases sc ON sc.start_date <= days.d AND (sc.end_date IS NULL OR sc.end_date > days.d)
        GROUP BY days.d, sc.g
    """
    ended = """
        ended AS (
            SELECT sc.id, sc.end_date, sc.closing_reason, sc.g FROM scoped_cases sc
            WHERE sc.end_date >= %s AND sc.end_date <= %s
        )"""
    ended_params = [*scoped_params, von, day_list[-1]]
    ended_persons_sql = f"""
        WITH {scoped_cases}, {ended},
        -- the housing of each client on their case's end date, once per case however many groups it is in;
        -- a first tenancy: the record holding on the end date is the person's earliest own tenancy
        tenancies AS MATERIALIZED (
            SELECT cc.case_id, cc.person_id,
                coalesce(h.own, FALSE) AS own_tenancy,
                coalesce(h.own AND NOT EXISTS (
                    SELECT 1 FROM {tables["housing"]} earlier
                    WHERE earlier.person_id = cc.person_id AND earlier.situation = %s
                      AND earlier.valid_from < h.valid_from
                ), FALSE) AS first_tenancy
            FROM (SELECT DISTINCT id, end_date FROM ended) e
            JOIN {tables["client"]} cc ON cc.case_id = e.id
            LEFT JOIN LATERAL (
                SELECT h.situation = %s AS own, h.valid_from FROM {tables["housing"]} h
                WHERE h.person_id = cc.person_id AND h.valid_from <= e.end_date
                ORDER BY h.valid_from DESC LIMIT 1
            ) h ON TRUE
        ),
        ended_clients AS (
            SELECT e.end_date, e.g, t.person_id, t.own_tenancy, t.first_tenancy
            FROM ended e JOIN tenancies t ON t.case_id = e.id
        ),
        -- A person counts from the first day one of their cases ended (within the period);
        -- with their own tenancy from the first such case that ended into it, and with their first own
        -- tenancy from the first such case that ended into that.
        firsts AS (
            SELECT g, person_id, min(end_date) AS ended_on, min(end_date) FILTER (WHERE own_tenancy) AS leased_on,
                min(end_date) FILTER (WHERE first_tenancy) AS first_leased_on
            FROM ended_clients GROUP BY g, person_id
        ),
        per_date AS (
            SELECT g, ended_on AS on_date, count(*) AS persons, 0 AS leases, 0 AS first_leases
            FROM firsts GROUP BY g, ended_on
            UNION ALL
            SELECT g, leased_on, 0, count(*), 0 FROM firsts WHERE leased_on IS NOT NULL GROUP BY g, leased_on
            UNION ALL
            SELECT g, first_leased_on, 0, 0, count(*)
            FROM firsts WHERE first_leased_on IS NOT NULL GROUP BY g, first_leased_on
        )
        SELECT days.d, pd.g, sum(pd.persons)::bigint, sum(pd.leases)::bigint, sum(pd.first_leases)::bigint
        FROM days JOIN per_date pd ON pd.on_date <= days.d
        GROUP BY days.d, pd.g
    """
    reasons_sql = f"""
        WITH {scoped_cases}, {ended},
        per_date AS (SELECT g, end_date, closing_reason, count(*) AS cases FROM ended GROUP BY 1, 2, 3)
        SELECT days.d, pd.g, pd.closing_reason, sum(pd.cases)::bigint
        FROM days JOIN per_date pd ON pd.end_date <= days.d
        GROUP BY days.d, pd.g, pd.closing_reason
    """
    if len(day_list) == 1:
        for (day, group), counts in compute_one_day(day_list[0], von, scope, group_columns).items():
            target = figures(day, group)
            for key, value in counts.items():
                if key == "abschlussgruende":
                    target.abschlussgruende.update(value)
                else:
                    setattr(target, key, value)
        return result
    with one_snapshot(), connection.cursor() as cursor:
        cursor.execute(clients_sql, clients_params)
        for day, group, *counts in cursor.fetchall():
            target = figures(day, group)
            for key, count in zip(COUNT_KEYS, counts, strict=True):
                setattr(target, key, count or 0)
        cursor.execute(cases_sql, scoped_params)
        for day, group, count in cursor.fetchall():
            figures(day, group).faelle_aktiv = count
        cursor.execute(ended_persons_sql, [*scoped_params, von, day_list[-1], OWN_TENANCY.value, OWN_TENANCY.value])
        for day, group, persons, own_tenancy, first_tenancy in cursor.fetchall():
            target = figures(day, group)
            target.beendet_personen, target.beendet_mit_mietvertrag = persons, own_tenancy
            target.beendet_erstmals_privat = first_tenancy
        cursor.execute(reasons_sql, ended_params)
        reasons: dict[tuple[datetime.date, int | None], dict[str, int]] = defaultdict(dict)
        for day, group, reason, count in cursor.fetchall():
            reasons[(day, group)][reason] = count
    for (day, group), counts in reasons.items():
        figures(day, group).abschlussgruende.update(counts)
    return result


def compute_one_day(
    day: datetime.date, von: datetime.date, scope: Scope, group_columns: Sequence[str]
) -> dict[tuple[datetime.date, int | None], dict[str, Any]]:
    """The counts of ``compute`` at one reference date, counted directly, by (day, group).

    Each case is read once with all its group keys (``group_columns``: SQL expressions over the case ``c``);
    the grouping sets, one per group key, count a person once in each group they are a client in (and are
    fed each client once per case, classified once: the records are looked at once, not once per group).
    """
    where, where_params = scope.where_named("c")
    tables = TABLES
    keys = [f"g{index}" for index in range(len(group_columns))]
    selected_keys = ", ".join(f"{column} AS {key}" for column, key in zip(group_columns, keys, strict=True))
    # The group of a row of the grouping sets: the one key it is grouped by (GROUPING() has its bit clear).
    every_bit = (1 << len(keys)) - 1
    group_of_row = (
        f"CASE GROUPING({', '.join(keys)}) "
        + " ".join(f"WHEN {every_bit & ~(1 << (len(keys) - 1 - index))} THEN {key}" for index, key in enumerate(keys))
        + " END"
    )

    def grouping_sets(*columns: str) -> str:
        return "GROUPING SETS (" + ", ".join(f"({', '.join((key, *columns))})" for key in keys) + ")"

    clients_sql = f"""
        WITH members AS (
            SELECT cc.person_id, {selected_keys}
            FROM {tables["case"]} c JOIN {tables["client"]} cc ON cc.case_id = c.id
            WHERE {where} AND c.start_date <= %(day)s AND (c.end_date IS NULL OR c.end_date > %(day)s)
        ),
        language AS (
            SELECT DISTINCT ON (person_id) person_id, level
            FROM {tables["language"]} WHERE valid_from <= %(day)s ORDER BY person_id, valid_from DESC
        ),
        work AS (
            SELECT DISTINCT ON (person_id) person_id, situation
            FROM {tables["work"]} WHERE valid_from <= %(day)s ORDER BY person_id, valid_from DESC
        ),
        -- each client once per case, with what counts of them on the day
        classified AS MATERIALIZED (
            SELECT m.*,
                CASE WHEN p.birth_date IS NULL THEN 'u'
                     WHEN p.birth_date <= (%(day)s::date - make_interval(years => %(adult)s))::date THEN 'a'
                     ELSE 'm' END AS age,
                coalesce(l.level = ANY(%(b1)s), FALSE) AS b1,
                CASE WHEN wr.situation = ANY(%(employed)s) THEN 'e' WHEN wr.situation = ANY(%(training)s) THEN 't'
                     ELSE 'o' END AS work
            FROM members m
            JOIN {tables["person"]} p ON p.id = m.person_id
            LEFT JOIN language l ON l.person_id = m.person_id
            LEFT JOIN work wr ON wr.person_id = m.person_id
        ),
        -- each client once per group
        in_groups AS (
            SELECT {group_of_row} AS g, age, b1, work
            FROM classified GROUP BY {grouping_sets("person_id", "age", "b1", "work")}
        )
        SELECT g,
            count(*),
            count(*) FILTER (WHERE age = 'm'),
            count(*) FILTER (WHERE age = 'a'),
            count(*) FILTER (WHERE age = 'u'),
            count(*) FILTER (WHERE age = 'a' AND b1),
            count(*) FILTER (WHERE age = 'a' AND work = 'e'),
            count(*) FILTER (WHERE age = 'a' AND work = 't')
        FROM in_groups
        GROUP BY g
    """
    # A client ended in their own tenancy when the housing record holding on their case's end date is one;
    # in their first when no earlier record of theirs is.
    ended_sql = f"""
        WITH ended AS (
            SELECT c.id, c.end_date, {selected_keys} FROM {tables["case"]} c
            WHERE {where} AND c.end_date >= %(von)s AND c.end_date <= %(day)s
        ),
        tenancies AS (
            SELECT e.*, cc.person_id,
                coalesce(h.own, FALSE) AS own_tenancy,
                coalesce(h.own AND NOT EXISTS (
                    SELECT 1 FROM {tables["housing"]} earlier
                    WHERE earlier.person_id = cc.person_id AND earlier.situation = %(own)s
                      AND earlier.valid_from < h.valid_from
                ), FALSE) AS first_tenancy
            FROM ended e
            JOIN {tables["client"]} cc ON cc.case_id = e.id
            LEFT JOIN LATERAL (
                SELECT h.situation = %(own)s AS own, h.valid_from FROM {tables["housing"]} h
                WHERE h.person_id = cc.person_id AND h.valid_from <= e.end_date
                ORDER BY h.valid_from DESC LIMIT 1
            ) h ON TRUE
        ),
        in_groups AS (
            SELECT {group_of_row} AS g, bool_or(own_tenancy) AS own_tenancy, bool_or(first_tenancy) AS first_tenancy
            FROM tenancies GROUP BY {grouping_sets("person_id")}
        )
        SELECT g, count(*), count(*) FILTER (WHERE own_tenancy), count(*) FILTER (WHERE first_tenancy)
        FROM in_groups GROUP BY g
    """
    cases_sql = f"""
        WITH counted AS (
            SELECT c.closing_reason, {selected_keys},
                c.start_date <= %(day)s AND (c.end_date IS NULL OR c.end_date > %(day)s) AS active,
                c.end_date >= %(von)s AND c.end_date <= %(day)s AS ended
            FROM {tables["case"]} c
            WHERE {where}
              AND (c.start_date <= %(day)s AND (c.end_date IS NULL OR c.end_date > %(day)s)
                   OR c.end_date >= %(von)s AND c.end_date <= %(day)s)
        )
        SELECT {group_of_row} AS g, closing_reason, count(*) FILTER (WHERE active), count(*) FILTER (WHERE ended)
        FROM counted GROUP BY {grouping_sets("closing_reason")}
    """
    params: dict[str, Any] = {
        "day": day,
        "von": von,
        "adult": ADULT_AGE,
        "b1": sorted(B1_OR_HIGHER),
        "employed": list(EMPLOYED),
        "training": list(IN_TRAINING),
        "own": OWN_TENANCY.value,
        **where_params,
    }
    result: dict[tuple[datetime.date, int | None], dict[str, Any]] = {}

    def counts(group: int | None) -> dict[str, Any]:
        return result.setdefault((day, group), {})

    with one_snapshot(), connection.cursor() as cursor:
        cursor.execute(clients_sql, params)
        for group, *values in cursor.fetchall():
            counts(group).update(zip(COUNT_KEYS, values, strict=True))
        cursor.execute(cases_sql, params)
        for group, reason, active, ended in cursor.fetchall():
            group_counts = counts(group)
            group_counts["faelle_aktiv"] = group_counts.get("faelle_aktiv", 0) + active
            if ended:
                group_counts.setdefault("abschlussgruende", {})[reason] = ended
        cursor.execute(ended_sql, params)
        for group, persons, own_tenancy, first_tenancy in cursor.fetchall():
            counts(group).update(
                beendet_personen=persons, beendet_mit_mietvertrag=own_tenancy, beendet_erstmals_privat=first_tenancy
            )
    return result


class one_snapshot:
    """Run the statements of one computation in one snapshot (REPEATABLE READ), read only.

    Inside an outer transaction (tests, a caller's atomic block) the caller's
    isolation applies.
    """

    def __enter__(self) -> None:
        self._own = not connection.in_atomic_block
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        with connection.cursor() as cursor:
            if self._own:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # A series joins a row per client and month; let the hashes stay in memory.
            cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])

    def __exit__(self, *exc: object) -> None:
        self._atomic.__exit__(*exc)  # type: ignore[arg-type]
