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
from lotse.core.models import ImportRun
from lotse.core.staged_import import check_upload
from lotse.core.tests.hostile_files import far_cell, zip_bomb
from lotse.network.actor_import import ACTOR_LIST
from lotse.network.models import Actor

pytestmark = pytest.mark.django_db

ROWS = "Die Tabelle „Akteure“ reicht bis Zeile 1.048.576; eine Tabelle darf höchstens 1.000.000 Zeilen haben."


def test_it_refuses_the_far_cell_list_on_the_upload_page_and_keeps_no_run(network_editor):
    response = client_for(network_editor).post(
        reverse("network:actor_import"), {"actor_list": SimpleUploadedFile("akteure.xlsx", far_cell(title="Akteure"))}
    )

    assert response.status_code == 400
    assert list(response.context["form"].non_field_errors()) == [ROWS]
    assert ROWS in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert Actor.objects.count() == 0


def test_it_refuses_a_list_beyond_the_last_column_on_the_upload_page(network_editor):
    response = client_for(network_editor).post(
        reverse("network:actor_import"),
        {"actor_list": SimpleUploadedFile("akteure.xlsx", far_cell("XFD1", dimension=None, title="Akteure"))},
    )

    assert response.status_code == 400
    assert list(response.context["form"].non_field_errors()) == [
        "Die Tabelle „Akteure“ reicht bis Spalte XFD (Spalte Nr. 16.384); "
        "eine Tabelle darf höchstens 200 Spalten haben."
    ]
    assert ImportRun.objects.count() == 0


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
