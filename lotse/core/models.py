"""Organisations, municipalities, users and the audit trail.

Every model holding personal data is tracked by pghistory (database triggers,
so bulk updates are caught as well) and offers ``objects.visible_to(user)``,
the only way views fetch it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.choices import (
    IMPORT_STATUSES_WITH_FILE,
    AccessAction,
    DownloadStatus,
    ImportKind,
    ImportStatus,
    OrganisationKind,
    Role,
)
from lotse.core.constraints import ValidatedInFewQueries

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ags_validator = RegexValidator(
    regex=r"^(0[1-9]|1[0-6])\d{6}$",
    message=_("The official municipality key (AGS) has exactly 8 digits and starts with a state code 01 to 16."),
    code="invalid_ags",
)
short_name_validator = RegexValidator(
    regex=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$",
    message=_("The short name may contain letters, digits, hyphens and underscores (at most 30 characters)."),
    code="invalid_short_name",
)


class VersionedModel(ValidatedInFewQueries, models.Model):
    """A record edited in forms: ``version`` detects concurrent edits (see services.save_versioned)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        # Organisations are not personal data: every signed-in user may see them
        # (they are needed to address a handover or referral).
        if not user.is_authenticated:
            return self.none()
        return self.all()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organisation(VersionedModel):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30, unique=True, validators=[short_name_validator])
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    # The town or municipality whose administration this organisation is (kind "gemeinde"): assignments
    # of the county to that municipality reach its accommodation staff.
    municipality = models.ForeignKey(
        "Municipality",
        verbose_name=_("administration of the municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.CheckConstraint(
                condition=Q(short_name__regex=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$"), name="organisation_short_name_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def visible_to(self, user: User | AnonymousUser) -> MunicipalityQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.all()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Municipality(VersionedModel):
    ags = models.CharField(_("official municipality key (AGS)"), max_length=8, unique=True, validators=[ags_validator])
    name = models.CharField(_("name"), max_length=200)
    county = models.CharField(_("county"), max_length=200, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(ags__regex=r"^(0[1-9]|1[0-6])[0-9]{6}$"), name="municipality_ags_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"


class LotseUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: User | AnonymousUser) -> UserQuerySet:
        return self.get_queryset().visible_to(user)

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("roles", [Role.SYSTEMADMINISTRATION])
        return super().create_superuser(username, email, password, **extra)


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User | AnonymousUser) -> UserQuerySet:
        """Colleagues of the same organisation; everyone for system administrators.

        A statistics-only user sees nobody but themselves: that role works on
        aggregates, never on a person's record.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        assert isinstance(user, User)
        if can(user, Capability.ADMINISTER_INSTALLATION):
            return self.all()
        if not can(user, Capability.SEE_COLLEAGUES):
            return self.filter(pk=user.pk)
        return self.filter(organisation_id=user.organisation_id)

    def search(self, text: str) -> UserQuerySet:
        """Users whose username, first or last name contains ``text``; all of them for an empty text."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(VersionedModel, AbstractUser):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="users"
    )
    roles = ArrayField(
        models.CharField(max_length=40, choices=Role.choices),
        verbose_name=_("roles"),
        default=list,
    )
    # When the user set up their second factor (lotse.core.second_factor); empty without one. Its changes,
    # an administrator's reset among them, are in the change history.
    second_factor_since = models.DateTimeField(_("second factor set up at"), null=True, blank=True, editable=False)
    # The language of the mails Lotse sends the user (the invitation among them).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="de")
    # When the last invitation (a link to choose a first password) was sent; it is open while the user has
    # no usable password (lotse.core.invitations).
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)

    objects = LotseUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email", "organisation"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="user_roles_valid"),
            models.CheckConstraint(condition=Q(roles__len__gte=1), name="user_has_a_role"),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def has_role(self, *roles: str) -> bool:
        return bool(set(self.roles) & set(roles))

    @property
    def invitation_open(self) -> bool:
        """Invited, and the first password not yet chosen."""
        return self.invited_at is not None and not self.has_usable_password()

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels[r]) for r in Role.values if r in self.roles]


class UserSession(AbstractBaseSession):
    """A database session that knows its user, so deactivation can end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.CASCADE, related_name="sessions"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from lotse.core.sessions import SessionStore

        return SessionStore


class PasswordResetRequest(models.Model):
    """One request for a password reset link, kept an hour for its rate limit (lotse.core.password_reset).

    In the database, so every app server counts the same requests; the e-mail
    and client addresses are kept only as keyed hashes.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    address_key = models.CharField(_("e-mail address (hash)"), max_length=64)
    client_key = models.CharField(_("client address (hash)"), max_length=64)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [models.Index(fields=["address_key", "at"]), models.Index(fields=["client_key", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A form that created something, by the one-time key it carried (lotse.core.submissions).

    Sent again (a retry after an error, a double click, the back button), the
    form finds its key here and the user is shown what the first sending made
    instead of getting it twice.
    """

    key = models.UUIDField(_("key"), primary_key=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    location = models.CharField(_("address of the result"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.key)


class PreparedDownloadQuerySet(models.QuerySet["PreparedDownload"]):
    def visible_to(self, user: User | AnonymousUser) -> PreparedDownloadQuerySet:
        """A prepared file holds personal data: only who asked for it gets it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by_id=user.pk)


class PreparedDownload(models.Model):
    """A large export written by a background job (lotse.core.downloads), kept for its user for a day."""

    kind = models.CharField(_("kind"), max_length=30)
    organisation = models.ForeignKey(
        "Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=15, choices=DownloadStatus.choices, default=DownloadStatus.PREPARING
    )
    content = models.BinaryField(_("content"), null=True, blank=True, editable=False)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    job_id = models.BigIntegerField(_("background job"), null=True, blank=True, editable=False)

    objects = PreparedDownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("prepared download")
        verbose_name_plural = _("prepared downloads")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DownloadStatus.values), name="download_status_valid"),
            models.CheckConstraint(
                condition=Q(status=DownloadStatus.READY) | Q(content__isnull=True), name="download_content_when_ready"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class JobProgress(models.Model):
    """How far a background job is (lotse.core.jobs): written beside the job's own transaction, so that a page
    can show it while the job's writes stay invisible until they commit. Counts only, never personal data."""

    key = models.CharField(_("key"), max_length=60, primary_key=True)
    data = models.JSONField(_("progress"), default=dict)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("progress of a background job")
        verbose_name_plural = _("progress of background jobs")

    def __str__(self) -> str:
        return self.key


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def visible_to(self, user: User | AnonymousUser) -> AccessLogQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        assert isinstance(user, User)
        if can(user, Capability.ADMINISTER_INSTALLATION):
            return self.all()
        if can(user, Capability.READ_AUDIT):
            # What the organisation's users read, and who read the organisation's records (through a consent
            # to share, say): the administrators of both organisations see such a row.
            return self.filter(Q(organisation_id=user.organisation_id) | Q(record_organisation_id=user.organisation_id))
        return self.none()


class AccessLogEntry(models.Model):
    """Who viewed, printed or exported which record, when.

    Append-only: database triggers refuse every UPDATE and DELETE, whatever
    the application code tries, and in production the application's database
    role may only insert and read (``manage.py grant_runtime_role``).

    ``organisation`` is the reader's organisation, ``record_organisation`` the
    one that keeps the record read (empty for records no organisation keeps,
    and for rows written before it was recorded).
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    record_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation of the record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record"), max_length=64)
    path = models.CharField(_("address"), max_length=500, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["record_organisation", "-at"]),
            models.Index(fields=["record_type", "record_id"]),
        ]
        triggers = [
            pgtrigger.Protect(name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by_id} {self.action} {self.record_type}#{self.record_id}"


# Who uploads and sees the imports of each kind (in their own organisation; installation administrators: all).
KIND_CAPABILITIES: dict[str, Capability] = {
    ImportKind.WORKBOOK: Capability.IMPORT_WORKBOOKS,
    ImportKind.ACTORS: Capability.EDIT_NETWORK,
    ImportKind.VOLUNTEERS: Capability.COORDINATE_VOLUNTEERS,
    ImportKind.RENT_LIMITS: Capability.KEEP_RENT_LIMITS,
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


class ImportRun(ValidatedInFewQueries, models.Model):
    """One upload of any kind of list (lotse.core.staged_import): checked in a dry run, then committed or discarded.

    One upload. Its file is kept only until it is committed or discarded (it holds personal data)."""

    kind = models.CharField(_("kind"), max_length=15, choices=ImportKind.choices, default=ImportKind.WORKBOOK)
    organisation = models.ForeignKey(
        "Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="import_runs"
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
    # The background job (procrastinate) that checks or commits the upload, while it is waiting or running.
    job_id = models.BigIntegerField(_("background job"), null=True, blank=True, editable=False)
    # What the last job had to say beside the report: why the file was refused, or that the data changed.
    job_message = models.TextField(_("message of the last job"), blank=True, default="")

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        # The table was created by the imports app, before the staged-import lifecycle became core's.
        db_table = "imports_importrun"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="import_kind_valid"),
            # A file is kept only while it waits to be committed.
            models.CheckConstraint(
                condition=Q(status__in=IMPORT_STATUSES_WITH_FILE) | Q(content__isnull=True),
                name="import_content_only_pending",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.file_names)

    @property
    def problem_count(self) -> int:
        count: Any = self.report.get("problem_count", 0)
        return int(count)
