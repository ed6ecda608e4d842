"""Adding and deleting documents: one transaction each, with their audit trail.

The file is checked before anything is stored (its size, its kind told from
its content, its name's ending), then written to the document storage and
recorded; if recording fails, the stored file is removed again. Deleting a
document needs a reason, kept in the change history with who deleted it;
the file is removed from the storage once the deletion is committed.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lotse.cases.choices import CaseStatus
from lotse.cases.models import Case, IntegrationPlan
from lotse.core.access import Capability, require
from lotse.core.models import User
from lotse.core.services import audit_context
from lotse.core.transactions import atomic
from lotse.core.upload_guard import check_size
from lotse.documents import content
from lotse.documents.choices import DocumentKind
from lotse.documents.models import Document
from lotse.documents.storage import document_storage
from lotse.people.dates import not_in_future
from lotse.people.models import Person

logger = logging.getLogger(__name__)

TITLE_LENGTH = 200
NAME_LENGTH = 255
# How old a file no document names must be before it is removed (lotse.documents.tasks).
UNRECORDED_FILES_KEPT = datetime.timedelta(days=1)


def _checksum(file: File[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _storage_name(checked: content.CheckedFile) -> str:
    """A name that tells nothing about the document (no person's name): the month it came, and a random key."""
    today = timezone.localdate()
    return f"{today:%Y/%m}/{uuid.uuid4().hex}.{checked.kind.endings[0]}"


def _plain_name(name: str) -> str:
    """The file's own name without any folder a browser sent along, shortened to what is kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) <= NAME_LENGTH:
        return name
    stem, dot, ending = name.rpartition(".")
    return f"{stem[: NAME_LENGTH - len(ending) - 1]}{dot}{ending}" if dot and len(ending) < 10 else name[:NAME_LENGTH]


@dataclass(frozen=True)
class StoredFile:
    """A file checked and written to the document storage, not yet named by a record."""

    checked: content.CheckedFile
    size: int
    sha256: str
    name: str


def store_file(
    file: File[bytes], file_name: str, *, kinds: Collection[content.FileKind] = content.KINDS, refusal: str = ""
) -> StoredFile:
    """Check a file (not empty, not too large, its kind from its content among ``kinds``, its name's ending) and
    write it to the document storage under a name that says nothing; a refused file is not stored.

    The caller records it in its own transaction and removes it again (``remove_stored``) if that fails. Every
    app that keeps files (case documents, the photos of a flat offer) stores them through this function.
    """
    name = _plain_name(file_name)
    if file.size is None or file.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="file_empty")
    check_size([file.size], settings.LOTSE_DOCUMENT_MAX_MEGABYTES)
    checked = content.check(file, name)
    if checked.kind not in kinds:
        raise ValidationError(refusal or _("This kind of file is not kept here."), code="file_kind")
    sha256 = _checksum(file)
    stored = document_storage.save(_storage_name(checked), file)
    return StoredFile(checked=checked, size=file.size, sha256=sha256, name=stored)


def remove_stored(name: str) -> None:
    """Remove a stored file at once (its record was not written)."""
    document_storage.delete(name)


def remove_after_commit(name: str) -> None:
    """Remove a stored file once the deletion of its record is committed (a failure is logged, not raised)."""
    transaction.on_commit(lambda: _remove_file(name))


def upload_document(
    *,
    acting_user: User | None,
    file: File[bytes],
    file_name: str,
    kind: str,
    title: str,
    document_date: datetime.date,
    expiry_date: datetime.date | None = None,
    case: Case | None = None,
    person: Person | None = None,
    plan: IntegrationPlan | None = None,
) -> Document:
    """Keep a file as a document of ``case`` or of ``person`` (exactly one), checked before it is stored."""
    if (case is None) == (person is None):
        raise ValidationError(_("A document belongs to a case or to one person."), code="owner")
    keeper = case.organisation_id if case is not None else person.organisation_id  # type: ignore[union-attr]
    require(acting_user, Capability.CASEWORK, organisation_id=keeper, code="not_owner")
    if case is not None and case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed. Reopen it to record something new."), code="case_closed")
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose the type of the document."), code="kind")
    title = title.strip() or str(DocumentKind(kind).label)
    if len(title) > TITLE_LENGTH:
        raise ValidationError(
            _("The title may have at most %(limit)s characters.") % {"limit": TITLE_LENGTH}, code="title"
        )
    not_in_future(document_date, _("The date of the document"))
    if expiry_date is not None and expiry_date < document_date:
        raise ValidationError(
            _("The document cannot expire before its date (%(date)s).")
            % {"date": date_format(document_date, "SHORT_DATE_FORMAT")},
            code="expiry_before_date",
        )
    if plan is not None:
        if kind != DocumentKind.INTEGRATIONSVEREINBARUNG:
            raise ValidationError(
                _("Only a signed integration agreement is attached to a version of the plan."), code="plan_kind"
            )
        if case is None or plan.case_id != case.pk:
            raise ValidationError(_("The version of the plan belongs to another case."), code="plan_case")
    stored_file = store_file(file, file_name)
    checked, sha256, stored = stored_file.checked, stored_file.sha256, stored_file.name
    try:
        with atomic(), audit_context(acting_user):
            document = Document(
                organisation_id=keeper,
                case=case,
                person=person,
                plan=plan,
                kind=kind,
                title=title,
                document_date=document_date,
                expiry_date=expiry_date,
                original_name=checked.name,
                content_type=checked.content_type,
                size=stored_file.size,
                sha256=sha256,
                uploaded_by=acting_user,
            )
            document.file.name = stored
            document.full_clean()
            document.save()
            return document
    except BaseException:
        remove_stored(stored)
        raise


def delete_document(*, acting_user: User | None, document: Document, reason: str) -> None:
    """Delete the document with a reason (kept in the change history); its file goes once that is committed."""
    require(acting_user, Capability.CASEWORK, organisation_id=document.organisation_id, code="not_owner")
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason why the document is deleted."), code="reason")
    stored = document.file.name
    with atomic(), audit_context(acting_user, reason=reason):
        document.delete()
        remove_after_commit(stored)


def _remove_file(name: str) -> None:
    try:
        document_storage.delete(name)
    except OSError:
        # The row is gone; a file left behind is logged for the operator rather than failing the deletion.
        logger.exception("The file %s of a deleted document could not be removed.", name)


# Files no document names


def _stored_names(folder: str = "") -> Iterator[str]:
    directories, names = document_storage.listdir(folder)
    for name in names:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _stored_names(f"{folder}/{directory}" if folder else directory)


def _recorded_names() -> set[str]:
    """The names every file field kept in the document storage records (case documents, photos of flat offers)."""
    recorded: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, FileField) and model_field.storage is document_storage:
                recorded |= set(model._default_manager.values_list(model_field.name, flat=True))
    return recorded


def remove_unrecorded_files(*, older_than: datetime.timedelta = UNRECORDED_FILES_KEPT) -> list[str]:
    """Remove the files of the document storage that no document names and that are older than ``older_than``.

    Every file field on the document storage counts (``_recorded_names``: case documents and the photos of flat
    offers). An upload writes its file before its row; when the request's transaction is rolled back after the
    service (or a deletion's removal of the file fails) the file stays behind, unreachable. A younger file may belong to
    an upload under way and is left alone. Returns the names removed.
    """
    recorded = _recorded_names()
    cutoff = timezone.now() - older_than
    removed = []
    for name in sorted(set(_stored_names()) - recorded):
        try:
            modified = document_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            continue
        if modified < cutoff:
            document_storage.delete(name)
            removed.append(name)
    if removed:
        logger.warning("Removed %s files of the document storage that no document named.", len(removed))
    return removed
