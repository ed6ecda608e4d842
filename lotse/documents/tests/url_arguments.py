"""The documents' URLs for the URL matrix: a case of organisation A with one document."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from lotse.cases import services as case_services
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.documents import services
from lotse.documents.choices import DocumentKind
from lotse.documents.pdf import text_pdf

DAY = datetime.date(2025, 3, 3)


def url_arguments(world: UrlWorld) -> AppUrls:
    case = case_services.open_case(
        acting_user=None,
        organisation=world.owner,
        municipality=world.municipality,
        start_date=DAY,
        responsible=None,
        head={"family_name": "Haddad", "given_names": "Amina"},
    )
    document = services.upload_document(
        acting_user=None,
        case=case,
        file=ContentFile(text_pdf(["Bescheid"])),
        file_name="bescheid.pdf",
        kind=DocumentKind.BESCHEID,
        title="Bescheid",
        document_date=DAY,
    )
    of_document = {"pk": case.pk, "document_pk": document.pk}
    kwargs = {
        "documents:document_upload": {"pk": case.pk},
        "documents:document_download": of_document,
        "documents:document_delete": of_document,
    }
    return AppUrls(
        kwargs=kwargs,
        # The caseworker of B holds the capability but not the case of A.
        out_of_scope=dict.fromkeys(kwargs, frozenset({"caseworker_b", "teamlead_b"})),
        accepts_post=frozenset({"documents:document_upload", "documents:document_delete"}),
    )
