"""An upload of any kind of list (lotse.core.staged_import): checked in a dry run, then committed or discarded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


class ImportStatus(models.TextChoices):
    CHECKED = "geprueft", _("checked")
    COMMITTED = "uebernommen", _("committed")
    DISCARDED = "verworfen", _("discarded")


class ImportKind(models.TextChoices):
    """What was uploaded: a Lotse workbook of casework, or a list of actors for the network directory."""

    WORKBOOK = "arbeitsmappe", _("casework workbook")
    ACTORS = "akteure", _("list of actors")


# Who uploads and sees the imports of each kind (in their own organisation; installation administrators: all).
KIND_CAPABILITIES: dict[str, Capability] = {
    ImportKind.WORKBOOK: Capability.IMPORT_WORKBOOKS,
    ImportKind.ACTORS: Capability.EDIT_NETWORK,
}


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: User | AnonymousUser) -> ImportRunQuerySet:
        """Installation administrators see every import; the others the imports of their organisation of the
        kinds they may upload (organisation administrators workbooks, network editors lists of actors)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if can(user, Capability.ADMINISTER_INSTALLATION):
            return self.all()
        kinds = [kind for kind, capability in KIND_CAPABILITIES.items() if can(user, capability)]
        if not kinds:
            return self.none()
        return self.filter(organisation_id=user.organisation_id, kind__in=kinds)


class ImportRun(models.Model):
    """One upload. Its file is kept only until it is committed or discarded (it holds personal data)."""

    kind = models.CharField(_("kind"), max_length=15, choices=ImportKind.choices, default=ImportKind.WORKBOOK)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="import_runs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_names = models.JSONField(_("files"), default=list)
    file_hash = models.CharField(_("file fingerprint (SHA-256)"), max_length=64, db_index=True)
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=15, choices=ImportStatus.choices, default=ImportStatus.CHECKED)
    report = models.JSONField(_("report"), default=dict)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_kind_valid"),
            # A file is kept only while it waits to be committed.
            models.CheckConstraint(
                condition=Q(status=ImportStatus.CHECKED) | Q(content__isnull=True), name="import_content_only_pending"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.file_names)

    @property
    def problem_count(self) -> int:
        count: Any = self.report.get("problem_count", 0)
        return int(count)
