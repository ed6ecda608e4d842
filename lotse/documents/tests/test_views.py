"""The documents' pages: adding through the form, the scoped download with its log row, deleting, showing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lotse.cases import services as case_services
from lotse.cases.choices import ConsentPurpose
from lotse.cases.tests.factories import head_of, open_case_for
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.documents import services
from lotse.documents.choices import DocumentKind
from lotse.documents.models import Document
from lotse.documents.tests import files
from lotse.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def upload(acting_user, data: bytes = b"", name: str = "bescheid.pdf", **fields):
    fields.setdefault("kind", DocumentKind.BESCHEID)
    fields.setdefault("title", "Bescheid Jobcenter")
    fields.setdefault("document_date", timezone.localdate())
    return services.upload_document(
        acting_user=acting_user, file=ContentFile(data or files.pdf()), file_name=name, **fields
    )


def form_data(**values):
    return {
        "owner": "case",
        "kind": DocumentKind.BESCHEID,
        "title": "",
        "document_date": timezone.localdate().isoformat(),
        **values,
    }


def share_with(case, caseworker, organisation):
    case_services.record_consent(
        acting_user=caseworker,
        case=case,
        person=head_of(case),
        purpose=ConsentPurpose.SHARING,
        given_on=case.start_date,
        recipient_organisation=organisation,
    )


def test_it_adds_a_document_through_the_form(case, caseworker_a, document_folder):
    person = head_of(case)
    client = client_for(caseworker_a)
    url = reverse("documents:document_upload", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert ">Sonstiges</option>" in page.content.decode()
    response = client.post(
        url,
        form_data(
            owner=str(person.pk),
            kind=DocumentKind.AUFENTHALTSTITEL,
            expiry_date="2030-01-31",
            file=SimpleUploadedFile("titel.png", files.png(), content_type="application/octet-stream"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    document = Document.objects.get()
    assert (document.person, document.case, document.title) == (person, None, "Aufenthaltstitel")
    assert (document.content_type, document.expiry_date) == ("image/png", datetime.date(2030, 1, 31))
    assert [path.read_bytes() for path in stored_files(document_folder)] == [files.png()]


def test_it_refuses_a_disguised_file_on_the_form_and_stores_nothing(case, caseworker_a, document_folder):
    response = client_for(caseworker_a).post(
        reverse("documents:document_upload", args=[case.pk]),
        form_data(file=SimpleUploadedFile("bescheid.pdf", files.exe(), content_type="application/pdf")),
    )
    assert response.status_code == 200
    assert "Die Datei „bescheid.pdf“ ist weder ein PDF-Dokument" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(document_folder) == []


def test_it_attaches_the_signed_agreement_from_the_plan_page(case, caseworker_a):
    plan = case_services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=case.start_date)
    client = client_for(caseworker_a)
    plan_url = reverse("cases:plan_detail", args=[case.pk])
    attach = f"{reverse('documents:document_upload', args=[case.pk])}?kind=integrationsvereinbarung&amp;plan={plan.pk}"
    assert attach in client.get(plan_url).content.decode()
    response = client.post(
        reverse("documents:document_upload", args=[case.pk]),
        form_data(
            kind=DocumentKind.INTEGRATIONSVEREINBARUNG,
            plan=str(plan.pk),
            file=SimpleUploadedFile("unterschrieben.pdf", files.pdf()),
        ),
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.plan == plan
    page = client.get(plan_url).content.decode()
    assert reverse("documents:document_download", args=[case.pk, document.pk]) in page
    assert "unterschrieben.pdf" in page


def test_it_downloads_as_an_attachment_and_writes_the_access_log(case, caseworker_a):
    document = upload(caseworker_a, files.pdf(), "Bescheid Mai.pdf", case=case)
    url = reverse("documents:document_download", args=[case.pk, document.pk])
    response = client_for(caseworker_a).get(url)
    assert response.status_code == 200
    assert response.getvalue() == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Bescheid Mai.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AccessLogEntry.objects.get()
    assert (entry.by, entry.action, entry.record_type, entry.record_id) == (
        caseworker_a,
        AccessAction.EXPORT,
        "documents.document",
        str(document.pk),
    )
    assert entry.record_organisation_id == case.organisation_id


def test_it_answers_another_organisation_with_404(case, caseworker_a, caseworker_b, statistician):
    document = upload(caseworker_a, case=case)
    download = reverse("documents:document_download", args=[case.pk, document.pk])
    delete = reverse("documents:document_delete", args=[case.pk, document.pk])
    add = reverse("documents:document_upload", args=[case.pk])
    outsider = client_for(caseworker_b)
    for url in (download, delete, add):
        assert outsider.get(url).status_code == 404
    assert outsider.post(delete, {"reason": "weg"}).status_code == 404
    assert client_for(statistician).get(download).status_code == 403
    assert not AccessLogEntry.objects.exists()
    assert Document.objects.filter(pk=document.pk).exists()


def test_it_names_the_document_with_its_own_case_only(case, caseworker_a):
    other = open_case_for(caseworker_a, family_name="Nasser")
    document = upload(caseworker_a, case=other)
    url = reverse("documents:document_download", args=[case.pk, document.pk])
    assert client_for(caseworker_a).get(url).status_code == 404


def test_it_lets_an_organisation_sharing_the_case_download_but_not_delete(case, caseworker_a, caseworker_b, org_b):
    document = upload(caseworker_a, case=case)
    share_with(case, caseworker_a, org_b)
    client = client_for(caseworker_b)
    assert client.get(reverse("documents:document_download", args=[case.pk, document.pk])).status_code == 200
    assert client.get(reverse("documents:document_delete", args=[case.pk, document.pk])).status_code == 404
    assert client.get(reverse("documents:document_upload", args=[case.pk])).status_code == 404
    entry = AccessLogEntry.objects.get()
    assert (entry.organisation_id, entry.record_organisation_id) == (org_b.pk, case.organisation_id)


def test_it_deletes_a_document_with_a_reason(case, caseworker_a, document_folder, django_capture_on_commit_callbacks):
    document = upload(caseworker_a, case=case)
    client = client_for(caseworker_a)
    url = reverse("documents:document_delete", args=[case.pk, document.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Document.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Doppelt hochgeladen"})
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(document_folder) == []
    history = client.get(reverse("cases:case_history", args=[case.pk])).content.decode()
    assert "Doppelt hochgeladen" in history


def test_it_lists_the_documents_on_the_case_page_in_a_fixed_number_of_queries(case, caseworker_a):
    person = head_of(case)
    client = client_for(caseworker_a)
    url = reverse("cases:case_detail", args=[case.pk])
    upload(caseworker_a, case=case, title="Erster Bescheid")
    upload(caseworker_a, person=person, kind=DocumentKind.AUFENTHALTSTITEL, title="Titel")
    few = queries_of(client, url)
    page = client.get(url).content.decode()
    assert "Erster Bescheid" in page
    assert f"Dokumente von {person.full_name}" in page
    for number in range(4):
        upload(caseworker_a, case=case, title=f"Nachweis {number}")
        upload(caseworker_a, person=person, title=f"Antrag {number}")
    assert_same_queries(few, queries_of(client, url))


def test_it_shows_an_expiring_document_in_my_work(case, caseworker_a):
    today = timezone.localdate()
    upload(
        caseworker_a,
        person=head_of(case),
        kind=DocumentKind.AUFENTHALTSTITEL,
        title="Aufenthaltserlaubnis",
        document_date=today - datetime.timedelta(days=365),
        expiry_date=today + datetime.timedelta(days=10),
    )
    page = client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()
    assert "Ablaufende Dokumente" in page
    assert "Aufenthaltserlaubnis (Aufenthaltstitel)" in page


def test_it_shows_a_persons_documents_on_the_persons_page(case, caseworker_a):
    person = head_of(case)
    document = upload(caseworker_a, person=person, kind=DocumentKind.AUFENTHALTSTITEL, title="Aufenthaltserlaubnis")
    upload(caseworker_a, case=case, title="Bescheid des Falls")
    client = client_for(caseworker_a)
    page = client.get(reverse("cases:person_detail", args=[case.pk, person.pk])).content.decode()
    assert reverse("documents:document_download", args=[case.pk, document.pk]) in page
    assert "Bescheid des Falls" not in page
    add = f"{reverse('documents:document_upload', args=[case.pk])}?owner={person.pk}"
    assert add in page
    form = client.get(add).content.decode()
    assert f'<option value="{person.pk}" selected>' in form
