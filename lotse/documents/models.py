"""Documents kept for a case or a person: a Bescheid, a residence permit, an application, a signed agreement.

A document belongs to a case (it stays with the case) or to a person (it
follows the person into another household or case). Whoever may read the
case or the person may read and download its documents; the organisation
that keeps the case or the person adds and deletes them. ``organisation`` is
that keeper, moved along with the case by a handover; it files the access
log. The file itself lies in the storage ``documents``
(``lotse.documents.storage``), under a name that says nothing about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import Case, CaseClient, IntegrationPlan
from lotse.core.constraints import ValidatedInFewQueries
from lotse.core.models import Organisation
from lotse.documents.choices import DocumentKind
from lotse.documents.storage import get_document_storage
from lotse.people.models import HouseholdMembership, Person, casework_organisation_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


def persons_of_case(case: Case) -> Q:
    """The persons whose documents the case page shows: the current members of its household and its clients."""
    members = HouseholdMembership.objects.filter(household_id=case.household_id, valid_to__isnull=True)
    clients = CaseClient.objects.filter(case_id=case.pk)
    # One set of keys, looked up through the primary key: two IN-lists joined by OR made the planner read every
    # person of the installation (48 ms at 100,000 persons, for the three of a case).
    return Q(pk__in=members.order_by().values("person_id").union(clients.order_by().values("person_id")))


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User | AnonymousUser) -> DocumentQuerySet:
        """Documents of the cases and persons the user may read (their own organisation's, or shared by consent)."""
        if casework_organisation_id(user) is None:
            return self.none()
        cases = Case.objects.visible_to(user).values("pk")
        persons = Person.objects.visible_to(user).values("pk")
        return self.filter(Q(case_id__in=cases) | Q(person_id__in=persons))

    def editable_by(self, user: User | AnonymousUser) -> DocumentQuerySet:
        """Documents the user's organisation keeps: only it adds and deletes them (a shared case is read-only)."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(Q(case__organisation_id=organisation_id) | Q(person__organisation_id=organisation_id))

    def of_case(self, case: Case) -> DocumentQuerySet:
        """The case's own documents, and those of the persons of the case."""
        return self.filter(Q(case_id=case.pk) | Q(person__in=Person.objects.filter(persons_of_case(case))))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Document(ValidatedInFewQueries, models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="documents"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    # A signed integration agreement names the version of the plan that was signed.
    plan = models.ForeignKey(
        IntegrationPlan,
        verbose_name=_("plan version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("type of document"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("date of the document"))
    expiry_date = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), storage=get_document_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type of file"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-document_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            # A case's document or a person's, never both: a person's documents follow the person.
            models.CheckConstraint(
                condition=Q(case__isnull=False, person__isnull=True) | Q(case__isnull=True, person__isnull=False),
                name="document_of_case_or_person",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=True) | Q(kind=DocumentKind.INTEGRATIONSVEREINBARUNG, case__isnull=False),
                name="document_plan_only_for_agreement",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=models.F("document_date")),
                name="document_expiry_after_date",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
        ]
        indexes = [
            models.Index(fields=["case", "-document_date"]),
            models.Index(fields=["person", "-document_date"]),
            models.Index(fields=["expiry_date"], condition=Q(expiry_date__isnull=False), name="document_expiry"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def size_kilobytes(self) -> int:
        return max(1, (self.size + 1023) // 1024)
