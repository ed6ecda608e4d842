"""The actor import: a city's list of actors (CSV or XLSX) checked in a dry run, then committed all at once."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from lotse.cases.tests.factories import acting_user_of, events_of
from lotse.conftest import client_for
from lotse.core.choices import ImportKind, ImportStatus, Role
from lotse.core.jobs import JobState, job_state
from lotse.core.models import ImportRun, Municipality, User
from lotse.core.staged_import import check_upload, request_commit
from lotse.core.testing import assert_same_queries, queries_of, run_jobs
from lotse.core.tests.factories import UserFactory
from lotse.core.web import CONTENT_TYPES
from lotse.network import services
from lotse.network.actor_import import ACTOR_LIST, ActorReport, import_actor_list
from lotse.network.models import Actor, ActorCategory

XLSX = CONTENT_TYPES["xlsx"]

pytestmark = pytest.mark.django_db

CATEGORIES = "Arbeit, Beratung, Blaulicht, Engagement, Sprache/Bildung, Kunst und Kultur"
HEADER = ["Name", "Kategorie", "Gemeinde", "Telefon"]


@pytest.fixture
def editor_a(org_a) -> User:
    return UserFactory.create(username="ehrenamt-a", organisation=org_a, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture
def editor_b(org_b) -> User:
    return UserFactory.create(username="ehrenamt-b", organisation=org_b, roles=[Role.EHRENAMTSKOORDINATION])


@pytest.fixture(autouse=True)
def municipalities(municipality_lb, municipality_other) -> dict[str, Municipality]:
    return {"lb": municipality_lb, "other": municipality_other}


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, title: str = "Akteure", before: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if before:  # another sheet first: the list is found by its name
        sheet.title = before
        sheet.append(["Diese Liste pflegt die Stadt."])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(content: bytes, name: str = "akteure.csv", **kwargs: Any) -> ActorReport:
    """The dry run's report, its messages in English (the source texts)."""
    with translation.override("en"):
        return import_actor_list(
            name, content, acting_user=kwargs.get("acting_user"), commit=kwargs.get("commit", False)
        )


def problems(report: ActorReport) -> list[tuple[Any, str, str, str]]:
    return [(p.row, p.column, p.value, p.message) for p in report.problems]


def counts(report: ActorReport) -> tuple[int, int, int]:
    return (report.count("created"), report.count("updated"), report.count("unchanged"))


def stage(user: User, content: bytes, name: str = "akteure.csv") -> ImportRun:
    """An upload checked and kept, as the upload page and then the worker do it."""
    run = check_upload(ACTOR_LIST, acting_user=user, organisation=user.organisation, files=[(name, content)])
    run_jobs()
    run.refresh_from_db()
    return run


def commit(user: User, run: ImportRun) -> ActorReport:
    """The commit asked for, and run as the worker runs it."""
    request_commit(ACTOR_LIST, acting_user=user, run=run)
    run_jobs()
    run.refresh_from_db()
    return ACTOR_LIST.report_from_json(run.report)


def upload(client, content: bytes, name: str = "akteure.csv", **kwargs: Any):
    """Upload through the page; the check then runs as the worker runs it."""
    response = client.post(reverse("network:actor_import"), {"actor_list": SimpleUploadedFile(name, content)}, **kwargs)
    run_jobs()
    return response


def post_commit(client, run: ImportRun, **kwargs: Any):
    """Ask for the commit through the page; it then runs as the worker runs it."""
    response = client.post(reverse("network:actor_import_commit", args=[run.pk]), **kwargs)
    run_jobs()
    return response


# Checking: every problem with its row, column, value and message


def test_it_reports_every_bad_cell_with_its_row_column_value_and_the_forms_message():
    header = ["Name", "Kategorie", "Gemeinde", "PLZ", "E-Mail", "Breitengrad", "Längengrad", "Sprachen"]
    rows = [
        header,
        ["Sportverein Eglosheim", "Sport", "08118048", "", "", "", "", ""],
        ["Tafelladen", "Beratung", "081180489", "", "", "", "", ""],
        ["Tafelladen", "Beratung", "08118999", "", "", "", "", ""],
        ["Tafelladen", "Beratung", "Atlantis", "", "", "", "", ""],
        ["Caritas", "Beratung", "08118048", "", "caritas@", "", "", ""],
        ["AWO", "Beratung", "08118048", "7163", "", "", "", ""],
        ["DRK", "Beratung", "08118048", "", "", "48,8975", "", ""],
        ["Diakonie", "Beratung", "08118048", "", "", "", "", "Klingonisch, ar"],
        ["Jobcenter", "Arbeit", "Ludwigsburg", "", "", "", "", ""],
        ["Jobcenter", "arbeit", "08118048", "", "", "", "", ""],
        ["", "Beratung", "08118048", "", "", "", "", ""],
    ]
    report = check(csv_bytes(rows))
    assert problems(report) == [
        (2, "Kategorie", "Sport", f"Unknown category. The categories are: {CATEGORIES}."),
        (3, "Gemeinde", "081180489", "An official municipality key (AGS) has 8 digits."),
        (4, "Gemeinde", "08118999", "No municipality with this official key (AGS) is known in Lotse."),
        (
            5,
            "Gemeinde",
            "Atlantis",
            "Unknown municipality. Give its official key (AGS) or its name as Lotse knows it.",
        ),
        (6, "E-Mail", "caritas@", "Enter a valid email address."),
        (7, "PLZ", "7163", "A postal code has five digits."),
        (8, "Längengrad", "", "Give both latitude and longitude, or neither."),
        (9, "Sprachen", "Klingonisch, ar", "Unknown language: „Klingonisch“."),
        (11, "Name", "Jobcenter", "The list names this actor in this municipality twice (also in row 10)."),
        (12, "Name", "", "This field is required."),
    ]
    assert report.problem_count == 10
    assert not report.committed
    assert Actor.objects.count() == 0


def test_it_reports_a_rows_problems_in_the_order_of_the_columns_and_a_duplicate_of_a_bad_row():
    rows = [
        ["Name", "PLZ", "Kategorie", "Gemeinde"],
        ["Tafel", "7163", "Sport", "08118048"],
        ["Tafel", "", "Beratung", "08118048"],
    ]
    assert problems(check(csv_bytes(rows))) == [
        (2, "PLZ", "7163", "A postal code has five digits."),
        (2, "Kategorie", "Sport", f"Unknown category. The categories are: {CATEGORIES}."),
        (3, "Name", "Tafel", "The list names this actor in this municipality twice (also in row 2)."),
    ]


def test_it_reports_values_people_type_wrongly_in_the_vocabulary_columns():
    rows = [
        ["Name", "Kategorie", "Gemeinde", "Öffentlich", "Barrierefreiheit", "Zielgruppen"],
        ["Moschee", "Beratung", "08118048", "vielleicht", "", ""],
        ["Kirche", "Beratung", "08118048", "", "rollstuhlgerecht", ""],
        ["Verein", "Beratung", "08118048", "", "", "Familien; Hunde"],
    ]
    report = check(csv_bytes(rows))
    assert problems(report) == [
        (2, "Öffentlich", "vielleicht", "Write “Ja” or “Nein” (or “x” for yes, an empty cell for no)."),
        (
            3,
            "Barrierefreiheit",
            "rollstuhlgerecht",
            # The list is German: the allowed values are named as people write them in it.
            "Unknown code. Allowed: Barrierefreiheit unbekannt, Stufenloser Zugang, Teilweise barrierefrei, "
            "Nicht barrierefrei.",
        ),
        (4, "Zielgruppen", "Familien; Hunde", "Unknown target group: „Hunde“."),
    ]


def test_it_refuses_a_list_without_a_required_column_and_notes_unknown_columns():
    report = check(csv_bytes([["Einrichtung", "Gemeinde", "Bemerkung"], ["Tafel", "08118048", "neu"]]))
    assert problems(report) == [(1, "Kategorie", "", "The column “Kategorie” is missing.")]
    assert [(n.row, n.column, n.message) for n in report.notices] == [
        (1, "Bemerkung", "Unknown column; it is ignored.")
    ]


def test_it_refuses_a_column_given_twice_under_two_names():
    report = check(
        csv_bytes([["Name", "Kategorie", "Gemeinde", "AGS"], ["Tafel", "Beratung", "Ludwigsburg", "08118048"]])
    )
    assert problems(report) == [
        (1, "AGS", "AGS", "The columns “Gemeinde” and “AGS” mean the same; keep one of them."),
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "akteure.xlsx",
            b"PK\x03\x04 kein Zip",
            (None, "", "akteure.xlsx", "The file is damaged or not an Excel workbook (.xlsx)."),
        ),
        (
            "akteure.pdf",
            b"%PDF-1.7",
            (None, "", "akteure.pdf", "The file is neither an Excel workbook (.xlsx) nor a CSV file."),
        ),
        ("akteure.csv", b"", (None, "", "akteure.csv", "The file is empty.")),
        ("akteure.csv", b"\r\n;;\r\n", (None, "", "akteure.csv", "The file is empty.")),
        (
            "akteure.csv",
            b"Name;Kategorie;Gemeinde\r\n",
            (None, "", "", "The list has no rows below its header row."),
        ),
        (
            "akteure.csv",
            "Akteure für Integration\r\nTafel;Beratung\r\n".encode(),
            (None, "Name", "", "The header row was not found: no row names the column “Name”."),
        ),
        (
            "akteure.csv",
            b"Name;Kategorie;Gemeinde\r\n\x81\x8d\x8f\x90\x9d\xff\xfe;x;y\r\n",
            (None, "", "akteure.csv", "The file is neither UTF-8 nor Windows-1252 encoded text."),
        ),
    ],
)
def test_it_refuses_files_it_cannot_read_with_one_message(name, content, expected):
    report = check(content, name)
    assert problems(report) == [expected]
    assert Actor.objects.count() == 0


# Reading lists as cities keep them


def test_it_reads_a_windows_csv_with_semicolons_decimal_commas_and_german_words(editor_a):
    rows = [
        ["Akteure für Integration, Stand Mai"],  # a title above the header
        [
            " EINRICHTUNG ",
            "kategorie",
            "Träger-Typ",
            "Leistungen",
            "Zielgruppen",
            "Sprachen",
            "Straße",
            "PLZ",
            "Ort",
            "AGS",
            "Lat",
            "Lon",
            "Sprechzeiten",
            "Kontaktperson",
            "Telefon",
            "Email",
            "Internet",
            "Barrierefreiheit",
            "Terminvereinbarung",
            "Veröffentlichen",
        ],
        [
            "Jugendmigrationsdienst Weststadt",
            "BERATUNG",
            "Wohlfahrtsverband",
            "Beratung für junge Zugewanderte; Bewerbungstraining",
            "Kinder und Jugendliche; Geflüchtete",
            "Arabisch; Ukrainisch, fa; Türkisch",
            "Bahnhofstraße 3",
            "71638",
            "Ludwigsburg",
            "8118048",
            "48,89312",
            "9,1791",
            "Mo–Do 9–12 Uhr",
            "Frau Öztürk",
            "07141 555-0100",
            "jmd@example.org",
            "www.jmd-ludwigsburg.example",
            "teilweise",
            "x",
            "Ja",
        ],
    ]
    content = csv_bytes(rows, encoding="cp1252")
    assert content.startswith(b"Akteure f\xfcr")  # really Windows-1252
    report = check(content, acting_user=editor_a, commit=True)
    assert problems(report) == [] and report.committed
    actor = Actor.objects.get()
    assert (actor.name, actor.category.slug, actor.organisation_type) == (
        "Jugendmigrationsdienst Weststadt",
        "beratung",
        "wohlfahrtsverband",
    )
    assert actor.services == "Beratung für junge Zugewanderte; Bewerbungstraining"
    assert actor.target_groups == ["gefluechtete", "kinder_jugendliche"]
    assert actor.languages == ["ara", "fas", "tur", "ukr"]
    assert (actor.street, actor.postcode, actor.town, actor.municipality.ags) == (
        "Bahnhofstraße 3",
        "71638",
        "Ludwigsburg",
        "08118048",
    )
    assert (actor.latitude, actor.longitude) == (Decimal("48.893120"), Decimal("9.179100"))
    assert (actor.opening_hours, actor.contact_person, actor.phone) == (
        "Mo–Do 9–12 Uhr",
        "Frau Öztürk",
        "07141 555-0100",
    )
    assert (actor.email, actor.website) == ("jmd@example.org", "https://www.jmd-ludwigsburg.example")
    assert (actor.accessibility, actor.appointment_needed, actor.is_public) == ("teilweise", True, True)


def test_it_reads_utf8_with_bom_and_commas():
    content = "\ufeff" + 'Name,Kategorie,Gemeinde,Öffnungszeiten\r\nTafel,Engagement,Besigheim,"Di, Do 10–12 Uhr"\r\n'
    report = check(content.encode("utf-8"))
    assert problems(report) == []
    assert report.outcomes[0].name == "Tafel" and report.outcomes[0].municipality == "Besigheim"
    assert counts(report) == (1, 0, 0)


def test_it_reads_the_sheet_akteure_of_a_workbook_with_numbers_as_excel_keeps_them(editor_a):
    content = xlsx_bytes(
        [
            ["Name", "Kategorie", "Gemeinde", "PLZ", "Breitengrad", "Längengrad", "Termin nötig", "Öffentlich"],
            ["Freiwillige Feuerwehr", "blaulicht", 8118048, 1067, 48.8975, 9.1919, True, None],
        ],
        before="Hinweise",
    )
    report = check(content, "akteure.xlsx", acting_user=editor_a, commit=True)
    assert problems(report) == [] and report.committed
    actor = Actor.objects.get()
    assert (actor.category.slug, actor.municipality.ags, actor.postcode) == ("blaulicht", "08118048", "01067")
    assert (actor.latitude, actor.longitude) == (Decimal("48.8975"), Decimal("9.1919"))
    assert (actor.appointment_needed, actor.is_public) == (True, False)


def test_it_numbers_the_rows_of_a_workbook_as_excel_shows_them():
    content = xlsx_bytes([["Liste der Akteure"], [], ["Name", "Kategorie", "Gemeinde"], ["Tafel", "Sport", "08118048"]])
    assert problems(check(content, "liste.xlsx")) == [
        (4, "Kategorie", "Sport", f"Unknown category. The categories are: {CATEGORIES}.")
    ]


def test_it_asks_for_the_ags_when_two_municipalities_share_a_name():
    Municipality.objects.create(ags="08125005", name="Besigheim")  # not really, but names repeat across counties
    report = check(csv_bytes([HEADER[:3], ["Tafel", "Beratung", "besigheim"]]))
    assert problems(report) == [
        (2, "Gemeinde", "besigheim", "Several municipalities have this name; give the official key (AGS).")
    ]


# Updating what is in the directory; idempotency


def test_it_updates_an_actor_in_the_directory_only_where_a_cell_differs(editor_a, actor_factory):
    actor = actor_factory(name="Tafelladen", phone="07141 1", is_public=True)
    version = actor.version
    before = events_of(actor).count()
    content = csv_bytes([HEADER, ["Tafelladen", "Beratung", "Ludwigsburg", "07141 2"]])

    report = check(content)
    assert counts(report) == (0, 1, 0)
    assert [(o.row, o.name, o.action, o.changes) for o in report.outcomes] == [
        (2, "Tafelladen", "updated", [("Telefon", "07141 1", "07141 2")])
    ]
    assert Actor.objects.get().phone == "07141 1"  # the dry run wrote nothing

    assert check(content, acting_user=editor_a, commit=True).committed
    actor.refresh_from_db()
    assert (actor.phone, actor.version) == ("07141 2", version + 1)
    assert actor.is_public  # the list has no column Öffentlich: left as it was
    assert actor.street == "Marktplatz 1"  # nor Straße
    events = list(events_of(actor))
    assert len(events) == before + 1
    assert acting_user_of(events[-1]) == editor_a.pk
    assert events[-1].pgh_context.metadata["import_file"] == "akteure.csv"

    again = check(content, acting_user=editor_a, commit=True)  # the same list again changes nothing
    assert again.committed and counts(again) == (0, 0, 1)
    actor.refresh_from_db()
    assert actor.version == version + 1
    assert events_of(actor).count() == before + 1


def test_it_imports_a_list_twice_without_changing_anything_the_second_time(editor_a):
    rows = [
        ["Name", "Kategorie", "Gemeinde", "Sprachen", "Zielgruppen", "Breitengrad", "Längengrad", "Öffentlich"],
        ["Tafel", "Engagement", "08118048", "uk, ar", "Frauen, Familien", "48,9", "9,19", "x"],
        ["Tafel", "Engagement", "08118010", "", "", "", "", ""],
    ]
    content = csv_bytes(rows)
    assert counts(check(content, acting_user=editor_a, commit=True)) == (2, 0, 0)
    versions = sorted(Actor.objects.values_list("pk", "version"))
    second = check(content, acting_user=editor_a, commit=True)
    assert counts(second) == (0, 0, 2) and second.committed
    assert sorted(Actor.objects.values_list("pk", "version")) == versions


def test_it_leaves_the_directory_unchanged_when_a_row_fails_in_the_middle_of_the_commit(
    editor_a, actor_factory, monkeypatch
):
    actor_factory(name="Tafelladen", phone="07141 1")
    content = csv_bytes(
        [HEADER, ["Neu eins", "Beratung", "08118048", ""], ["Tafelladen", "Beratung", "08118048", "07141 2"]]
    )
    run = stage(editor_a, content)

    def fail(**kwargs: Any) -> Actor:
        raise ValidationError("Die Datenbank ist voll.")

    monkeypatch.setattr(services, "update_actor", fail)
    with translation.override("en"):
        report = commit(editor_a, run)
    assert isinstance(report, ActorReport) and not report.committed
    assert problems(report) == [
        (None, "", "", "The directory changed while importing: Die Datenbank ist voll. Nothing was imported.")
    ]
    assert list(Actor.objects.values_list("name", "phone")) == [("Tafelladen", "07141 1")]  # "Neu eins" rolled back
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and run.content is not None


def test_it_rolls_everything_back_when_the_commit_breaks(editor_a, monkeypatch):
    content = csv_bytes([HEADER, ["Neu eins", "Beratung", "08118048", ""], ["Neu zwei", "Beratung", "08118048", ""]])
    run = stage(editor_a, content)
    created = services.create_actor
    calls = iter(range(3))

    def second_fails(**kwargs: Any) -> Actor:
        if next(calls) == 1:
            raise RuntimeError("power cut")
        return created(**kwargs)

    monkeypatch.setattr(services, "create_actor", second_fails)
    with pytest.raises(RuntimeError):
        commit(editor_a, run)
    assert Actor.objects.count() == 0
    run.refresh_from_db()
    # Still waiting to be imported, its job failed: the page offers to start it again.
    assert run.status == ImportStatus.COMMITTING and job_state(run.job_id) == JobState.FAILED


# The pages: upload, report, commit, discard, scope


def test_it_checks_an_upload_without_writing_and_commits_it_on_request(editor_a):
    client = client_for(editor_a)
    content = csv_bytes([HEADER, ["Tafelladen", "Engagement", "08118048", "07141 1"]])
    response = upload(client, content)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:actor_import_detail", args=[run.pk])
    assert (run.kind, run.status, run.organisation, run.uploaded_by) == (
        ImportKind.ACTORS,
        ImportStatus.CHECKED,
        editor_a.organisation,
        editor_a,
    )
    assert bytes(run.content or b"") == content
    assert Actor.objects.count() == 0

    page = client.get(response["Location"]).content.decode()
    assert "Tafelladen" in page
    assert reverse("network:actor_import_commit", args=[run.pk]) in page

    assert post_commit(client, run).status_code == 302
    run.refresh_from_db()
    assert (run.status, run.committed_by, run.content) == (ImportStatus.COMMITTED, editor_a, None)
    actor = Actor.objects.get()
    assert acting_user_of(events_of(actor).get()) == editor_a.pk

    # Committing twice is refused, and changes nothing.
    response = post_commit(client, run, follow=True)
    assert "Dieser Import wurde bereits übernommen oder verworfen." in response.content.decode()
    assert Actor.objects.count() == 1 and events_of(actor).count() == 1


def test_it_offers_no_commit_for_a_list_with_problems_and_refuses_one(editor_a):
    client = client_for(editor_a)
    upload(client, csv_bytes([["Name", "Kategorie", "Gemeinde", "PLZ"], ["Tafel", "Beratung", "08118048", "7163"]]))
    run = ImportRun.objects.get()
    page = client.get(reverse("network:actor_import_detail", args=[run.pk])).content.decode()
    assert "Eine Postleitzahl hat fünf Ziffern." in page  # the form's message, in German
    assert reverse("network:actor_import_commit", args=[run.pk]) not in page

    response = post_commit(client, run, follow=True)
    assert "Die Prüfung hat Probleme gefunden" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and Actor.objects.count() == 0


def test_it_discards_an_upload_and_deletes_its_file(editor_a):
    client = client_for(editor_a)
    upload(client, csv_bytes([HEADER, ["Tafel", "Beratung", "08118048", ""]]))
    run = ImportRun.objects.get()
    response = client.post(reverse("network:actor_import_discard", args=[run.pk]))
    assert response["Location"] == reverse("network:actor_import")
    run.refresh_from_db()
    assert (run.status, run.content) == (ImportStatus.DISCARDED, None)
    post_commit(client, run)
    assert Actor.objects.count() == 0


def test_it_shows_actor_imports_to_the_uploaders_organisation_only(editor_a, editor_b, org_admin_a, sysadmin):
    run = stage(editor_a, csv_bytes([HEADER, ["Tafel", "Beratung", "08118048", ""]]))
    detail = reverse("network:actor_import_detail", args=[run.pk])
    other = client_for(editor_b)
    assert other.get(detail).status_code == 404
    assert other.post(reverse("network:actor_import_commit", args=[run.pk])).status_code == 404
    assert other.post(reverse("network:actor_import_discard", args=[run.pk])).status_code == 404
    assert "akteure.csv" not in other.get(reverse("network:actor_import")).content.decode()
    assert client_for(sysadmin).get(detail).status_code == 200
    # The administrators' workbook import neither lists nor opens it.
    admin = client_for(org_admin_a)
    assert "akteure.csv" not in admin.get(reverse("imports:overview")).content.decode()
    assert admin.get(reverse("imports:detail", args=[run.pk])).status_code == 404
    assert admin.get(detail).status_code == 403  # not a network editor
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and Actor.objects.count() == 0


def test_it_keeps_casework_workbooks_out_of_the_actor_import(editor_a, sysadmin):
    workbook = ImportRun.objects.create(
        organisation=editor_a.organisation, file_names=["fälle.xlsx"], file_hash="0" * 64
    )
    assert workbook.kind == ImportKind.WORKBOOK
    client = client_for(sysadmin)
    assert client.get(reverse("network:actor_import_detail", args=[workbook.pk])).status_code == 404
    assert "fälle.xlsx" not in client.get(reverse("network:actor_import")).content.decode()


def test_it_lists_recent_imports_in_a_fixed_number_of_queries(editor_a):
    content = csv_bytes([HEADER, ["Tafel", "Beratung", "08118048", ""]])
    client = client_for(editor_a)
    url = reverse("network:actor_import")

    stage(editor_a, content, "eins.csv")
    one = queries_of(client, url)
    for number in range(6):
        stage(editor_a, content, f"liste-{number}.csv")
    assert_same_queries(one, queries_of(client, url))


def test_it_refuses_users_who_do_not_keep_the_directory(caseworker_a):
    client = client_for(caseworker_a)
    assert client.get(reverse("network:actor_import")).status_code == 403
    assert client.get(reverse("network:actor_export")).status_code == 403
    assert upload(client, csv_bytes([HEADER, ["Tafel", "Beratung", "08118048", ""]])).status_code == 403
    assert ImportRun.objects.count() == 0


# Template and export


def test_it_exports_the_directory_so_that_importing_the_export_changes_nothing(editor_a, actor_factory):
    actor_factory(
        name="Migrantenverein Al-Amal",
        organisation_type="migrantenorganisation",
        target_groups=["frauen", "familien"],
        languages=["ara", "pus", "ell", "deu"],
        opening_hours="Mo 9–12 Uhr\nDi 14–16 Uhr",
        website="https://example.org/al-amal",
        accessibility="teilweise",
        appointment_needed=True,
        is_public=False,
    )
    actor_factory(
        name="Polizeiposten",
        category=ActorCategory.objects.get(slug="blaulicht"),
        municipality=Municipality.objects.get(ags="08118010"),
        latitude=None,
        longitude=None,
        postcode="",
        email="",
    )
    response = client_for(editor_a).get(reverse("network:actor_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content = response.getvalue()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None and sheet.title == "Akteure"
    assert [cell.value for cell in sheet[1]][:3] == ["Name", "Kategorie", "Art der Organisation"]

    report = check(content, "akteure.xlsx", acting_user=editor_a, commit=True)
    assert problems(report) == []
    assert counts(report) == (0, 0, 2)
    assert set(Actor.objects.values_list("version", flat=True)) == {1}


def test_it_offers_a_template_whose_example_row_imports(editor_a):
    response = client_for(editor_a).get(reverse("network:actor_import_template"))
    assert response.status_code == 200
    content = response.getvalue()
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Akteure", "Hinweise"]
    header = [cell.value for cell in book["Akteure"][1]]
    assert header[:3] == ["Name", "Kategorie", "Art der Organisation"] and len(header) == 20
    report = check(content, "akteure-vorlage.xlsx")
    assert problems(report) == [] and report.notices == []
    assert counts(report) == (1, 0, 0)


# The command line


def run_command(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command("import_actors", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def write(tmp_path, rows: list[list[Any]]) -> str:
    path = tmp_path / "akteure.csv"
    path.write_bytes(csv_bytes(rows))
    return str(path)


def test_it_imports_from_the_command_line_with_exit_code_one_on_problems(tmp_path, editor_a):
    good = write(tmp_path, [HEADER, ["Tafel", "Beratung", "08118048", "07141 1"]])
    code, out = run_command(good)
    assert code == 0 and "Akteure: 1 new, 0 changed, 0 unchanged" in out and "Dry run: nothing was written." in out
    assert Actor.objects.count() == 0

    code, out = run_command(good, "--commit", "--user", editor_a.username)
    assert code == 0 and "Import committed." in out
    actor = Actor.objects.get()
    assert acting_user_of(events_of(actor).get()) == editor_a.pk
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.committed_by) == (ImportKind.ACTORS, ImportStatus.COMMITTED, editor_a)

    bad = write(tmp_path, [HEADER, ["Tafel", "Sport", "08118048", "07141 2"]])
    code, out = run_command(bad, "--commit")
    assert code == 1
    assert f"Problem: Akteure, row 2, Kategorie, „Sport“: Unknown category. The categories are: {CATEGORIES}." in out
    assert "1 problem; nothing was imported." in out
    assert Actor.objects.get().phone == "07141 1"

    assert run_command(good, "--user", "niemand")[0] == 1
    assert run_command(str(tmp_path / "fehlt.csv"))[0] == 1


def test_it_names_the_changes_of_an_update_on_the_command_line(tmp_path, actor_factory):
    actor_factory(name="Tafel", phone="07141 1")
    code, out = run_command(write(tmp_path, [HEADER, ["Tafel", "Beratung", "08118048", "07141 2"]]), "--commit")
    assert code == 0
    assert "Row 2, Tafel: Telefon: „07141 1“ → „07141 2“" in out
    assert Actor.objects.get().phone == "07141 2"


def test_the_pages_that_only_read_refuse_a_post(editor_a):
    run = stage(editor_a, csv_bytes([HEADER, ["Tafel", "Beratung", "08118048", ""]]))
    client = client_for(editor_a)
    for url in (
        reverse("network:actor_import_detail", args=[run.pk]),
        reverse("network:actor_import_template"),
        reverse("network:actor_export"),
    ):
        assert client.post(url).status_code == 405
    assert client.get(reverse("network:actor_import_commit", args=[run.pk])).status_code == 405
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and Actor.objects.count() == 0
