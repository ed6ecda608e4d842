"""Hostile workbooks uploaded to the workbook import: refused with a German message, nothing written or kept.

The files (lotse.core.tests.hostile_files) are the ones of issue 16: text in A1
and XFD1048576 of a sheet Personen, which made calamine ask for 550 GB and the
worker abort, and a zip bomb. The limits are lowered where that keeps the test
small; the guard's own tests cover each limit.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.choices import ImportStatus
from lotse.core.models import ImportRun
from lotse.core.testing import run_jobs
from lotse.core.tests.hostile_files import far_cell, zip_bomb
from lotse.imports.tests.test_views import workbook
from lotse.people.models import Person

pytestmark = pytest.mark.django_db

ROWS = "Die Tabelle „Personen“ reicht bis Zeile 1.048.576; eine Tabelle darf höchstens 1.000.000 Zeilen haben."
BOMB = "Die Datei ist entpackt größer als 1 MB (mindestens 8 MB). Teilen Sie die Liste auf mehrere Dateien auf."


def upload(client, content: bytes, name: str = "liste.xlsx"):
    """Upload through the page and run the check as the worker does; the report page it leads to."""
    response = client.post(reverse("imports:overview"), {"workbook": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    run_jobs()
    return client.get(response["Location"])


def assert_refused(response, message: str) -> None:
    """The check refused the file: the report page says why, the file is deleted, nothing was written."""
    assert response.status_code == 200
    assert message in response.content.decode()
    run = ImportRun.objects.get()
    assert (run.status, run.content, run.job_message) == (ImportStatus.REFUSED, None, message)
    assert "Jetzt importieren" not in response.content.decode()
    assert Person.objects.count() == 0


def test_it_refuses_the_far_cell_workbook_in_its_check_and_deletes_it(org_admin_a, municipalities):
    assert_refused(upload(client_for(org_admin_a), far_cell()), ROWS)


def test_it_refuses_a_zip_bomb_in_its_check(org_admin_a, municipalities, settings):
    settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = 1

    assert_refused(upload(client_for(org_admin_a), zip_bomb(8)), BOMB)


def test_it_refuses_a_csv_file_of_too_many_rows_in_its_check(org_admin_a, municipalities, settings):
    settings.LOTSE_IMPORT_MAX_ROWS = 2
    content = b"Personen-ID;Familienname\r\nP-1;Haddad\r\nP-2;Haddad\r\n"

    response = upload(client_for(org_admin_a), content, "Personen.csv")

    assert_refused(
        response, "Die Tabelle „Personen.csv“ reicht bis Zeile 3; eine Tabelle darf höchstens 2 Zeilen haben."
    )


def test_it_refuses_the_commit_of_a_checked_upload_beyond_lowered_limits_and_keeps_it_checked(
    org_admin_a, municipalities, settings
):
    client = client_for(org_admin_a)
    upload(client, workbook())
    run = ImportRun.objects.get()
    settings.LOTSE_IMPORT_MAX_ROWS = 2

    response = client.post(reverse("imports:commit", kwargs={"pk": run.pk}))
    run_jobs()
    response = client.get(response["Location"])

    assert (
        "Die Tabelle „Personen“ reicht bis Zeile 3; eine Tabelle darf höchstens 2 Zeilen haben."
        in response.content.decode()
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and run.content is not None
    assert Person.objects.count() == 0


@pytest.mark.parametrize("mode", [[], ["--dry-run"]], ids=["commit", "dry run"])
def test_the_command_refuses_the_far_cell_workbook_and_writes_nothing(org_a, municipalities, tmp_path, mode):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(far_cell())

    with pytest.raises(CommandError) as refused:
        call_command("import_workbook", str(path), "--organisation", "org-a", *mode, stdout=io.StringIO())

    assert str(refused.value) == ROWS
    assert refused.value.returncode == 1
    assert ImportRun.objects.count() == 0
    assert Person.objects.count() == 0


def test_the_command_refuses_a_zip_bomb_and_a_file_over_the_upload_limit(org_a, municipalities, tmp_path, settings):
    settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = 1
    bomb = tmp_path / "liste.xlsx"
    bomb.write_bytes(zip_bomb(8))
    with pytest.raises(CommandError) as refused:
        call_command("import_workbook", str(bomb), "--organisation", "org-a", stdout=io.StringIO())
    assert str(refused.value) == BOMB

    settings.LOTSE_IMPORT_MAX_MEGABYTES = 1
    large = tmp_path / "Personen.csv"
    large.write_bytes(b"Personen-ID\r\n" + b"P-1\r\n" * 300_000)
    with pytest.raises(CommandError) as refused:
        call_command("import_workbook", str(large), "--organisation", "org-a", stdout=io.StringIO())
    assert str(refused.value) == "Die Datei ist größer als 1 MB."
    assert ImportRun.objects.count() == 0
    assert Person.objects.count() == 0
