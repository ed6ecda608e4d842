"""The rent limits' import through the staged-import lifecycle of core: a good list, bad rows with exact German
messages (nothing written), the same file twice (nothing changes, the earlier commit is pointed out), and the
export in the same columns."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lotse.conftest import client_for
from lotse.core.choices import ImportStatus
from lotse.core.models import ImportRun
from lotse.core.staged_import import check_upload, earlier_commit, fingerprint, request_commit
from lotse.core.testing import run_jobs
from lotse.housing.models import RentLimit
from lotse.housing.rent_limit_import import RENT_LIMIT_LIST, check_limit_list
from lotse.housing.tests.offer_world import municipality

pytestmark = pytest.mark.django_db

HEADER = "Gemeinde;Haushaltsgröße;gültig ab;Bruttokaltmiete höchstens;Wohnfläche höchstens\n"
GOOD = (
    HEADER
    + "08118048;1;01.01.2026;552,00;45\n"
    + "Ludwigsburg;2;01.01.2026;668,50;60\n"
    + "8118003;1;01.01.2026;530;\n"
    + "08118003;2;2026-01-01;1.234,50;62,5\n"
).encode()


@pytest.fixture
def places():
    return municipality(), municipality("Asperg", "08118003")


def _report(content: bytes):
    report, _planned = check_limit_list("mietobergrenzen.csv", content, datetime.date(2026, 3, 1))
    return report


def test_it_checks_and_commits_a_good_list_through_the_staged_lifecycle(sysadmin, places):
    files = [("mietobergrenzen.csv", GOOD)]
    run = check_upload(RENT_LIMIT_LIST, acting_user=sysadmin, organisation=sysadmin.organisation, files=files)
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED
    assert run.report["counts"] == {"Mietobergrenzen": {"created": 4, "updated": 0, "unchanged": 0}}
    assert not RentLimit.objects.exists()
    request_commit(RENT_LIMIT_LIST, acting_user=sysadmin, run=run)
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert set(
        RentLimit.objects.values_list("municipality__name", "household_size", "max_gross_cold_rent", "max_living_space")
    ) == {
        ("Ludwigsburg", 1, Decimal("552.00"), Decimal("45.0")),
        ("Ludwigsburg", 2, Decimal("668.50"), Decimal("60.0")),
        ("Asperg", 1, Decimal("530.00"), None),
        ("Asperg", 2, Decimal("1234.50"), Decimal("62.5")),
    }
    assert set(RentLimit.objects.values_list("created_by", flat=True)) == {sysadmin.pk}

    # The same file again: nothing would change, and the earlier commit is pointed out.
    again = check_upload(RENT_LIMIT_LIST, acting_user=sysadmin, organisation=sysadmin.organisation, files=files)
    run_jobs()
    again.refresh_from_db()
    assert again.report["counts"] == {"Mietobergrenzen": {"created": 0, "updated": 0, "unchanged": 4}}
    assert earlier_commit(RENT_LIMIT_LIST, fingerprint(files), user=sysadmin, excluding=again) == run
    page = client_for(sysadmin).get(reverse("housing:rent_limit_import_detail", args=[again.pk]))
    assert page.status_code == 200
    assert "bereits" in page.content.decode()


def test_it_corrects_an_entry_whose_amount_differs(sysadmin, places):
    run = check_upload(
        RENT_LIMIT_LIST, acting_user=sysadmin, organisation=sysadmin.organisation, files=[("a.csv", GOOD)]
    )
    run_jobs()
    request_commit(RENT_LIMIT_LIST, acting_user=sysadmin, run=ImportRun.objects.get(pk=run.pk))
    run_jobs()
    changed = GOOD.replace(b"552,00", b"560,00")
    report = _report(changed)
    assert report.counts["Mietobergrenzen"] == {"created": 0, "updated": 1, "unchanged": 3}


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "09999999;1;01.01.2026;500;",
            "Gemeinde",
            "Eine Gemeinde mit diesem Amtlichen Gemeindeschlüssel (AGS) ist in Lotse nicht bekannt.",
        ),
        (
            "Atlantis;1;01.01.2026;500;",
            "Gemeinde",
            "Unbekannte Gemeinde. Geben Sie ihren Amtlichen Gemeindeschlüssel (AGS) an oder ihren Namen, wie Lotse "
            "ihn kennt.",
        ),
        (
            ";1;01.01.2026;500;",
            "Gemeinde",
            "Geben Sie die Gemeinde an: ihren Amtlichen Gemeindeschlüssel (AGS) oder ihren Namen.",
        ),
        ("08118048;9;01.01.2026;500;", "Haushaltsgröße", "Bitte eine Zahl von 1 bis 8 angeben."),
        ("08118048;;01.01.2026;500;", "Haushaltsgröße", "Geben Sie die Haushaltsgröße an (Zahl der Personen)."),
        ("08118048;1;;500;", "gültig ab", "Geben Sie das Datum an, ab dem die Grenze gilt."),
        ("08118048;1;Januar;500;", "gültig ab", "Das ist kein Datum. Bitte TT.MM.JJJJ angeben."),
        (
            "08118048;1;01.01.2026;;",
            "Bruttokaltmiete höchstens",
            "Geben Sie die höchstens zulässige Bruttokaltmiete an.",
        ),
        ("08118048;1;01.01.2026;viel;", "Bruttokaltmiete höchstens", "Geben Sie einen Betrag in Euro wie 512,50 ein."),
        ("08118048;1;01.01.2026;0;", "Bruttokaltmiete höchstens", "Der Betrag muss größer als 0 Euro sein."),
        (
            "08118048;1;01.01.2026;500;groß",
            "Wohnfläche höchstens",
            "Geben Sie die Wohnfläche in Quadratmetern wie 45 oder 45,5 ein.",
        ),
    ],
)
def test_it_reports_a_bad_row_with_its_exact_german_message(places, row, column, message):
    report = _report((HEADER + row + "\n").encode())
    assert [(p.row, p.column, p.message) for p in report.problems] == [(2, column, message)]
    assert report.counts["Mietobergrenzen"] == {"created": 0, "updated": 0, "unchanged": 0}


def test_it_reports_a_row_named_twice_and_a_missing_column(places):
    twice = _report((HEADER + "08118048;1;01.01.2026;500;\nLudwigsburg;1;01.01.2026;510;\n").encode())
    assert [(p.row, p.message) for p in twice.problems] == [
        (3, "Die Liste nennt diese Gemeinde, Haushaltsgröße und dieses Datum doppelt (auch in Zeile 2).")
    ]
    missing = _report(b"Gemeinde;Haushaltsgr\xc3\xb6\xc3\x9fe;g\xc3\xbcltig ab\n08118048;1;01.01.2026\n")
    assert [p.message for p in missing.problems] == ["Die Spalte „Bruttokaltmiete höchstens“ fehlt."]


def test_it_writes_nothing_when_one_row_is_bad(sysadmin, places):
    bad = GOOD + b"Atlantis;1;01.01.2026;500;\n"
    run = check_upload(
        RENT_LIMIT_LIST, acting_user=sysadmin, organisation=sysadmin.organisation, files=[("b.csv", bad)]
    )
    run_jobs()
    run.refresh_from_db()
    assert run.report["problem_count"] == 1
    assert not RentLimit.objects.exists()


def test_it_exports_the_limits_in_the_columns_of_the_import_and_imports_the_export_unchanged(sysadmin, places):
    run = check_upload(
        RENT_LIMIT_LIST, acting_user=sysadmin, organisation=sysadmin.organisation, files=[("a.csv", GOOD)]
    )
    run_jobs()
    request_commit(RENT_LIMIT_LIST, acting_user=sysadmin, run=ImportRun.objects.get(pk=run.pk))
    run_jobs()
    response = client_for(sysadmin).get(reverse("housing:rent_limit_export"))
    assert response.status_code == 200
    content = response.content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Gemeinde", "Haushaltsgröße", "gültig ab", "Bruttokaltmiete höchstens", "Wohnfläche höchstens")
    assert len(rows) == 5
    report, _planned = check_limit_list("export.xlsx", content, datetime.date(2026, 3, 1))
    assert report.ok
    assert report.counts["Mietobergrenzen"] == {"created": 0, "updated": 0, "unchanged": 4}
