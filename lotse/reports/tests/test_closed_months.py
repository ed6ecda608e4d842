"""The figures of closed months are kept, and computed again as soon as a change reaches back into them.

What users rely on: a report shows for every month exactly what a fresh
computation gives, however the data were changed since the month's figures
were first kept (a backdated language record, a case closed into the past, a
date of birth corrected, a change committed while the figures were counted).
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lotse.cases import services
from lotse.cases.models import Case
from lotse.conftest import client_for
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.test_start_page import facts
from lotse.people import services as people_services
from lotse.people.models import LanguageRecord, Person, WorkRecord
from lotse.reports import closed_months
from lotse.reports.closed_months import Kept, kept, report_figures, seen_now
from lotse.reports.figures import KeyFigures, Scope, compute, key_figure_series, key_figures, month_ends, one_snapshot
from lotse.reports.models import FigureChange, KeptFigures
from lotse.reports.presentation import build_report, default_series_start
from lotse.reports.tests.conftest import make_case

pytestmark = pytest.mark.django_db

STICHTAG = datetime.date(2025, 6, 30)
V = datetime.date(2020, 1, 1)
POISON = 1000


def series_days() -> list[datetime.date]:
    return month_ends(default_series_start(STICHTAG), STICHTAG)


def as_json(series: list[KeyFigures]) -> list[dict[str, Any]]:
    return [figures.as_json() for figures in series]


def poison_kept() -> None:
    """Make every kept month recognisable: what a report shows from them is off by POISON clients."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {KeptFigures._meta.db_table} "  # noqa: S608 - the model's own table name
            "SET counts = jsonb_set(counts, '{klienten}', to_jsonb((counts->>'klienten')::int + %s))",
            [POISON],
        )


def head_of(case: Case) -> Person:
    return case.clients.get(given_names="Test")


def changes_after(last: int) -> list[datetime.date]:
    return sorted(FigureChange.objects.filter(pk__gt=last).values_list("affected_from", flat=True))


def last_change() -> int:
    return FigureChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_it_keeps_the_closed_months_of_a_report_and_shows_them_again(figures_data: dict[str, Case]) -> None:
    first = build_report(STICHTAG, V, None, Scope(), False)
    days = series_days()
    # Every point of the series is a closed month's last day (the reference date too): all are kept.
    assert sorted(KeptFigures.objects.values_list("day", flat=True)) == days
    assert as_json(first.series) == as_json(key_figure_series(days, V))

    poison_kept()
    again = build_report(STICHTAG, V, None, Scope(), False)
    # Every month, the reference date included, comes from what was kept; so do the breakdowns.
    assert [f.klienten for f in again.series] == [f.klienten + POISON for f in first.series]
    assert again.figures is again.series[-1]
    assert [(m.pk, f.as_json()) for m, f in again.by_municipality] == [
        (m.pk, f.as_json()) for m, f in first.by_municipality
    ]
    assert [(o.pk, f.as_json()) for o, f in again.by_organisation] == [
        (o.pk, f.as_json()) for o, f in first.by_organisation
    ]


def test_figures_kept_before_a_figure_was_added_are_computed_again(figures_data: dict[str, Case]) -> None:
    first = build_report(STICHTAG, V, None, Scope(), False)
    poison_kept()
    # Kept by a version without ``beendet_erstmals_privat``: not used, computed again.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {KeptFigures._meta.db_table} SET counts = counts - 'beendet_erstmals_privat'"  # noqa: S608
        )

    again = build_report(STICHTAG, V, None, Scope(), False)

    assert as_json(again.series) == as_json(first.series)
    assert again.figures.beendet_erstmals_privat == 1
    assert all("beendet_erstmals_privat" in counts for counts in KeptFigures.objects.values_list("counts", flat=True))


def test_the_figures_of_today_are_kept_until_a_change_dated_today(figures_data: dict[str, Case]) -> None:
    today = timezone.localdate()
    first = build_report(today, V, None, Scope(), False)
    assert KeptFigures.objects.get(day=today).breakdowns is not None
    poison_kept()
    assert build_report(today, V, None, Scope(), False).figures.klienten == first.figures.klienten + POISON

    other = figures_data["other"]
    people_services.add_status_record(
        acting_user=None, person=other.clients.get(), kind="language", valid_from=today, level="C1"
    )
    fresh = build_report(today, V, None, Scope(), False)
    assert fresh.figures.as_json() == key_figures(today, V).as_json()
    assert fresh.figures.erwachsene_b1_plus == first.figures.erwachsene_b1_plus + 1
    by_organisation = {o.pk: f.as_json() for o, f in fresh.by_organisation}
    assert by_organisation[other.organisation_id]["erwachsene_b1_plus"] == 1
    # The closed months before today were not touched by the change: they still come from what was kept.
    assert fresh.series[-2].klienten == first.series[-2].klienten + POISON


def test_a_change_dated_in_a_past_month_makes_that_month_and_the_later_ones_be_counted_again(
    figures_data: dict[str, Case],
) -> None:
    build_report(STICHTAG, V, None, Scope(), False)
    poison_kept()
    head = head_of(figures_data["family"])
    # The head of the family is recorded at A2 from 10 February 2025 (B1 since June 2024): the adults with B1
    # fall from February on.
    people_services.add_status_record(
        acting_user=None, person=head, kind="language", valid_from=datetime.date(2025, 2, 10), level="A2"
    )

    report = build_report(STICHTAG, V, None, Scope(), False)
    fresh = key_figure_series(series_days(), V)
    for shown, counted in zip(report.series, fresh, strict=True):
        if shown.stichtag < datetime.date(2025, 2, 10):
            assert shown.klienten == counted.klienten + POISON, shown.stichtag
        else:
            assert shown.as_json() == counted.as_json(), shown.stichtag
    assert [f.erwachsene_b1_plus for f in fresh[-6:]] == [1, 0, 0, 0, 0, 0]


def test_closing_a_case_into_a_past_month_and_correcting_a_birth_date_count_again(
    figures_data: dict[str, Case],
) -> None:
    build_report(STICHTAG, V, None, Scope(), False)
    poison_kept()
    other = figures_data["other"]
    services.change_status(
        acting_user=None,
        case=other,
        expected_version=other.version,
        to_status="abgeschlossen",
        on=datetime.date(2025, 4, 15),
        closing_reason="wegzug",
    )
    # The child's date of birth was wrong: she is in fact of age.
    child = figures_data["family"].clients.get(given_names="Lina")
    Person.objects.filter(pk=child.pk).update(birth_date=datetime.date(2000, 2, 1))

    report = build_report(STICHTAG, V, None, Scope(), False)
    # The child is a client from the family's case start (10 January 2024): every month from then on counts again.
    assert as_json(report.series[-18:]) == as_json(key_figure_series(series_days()[-18:], V))
    assert report.series[-3].beendet_personen == report.series[-4].beendet_personen + 1


def test_only_the_last_days_of_months_before_today_are_kept() -> None:
    today = datetime.date(2026, 12, 3)
    assert closed_months.is_closed_month_end(datetime.date(2026, 11, 30), today)
    assert not closed_months.is_closed_month_end(datetime.date(2026, 12, 31), today)
    assert not closed_months.is_closed_month_end(datetime.date(2026, 11, 29), today)


@pytest.mark.parametrize(
    ("change", "affected"),
    [
        ("language added", ["2025-05-02"]),
        ("language moved", ["2024-03-01"]),
        ("work removed", ["2025-01-01"]),
        ("housing added", ["2025-05-20"]),
        ("case opened", ["2025-05-05", "2025-05-05"]),
        ("case closed", ["2025-06-01"]),
        ("case moved to another municipality", ["2024-03-01"]),
        ("client removed", ["2024-01-10"]),
        ("birth date corrected", ["2024-01-10"]),
        ("name corrected", []),
        ("case responsible changed", []),
    ],
)
def test_each_change_is_logged_with_the_first_day_it_affects(
    change: str, affected: list[str], figures_data: dict[str, Case], places: tuple[Municipality, Municipality]
) -> None:
    family, other = figures_data["family"], figures_data["other"]
    head = head_of(family)
    org_a = family.organisation
    last = last_change()
    if change == "language added":
        people_services.add_status_record(
            acting_user=None, person=head, kind="language", valid_from=datetime.date(2025, 5, 2), level="B2"
        )
    elif change == "language moved":
        LanguageRecord.objects.filter(person=head).update(valid_from=datetime.date(2024, 3, 1))
    elif change == "work removed":
        people_services.delete_status_record(acting_user=None, record=WorkRecord.objects.get(person=head))
    elif change == "housing added":
        people_services.add_status_record(
            acting_user=None,
            person=head,
            kind="housing",
            valid_from=datetime.date(2025, 5, 20),
            situation="privater_mietvertrag",
        )
    elif change == "case opened":
        make_case(org_a, places[0], datetime.date(2025, 5, 5), "Neu", datetime.date(1980, 1, 1))
    elif change == "case closed":
        services.change_status(
            acting_user=None,
            case=other,
            expected_version=other.version,
            to_status="abgeschlossen",
            on=datetime.date(2025, 6, 1),
            closing_reason="wegzug",
        )
    elif change == "case moved to another municipality":
        Case.objects.filter(pk=other.pk).update(municipality=places[1])
    elif change == "client removed":
        family.case_clients.filter(person__given_names="Lina").delete()
    elif change == "birth date corrected":
        Person.objects.filter(pk=head.pk).update(birth_date=datetime.date(1990, 5, 2))
    elif change == "name corrected":
        Person.objects.filter(pk=head.pk).update(family_name="Hadad")
    elif change == "case responsible changed":
        Case.objects.filter(pk=family.pk).update(responsible=None, version=family.version + 1)
    assert changes_after(last) == [datetime.date.fromisoformat(day) for day in affected]


def test_figures_kept_from_a_snapshot_that_missed_a_change_are_not_used(figures_data: dict[str, Case]) -> None:
    days = series_days()
    with one_snapshot():
        seen = seen_now()
        counted = compute(days, V, Scope())
    # A change that the snapshot could not see: written by a transaction that was still running (or not yet
    # begun) when the snapshot was taken. Its id is beyond the snapshot's horizon.
    xmax = int(seen.snapshot.split(":")[1])
    FigureChange.objects.create(affected_from=datetime.date(2025, 3, 1), transaction_id=xmax + 1000)
    closed_months.keep((Kept(counted[(day, None)], None) for day in days), V, Scope(), seen)

    still_valid = kept(days, V, Scope())
    assert sorted(still_valid) == [day for day in days if day < datetime.date(2025, 3, 1)]


def test_the_nightly_job_forgets_what_no_longer_holds(figures_data: dict[str, Case]) -> None:
    build_report(STICHTAG, V, None, Scope(), False)
    people_services.add_status_record(
        acting_user=None,
        person=head_of(figures_data["family"]),
        kind="work",
        valid_from=datetime.date(2025, 4, 1),
        situation="arbeitsuchend",
    )
    FigureChange.objects.update(created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))

    forgotten, changes = closed_months.forget_outdated()

    assert forgotten == 3  # April, May and June 2025
    assert changes > 0
    assert not FigureChange.objects.exists()
    assert max(KeptFigures.objects.values_list("day", flat=True)) == datetime.date(2025, 3, 31)
    # What is left is still what a fresh computation gives.
    days = [day for day in series_days() if day <= datetime.date(2025, 3, 31)]
    left = kept(days, V, Scope())
    assert as_json([left[day].figures for day in days]) == as_json(key_figure_series(days, V))


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_the_months_are_counted_is_not_hidden_by_what_was_kept(
    org_a: Organisation, places: tuple[Municipality, Municipality]
) -> None:
    """As two gunicorn workers: a dashboard counts in its snapshot while a caseworker records a language level
    dated in a past month; the next dashboard shows the level."""
    case = make_case(org_a, places[0], datetime.date(2024, 1, 10), "Haddad", datetime.date(1990, 5, 1))
    head = case.clients.get()
    days = series_days()
    recorded = threading.Event()

    def record() -> None:
        try:
            people_services.add_status_record(
                acting_user=None, person=head, kind="language", valid_from=datetime.date(2025, 1, 15), level="C1"
            )
        finally:
            connection.close()
            recorded.set()

    with one_snapshot():
        seen = seen_now()
        writer = threading.Thread(target=record)
        writer.start()
        assert recorded.wait(10)
        writer.join()
        counted = compute(days, V, Scope())
    assert counted[(STICHTAG, None)].erwachsene_b1_plus == 0  # counted in the snapshot before the change
    closed_months.keep((Kept(counted[(day, None)], None) for day in days), V, Scope(), seen)

    series, figures, _breakdowns = report_figures(STICHTAG, V, days, Scope())
    assert as_json(series) == as_json(key_figure_series(days, V))
    assert figures.erwachsene_b1_plus == 1


def test_the_start_page_shares_the_kept_figures_of_today_with_the_dashboard(
    figures_data: dict[str, Case], statistician: User
) -> None:
    today = timezone.localdate()
    client = client_for(statistician)
    assert facts(client.get(reverse("core:start")).content.decode())["Aktive Fälle"] == "2"
    kept_today = KeptFigures.objects.get(day=today, organisation=None, municipality=None)
    assert kept_today.breakdowns is not None  # what the dashboard of today will use

    make_case(figures_data["family"].organisation, figures_data["family"].municipality, today, "Neu", today)
    assert facts(client.get(reverse("core:start")).content.decode())["Aktive Fälle"] == "3"


def test_the_own_changes_of_the_computing_transaction_count_by_their_order_not_by_the_snapshot(
    figures_data: dict[str, Case],
) -> None:
    """A snapshot taken while a later transaction runs counts its own transaction as visible; its own
    changes after the computation must invalidate all the same (and those before it must not)."""
    day = datetime.date(2025, 5, 31)
    figures = key_figures(day, V)
    # A transaction id well after every real one of this database (a server used for long has passed any fixed
    # number), so the fixture's own changes are all before the snapshot.
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        own = cursor.fetchone()[0] + 100_000
    before = FigureChange.objects.create(affected_from=datetime.date(2025, 5, 1), transaction_id=own)
    for snapshot in (f"{own - 5}:{own + 10}:", f"{own}:{own}:"):  # own visible, own not visible
        KeptFigures.objects.all().delete()
        seen = closed_months.Seen(snapshot, own, before.pk)
        closed_months.keep([Kept(figures, None)], V, Scope(), seen)
        assert day in kept([day], V, Scope()), snapshot  # the change before the computation was seen
        after = FigureChange.objects.create(affected_from=datetime.date(2025, 5, 2), transaction_id=own)
        assert day not in kept([day], V, Scope()), snapshot  # the one after it was not
        after.delete()
