"""The import pages, the downloads and the command line, as administrators use them."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from lotse.cases.models import Case
from lotse.conftest import client_for
from lotse.core.choices import ImportStatus, Role
from lotse.core.downloads import delete_expired, request_download
from lotse.core.models import AccessLogEntry, ImportRun, PreparedDownload
from lotse.core.testing import run_jobs
from lotse.core.tests.factories import UserFactory
from lotse.imports.export import EXAMPLE, EXPORT
from lotse.imports.workbook import CASES, PERSONS, SHEETS
from lotse.people.models import Person

pytestmark = pytest.mark.django_db

DOCS_EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "lotse-beispiel.xlsx"


def workbook(carrier: str = "org-a", *, family_name: str = "Haddad", birth: str = "12.03.1984") -> bytes:
    book = openpyxl.Workbook()
    persons = book.active
    persons.title = PERSONS.name
    persons.append(PERSONS.headers)
    persons.append(["P-1", "H-1", family_name, "Rami", birth, "m", "SY", "ar", "08118048"])
    persons.append(["P-2", "H-1", "Haddad", "Lina", "1987", "w", "SY", "ar", "08118048"])
    cases = book.create_sheet(CASES.name)
    cases.append(CASES.headers)
    cases.append(["F-1", "H-1", carrier, "08118048", "15.01.2024", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_file(client, content: bytes, name: str = "liste.xlsx", **data):
    """Upload through the page: the file is kept and its check queued."""
    return client.post(reverse("imports:overview"), {"workbook": SimpleUploadedFile(name, content), **data})


def upload(client, content: bytes, name: str = "liste.xlsx", *, follow: bool = False, **data):
    """Upload through the page; the check then runs as the worker runs it."""
    response = upload_file(client, content, name, **data)
    run_jobs()
    if follow and response.status_code == 302:
        return client.get(response["Location"])
    return response


def post_commit(client, pk: int, *, follow: bool = False):
    """Ask for the commit through the page; it then runs as the worker runs it."""
    response = client.post(reverse("imports:commit", kwargs={"pk": pk}))
    run_jobs()
    if follow and response.status_code == 302:
        return client.get(response["Location"])
    return response


def test_it_checks_an_upload_without_writing_and_commits_on_request(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    response = upload(client, workbook())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", kwargs={"pk": run.pk})
    assert run.status == ImportStatus.CHECKED and run.organisation == org_admin_a.organisation
    assert run.content is not None
    assert Person.objects.count() == 0  # the dry run wrote nothing

    page = client.get(response["Location"]).content.decode()
    assert f"Für {org_admin_a.organisation.name}, hochgeladen am" in page
    assert "Die Prüfung hat keine Probleme gefunden." in page
    assert "Jetzt importieren" in page

    response = post_commit(client, run.pk)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTED and run.committed_by == org_admin_a
    assert run.content is None  # the personal data of the upload is not kept
    assert Person.objects.filter(organisation=org_admin_a.organisation).count() == 2
    case = Case.objects.get(external_id="F-1")
    assert set(case.clients.values_list("external_id", flat=True)) == {"P-1", "P-2"}
    assert "Die Arbeitsmappe wurde importiert." in client.get(response["Location"]).content.decode()

    # Committing twice is refused with a message, and changes nothing.
    response = post_commit(client, run.pk, follow=True)
    assert "Dieser Import wurde bereits übernommen oder verworfen." in response.content.decode()
    assert Person.objects.count() == 2


def test_it_shows_every_problem_with_its_place_and_offers_no_import(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    response = upload(client, workbook(carrier="org-b", birth="2099"), follow=True)
    page = response.content.decode()
    assert "Die Arbeitsmappe hat 2 Probleme." in page
    assert "<td>Personen</td><td>2</td><td>Geburtsdatum</td><td><code>2099</code></td>" in page
    assert "Das Datum darf nicht in der Zukunft liegen." in page
    assert "<td>Fälle</td><td>2</td><td>Träger</td><td><code>org-b</code></td>" in page
    assert "Jetzt importieren" not in page
    run = ImportRun.objects.get()
    assert run.report["problem_count"] == 2
    # The commit URL refuses too.
    post_commit(client, run.pk)
    assert Person.objects.count() == 0
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED


def test_it_tells_the_user_a_file_was_imported_before(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    content = workbook()  # the very same bytes (openpyxl stamps the time of saving into a workbook)
    first = upload(client, content)
    post_commit(client, ImportRun.objects.get().pk)
    second = upload(client, content, name="nochmal.xlsx")
    assert second["Location"] != first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "Genau diese Datei wurde bereits am" in page
    assert f"(von {org_admin_a})" in page
    # Its dry run finds nothing to do.
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None
    assert run.report["counts"]["Personen"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_it_deletes_a_discarded_upload(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    upload(client, workbook())
    run = ImportRun.objects.get()
    response = client.post(reverse("imports:discard", kwargs={"pk": run.pk}), follow=True)
    assert "Verworfen; die hochgeladene Datei ist gelöscht." in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and run.content is None
    assert Person.objects.count() == 0


def test_it_keeps_each_organisations_uploads_to_itself(org_admin_a, org_admin_b, municipalities):
    upload(client_for(org_admin_a), workbook())
    run = ImportRun.objects.get()
    other = client_for(org_admin_b)
    assert other.get(reverse("imports:detail", kwargs={"pk": run.pk})).status_code == 404
    assert other.post(reverse("imports:commit", kwargs={"pk": run.pk})).status_code == 404
    assert other.post(reverse("imports:discard", kwargs={"pk": run.pk})).status_code == 404
    assert "liste.xlsx" not in other.get(reverse("imports:overview")).content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and Person.objects.count() == 0


def test_it_imports_into_the_organisation_a_system_administrator_chooses(sysadmin, org_a, org_b, municipalities):
    client = client_for(sysadmin)
    response = upload(client, workbook(carrier="org-b"), organisation=org_b.pk)
    run = ImportRun.objects.get()
    assert run.organisation == org_b
    post_commit(client, run.pk)
    assert response.status_code == 302
    assert set(Person.objects.values_list("organisation__short_name", flat=True)) == {"org-b"}
    # Without a choice the form says so and nothing is checked.
    response = upload(client, workbook())
    assert response.status_code == 200
    assert ImportRun.objects.count() == 1


def test_it_refuses_a_missing_file_with_a_message(org_admin_a):
    response = client_for(org_admin_a).post(reverse("imports:overview"), {})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_it_exports_the_organisation_and_logs_it(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    upload(client, workbook())
    post_commit(client, ImportRun.objects.get().pk)
    asked = client.post(reverse("imports:export"))
    download = PreparedDownload.objects.get()
    assert asked["Location"] == reverse("imports:export_page", args=[download.pk])
    assert (download.status, download.requested_by, download.content) == ("in_arbeit", org_admin_a, None)
    page = client.get(asked["Location"]).content.decode()
    assert "Die Datei wird vorbereitet" in page and reverse("imports:export_status", args=[download.pk]) in page
    assert client.get(reverse("imports:export_file", args=[download.pk]))["Location"] == asked["Location"]
    assert not AccessLogEntry.objects.filter(action="export").exists()

    assert run_jobs() == 1  # the background job writes the file
    done = client.get(reverse("imports:export_status", args=[download.pk]))
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")
    assert reverse("imports:export_file", args=[download.pk]) in client.get(asked["Location"]).content.decode()
    overview = client.get(reverse("imports:overview")).content.decode()
    assert reverse("imports:export_page", args=[download.pk]) in overview and "fertig" in overview
    response = client.get(reverse("imports:export_file", args=[download.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="lotse-org-a-')
    book = openpyxl.load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    rows = list(book[PERSONS.name].iter_rows(values_only=True))
    assert rows[0] == tuple(PERSONS.headers)
    assert [row[0] for row in rows[1:]] == ["P-1", "P-2"]
    # Written when the file was prepared, and again for each download.
    entries = AccessLogEntry.objects.filter(action="export")
    assert [(e.by, e.record_type, e.record_id) for e in entries] == [
        (org_admin_a, "core.organisation", str(org_admin_a.organisation_id))
    ] * 2
    # A colleague of the same organisation does not get it.
    assert (
        client_for(UserFactory.create(organisation=org_admin_a.organisation, roles=[Role.ORGANISATIONSADMINISTRATION]))
        .get(reverse("imports:export_file", args=[download.pk]))
        .status_code
        == 404
    )


def test_an_export_is_asked_for_once_and_not_given_to_who_may_no_longer_export(org_admin_a):
    first = request_download(EXPORT, acting_user=org_admin_a, organisation=org_admin_a.organisation)
    again = request_download(EXPORT, acting_user=org_admin_a, organisation=org_admin_a.organisation)
    assert again == first and PreparedDownload.objects.count() == 1
    org_admin_a.roles = [Role.INTEGRATIONSMANAGEMENT]
    org_admin_a.save()
    with pytest.raises(PermissionDenied):
        run_jobs()  # the job fails
    first.refresh_from_db()
    assert (first.status, first.content) == ("in_arbeit", None)


def test_prepared_exports_are_deleted_after_a_day(org_admin_a):
    download = request_download(EXPORT, acting_user=org_admin_a, organisation=org_admin_a.organisation)
    run_jobs()
    assert delete_expired() == 0
    PreparedDownload.objects.filter(pk=download.pk).update(requested_at=timezone.now() - timedelta(hours=25))
    # Past its day it is no longer given out, even before the hourly clean-up.
    url = reverse("imports:export_file", args=[download.pk])
    assert client_for(org_admin_a).get(url).status_code == 404
    assert delete_expired() == 1 and not PreparedDownload.objects.exists()


def test_it_offers_the_blank_template_and_the_example(org_admin_a):
    client = client_for(org_admin_a)
    template = openpyxl.load_workbook(io.BytesIO(client.get(reverse("imports:template")).getvalue()))
    assert template.sheetnames == [spec.name for spec in SHEETS] + ["Hinweise"]
    for spec in SHEETS:
        assert [cell.value for cell in template[spec.name][1]] == spec.headers
        assert template[spec.name].max_row == 1
    example = openpyxl.load_workbook(io.BytesIO(client.get(reverse("imports:example")).getvalue()))
    assert [cell.value for cell in example[PERSONS.name][2]] == EXAMPLE[PERSONS.name][0]


def test_the_documented_example_imports_without_problems(org_admin_a, municipalities):
    organisation = org_admin_a.organisation
    organisation.short_name = "caritas-lb"  # the example's Träger
    organisation.save()
    call_command("import_workbook", str(DOCS_EXAMPLE), "--organisation", "caritas-lb", stdout=io.StringIO())
    assert Person.objects.filter(organisation=organisation).count() == len(EXAMPLE[PERSONS.name])
    assert Case.objects.filter(organisation=organisation).count() == len(EXAMPLE[CASES.name])


def test_the_command_prints_the_report_and_fails_on_problems(org_a, municipalities, tmp_path):
    good = tmp_path / "liste.xlsx"
    good.write_bytes(workbook())
    out = io.StringIO()
    call_command("import_workbook", str(good), "--organisation", "org-a", "--dry-run", stdout=out)
    assert "Personen: 2 neu, 0 geändert, 0 unverändert" in out.getvalue()
    assert "Probelauf: nichts wurde geschrieben." in out.getvalue()
    assert Person.objects.count() == 0

    out = io.StringIO()
    call_command("import_workbook", str(good), "--organisation", "org-a", stdout=out)
    assert "Import übernommen." in out.getvalue()
    assert Person.objects.count() == 2
    assert ImportRun.objects.get().status == ImportStatus.COMMITTED

    out = io.StringIO()
    call_command("import_workbook", str(good), "--organisation", "org-a", "--dry-run", stdout=out)
    assert "Diese Datei wurde bereits am" in out.getvalue()

    bad = tmp_path / "fehler.xlsx"
    bad.write_bytes(workbook(birth="2099"))
    out = io.StringIO()
    with pytest.raises(CommandError, match=re.escape("1 Problem; nichts wurde importiert.")) as raised:
        call_command("import_workbook", str(bad), "--organisation", "org-a", stdout=out)
    assert raised.value.returncode == 1
    assert "Problem: Personen, Zeile 2, Geburtsdatum, „2099“: Das Datum darf nicht in der Zukunft liegen." in (
        out.getvalue()
    )
    person = Person.objects.get(external_id="P-1")
    assert person.birth_date is not None and person.birth_date.year == 1984


def test_the_command_refuses_an_unknown_organisation(tmp_path):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match=re.escape("Unbekannte Organisation „nirgendwo“.")):
        call_command("import_workbook", str(path), "--organisation", "nirgendwo")


def test_the_pages_that_only_read_refuse_a_post(org_admin_a, municipalities):
    client = client_for(org_admin_a)
    upload(client, workbook())
    run = ImportRun.objects.get()
    for url in (
        reverse("imports:detail", kwargs={"pk": run.pk}),
        reverse("imports:template"),
        reverse("imports:example"),
    ):
        assert client.post(url).status_code == 405
    assert client.get(reverse("imports:commit", kwargs={"pk": run.pk})).status_code == 405
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and Person.objects.count() == 0
