"""The volunteer list: checked in a dry run with exact German messages per row and column, committed through the
services all at once, idempotent, and exported in the same columns (importing the export changes nothing)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.choices import ImportKind, ImportStatus
from lotse.core.models import ImportRun, Municipality
from lotse.core.testing import run_jobs
from lotse.core.web import CONTENT_TYPES
from lotse.volunteers.choices import Proficiency, RequirementKind, Skill, VolunteerStatus
from lotse.volunteers.models import Requirement, Volunteer
from lotse.volunteers.tests.volunteer_helpers import days_ago
from lotse.volunteers.volunteer_import import COLUMNS, import_volunteer_list

pytestmark = pytest.mark.django_db

HEADER = [
    "Ehrenamtlichen-ID",
    "Nachname",
    "Vornamen",
    "E-Mail",
    "Gemeinde",
    "Sprachen",
    "Fähigkeiten und Interessen",
    "Wochentage",
    "Eigene Migrationserfahrung",
    "Status",
    "Einwilligung am",
    "Führungszeugnis eingesehen am",
    "Verpflichtung Datengeheimnis am",
]


@pytest.fixture(autouse=True)
def ludwigsburg(db) -> Municipality:
    return Municipality.objects.create(ags="08118048", name="Ludwigsburg")


def csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


GOOD = [
    HEADER,
    [
        "E-1",
        "Weber",
        "Anna",
        "Anna@Example.org",
        "Ludwigsburg",
        "Arabisch (Muttersprache), Deutsch (fließend)",
        "Patenschaft, Dolmetschen",
        "Mo, Mittwoch",
        "Ja",
        "aktiv",
        "01.03.2025",
        "15.03.2025",
        "01.03.2025",
    ],
    ["", "Yilmaz", "Deniz", "", "08118048", "tur (Muttersprache)", "Sport", "", "", "", "02.03.2025", "", ""],
]


def test_it_checks_without_writing_and_commits_through_the_services(org_a, volunteer_coordinator_a):
    report = import_volunteer_list(
        "liste.csv", csv_bytes(GOOD), organisation=org_a, acting_user=volunteer_coordinator_a, commit=False
    )
    assert report.ok and report.count("created") == 2
    assert not Volunteer.objects.exists()
    report = import_volunteer_list(
        "liste.csv", csv_bytes(GOOD), organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    assert report.committed
    anna = Volunteer.objects.get(external_id="E-1")
    assert anna.municipality is not None
    assert (anna.email, anna.municipality.name, anna.migration_experience, anna.status) == (
        "anna@example.org",
        "Ludwigsburg",
        True,
        VolunteerStatus.ACTIVE,
    )
    assert anna.skills == [Skill.SPONSORSHIP, Skill.INTERPRETING] and anna.weekdays == ["mo", "mi"]
    assert set(anna.languages.values_list("language", "proficiency")) == {
        ("ara", Proficiency.NATIVE),
        ("deu", Proficiency.FLUENT),
    }
    assert (anna.consent_recorded_by, anna.consent_on.isoformat()) == (volunteer_coordinator_a, "2025-03-01")
    certificate = anna.requirements.get(kind=RequirementKind.CONDUCT_CERTIFICATE)
    assert certificate.valid_until is not None
    assert (certificate.valid_until.isoformat(), certificate.seen_by) == ("2030-03-15", volunteer_coordinator_a)
    deniz = Volunteer.objects.get(family_name="Yilmaz")
    assert (deniz.status, deniz.migration_experience, deniz.external_id) == (VolunteerStatus.INTERESTED, None, "")
    # The same list again changes nothing; a changed cell updates only that volunteer.
    again = import_volunteer_list(
        "liste.csv", csv_bytes(GOOD), organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (0, 0, 2)
    changed = [row[:] for row in GOOD]
    changed[2][2] = "Deniz"
    changed[1][5] = "Arabisch (Muttersprache)"
    changed[1][12] = "01.04.2025"
    report = import_volunteer_list(
        "liste.csv", csv_bytes(changed), organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    assert (report.count("created"), report.count("updated"), report.count("unchanged")) == (0, 1, 1)
    assert report.outcomes_of("updated")[0].changes == ["Sprachen", "Verpflichtung Datengeheimnis am"]
    assert list(anna.languages.values_list("language", flat=True)) == ["ara"]
    assert (
        Volunteer.objects.count() == 2
        and Requirement.objects.filter(volunteer=anna, kind=RequirementKind.CONFIDENTIALITY).count() == 2
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "Sprachen",
            "Arabisch",
            "Geben Sie jede Sprache mit ihrem Niveau in Klammern an, z. B. „Arabisch (Muttersprache)“: „Arabisch“.",
        ),
        ("Sprachen", "Klingonisch (gut)", "Unbekannte Sprache „Klingonisch“."),
        (
            "Sprachen",
            "Arabisch (super)",
            "Unbekanntes Niveau „super“. Die Niveaus sind: Muttersprache, fließend, gut, Grundkenntnisse.",
        ),
        (
            "Fähigkeiten und Interessen",
            "Kochen",
            "Unbekannte Fähigkeit „Kochen“. Die Fähigkeiten sind: Deutschunterricht, Hausaufgabenhilfe, Ausflüge, "
            "Sport, Behördenbegleitung, Patenschaft, Dolmetschen, Fahrdienst, Kinderbetreuung, sonstiges.",
        ),
        (
            "Gemeinde",
            "Atlantis",
            "Unbekannte Gemeinde. Geben Sie ihren Amtlichen Gemeindeschlüssel (AGS) an oder ihren Namen, "
            "wie Lotse ihn kennt.",
        ),
        (
            "Eigene Migrationserfahrung",
            "vielleicht",
            "Schreiben Sie „Ja“ oder „Nein“ (oder lassen Sie die Zelle leer, wenn nichts angegeben ist).",
        ),
        (
            "Einwilligung am",
            "",
            "Ehrenamtliche werden nur mit ihrer Einwilligung erfasst: Tragen Sie das Datum der Einwilligung ein.",
        ),
        ("Status", "pausiert", "Geben Sie an, seit wann die ehrenamtliche Person diesen Status hat (Status seit)."),
        ("E-Mail", "anna(at)example", "Das ist keine E-Mail-Adresse."),
    ],
)
def test_it_reports_each_bad_cell_with_row_column_and_message(org_a, volunteer_coordinator_a, column, value, message):
    rows = [row[:] for row in GOOD]
    rows[1][HEADER.index(column)] = value
    report = import_volunteer_list(
        "liste.csv", csv_bytes(rows), organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    assert not report.committed
    assert [(p.row, p.column, p.value, p.message) for p in report.problems] == [(2, column, value, message)]
    assert not Volunteer.objects.exists()


def test_it_refuses_a_list_without_the_family_name_column_and_a_volunteer_twice(org_a, volunteer_coordinator_a):
    report = import_volunteer_list(
        "liste.csv",
        csv_bytes([["Vornamen"], ["Anna"]]),
        organisation=org_a,
        acting_user=volunteer_coordinator_a,
        commit=False,
    )
    assert [p.message for p in report.problems] == [
        "Die Kopfzeile wurde nicht gefunden: Keine Zeile nennt die Spalte „Nachname“."
    ]
    twice = [*GOOD, GOOD[1]]
    report = import_volunteer_list(
        "liste.csv", csv_bytes(twice), organisation=org_a, acting_user=volunteer_coordinator_a, commit=False
    )
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (4, "Ehrenamtlichen-ID", "Die Liste nennt diese ehrenamtliche Person zweimal (auch in Zeile 2).")
    ]


def test_the_export_imports_without_change(org_a, volunteer_coordinator_a):
    client = client_for(volunteer_coordinator_a)
    import_volunteer_list(
        "liste.csv", csv_bytes(GOOD), organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    anna = Volunteer.objects.get(external_id="E-1")
    from lotse.volunteers import volunteer_services

    volunteer_services.change_status(
        acting_user=None,
        volunteer=anna,
        expected_version=anna.version,
        status=VolunteerStatus.LEFT,
        on=days_ago(0),
        reason="Umzug",
    )
    response = client.get(reverse("volunteers:volunteer_export"))
    assert response["Content-Type"] == CONTENT_TYPES["xlsx"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Ehrenamtliche"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet.max_row == 3
    report = import_volunteer_list(
        "export.xlsx", response.content, organisation=org_a, acting_user=volunteer_coordinator_a, commit=True
    )
    assert report.ok, report.problems
    assert (report.count("created"), report.count("updated"), report.count("unchanged")) == (0, 0, 2)


def test_it_runs_through_the_staged_import_pages(org_a, volunteer_coordinator_a, volunteer_coordinator_b):
    client = client_for(volunteer_coordinator_a)
    upload = SimpleUploadedFile("liste.csv", csv_bytes(GOOD), content_type="text/csv")
    response = client.post(reverse("volunteers:volunteer_import"), {"volunteer_list": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.kind == ImportKind.VOLUNTEERS
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and not Volunteer.objects.exists()
    page = client.get(reverse("volunteers:volunteer_import_detail", args=[run.pk]))
    assert "Weber, Anna" in page.content.decode()
    assert (
        client_for(volunteer_coordinator_b)
        .get(reverse("volunteers:volunteer_import_detail", args=[run.pk]))
        .status_code
        == 404
    )
    client.post(reverse("volunteers:volunteer_import_commit", args=[run.pk]))
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED
    assert set(Volunteer.objects.values_list("family_name", "organisation_id")) == {
        ("Weber", org_a.pk),
        ("Yilmaz", org_a.pk),
    }
