"""The read side of documents: the case page's documents, a plan version's signed agreements, expiring ones.

Each runs a fixed number of queries whatever the number of documents.
Other apps may call them (the worklist of casework asks for the expiring
documents; the case page and the plan page show theirs through the
template tags of ``lotse.documents.templatetags.documents_tags``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BigIntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lotse.cases.models import Case, CaseClient, IntegrationPlan
from lotse.core.models import User
from lotse.documents.models import Document, persons_of_case
from lotse.people.models import Person


def _rows(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related("plan", "uploaded_by").order_by("-document_date", "-pk")


def case_documents(user: User, case: Case, *, editable: bool, today: datetime.date) -> dict[str, Any]:
    """The documents of the case page (two queries): the case's own, and those of each of its persons."""
    persons = list(Person.objects.visible_to(user).filter(persons_of_case(case)).order_by("family_name", "pk"))
    documents = list(_rows(Document.objects.visible_to(user).of_case(case)))
    by_person: dict[int, list[Document]] = {}
    for document in documents:
        if document.person_id is not None:
            by_person.setdefault(document.person_id, []).append(document)
    return {
        "case": case,
        "editable": editable and case.organisation_id == user.organisation_id,
        "today": today,
        "case_documents": [d for d in documents if d.case_id == case.pk],
        "persons": [{"person": p, "documents": by_person.get(p.pk, [])} for p in persons],
        "count": len(documents),
    }


def person_documents(user: User, case: Case, person: Person, *, editable: bool, today: datetime.date) -> dict[str, Any]:
    """The documents of one person of the case, for the person's page (one query).

    Only a person of the case (a current member of its household, or a
    client) has them shown there: the download goes through the case.
    """
    documents = Document.objects.visible_to(user).of_case(case).filter(person_id=person.pk)
    return {
        "case": case,
        "person": person,
        "editable": editable and person.organisation_id == user.organisation_id,
        "documents": list(_rows(documents)),
        "today": today,
    }


def plan_documents(user: User, plan: IntegrationPlan) -> list[Document]:
    """The signed agreements attached to this version of the plan (one query)."""
    return list(_rows(Document.objects.visible_to(user).filter(plan=plan)))


def expiring_documents(case_ids: QuerySet[Any], until: datetime.date) -> list[Document]:
    """Documents of the cases ``case_ids`` (a subquery of keys) or of their clients that expired or expire by
    ``until``, each with the case it is shown in (``case_link``) and that case's caseworker
    (``link_responsible_id``), soonest first (one query)."""
    clients = CaseClient.objects.filter(case_id__in=case_ids)
    case_of_client = clients.filter(person_id=OuterRef("person_id")).order_by("case_id").values("case_id")[:1]
    return list(
        Document.objects.filter(expiry_date__isnull=False, expiry_date__lte=until)
        .filter(Q(case_id__in=case_ids) | Q(person_id__in=clients.values("person_id")))
        .annotate(case_link=Coalesce("case_id", Subquery(case_of_client), output_field=BigIntegerField()))
        .annotate(link_responsible_id=Subquery(Case.objects.filter(pk=OuterRef("case_link")).values("responsible_id")))
        .select_related("case", "person")
        .order_by("expiry_date", "pk")
    )
