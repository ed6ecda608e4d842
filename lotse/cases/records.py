"""Cases and persons named for the change history and the access log, and which access log rows show a person.

Registered with ``lotse.core.records`` when the app is ready (core knows
neither cases nor persons).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.db.models import Q
from django.urls import reverse

from lotse.accommodation.models import AssignedPerson, Occupancy
from lotse.cases.models import Case, CaseClient, Consent, Goal, Handover, IntegrationPlan, Referral
from lotse.core.choices import AccessAction
from lotse.core.models import User
from lotse.core.records import (
    NamingContext,
    PersonAccess,
    RecordName,
    finds_person_access,
    names_records,
    pks_of,
)
from lotse.people.models import Person


@names_records("cases.case")
def name_cases(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    """ "Fall F-000157", linked to the case page for whoever may open it; in the access log with its clients."""
    cases = list(Case.objects.filter(pk__in=pks_of(Case, pks)).only("pk", "external_id"))
    visible = set(Case.objects.visible_to(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    clients: dict[int, list[str]] = defaultdict(list)
    if context.get("audit"):
        for link in (
            CaseClient.objects.filter(case_id__in=[c.pk for c in cases])
            .select_related("person")
            .order_by("person__family_name", "person__given_names")
        ):
            clients[link.case_id].append(link.person.full_name)
    named = {}
    for case in cases:
        text = str(case)
        if clients.get(case.pk):
            text = f"{text} ({'; '.join(clients[case.pk])})"
        url = reverse("cases:case_detail", args=[case.pk]) if case.pk in visible else ""
        named[str(case.pk)] = RecordName(text, url)
    return named


@names_records("people.person")
def name_persons(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    """A person by name. In the access log the name leads to who viewed their data (for their administrators);
    elsewhere to the person on the case being read, or on a case of theirs the reader may open."""
    persons = list(Person.objects.filter(pk__in=pks_of(Person, pks)).only("family_name", "given_names"))
    ids = [p.pk for p in persons]
    urls: dict[int, str] = {}
    if context.get("audit"):
        audited = Person.objects.audited_by(user).filter(pk__in=ids).values_list("pk", flat=True)
        urls = {pk: f"{reverse('core:access_log')}?person={pk}" for pk in audited}
    else:
        case = context.get("case")
        on_case = set(context.get("case_person_ids", ()))
        if case is not None:
            urls = {pk: reverse("cases:person_detail", args=[case.pk, pk]) for pk in ids if pk in on_case}
        others = [pk for pk in ids if pk not in urls]
        if others:
            links = (
                CaseClient.objects.filter(person_id__in=others, case__in=Case.objects.visible_to(user))
                .order_by("person_id", "-case_id")
                .values_list("person_id", "case_id")
            )
            for person_id, case_id in links:
                urls.setdefault(person_id, reverse("cases:person_detail", args=[case_id, person_id]))
    return {str(p.pk): RecordName(p.full_name, urls.get(p.pk, "")) for p in persons}


@finds_person_access
def person_access(user: User, person_id: int) -> PersonAccess | None:
    """The person's data is shown by the person's page, their cases' pages and records (plan, goals, referrals,
    consents, handovers), their stays and assignments, and every export of the lists of the organisation keeping
    them. A person the user may not audit is None (a 404)."""
    person = Person.objects.audited_by(user).filter(pk=person_id).first()
    if person is None:
        return None
    case_ids = list(
        Case.objects.filter(Q(case_clients__person=person) | Q(household__memberships__person=person))
        .values_list("pk", flat=True)
        .distinct()
    )
    records: dict[str, list[Any]] = {
        "people.person": [person.pk],
        "cases.case": case_ids,
        "cases.integrationplan": list(
            IntegrationPlan.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)
        ),
        "cases.goal": list(Goal.objects.filter(plan__case_id__in=case_ids).values_list("pk", flat=True)),
        "cases.referral": list(Referral.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)),
        "cases.consent": list(Consent.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)),
        "cases.handover": list(Handover.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)),
        "accommodation.occupancy": list(Occupancy.objects.filter(person=person).values_list("pk", flat=True)),
        "accommodation.assignment": list(
            AssignedPerson.objects.filter(person=person).values_list("assignment_id", flat=True)
        ),
    }
    rows = Q(action=AccessAction.EXPORT, record_type="core.organisation", record_id=str(person.organisation_id))
    for record_type, pks in records.items():
        if pks:
            rows |= Q(record_type=record_type, record_id__in=[str(pk) for pk in pks])
    return PersonAccess(name=person.full_name, rows=rows, record=person)
