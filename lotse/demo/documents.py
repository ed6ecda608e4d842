"""A few documents in the demo county's cases, added through the documents' service.

Each demo caseworker's two oldest open cases get a Bescheid; the head of
household of the first gets a residence permit that expires within the
worklist's warning period (so "Meine Arbeit" shows it), the second a
language certificate; a case with a plan gets the signed integration
agreement of its newest version. The files are small PDFs written in code.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db.models import Prefetch

from lotse.cases.models import Case, CaseClient
from lotse.cases.services import current_plan
from lotse.core.choices import Role
from lotse.core.models import User
from lotse.core.transactions import one_savepoint_per_step
from lotse.demo import data
from lotse.documents import services
from lotse.documents.choices import DocumentKind
from lotse.documents.models import Document
from lotse.documents.pdf import text_pdf

CASES_PER_CASEWORKER = 2
# Days before the residence permit of the demo expires: within the worklist's default warning of 30 days.
PERMIT_EXPIRES_IN_DAYS = 21


def _pdf(title: str, *lines: str) -> ContentFile[bytes]:
    return ContentFile(text_pdf([title, "", *lines, "", "Demo-Dokument, keine echten Daten."]))


def load_demo_documents(*, today: datetime.date) -> int:
    """Add the demo's documents; does nothing once the demo organisations keep documents. Returns how many."""
    usernames = [username for username, _org, roles, *_names in data.USERS if Role.INTEGRATIONSMANAGEMENT in roles]
    caseworkers = list(User.objects.filter(username__in=usernames, is_active=True).order_by("username"))
    organisation_ids = {user.organisation_id for user in caseworkers}
    if not caseworkers or Document.objects.filter(organisation_id__in=organisation_ids).exists():
        return 0
    clients = Prefetch("case_clients", queryset=CaseClient.objects.select_related("person").order_by("pk"))
    added = 0
    for caseworker in caseworkers:
        cases = list(
            Case.objects.filter(responsible=caseworker, organisation_id=caseworker.organisation_id)
            .open()
            .prefetch_related(clients)
            .order_by("start_date", "pk")[:CASES_PER_CASEWORKER]
        )
        for index, case in enumerate(cases):
            with one_savepoint_per_step(), data.recorded():
                added += _documents_of(caseworker, case, first=index == 0, today=today)
    return added


def _documents_of(caseworker: User, case: Case, *, first: bool, today: datetime.date) -> int:
    head = case.case_clients.all()[0].person
    name = head.full_name
    recent = max(case.start_date, today - datetime.timedelta(days=45))
    services.upload_document(
        acting_user=caseworker,
        case=case,
        file=_pdf("Bescheid über Leistungen nach dem SGB II", f"Bedarfsgemeinschaft {name}"),
        file_name="Bescheid Jobcenter.pdf",
        kind=DocumentKind.BESCHEID,
        title="Bescheid des Jobcenters",
        document_date=recent,
    )
    if first:
        services.upload_document(
            acting_user=caseworker,
            person=head,
            file=_pdf("Aufenthaltserlaubnis (Kopie)", name),
            file_name="Aufenthaltstitel.pdf",
            kind=DocumentKind.AUFENTHALTSTITEL,
            title="Aufenthaltserlaubnis",
            document_date=today - datetime.timedelta(days=365 - PERMIT_EXPIRES_IN_DAYS),
            expiry_date=today + datetime.timedelta(days=PERMIT_EXPIRES_IN_DAYS),
        )
    else:
        services.upload_document(
            acting_user=caseworker,
            person=head,
            file=_pdf("Zertifikat Deutsch-Test für Zuwanderer", name, "Niveau A2"),
            file_name="Sprachzertifikat.pdf",
            kind=DocumentKind.NACHWEIS,
            title="Sprachzertifikat A2",
            document_date=recent,
        )
    plan = current_plan(case)
    if plan is None:
        return 2
    services.upload_document(
        acting_user=caseworker,
        case=case,
        plan=plan,
        file=_pdf("Integrationsvereinbarung", f"Version {plan.number}", f"unterschrieben von {name}"),
        file_name=f"Integrationsvereinbarung Version {plan.number}.pdf",
        kind=DocumentKind.INTEGRATIONSVEREINBARUNG,
        title=f"Unterschriebene Integrationsvereinbarung, Version {plan.number}",
        document_date=plan.agreed_on,
    )
    return 3
