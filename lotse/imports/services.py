"""Uploads of workbooks: checked first, committed or discarded afterwards."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.choices import Role
from lotse.core.models import Organisation, User
from lotse.imports.engine import ImportReport, fingerprint, import_workbook
from lotse.imports.models import ImportRun, ImportStatus
from lotse.imports.workbook import Source


def may_import_into(acting_user: User, organisation: Organisation) -> bool:
    """Organisation administrators import into their own organisation, system administrators into any."""
    if acting_user.has_role(Role.SYSTEMADMINISTRATION):
        return True
    return acting_user.has_role(Role.ORGANISATIONSADMINISTRATION) and acting_user.organisation_id == organisation.pk


def _pack(files: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, (name, content) in enumerate(files):
            archive.writestr(f"{index:03d}/{name}", content)
    return buffer.getvalue()


def _unpack(content: bytes) -> list[Source]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [Source(name.split("/", 1)[1], io.BytesIO(archive.read(name))) for name in sorted(archive.namelist())]


def earlier_commit(organisation: Organisation, file_hash: str) -> ImportRun | None:
    """The last committed import of exactly this file into the organisation."""
    return (
        ImportRun.objects.workbooks()
        .filter(organisation=organisation, file_hash=file_hash, status=ImportStatus.COMMITTED)
        .select_related("committed_by")
        .order_by("-committed_at")
        .first()
    )


def check_upload(*, acting_user: User, organisation: Organisation, files: list[tuple[str, bytes]]) -> ImportRun:
    """Dry-run the uploaded files and keep them, with the report, until they are committed or discarded."""
    if not may_import_into(acting_user, organisation):
        raise PermissionDenied
    if not files:
        raise ValidationError(_("Choose a file."))
    sources = [Source(name, io.BytesIO(content)) for name, content in files]
    file_hash = fingerprint((source.name, source.stream) for source in sources)
    report = import_workbook(sources, organisation=organisation, acting_user=acting_user, commit=False)
    return ImportRun.objects.create(
        organisation=organisation,
        uploaded_by=acting_user,
        file_names=[name for name, _content in files],
        file_hash=file_hash,
        content=_pack(files),
        report=report.as_json(),
    )


def commit_run(*, acting_user: User, run: ImportRun) -> ImportReport:
    """Import the checked files for good; the files are deleted once they are in."""
    if not may_import_into(acting_user, run.organisation):
        raise PermissionDenied
    with transaction.atomic():
        locked = ImportRun.objects.workbooks().select_for_update().get(pk=run.pk)
        if locked.status != ImportStatus.CHECKED or locked.content is None:
            raise ValidationError(_("This import has already been committed or discarded."))
        report = import_workbook(
            _unpack(bytes(locked.content)), organisation=locked.organisation, acting_user=acting_user, commit=True
        )
        locked.report = report.as_json()
        if report.committed:
            locked.status = ImportStatus.COMMITTED
            locked.content = None
            locked.committed_by = acting_user
            locked.committed_at = timezone.now()
        locked.save(update_fields=["report", "status", "content", "committed_by", "committed_at"])
    run.refresh_from_db()
    return report


def discard_run(*, acting_user: User, run: ImportRun) -> None:
    if not may_import_into(acting_user, run.organisation):
        raise PermissionDenied
    with transaction.atomic():
        locked = ImportRun.objects.workbooks().select_for_update().get(pk=run.pk)
        if locked.status != ImportStatus.CHECKED:
            raise ValidationError(_("This import has already been committed or discarded."))
        locked.status = ImportStatus.DISCARDED
        locked.content = None
        locked.save(update_fields=["status", "content"])
    run.refresh_from_db()


def record_command_import(
    *, organisation: Organisation, file_names: list[str], file_hash: str, report: ImportReport
) -> None:
    """A committed import from the command line is remembered like one from the app."""
    ImportRun.objects.create(
        organisation=organisation,
        file_names=file_names,
        file_hash=file_hash,
        status=ImportStatus.COMMITTED,
        report=report.as_json(),
        committed_at=timezone.now(),
    )
