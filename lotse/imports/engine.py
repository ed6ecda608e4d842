"""Importing a Lotse workbook into one organisation, in one transaction.

1. Stage: every sheet is streamed row by row, each row checked on its own
   and copied (COPY) into a temporary staging table. Memory stays bounded
   by one row, whatever the size of the workbook.
2. Check across rows in SQL: duplicate IDs, references to persons, cases
   and households that exist neither in the workbook nor in Lotse.
3. Merge in SQL: IDs are keys within the organisation; a record is created
   when its key is new, updated when a value differs, and left alone
   otherwise, so the same workbook imported twice changes nothing. The
   import never deletes.

A dry run does all of it and rolls back, so its counts are exactly what a
commit would do. A commit happens only when no row has a problem; any
failure on the way rolls everything back.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.jobs import NO_PROGRESS, Phase, Progress
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context
from lotse.imports import accommodation
from lotse.imports.rows import PARSERS, Lookups, Row
from lotse.imports.workbook import (
    ASSIGNMENTS,
    CASES,
    CONTACTS,
    HOUSING,
    LANGUAGE,
    PERSONS,
    PLACES,
    RESIDENCE,
    SHEETS,
    SHELTERS,
    STAYS,
    WORK,
    Problem,
    ReadResult,
    SheetRows,
    Source,
    read_sources,
)
from lotse.people.models import Person

logger = logging.getLogger(__name__)
# Namespace of the advisory lock that lets one import per organisation run at a time.
IMPORT_LOCK = 4_711
# The progress of a sheet is told every this many rows.
PROGRESS_ROWS = 1_000
HOUSEHOLDS = "households"
CLIENTS = "clients"
# Lines of the report that count what the sheets imply rather than rows of a sheet.
SUMMARY_SHEETS = frozenset({HOUSEHOLDS, CLIENTS})

STAGING: dict[str, tuple[str, str]] = {
    PERSONS.name: (
        "imp_person",
        "row_no int, bad bool, ext text, household_ext text, family_name text, given_names text, birth_date date,"
        " birth_date_precision text, gender text, nationalities text[], languages text[], municipality_id bigint,"
        " search_text text, search_key text",
    ),
    CASES.name: (
        "imp_case",
        "row_no int, bad bool, ext text, household_ext text, municipality_id bigint, start_date date, end_date date,"
        " closing_reason text, responsible_id bigint",
    ),
    RESIDENCE.name: (
        "imp_residence",
        "row_no int, bad bool, person_ext text, valid_from date, status text, legal_basis text, valid_until date",
    ),
    LANGUAGE.name: (
        "imp_language",
        "row_no int, bad bool, person_ext text, valid_from date, level text, evidence text",
    ),
    WORK.name: ("imp_work", "row_no int, bad bool, person_ext text, valid_from date, situation text"),
    HOUSING.name: (
        "imp_housing",
        "row_no int, bad bool, person_ext text, valid_from date, situation text, municipality_id bigint",
    ),
    CONTACTS.name: (
        "imp_contact",
        "row_no int, bad bool, case_ext text, date date, duration int, form text, fields text[],"
        " interpreter_language text, note text",
    ),
    SHELTERS.name: (
        "imp_shelter",
        "row_no int, bad bool, ext text, name text, kind text, municipality_id bigint, street text,"
        " postal_code text, accessibility text, operating_from date, operating_to date",
    ),
    PLACES.name: (
        "imp_place",
        "row_no int, bad bool, shelter_ext text, unit_name text, number int, available_from date, available_to date",
    ),
    STAYS.name: (
        "imp_stay",
        "row_no int, bad bool, person_ext text, shelter_ext text, unit_name text, number int, move_in date,"
        " move_out date, reason text, basis text",
    ),
    ASSIGNMENTS.name: (
        "imp_assignment",
        "row_no int, bad bool, ext text, date date, municipality_id bigint, reference text, person_ext text,"
        " planned_arrival date, arrival_given bool, shelter_ext text, address text",
    ),
}
STATUS_SHEETS: dict[str, tuple[str, str, list[str]]] = {
    # sheet: (table, date header, value columns compared and written)
    RESIDENCE.name: ("people_residencerecord", "gültig ab", ["status", "legal_basis", "valid_until"]),
    LANGUAGE.name: ("people_languagerecord", "Datum", ["level", "evidence"]),
    WORK.name: ("people_workrecord", "gültig ab", ["situation"]),
    HOUSING.name: ("people_housingrecord", "gültig ab", ["situation", "municipality_id"]),
}
# At most this many problems are kept in a report; the count says how many there were.
PROBLEM_LIMIT = 1000


@dataclass
class ImportReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < PROBLEM_LIMIT:
                self.problems.append(problem)

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "rows": self.rows,
            "problems": [problem.as_list() for problem in self.problems],
            "notices": [notice.as_list() for notice in self.notices],
            "problem_count": self.problem_count,
            "committed": self.committed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        # jsonb keeps no key order: the sheets come back in the workbook's order.
        order = [spec.name for spec in SHEETS] + [HOUSEHOLDS, CLIENTS]
        stored = data.get("counts", {})
        counts = {key: stored[key] for key in sorted(stored, key=lambda k: order.index(k) if k in order else 99)}
        return cls(
            counts=counts,
            rows=data.get("rows", {}),
            problems=[Problem(*item) for item in data.get("problems", [])],
            notices=[Problem(*item) for item in data.get("notices", [])],
            problem_count=data.get("problem_count", 0),
            committed=data.get("committed", False),
        )

    def text_lines(self) -> list[str]:
        """The report as plain text (management command)."""
        lines = []
        for sheet, counts in self.counts.items():
            if sheet in SUMMARY_SHEETS:
                lines.append(f"{summary_label(sheet)}: {counts['created']}")
                continue
            lines.append(
                _("%(sheet)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged")
                % {"sheet": sheet, **counts}
            )
        for label, items in ((_("Problem"), self.problems), (_("Notice"), self.notices)):
            for item in items:
                where = ", ".join(
                    part
                    for part in (
                        item.sheet,
                        _("row %(row)s") % {"row": item.row} if item.row else "",
                        item.column,
                        f"„{item.value}“" if item.value else "",
                    )
                    if part
                )
                lines.append(f"{label}: {where}: {item.message}")
        if self.problem_count > len(self.problems):
            lines.append(_("… and %(count)s more problems.") % {"count": self.problem_count - len(self.problems)})
        return lines


def summary_label(key: str) -> str:
    return _("New households") if key == HOUSEHOLDS else _("New clients of cases")


@contextlib.contextmanager
def _traced(sql: str) -> Iterator[None]:
    """Log each statement's duration (logger lotse.imports at DEBUG), for tuning the import."""
    started = time.perf_counter()
    yield
    logger.debug("%.2f s  %s", time.perf_counter() - started, " ".join(sql.split())[:160])


class _Rollback(Exception):
    """Leaves the import's transaction without writing (dry run, or problems found)."""


def import_workbook(
    sources: list[Source],
    *,
    organisation: Organisation,
    acting_user: User | None,
    commit: bool,
    today: datetime.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Check (and with ``commit`` write) the workbook; returns the report either way."""
    report = ImportReport()
    today = today or timezone.localdate()
    try:
        with transaction.atomic(), audit_context(acting_user, import_into=organisation.short_name):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, organisation.pk])
                # Django's foreign keys are deferred: each of the import's rows and
                # history events would queue a check until commit, and PostgreSQL
                # rescans that queue after every statement, which makes a large
                # import quadratic. Checked at once, each costs one index lookup.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _Importer(report, organisation, acting_user, today, progress).run(sources)
            if not report.ok or not commit:
                raise _Rollback
            report.committed = True
    except _Rollback:
        pass
    except DatabaseError as error:
        # The checks above should leave nothing for the database to refuse;
        # should they miss a case, the user gets a message and nothing is written.
        report.committed = False
        report.counts = {}
        report.add_problems(
            [Problem("", None, "", "", _("The database refused the import: %(error)s") % {"error": error})]
        )
    return report


class _Importer:
    def __init__(
        self,
        report: ImportReport,
        organisation: Organisation,
        acting_user: User | None,
        today: datetime.date,
        progress: Progress = NO_PROGRESS,
    ):
        self.progress = progress
        self.report = report
        self.organisation = organisation
        self.acting_user = acting_user
        self.today = today
        self.params: dict[str, Any] = {
            "org": organisation.pk,
            "by": acting_user.pk if acting_user else None,
            "today": today,
            "note": _("Imported from a workbook"),
        }
        self.staged: set[str] = set()

    def run(self, sources: list[Source]) -> None:
        with connection.cursor() as cursor:
            for table, columns in STAGING.values():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
            # Persons who join a household in this import (they become clients of its cases).
            cursor.execute("DROP TABLE IF EXISTS imp_joined")
            cursor.execute("CREATE TEMP TABLE imp_joined (person_id bigint) ON COMMIT DROP")
        read = ReadResult()
        lookups = Lookups.load(self.organisation, self.today)
        self.progress.phase(Phase.READING)
        for sheet in read_sources(sources, read):
            self._stage(sheet, lookups)
        self.report.notices.extend(read.notices)
        self.report.add_problems(read.problems)
        if not self.staged and not read.problems:
            self.report.add_problems(
                [
                    Problem(
                        "",
                        None,
                        "",
                        "",
                        _("The file contains none of the sheets %(names)s.")
                        % {"names": ", ".join(spec.name for spec in SHEETS)},
                    )
                ]
            )
        self.progress.phase(Phase.CHECKING)
        self._index_staging()
        if read.problems:
            # A sheet that cannot be read (no header row, a column missing) refuses the file already; checked
            # across sheets, every row that refers to it would be flagged too, burying the one thing to fix.
            # Nothing is merged either (nothing would be written).
            self.report.notices.append(
                Problem(
                    "",
                    None,
                    "",
                    "",
                    _(
                        "The rows were not yet checked against each other (IDs that refer to other sheets, "
                        "duplicates): first correct the sheets with problems."
                    ),
                )
            )
            self._sort_problems()
            return
        self._check()
        with connection.cursor() as cursor:
            for table, _columns in STAGING.values():
                cursor.execute(f"DELETE FROM {table} WHERE bad")
                if cursor.rowcount:  # the statistics of _index_staging hold while no row left
                    cursor.execute(f"ANALYZE {table}")
        self.progress.phase(Phase.WRITING)
        self._merge()
        self._sort_problems()

    def _sort_problems(self) -> None:
        order = {spec.name: index for index, spec in enumerate(SHEETS)}
        self.report.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))

    # 1. Staging

    def _stage(self, rows: SheetRows, lookups: Lookups) -> None:
        spec = rows.spec
        sheet = spec.name
        table, columns = STAGING[sheet]
        names = ", ".join(column.split()[0] for column in columns.split(", "))
        parse = PARSERS[sheet]
        problems: list[Problem] = []
        count = 0
        # psycopg's COPY raises its own errors: wrapped as Django's, they end in the report like any other.
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for number, values in rows.rows:
                count += 1
                if not count % PROGRESS_ROWS:
                    self.progress.sheet(sheet, count, rows.expected)
                staged = parse(Row(spec, number, values, problems), lookups)
                if staged is not None:
                    copy.write_row(staged)
                if len(problems) >= 100:
                    self.report.add_problems(problems)
                    problems.clear()
        self.report.add_problems(problems)
        self.progress.sheet(sheet, count, count)
        self.report.rows[sheet] = count
        self.staged.add(sheet)

    def _index_staging(self) -> None:
        """Temporary tables have no statistics: without them every join below would be a nested loop."""
        with connection.cursor() as cursor:
            for table, columns in STAGING.values():
                names = {column.split()[0] for column in columns.split(", ")}
                for column in sorted(names & {"ext", "household_ext", "person_ext", "case_ext", "shelter_ext"}):
                    cursor.execute(f"CREATE INDEX ON {table} ({column})")
                cursor.execute(f"ANALYZE {table}")

    # 2. Checks across rows

    def _fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with _traced(sql), connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})
            return list(cursor.fetchall())

    def _execute(self, sql: str, params: dict[str, Any] | None = None) -> int:
        with _traced(sql), connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})
            return cursor.rowcount

    def _flag(self, sheet: str, found: list[tuple[Any, ...]], column: str, message: str) -> None:
        """Report each (row, value, first row) found and leave the row out of the merge."""
        if not found:
            return
        self.report.add_problems(
            Problem(sheet, row, column, value, message % {"first": first}) for row, value, first in found
        )
        table = STAGING[sheet][0]
        self._execute(f"UPDATE {table} SET bad = true WHERE row_no = ANY(%(rows)s)", {"rows": [f[0] for f in found]})

    def _duplicates(self, sheet: str, key: str, column: str, message: str) -> None:
        table = STAGING[sheet][0]
        found = self._fetch(
            f"""SELECT row_no, {key}::text, first FROM (
                    SELECT row_no, {key}, min(row_no) OVER (PARTITION BY {key}) AS first FROM {table}
                    WHERE {key} IS NOT NULL
                ) t WHERE row_no > first ORDER BY row_no"""
        )
        self._flag(sheet, found, column, message)

    def _duplicates_of(self, sheet: str, key: str, shown: str, column: str, message: str) -> None:
        """Rows (not bad already) whose ``key`` columns repeat an earlier row's; ``shown`` is the value reported."""
        table = STAGING[sheet][0]
        found = self._fetch(
            f"""SELECT row_no, shown, first FROM (
                    SELECT row_no, {shown} AS shown, min(row_no) OVER (PARTITION BY {key}) AS first FROM {table}
                    WHERE NOT bad
                ) t WHERE row_no > first ORDER BY row_no"""
        )
        self._flag(sheet, found, column, message)

    def _check(self) -> None:
        self._duplicates(
            PERSONS.name, "ext", "Personen-ID", _("This person ID appears more than once (first in row %(first)s).")
        )
        self._duplicates(
            CASES.name, "ext", "Fall-ID", _("This case ID appears more than once (first in row %(first)s).")
        )
        for sheet, (_table, date_header, _columns) in STATUS_SHEETS.items():
            table = STAGING[sheet][0]
            found = self._fetch(
                f"""SELECT row_no, to_char(valid_from, 'DD.MM.YYYY'), first FROM (
                        SELECT row_no, valid_from, min(row_no) OVER (PARTITION BY person_ext, valid_from) AS first
                        FROM {table} WHERE NOT bad
                    ) t WHERE row_no > first ORDER BY row_no"""
            )
            self._flag(
                sheet,
                found,
                date_header,
                _("This person already has a record of this date (row %(first)s); one record per day."),
            )
            found = self._fetch(
                f"""SELECT row_no, person_ext, NULL FROM {table} s
                    WHERE NOT EXISTS (SELECT 1 FROM imp_person p WHERE p.ext = s.person_ext)
                    AND NOT EXISTS (
                        SELECT 1 FROM people_person p WHERE p.organisation_id = %(org)s AND p.external_id = s.person_ext
                    ) ORDER BY row_no"""
            )
            self._flag(
                sheet, found, "Personen-ID", _("No person has this ID, neither in the sheet Personen nor in Lotse.")
            )
        found = self._fetch(
            """SELECT row_no, case_ext, NULL FROM imp_contact s
               WHERE NOT EXISTS (SELECT 1 FROM imp_case c WHERE c.ext = s.case_ext)
               AND NOT EXISTS (
                   SELECT 1 FROM cases_case c WHERE c.organisation_id = %(org)s AND c.external_id = s.case_ext
               ) ORDER BY row_no"""
        )
        self._flag(CONTACTS.name, found, "Fall-ID", _("No case has this ID, neither in the sheet Fälle nor in Lotse."))
        found = self._fetch(
            """SELECT row_no, household_ext, NULL FROM imp_case s
               WHERE NOT s.bad
               AND NOT EXISTS (SELECT 1 FROM imp_person p WHERE p.household_ext = s.household_ext)
               AND NOT EXISTS (
                   SELECT 1 FROM people_householdmembership m JOIN people_household h ON h.id = m.household_id
                   WHERE h.organisation_id = %(org)s AND h.external_id = s.household_ext AND m.valid_to IS NULL
               ) ORDER BY row_no"""
        )
        self._flag(CASES.name, found, "Haushalts-ID", _("No person belongs to this household."))
        found = self._fetch(
            """SELECT s.row_no, s.household_ext, h.external_id FROM imp_case s
               JOIN cases_case c ON c.organisation_id = %(org)s AND c.external_id = s.ext
               JOIN people_household h ON h.id = c.household_id
               WHERE NOT s.bad AND h.external_id <> s.household_ext ORDER BY s.row_no"""
        )
        self._flag(
            CASES.name,
            found,
            "Haushalts-ID",
            _("In Lotse this case belongs to household %(first)s; a case cannot change its household."),
        )
        found = self._fetch(
            """SELECT s.row_no, to_char(s.end_date, 'DD.MM.YYYY'), NULL FROM imp_case s
               JOIN cases_case c ON c.organisation_id = %(org)s AND c.external_id = s.ext
               WHERE NOT s.bad AND s.end_date IS NOT NULL AND c.status <> 'abgeschlossen'
               AND EXISTS (SELECT 1 FROM cases_handover o WHERE o.case_id = c.id AND o.status = 'angefragt')
               ORDER BY s.row_no"""
        )
        self._flag(CASES.name, found, "Ende", _("The case has a pending handover and cannot be closed."))
        accommodation.check(self)

    # 3. Merge

    def _analyze(self, *tables: str) -> None:
        """Fresh statistics after a bulk insert, so the next joins use the indexes instead of nested scans."""
        for table in tables:
            self._execute(f"ANALYZE {table}")

    def _count(self, sheet: str, created: int, updated: int) -> None:
        staged = self._fetch(f"SELECT count(*) FROM {STAGING[sheet][0]}")[0][0]
        self.report.counts[sheet] = {"created": created, "updated": updated, "unchanged": staged - created - updated}

    def _merge(self) -> None:
        if PERSONS.name in self.staged:
            self._merge_persons()
        if CASES.name in self.staged:
            self._merge_cases()
        for sheet in STATUS_SHEETS:
            if sheet in self.staged:
                self._merge_status(sheet)
        if CONTACTS.name in self.staged:
            self._merge_contacts()
        accommodation.merge(self)

    def _merge_persons(self) -> None:
        households = self._execute(
            """INSERT INTO people_household (version, organisation_id, external_id, created_at)
               SELECT 1, %(org)s, s.household_ext, now() FROM (SELECT DISTINCT household_ext FROM imp_person) s
               ON CONFLICT (organisation_id, external_id) WHERE NOT (external_id = '') DO NOTHING"""
        )
        values = (
            "family_name, given_names, birth_date, birth_date_precision, gender,"
            " nationalities, languages, municipality_id"
        )
        staged = (
            "s.family_name, s.given_names, s.birth_date, s.birth_date_precision, s.gender,"
            " s.nationalities::varchar(12)[], s.languages::varchar(3)[], s.municipality_id"
        )
        updated = {
            row[0]
            for row in self._fetch(
                f"""UPDATE people_person p SET ({values}, search_text, search_key, version)
                        = ({staged}, s.search_text, s.search_key, p.version + 1)
                    FROM imp_person s
                    WHERE p.organisation_id = %(org)s AND p.external_id = s.ext
                    AND ({", ".join(f"p.{name.strip()}" for name in values.split(","))}) IS DISTINCT FROM ({staged})
                    RETURNING p.id"""
            )
        }
        created = self._execute(
            f"""INSERT INTO people_person (version, organisation_id, external_id, {values}, original_script_name,
                    aliases, phone, email, notes, search_text, search_key, created_at)
                SELECT 1, %(org)s, s.ext, {staged}, '', '{{}}', '', '', '', s.search_text, s.search_key, now()
                FROM imp_person s
                ON CONFLICT (organisation_id, external_id) WHERE NOT (external_id = '') DO NOTHING"""
        )
        self._analyze("people_household", "people_person")
        # Names changed on a person with aliases: the search text includes them.
        for person in Person.objects.filter(pk__in=updated).exclude(aliases=[], original_script_name=""):
            person.save(update_fields=[])
        self._execute(
            """CREATE TEMP TABLE imp_target ON COMMIT DROP AS
               SELECT p.id AS person_id, h.id AS household_id, s.household_ext,
                      row_number() OVER (PARTITION BY s.household_ext ORDER BY s.row_no) = 1 AS first_in_household
               FROM imp_person s
               JOIN people_person p ON p.organisation_id = %(org)s AND p.external_id = s.ext
               JOIN people_household h ON h.organisation_id = %(org)s AND h.external_id = s.household_ext"""
        )
        moved = {
            row[0]
            for row in self._fetch(
                """UPDATE people_householdmembership m SET valid_to = GREATEST(m.valid_from, %(today)s)
                   FROM imp_target t
                   WHERE m.person_id = t.person_id AND m.valid_to IS NULL AND m.household_id <> t.household_id
                   RETURNING m.person_id"""
            )
        }
        # A first membership starts with the household's first case (or today);
        # a move starts today. The first person listed heads a household without a head.
        # Worked out before the insert: an insert that reads the table it fills is planned from that
        # table's statistics, and with a table the statistics call empty (after a dry run) the planner
        # rescans it for every row it inserts.
        # The households' first case starts are grouped once: a correlated min() per person was planned as a
        # walk along the index on cases_case.start_date (the LIMIT 1 form of min), through every entry a
        # rolled-back dry run left dead, for each of the 100,000 persons (5-12 s instead of 0.3 s).
        self._execute(
            """CREATE TEMP TABLE imp_membership ON COMMIT DROP AS
               WITH lotse_start AS (
                   SELECT c.household_id, min(c.start_date) AS start_date FROM cases_case c
                   WHERE c.household_id IN (SELECT household_id FROM imp_target) GROUP BY c.household_id
               ), staged_start AS (
                   SELECT i.household_ext, min(i.start_date) AS start_date FROM imp_case i GROUP BY i.household_ext
               )
               SELECT t.household_id, t.person_id,
                   CASE WHEN t.first_in_household AND NOT EXISTS (
                       SELECT 1 FROM people_householdmembership o
                       WHERE o.household_id = t.household_id AND o.valid_to IS NULL
                       AND o.relationship = 'haushaltsvorstand'
                   ) THEN 'haushaltsvorstand' ELSE 'unbekannt' END AS relationship,
                   CASE WHEN EXISTS (SELECT 1 FROM people_householdmembership o WHERE o.person_id = t.person_id)
                   THEN %(today)s
                   ELSE LEAST(%(today)s, ls.start_date, ss.start_date) END AS valid_from
               FROM imp_target t
               LEFT JOIN lotse_start ls ON ls.household_id = t.household_id
               LEFT JOIN staged_start ss ON ss.household_ext = t.household_ext
               WHERE NOT EXISTS (
                   SELECT 1 FROM people_householdmembership m WHERE m.person_id = t.person_id AND m.valid_to IS NULL
               )"""
        )
        self._execute(
            """WITH joined AS (
               INSERT INTO people_householdmembership (household_id, person_id, relationship, valid_from, valid_to)
               SELECT household_id, person_id, relationship, valid_from, NULL FROM imp_membership
               RETURNING person_id
               ) INSERT INTO imp_joined (person_id) SELECT person_id FROM joined"""
        )
        self._execute("DROP TABLE imp_membership")
        self._analyze("people_householdmembership")
        self._count(PERSONS.name, created, len(updated | moved))
        self.report.counts[HOUSEHOLDS] = {"created": households, "updated": 0, "unchanged": 0}
        self._execute("DROP TABLE imp_target")

    def _merge_cases(self) -> None:
        self._execute(
            """CREATE TEMP TABLE imp_case_resolved ON COMMIT DROP AS
               SELECT s.*, h.id AS household_id, c.id AS case_id, c.status AS old_status
               FROM imp_case s
               JOIN people_household h ON h.organisation_id = %(org)s AND h.external_id = s.household_ext
               LEFT JOIN cases_case c ON c.organisation_id = %(org)s AND c.external_id = s.ext"""
        )
        log = """INSERT INTO cases_casestatuschange (case_id, from_status, to_status, "on", closing_reason, note,
                     by_id, at)"""
        updated = self._fetch(
            f"""WITH changed AS (
                    UPDATE cases_case c SET
                        start_date = r.start_date, end_date = r.end_date, closing_reason = r.closing_reason,
                        municipality_id = r.municipality_id,
                        responsible_id = COALESCE(r.responsible_id, c.responsible_id),
                        status = CASE WHEN r.end_date IS NOT NULL THEN 'abgeschlossen'
                                      WHEN c.status = 'abgeschlossen' THEN 'aktiv' ELSE c.status END,
                        version = c.version + 1
                    FROM imp_case_resolved r
                    WHERE c.id = r.case_id
                    AND (c.start_date, c.end_date, c.closing_reason, c.municipality_id, c.responsible_id)
                        IS DISTINCT FROM (r.start_date, r.end_date, r.closing_reason, r.municipality_id,
                                          COALESCE(r.responsible_id, c.responsible_id))
                    RETURNING c.id, r.old_status, c.status, c.start_date, c.end_date, c.closing_reason
                ), logged AS (
                    {log}
                    SELECT id, old_status, status,
                        CASE WHEN status = 'abgeschlossen' THEN end_date ELSE GREATEST(%(today)s, start_date) END,
                        closing_reason, %(note)s, %(by)s, now()
                    FROM changed WHERE old_status <> status
                    RETURNING 1
                )
                SELECT count(*) FROM changed"""
        )[0][0]
        created = self._fetch(
            f"""WITH created AS (
                    INSERT INTO cases_case (version, organisation_id, external_id, responsible_id, municipality_id,
                        household_id, status, start_date, end_date, closing_reason, created_at)
                    SELECT 1, %(org)s, r.ext, r.responsible_id, r.municipality_id, r.household_id,
                        CASE WHEN r.end_date IS NULL THEN 'aktiv' ELSE 'abgeschlossen' END,
                        r.start_date, r.end_date, r.closing_reason, now()
                    FROM imp_case_resolved r WHERE r.case_id IS NULL
                    RETURNING id, status, start_date, end_date, closing_reason
                ), opened AS (
                    {log}
                    SELECT id, '', 'aktiv', start_date, '', %(note)s, %(by)s, now() FROM created
                    RETURNING 1
                ), closed AS (
                    {log}
                    SELECT id, 'aktiv', 'abgeschlossen', end_date, closing_reason, %(note)s, %(by)s, now()
                    FROM created WHERE status = 'abgeschlossen'
                    RETURNING 1
                )
                SELECT count(*) FROM created"""
        )[0][0]
        self._analyze("cases_case")
        self._count(CASES.name, created, updated)
        # A new case gets every person of its household as client; a case
        # already in Lotse gains those who joined its household in this import
        # (its caseworker may have chosen the clients among the others).
        clients = self._execute(
            """INSERT INTO cases_caseclient (case_id, person_id)
               SELECT c.id, m.person_id FROM imp_case_resolved r
               JOIN cases_case c ON c.organisation_id = %(org)s AND c.external_id = r.ext
               JOIN people_householdmembership m ON m.household_id = c.household_id AND m.valid_to IS NULL
               WHERE r.case_id IS NULL OR m.person_id IN (SELECT person_id FROM imp_joined)
               ON CONFLICT (case_id, person_id) DO NOTHING"""
        )
        # Without statistics the case list reads a page's clients by a hash join over every person.
        self._analyze("cases_caseclient")
        self.report.counts[CLIENTS] = {"created": clients, "updated": 0, "unchanged": 0}
        self._execute("DROP TABLE imp_case_resolved")

    def _merge_status(self, sheet: str) -> None:
        target, _header, columns = STATUS_SHEETS[sheet]
        staging = STAGING[sheet][0]
        names = ", ".join(columns)
        extra_insert, extra_values = ("course, ", "'', ") if target == "people_languagerecord" else ("", "")
        inserted, updated = self._fetch(
            f"""WITH merged AS (
                    INSERT INTO {target} (version, person_id, valid_from, recorded_by_id, created_at,
                        {extra_insert}{names})
                    SELECT 1, p.id, s.valid_from, %(by)s, now(), {extra_values}{", ".join(f"s.{c}" for c in columns)}
                    FROM {staging} s
                    JOIN people_person p ON p.organisation_id = %(org)s AND p.external_id = s.person_ext
                    ON CONFLICT (person_id, valid_from) DO UPDATE SET ({names}, recorded_by_id, version)
                        = ({", ".join(f"EXCLUDED.{c}" for c in columns)}, EXCLUDED.recorded_by_id,
                           {target}.version + 1)
                    WHERE ({", ".join(f"{target}.{c}" for c in columns)})
                        IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in columns)})
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged"""
        )[0]
        self._count(sheet, inserted, updated)

    def _merge_contacts(self) -> None:
        # Contacts have no ID: the n-th contact of a case on a day is the key,
        # in the order of the rows (the export writes them in that order).
        self._execute(
            """CREATE TEMP TABLE imp_contact_resolved ON COMMIT DROP AS
               SELECT s.*, c.id AS case_id,
                   row_number() OVER (PARTITION BY c.id, s.date ORDER BY s.row_no) AS n
               FROM imp_contact s JOIN cases_case c ON c.organisation_id = %(org)s AND c.external_id = s.case_ext"""
        )
        self._execute(
            """CREATE TEMP TABLE imp_contact_existing ON COMMIT DROP AS
               SELECT k.id, k.case_id, k.date, row_number() OVER (PARTITION BY k.case_id, k.date ORDER BY k.id) AS n
               FROM cases_contact k WHERE k.case_id IN (SELECT case_id FROM imp_contact_resolved)"""
        )
        staged = (
            "r.duration, r.form, r.fields::varchar(20)[], r.interpreter_language, r.note,"
            " CASE WHEN r.interpreter_language = '' THEN 'keine'"
            " WHEN k.interpreter_kind = 'keine' THEN 'ohne_angabe' ELSE k.interpreter_kind END"
        )
        updated = self._execute(
            f"""UPDATE cases_contact k
                SET (duration_minutes, form, fields_of_action, interpreter_language, note, interpreter_kind, version)
                    = ({staged}, k.version + 1)
                FROM imp_contact_existing e
                JOIN imp_contact_resolved r ON r.case_id = e.case_id AND r.date = e.date AND r.n = e.n
                WHERE k.id = e.id
                AND (k.duration_minutes, k.form, k.fields_of_action, k.interpreter_language, k.note, k.interpreter_kind)
                    IS DISTINCT FROM ({staged})"""
        )
        created = self._execute(
            """INSERT INTO cases_contact (version, case_id, date, duration_minutes, form, fields_of_action,
                   interpreter_kind, interpreter_language, note, created_by_id, created_at)
               SELECT 1, r.case_id, r.date, r.duration, r.form, r.fields::varchar(20)[],
                   CASE WHEN r.interpreter_language = '' THEN 'keine' ELSE 'ohne_angabe' END,
                   r.interpreter_language, r.note, %(by)s, now()
               FROM imp_contact_resolved r
               WHERE NOT EXISTS (
                   SELECT 1 FROM imp_contact_existing e WHERE e.case_id = r.case_id AND e.date = r.date AND e.n = r.n
               )"""
        )
        self._count(CONTACTS.name, created, updated)
        self._execute("DROP TABLE imp_contact_resolved")
        self._execute("DROP TABLE imp_contact_existing")
