"""Adding and deleting documents, and what a handover and the worklist make of them."""

from __future__ import annotations

import datetime
import hashlib
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from lotse.cases import queries as case_queries
from lotse.cases import services as case_services
from lotse.cases.choices import ConsentPurpose
from lotse.cases.tests.factories import events_of, head_of, open_case_for
from lotse.documents import services
from lotse.documents.choices import DocumentKind
from lotse.documents.models import Document
from lotse.documents.tests import files
from lotse.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def upload(acting_user, data: bytes, name: str, **fields):
    fields.setdefault("kind", DocumentKind.BESCHEID)
    fields.setdefault("title", "Bescheid Jobcenter")
    fields.setdefault("document_date", timezone.localdate())
    return services.upload_document(acting_user=acting_user, file=ContentFile(data), file_name=name, **fields)


def refusal(call) -> str:
    with translation.override("de"), pytest.raises(ValidationError) as info:
        call()
    [message] = info.value.messages
    return message


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (files.pdf(), "bescheid.pdf", "application/pdf"),
        (files.png(), "aufenthaltstitel.png", "image/png"),
        (files.docx(), "antrag.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_it_stores_a_valid_file_through_the_storage(case, caseworker_a, document_folder, data, name, content_type):
    document = upload(caseworker_a, data, name, case=case)
    document.refresh_from_db()
    assert (document.case, document.person, document.organisation) == (case, None, case.organisation)
    assert (document.original_name, document.content_type, document.size) == (name, content_type, len(data))
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.uploaded_by == caseworker_a
    [stored] = stored_files(document_folder)
    assert stored.read_bytes() == data
    # The stored name tells nothing about the document.
    assert stored.relative_to(document_folder).as_posix() == document.file.name
    assert name.rsplit(".", 1)[0] not in document.file.name
    assert events_of(document).get().pgh_label == "insert"


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says_and_stores_nothing(
    case, caseworker_a, document_folder
):
    message = refusal(lambda: upload(caseworker_a, files.exe(), "bescheid.pdf", case=case))
    assert message.startswith("Die Datei „bescheid.pdf“ ist weder ein PDF-Dokument")
    assert refusal(lambda: upload(caseworker_a, files.png(), "bescheid.pdf", case=case)) == (
        "Die Datei „bescheid.pdf“ endet auf „.pdf“, enthält aber ein PNG-Bild. "
        "Prüfen Sie, ob Sie die richtige Datei gewählt haben, oder korrigieren Sie ihren Namen."
    )
    assert not Document.objects.exists()
    assert stored_files(document_folder) == []


def test_it_refuses_a_file_beyond_the_size_limit(case, caseworker_a, document_folder, settings):
    settings.LOTSE_DOCUMENT_MAX_MEGABYTES = 1
    too_large = files.pdf() + b"%" * (1024 * 1024)
    assert refusal(lambda: upload(caseworker_a, too_large, "gross.pdf", case=case)) == (
        "Die Datei ist größer als 1 MB."
    )
    assert refusal(lambda: upload(caseworker_a, b"", "leer.pdf", case=case)) == "Die Datei „leer.pdf“ ist leer."
    assert not Document.objects.exists()
    assert stored_files(document_folder) == []


def test_it_lets_only_the_keeping_organisation_add_documents(case, caseworker_b, statistician, document_folder):
    for outsider in (caseworker_b, statistician):
        with pytest.raises(ValidationError):
            upload(outsider, files.pdf(), "bescheid.pdf", case=case)
    assert stored_files(document_folder) == []


def test_it_keeps_a_persons_document_with_the_person(case, caseworker_a):
    person = head_of(case)
    document = upload(
        caseworker_a,
        files.pdf(),
        "titel.pdf",
        person=person,
        kind=DocumentKind.AUFENTHALTSTITEL,
        expiry_date=timezone.localdate() + datetime.timedelta(days=400),
    )
    assert (document.case, document.person, document.organisation) == (None, person, person.organisation)
    assert refusal(lambda: upload(caseworker_a, files.pdf(), "x.pdf", case=case, person=person)) == (
        "Ein Dokument gehört zu einem Fall oder zu einer Person."
    )


def test_it_refuses_an_expiry_before_the_documents_date(case, caseworker_a):
    today = timezone.localdate()
    message = refusal(
        lambda: upload(caseworker_a, files.pdf(), "x.pdf", case=case, expiry_date=today - datetime.timedelta(days=1))
    )
    assert message.startswith("Das Dokument kann nicht vor seinem Datum")


def test_it_attaches_a_signed_agreement_to_its_plan_version(case, caseworker_a, caseworker_b):
    plan = case_services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=case.start_date)
    document = upload(
        caseworker_a,
        files.pdf(),
        "unterschrieben.pdf",
        case=case,
        plan=plan,
        kind=DocumentKind.INTEGRATIONSVEREINBARUNG,
        title="Integrationsvereinbarung",
    )
    assert document.plan == plan
    assert refusal(lambda: upload(caseworker_a, files.pdf(), "x.pdf", case=case, plan=plan)) == (
        "Nur eine unterschriebene Integrationsvereinbarung wird einer Version des Plans beigefügt."
    )
    other = open_case_for(caseworker_a, family_name="Nasser")
    assert refusal(
        lambda: upload(
            caseworker_a,
            files.pdf(),
            "x.pdf",
            case=other,
            plan=plan,
            kind=DocumentKind.INTEGRATIONSVEREINBARUNG,
        )
    ) == ("Die Version des Plans gehört zu einem anderen Fall.")


def test_it_deletes_a_document_with_its_reason_and_then_its_file(
    case, caseworker_a, caseworker_b, document_folder, django_capture_on_commit_callbacks
):
    document = upload(caseworker_a, files.pdf(), "bescheid.pdf", case=case)
    assert refusal(lambda: services.delete_document(acting_user=caseworker_a, document=document, reason=" ")) == (
        "Geben Sie an, warum das Dokument gelöscht wird."
    )
    with pytest.raises(ValidationError):
        services.delete_document(acting_user=caseworker_b, document=document, reason="Falscher Fall")
    pk = document.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_document(acting_user=caseworker_a, document=document, reason="Falsche Person")
    assert not Document.objects.filter(pk=pk).exists()
    deletion = events_of(Document, pk).get(pgh_label="delete")
    assert deletion.pgh_context.metadata["reason"] == "Falsche Person"
    assert deletion.pgh_context.metadata["user"] == caseworker_a.pk
    assert stored_files(document_folder) == []


def test_it_moves_the_documents_with_the_case_in_a_handover(case, caseworker_a, caseworker_b, org_b):
    person = head_of(case)
    of_case = upload(caseworker_a, files.pdf(), "bescheid.pdf", case=case)
    of_person = upload(caseworker_a, files.png(), "titel.png", person=person, kind=DocumentKind.AUFENTHALTSTITEL)
    elsewhere = upload(caseworker_a, files.pdf(), "x.pdf", case=open_case_for(caseworker_a, family_name="Nasser"))
    case_services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=person,
        purpose=ConsentPurpose.SHARING,
        given_on=case.start_date,
        recipient_organisation=org_b,
    )
    handover = case_services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    # Before the handover, the receiving organisation reads them by the consent, but may not delete them.
    assert set(Document.objects.visible_to(caseworker_b)) == {of_case, of_person}
    assert not Document.objects.editable_by(caseworker_b).exists()
    case_services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    assert {d.pk: d.organisation_id for d in Document.objects.all()} == {
        of_case.pk: org_b.pk,
        of_person.pk: org_b.pk,
        elsewhere.pk: caseworker_a.organisation_id,
    }
    assert set(Document.objects.visible_to(caseworker_a)) == {elsewhere}
    assert set(Document.objects.editable_by(caseworker_b)) == {of_case, of_person}


def test_it_shows_expiring_documents_in_my_work(case, caseworker_a, colleague_a, settings):
    settings.LOTSE_DOCUMENT_EXPIRY_WARNING_DAYS = 30
    today = timezone.localdate()
    person = head_of(case)
    soon = upload(
        caseworker_a,
        files.pdf(),
        "titel.pdf",
        person=person,
        kind=DocumentKind.AUFENTHALTSTITEL,
        document_date=today - datetime.timedelta(days=300),
        expiry_date=today + datetime.timedelta(days=30),
    )
    expired = upload(
        caseworker_a,
        files.pdf(),
        "nachweis.pdf",
        case=case,
        kind=DocumentKind.NACHWEIS,
        document_date=today - datetime.timedelta(days=300),
        expiry_date=today - datetime.timedelta(days=1),
    )
    upload(caseworker_a, files.pdf(), "spaeter.pdf", case=case, expiry_date=today + datetime.timedelta(days=31))
    upload(caseworker_a, files.pdf(), "ohne.pdf", case=case)
    work = case_queries.worklist_for(caseworker_a, today)
    assert work.expiring_documents == [expired, soon]
    assert [d.case_link for d in work.expiring_documents] == [case.pk, case.pk]  # type: ignore[attr-defined]
    assert work.total == 2
    # Only the responsible caseworker's worklist shows them.
    assert case_queries.worklist_for(colleague_a, today).expiring_documents == []


def test_it_removes_files_that_no_document_names_once_they_are_a_day_old(case, caseworker_a, document_folder):
    kept = upload(caseworker_a, files.pdf(), "bescheid.pdf", case=case)
    left_behind = document_folder / "2025" / "01" / "verwaist.pdf"
    just_written = document_folder / "2025" / "01" / "im-upload.pdf"
    for path in (left_behind, just_written):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files.pdf())
    a_week_ago = (timezone.now() - datetime.timedelta(days=7)).timestamp()
    os.utime(left_behind, (a_week_ago, a_week_ago))
    os.utime(document_folder / kept.file.name, (a_week_ago, a_week_ago))
    assert services.remove_unrecorded_files() == ["2025/01/verwaist.pdf"]
    assert {path.relative_to(document_folder).as_posix() for path in stored_files(document_folder)} == {
        kept.file.name,
        "2025/01/im-upload.pdf",
    }
