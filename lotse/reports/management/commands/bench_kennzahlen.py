"""manage.py bench_kennzahlen: time the key figures (part of `make bench`).

`make bench` first imports the 100,000-person workbook into the throw-away
database ``lotse_bench_...`` (``bench_import --keep-database``) and then runs this
command with ``--database-name lotse_bench_... --drop`` against it. Without options
it times the figures of the current database (e.g. the demo).
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from lotse.accommodation.figures import municipality_figures
from lotse.accommodation.models import AssignedPerson, Assignment, Occupancy, Place, Shelter
from lotse.cases.models import Case, CaseClient
from lotse.core.models import Municipality
from lotse.people.choices import B1_OR_HIGHER
from lotse.people.models import LanguageRecord, Person
from lotse.reports.figures import Scope, default_period_start, key_figure_series, key_figures, month_ends
from lotse.reports.models import KeptFigures
from lotse.reports.presentation import build_report, default_series_start

# Issue 17: the dashboard at 100,000 clients in under a second, a municipality's figures in under 0.1 s.
DASHBOARD_TARGET = 1.0
MUNICIPALITY_TARGET = 0.1


def _timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


class Command(BaseCommand):
    help = "Time the key figures at one reference date, a 24-month series and the whole dashboard report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-name", help="run against this database on the same server (e.g. lotse_bench_...)"
        )
        parser.add_argument("--drop", action="store_true", help="drop that database afterwards")
        parser.add_argument("--stichtag", type=datetime.date.fromisoformat, help="reference date (default: today)")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        old_name = connection.settings_dict["NAME"]
        if options["drop"] and not (options["database_name"] or "").startswith("lotse_bench_"):
            raise CommandError("--drop drops only a benchmark's own database (lotse_bench_...).")
        if options["database_name"]:
            connection.close()
            connection.settings_dict["NAME"] = options["database_name"]
            connection.settings_dict.setdefault("TEST", {})["NAME"] = options["database_name"]
        try:
            self._run(options["stichtag"] or timezone.localdate(), options["repeat"])
        finally:
            if options["database_name"] and options["drop"]:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, day: datetime.date, repeat: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"key figures on {day.isoformat()}: {Case.objects.count()} cases, "
            f"{CaseClient.objects.values('person').distinct().count()} clients"
        )
        von = default_period_start(Scope(), day)
        days = month_ends(default_series_start(day), day)
        floor_times, _count = _timed(lambda: _hand_written_clients(day), repeat)
        floor = statistics.median(floor_times)
        self.stdout.write(
            f"limit: a hand-written statement counting the clients and adults with B1 on the date: {floor:.3f} s"
        )

        def forget_kept() -> None:
            KeptFigures.objects.all().delete()

        def dashboard() -> object:
            return build_report(day, None, None, Scope(), False)

        def cold_dashboard() -> object:
            forget_kept()
            return dashboard()

        def changed_today_dashboard() -> object:
            # As after a change dated today: the reference date is counted afresh, the closed months are kept.
            KeptFigures.objects.filter(day=day).delete()
            return dashboard()

        for label, function, runs, target in (
            ("one reference date", lambda: key_figures(day, von), repeat, None),
            (f"series of {len(days)} months", lambda: key_figure_series(days, von), max(1, repeat // 2), None),
            ("dashboard (date, series, both breakdowns), nothing kept yet", cold_dashboard, max(1, repeat // 2), None),
            (
                "dashboard after a change dated today (closed months kept, the date counted afresh)",
                changed_today_dashboard,
                repeat,
                DASHBOARD_TARGET,
            ),
            ("dashboard with nothing changed since it was last shown", dashboard, repeat, DASHBOARD_TARGET),
        ):
            times, _result = _timed(function, runs)
            median = statistics.median(times)
            verdict = "" if target is None else f", {_verdict(median, target)}"
            self.stdout.write(
                f"{label}: median {median:.3f} s, max {max(times):.3f} s over {runs} run(s), "
                f"{median / floor:.1f}x the limit{verdict}"
            )
        figures = key_figures(day, von)
        self.stdout.write(f"    {figures.as_json()}")
        self._municipality(day, repeat)

    def _municipality(self, day: datetime.date, repeat: int) -> None:
        """The figures page of the municipality with the most assignments, beside a hand-written statement that
        counts its assigned persons and the stays active in its shelters on the date."""
        busiest = Assignment.objects.values("municipality_id").order_by().annotate(n=Count("id")).order_by("-n").first()
        if busiest is None:
            self.stdout.write("municipality figures: no assignments in this database")
            return
        municipality = Municipality.objects.get(pk=busiest["municipality_id"])
        floor_times, counted = _timed(lambda: _hand_written_municipality(municipality, day), repeat)
        floor = statistics.median(floor_times)
        times, figures = _timed(lambda: municipality_figures(municipality, day), repeat)
        median = statistics.median(times)
        self.stdout.write(
            f"municipality figures of {municipality.name} ({counted[0]} assigned, {counted[1]} living in its "
            f"shelters): median {median:.3f} s, max {max(times):.3f} s over {repeat} run(s); limit: a hand-written "
            f"statement counting both {floor:.3f} s, {median / floor:.1f}x the limit, "
            f"{_verdict(median, MUNICIPALITY_TARGET)}"
        )
        self.stdout.write(f"    {figures.as_json()}")


def _verdict(median: float, target: float) -> str:
    return f"target < {target:.1f} s: {'met' if median < target else 'NOT MET'}"


def _hand_written_clients(day: datetime.date) -> tuple[int, int]:
    """The floor: the clients of the cases active on ``day`` and the adults among them at B1 or higher."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH clients AS (
                SELECT DISTINCT cc.person_id FROM {Case._meta.db_table} c
                JOIN {CaseClient._meta.db_table} cc ON cc.case_id = c.id
                WHERE c.start_date <= %s AND (c.end_date IS NULL OR c.end_date > %s)
            ),
            language AS (
                SELECT DISTINCT ON (person_id) person_id, level FROM {LanguageRecord._meta.db_table}
                WHERE valid_from <= %s ORDER BY person_id, valid_from DESC
            )
            SELECT count(*),
                count(*) FILTER (WHERE p.birth_date <= (%s - interval '18 years')::date AND l.level = ANY(%s))
            FROM clients cl JOIN {Person._meta.db_table} p ON p.id = cl.person_id
            LEFT JOIN language l ON l.person_id = cl.person_id
            """,
            [day, day, day, day, sorted(B1_OR_HIGHER)],
        )
        clients, b1 = cursor.fetchone()
    return clients, b1


def _hand_written_municipality(municipality: Municipality, day: datetime.date) -> tuple[int, int]:
    """The floor of a municipality's figures: its persons assigned up to ``day`` and the stays active on that day
    in its shelters."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
                (SELECT count(DISTINCT ap.person_id) FROM {Assignment._meta.db_table} a
                 JOIN {AssignedPerson._meta.db_table} ap ON ap.assignment_id = a.id
                 WHERE a.municipality_id = %s AND a.date <= %s),
                (SELECT count(*) FROM {Occupancy._meta.db_table} o
                 JOIN {Place._meta.db_table} p ON p.id = o.place_id
                 JOIN {Shelter._meta.db_table} s ON s.id = p.shelter_id
                 WHERE s.municipality_id = %s AND o.move_in <= %s AND (o.move_out IS NULL OR o.move_out > %s))
            """,
            [municipality.pk, day, municipality.pk, day, day],
        )
        assigned, living = cursor.fetchone()
    return assigned, living
