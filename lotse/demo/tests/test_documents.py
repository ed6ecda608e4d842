"""The demo's documents: a few per caseworker, added through the service, an expiring permit in My work."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from lotse.cases.queries import worklist_for
from lotse.core.models import User
from lotse.demo.documents import load_demo_documents
from lotse.documents.choices import DocumentKind
from lotse.documents.models import Document
from lotse.documents.storage import document_storage


@pytest.mark.django_db
def test_demo_documents_are_few_readable_and_reach_my_work(demo: str):
    assert "Demo documents:" in demo
    documents = list(Document.objects.select_related("case", "person", "plan"))
    assert 10 <= len(documents) <= 200
    kinds = {document.kind for document in documents}
    assert {DocumentKind.BESCHEID, DocumentKind.AUFENTHALTSTITEL, DocumentKind.INTEGRATIONSVEREINBARUNG} <= kinds
    for document in documents:
        keeper = document.case or document.person
        assert keeper is not None
        assert document.organisation_id == keeper.organisation_id
        if document.plan is not None:
            assert document.plan.case_id == document.case_id
    sample = documents[0]
    with document_storage.open(sample.file.name, "rb") as file:
        assert PdfReader(io.BytesIO(file.read())).pages[0].extract_text().strip()
    permit = next(d for d in documents if d.kind == DocumentKind.AUFENTHALTSTITEL)
    caseworker = User.objects.get(responsible_cases__case_clients__person=permit.person)
    assert permit in worklist_for(caseworker, timezone.localdate()).expiring_documents
    # Loaded once.
    assert load_demo_documents(today=timezone.localdate()) == 0
