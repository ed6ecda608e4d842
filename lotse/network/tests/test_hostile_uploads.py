"""Hostile lists uploaded to the actor import: refused with a German message, nothing written."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.choices import ImportStatus
from lotse.core.models import ImportRun
from lotse.core.staged_import import check_upload
from lotse.core.testing import run_jobs
from lotse.core.tests.hostile_files import far_cell, zip_bomb
from lotse.network.actor_import import ACTOR_LIST
from lotse.network.models import Actor

pytestmark = pytest.mark.django_db

ROWS = "Die Tabelle „Akteure“ reicht bis Zeile 1.048.576; eine Tabelle darf höchstens 1.000.000 Zeilen haben."


def refused_upload(editor, content: bytes) -> str:
    """Upload through the page and run the check as the worker does: the report page, which says why."""
    client = client_for(editor)
    response = client.post(reverse("network:actor_import"), {"actor_list": SimpleUploadedFile("akteure.xlsx", content)})
    assert response.status_code == 302
    run_jobs()
    page = client.get(response["Location"])
    assert page.status_code == 200
    run = ImportRun.objects.get()
    assert (run.status, run.content) == (ImportStatus.REFUSED, None)
    assert run.job_message in page.content.decode()
    assert Actor.objects.count() == 0
    return run.job_message


def test_it_refuses_the_far_cell_list_in_its_check_and_deletes_it(network_editor):
    assert refused_upload(network_editor, far_cell(title="Akteure")) == ROWS


def test_it_refuses_a_list_beyond_the_last_column_in_its_check(network_editor):
    assert refused_upload(network_editor, far_cell("XFD1", dimension=None, title="Akteure")) == (
        "Die Tabelle „Akteure“ reicht bis Spalte XFD (Spalte Nr. 16.384); "
        "eine Tabelle darf höchstens 200 Spalten haben."
    )


def test_check_upload_has_its_own_size_limit_whatever_the_form_says(network_editor):
    with pytest.raises(ValidationError) as refused:
        check_upload(
            ACTOR_LIST,
            acting_user=network_editor,
            organisation=network_editor.organisation,
            files=[("akteure.csv", b"Name;Kategorie;Gemeinde\r\n" + bytes(10 * 1024 * 1024))],
        )

    assert refused.value.messages == ["Die Datei ist größer als 10 MB."]
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("mode", [[], ["--commit"]], ids=["dry run", "commit"])
def test_the_command_refuses_a_zip_bomb_and_writes_nothing(network_editor, tmp_path, settings, mode):
    settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES = 1
    path = tmp_path / "akteure.xlsx"
    path.write_bytes(zip_bomb(4, title="Akteure"))

    with pytest.raises(CommandError) as refused:
        call_command("import_actors", str(path), "--user", network_editor.username, *mode, stdout=io.StringIO())

    assert str(refused.value) == (
        "Die Datei ist entpackt größer als 1 MB (mindestens 4 MB). Teilen Sie die Liste auf mehrere Dateien auf."
    )
    assert ImportRun.objects.count() == 0
    assert Actor.objects.count() == 0
