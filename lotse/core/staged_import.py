"""The staged-import lifecycle every import of a list into Lotse goes through.

An upload is kept in an ``ImportRun`` and checked in a dry run, its report
kept with it until someone commits or discards it; a commit runs the import
again against the data as it is then, all rows or none, and deletes the file.
Check and commit run as background jobs (``lotse.core.tasks``, one import per
organisation at a time) that tell their progress (``lotse.core.jobs``); the
run's page shows it and then the report.
Every file is read through ``lotse.core.upload_guard`` (checked against its
limits and parsed in a child process); a file beyond a limit is refused with a
``ValidationError`` and leaves no run behind. What differs per kind of list
(the casework workbook, the list of actors, the volunteers next) is a small
:class:`Importer`: which capability may upload it,
which organisation it goes into, how it is read, checked and written, and what
its report page shows beside the counts and problems. The pages are in
``lotse.core.staged_import_views``, the command line in
``lotse.core.staged_import_command``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.core.access import CAPABILITIES, Capability, can
from lotse.core.choices import IMPORT_STATUSES_WITH_FILE, ImportStatus
from lotse.core.jobs import NO_PROGRESS, JobState, Progress, RecordedProgress, job_state, progress_of
from lotse.core.models import KIND_CAPABILITIES, ImportRun, ImportRunQuerySet, JobProgress, User
from lotse.core.transactions import atomic
from lotse.core.upload_guard import check_size

if TYPE_CHECKING:
    from lotse.core.models import Organisation

# (file name, content) of each uploaded file.
Files = Sequence[tuple[str, bytes]]
PAGE_SIZE = 25


class Problem(Protocol):
    """A problem or notice of a report: where (sheet, row, column), the value found, and what is wrong."""

    @property
    def sheet(self) -> str: ...

    @property
    def row(self) -> int | None: ...

    @property
    def column(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def message(self) -> str: ...


class Report(Protocol):
    """What an importer answers: counts per sheet (created, updated, unchanged), problems and notices."""

    @property
    def counts(self) -> Mapping[str, Mapping[str, int]]: ...

    @property
    def problems(self) -> Sequence[Problem]: ...

    @property
    def notices(self) -> Sequence[Problem]: ...

    @property
    def problem_count(self) -> int: ...

    @property
    def committed(self) -> bool: ...

    @property
    def ok(self) -> bool: ...

    def as_json(self) -> dict[str, Any]: ...

    def text_lines(self) -> list[str]: ...


class Importer(ABC):
    """One kind of list: how it is read, checked and written, and what its pages say.

    ``check`` writes nothing; ``commit`` writes everything or, with a problem
    in its report, nothing (the lifecycle rolls back what a report with
    problems leaves behind anyway).
    """

    kind: ClassVar[str]
    # Whether importing the same file into another organisation does something else (casework: yes;
    # the network directory is one for the installation: no).
    per_organisation: ClassVar[bool] = True
    # Where the pages are (URL names): the upload page, and the report page (with the run's pk).
    upload_url: ClassVar[str]
    detail_url: ClassVar[str]
    commit_url: ClassVar[str]
    discard_url: ClassVar[str]
    # The progress of a check or commit under way (polled by its page), and the restart of a job that failed.
    progress_url: ClassVar[str]
    restart_url: ClassVar[str]
    # A template included on the report page below the counts (e.g. the actors a list changes).
    extra_template: ClassVar[str] = ""
    # Whether the report shows the data of persons (the values of a casework workbook's rows): showing it is
    # then written to the access log.
    shows_person_data: ClassVar[bool] = False
    # The largest upload (all files together) in megabytes; None: the setting LOTSE_IMPORT_MAX_MEGABYTES.
    upload_megabytes: ClassVar[int | None] = None

    @property
    def capability(self) -> Capability:
        return KIND_CAPABILITIES[self.kind]

    def max_megabytes(self) -> int:
        return self.upload_megabytes or settings.LOTSE_IMPORT_MAX_MEGABYTES

    def may_import_into(self, acting_user: User, organisation: Organisation) -> bool:
        """Who holds the capability imports into their own organisation; installation administrators into any."""
        if can(acting_user, Capability.ADMINISTER_INSTALLATION) and can(acting_user, self.capability):
            return True
        return can(acting_user, self.capability) and acting_user.organisation_id == organisation.pk

    @abstractmethod
    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> Report:
        """Read and check the files against the data as it is now; nothing is written."""

    @abstractmethod
    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> Report:
        """Check the files again and, without a problem, write them; ``report.committed`` says whether it did."""

    @abstractmethod
    def report_from_json(self, data: Mapping[str, Any]) -> Report: ...

    def report_context(self, report: Report) -> dict[str, Any]:
        """What the report page shows of this kind beside the counts and problems (for ``extra_template``)."""
        return {}

    def totals(self, report: Report) -> dict[str, int]:
        """Created, updated and unchanged over all sheets (the list of recent runs)."""
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for counts in report.counts.values():
            for key in totals:
                totals[key] += int(counts.get(key, 0))
        return totals

    # What the pages say (German through gettext).

    @abstractmethod
    def problems_text(self, count: int) -> str: ...

    @abstractmethod
    def ready_text(self) -> str: ...

    @abstractmethod
    def committed_message(self) -> str: ...

    @abstractmethod
    def stale_message(self) -> str:
        """The commit found problems the check did not (the data changed in between)."""

    def crumbs(self) -> list[tuple[str, str]]:
        """(label, URL) of the breadcrumbs above the report, before the file's name."""
        return []


_IMPORTERS: dict[str, Importer] = {}

ImporterT = TypeVar("ImporterT", bound=Importer)


def register(importer: ImporterT) -> ImporterT:
    """Make a kind known to the background jobs, which find its importer by the run's kind.

    Each kind's module registers its importer; its app imports that module when ready, so a worker knows it.
    """
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    return _IMPORTERS[kind]


def fingerprint(files: Files) -> str:
    """SHA-256 of one file, or of the sorted fingerprints of several (one CSV per sheet)."""
    digests = [hashlib.sha256(content).hexdigest() for _name, content in files]
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()


_PACKED = re.compile(r"^\d{3}/")


def _pack(files: Files) -> bytes:
    """One file is kept as it is; several in an uncompressed zip archive, numbered in their order."""
    if len(files) == 1:
        return files[0][1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, (name, content) in enumerate(files):
            archive.writestr(f"{index:03d}/{name}", content)
    return buffer.getvalue()


def _unpack(run: ImportRun) -> list[tuple[str, bytes]]:
    content = bytes(run.content or b"")
    if zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = sorted(archive.namelist())
            # An archive of the upload (a workbook itself is a zip file too, but of other names).
            if names and all(_PACKED.match(name) for name in names):
                return [(name.split("/", 1)[1], archive.read(name)) for name in names]
    return [(run.file_names[0], content)]


def runs_of(importer: Importer) -> ImportRunQuerySet:
    return ImportRun.objects.filter(kind=importer.kind).select_related("organisation", "uploaded_by", "committed_by")


def progress_key(run: ImportRun | int) -> str:
    """The key of a run's progress (lotse.core.jobs)."""
    return f"import-run-{run if isinstance(run, int) else run.pk}"


def _defer(run: ImportRun, commit: bool, acting_user: User | None) -> int:
    """Queue the check or the commit of ``run``, in the caller's transaction; one import per organisation at a time."""
    from lotse.core import tasks

    task = tasks.commit_import if commit else tasks.check_import
    return task.configure(lock=f"import-{run.organisation_id}").defer(
        run_id=run.pk, user_id=acting_user.pk if acting_user else None
    )


def check_upload(importer: Importer, *, acting_user: User, organisation: Organisation, files: Files) -> ImportRun:
    """Keep the uploaded files and queue their check (a dry run, ``run_check``); the run's page shows its progress."""
    if not importer.may_import_into(acting_user, organisation):
        raise PermissionDenied
    if not files:
        raise ValidationError(_("Choose a file."))
    # The upload form checks the size too, but a file must not reach the readers past it whatever the caller.
    check_size([len(content) for _name, content in files], importer.max_megabytes())
    with atomic():
        run = ImportRun.objects.create(
            kind=importer.kind,
            organisation=organisation,
            uploaded_by=acting_user,
            file_names=[name for name, _content in files],
            file_hash=fingerprint(files),
            content=_pack(files),
            status=ImportStatus.CHECKING,
        )
        run.job_id = _defer(run, False, acting_user)
        run.save(update_fields=["job_id"])
    return run


def _job_user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).select_related("organisation").first() if user_id else None


def _refusal(importer: Importer, user_id: int | None, user: User | None, organisation: Organisation) -> str:
    """Why the user who asked may no longer import into ``organisation``, or "" (no user: the command line).

    The user may have lost the capability since, or been deleted: a job never runs as the installation
    for a user who is gone.
    """
    if user_id is not None and user is None:
        return _("The user who asked for this no longer exists; nothing was imported.")
    if user is None or importer.may_import_into(user, organisation):
        return ""
    return str(CAPABILITIES[importer.capability].refusal)


def _locked_for_job(run_id: int, status: ImportStatus) -> ImportRun | None:
    """The run, locked, if it is still where the job left it (discarded meanwhile: None)."""
    run = (
        ImportRun.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation")
        .filter(pk=run_id, status=status)
        .first()
    )
    return run


def run_check(run_id: int, user_id: int | None) -> None:
    """The check job: dry-run the kept files and keep the report; a file beyond a limit is refused and deleted."""
    run = ImportRun.objects.select_related("organisation").filter(pk=run_id, status=ImportStatus.CHECKING).first()
    if run is None:
        return  # discarded before the check began
    importer = importer_for(run.kind)
    user = _job_user(user_id)
    progress = RecordedProgress(progress_key(run))
    try:
        refusal = _refusal(importer, user_id, user, run.organisation)
        report: Report | None = None
        if not refusal:
            try:
                report = importer.check(
                    _unpack(run), organisation=run.organisation, acting_user=user, progress=progress
                )
            except ValidationError as error:
                refusal = " ".join(error.messages)
        with atomic():
            locked = _locked_for_job(run_id, ImportStatus.CHECKING)
            if locked is None:
                return
            if report is None:
                locked.status = ImportStatus.REFUSED
                locked.content = None
                locked.job_message = refusal
            else:
                locked.status = ImportStatus.CHECKED
                locked.report = report.as_json()
            locked.save(update_fields=["status", "content", "job_message", "report"])
    finally:
        progress.finish()


class _NotCommitted(Exception):
    """Leaves the import's savepoint without keeping what it wrote (its report has problems)."""


def _import(
    importer: Importer,
    files: Files,
    organisation: Organisation | None,
    acting_user: User | None,
    progress: Progress = NO_PROGRESS,
) -> Report:
    """Commit all or nothing: whatever an import with problems wrote is rolled back."""
    report: Report | None = None
    try:
        with transaction.atomic():
            report = importer.commit(files, organisation=organisation, acting_user=acting_user, progress=progress)
            if not report.committed:
                raise _NotCommitted
    except _NotCommitted:
        pass
    assert report is not None
    return report


def run_commit(run_id: int, user_id: int | None) -> None:
    """The commit job: import the checked files, all rows or none, in one transaction with the run's new status.

    Killed midway, it leaves nothing written and the run still being imported: started again, it begins anew.
    """
    progress = RecordedProgress(progress_key(run_id))
    try:
        with atomic():
            run = _locked_for_job(run_id, ImportStatus.COMMITTING)
            if run is None:
                return
            importer = importer_for(run.kind)
            user = _job_user(user_id)
            run.job_message = _refusal(importer, user_id, user, run.organisation)
            if not run.job_message:
                try:
                    report = _import(importer, _unpack(run), run.organisation, user, progress)
                except ValidationError as error:
                    run.job_message = " ".join(error.messages)
                else:
                    run.report = report.as_json()
                    if report.committed:
                        run.status = ImportStatus.COMMITTED
                        run.content = None
                        run.committed_by = user
                        run.committed_at = timezone.now()
                    else:
                        run.job_message = importer.stale_message()
            if run.status == ImportStatus.COMMITTING:
                run.status = ImportStatus.CHECKED  # not imported: the upload waits again, with the reason
            run.save(update_fields=["report", "status", "content", "committed_by", "committed_at", "job_message"])
    finally:
        progress.finish()


BUSY = gettext_lazy("This upload is being checked or imported right now.")


def _locked(importer: Importer, acting_user: User, run: ImportRun, *statuses: ImportStatus) -> ImportRun:
    """The run, locked until the end of the transaction, so that only one commit or discard goes through.

    A commit under way holds the run's row for minutes: a request does not wait for it (a double click,
    the back button) but is told at once.
    """
    if not importer.may_import_into(acting_user, run.organisation):
        raise PermissionDenied
    # Only the run's own row: locking its organisation too would hold up all its work while a commit runs.
    locked = ImportRun.objects.filter(kind=importer.kind).select_related("organisation")
    try:
        with transaction.atomic():
            run = locked.select_for_update(of=("self",), nowait=True).get(pk=run.pk)
    except OperationalError:
        raise ValidationError(str(BUSY)) from None
    if run.status not in (statuses or (ImportStatus.CHECKED,)) or run.content is None:
        if run.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING):
            raise ValidationError(str(BUSY))
        raise ValidationError(_("This import has already been committed or discarded."))
    return run


def request_commit(importer: Importer, *, acting_user: User, run: ImportRun) -> ImportRun:
    """Queue the import of a checked upload (``run_commit``); its page shows the progress and then the result.

    An upload whose check found problems is not imported; one whose last commit failed (the data changed,
    the database refused) may be tried again.
    """
    with atomic():
        locked = _locked(importer, acting_user, run)
        if int(locked.report.get("problem_count", 0)) and not locked.job_message:
            raise ValidationError(_("The check found problems: nothing can be imported until they are corrected."))
        locked.status = ImportStatus.COMMITTING
        locked.job_message = ""
        locked.job_id = _defer(locked, True, acting_user)
        locked.save(update_fields=["status", "job_message", "job_id"])
    run.refresh_from_db()
    return run


def restart_run(importer: Importer, *, acting_user: User, run: ImportRun) -> ImportRun:
    """Queue again the check or commit of a run whose job ended with an error or was lost."""
    with atomic():
        locked = _locked(importer, acting_user, run, ImportStatus.CHECKING, ImportStatus.COMMITTING)
        if job_state(locked.job_id) != JobState.FAILED:
            raise ValidationError(str(BUSY))
        locked.job_id = _defer(locked, locked.status == ImportStatus.COMMITTING, acting_user)
        locked.save(update_fields=["job_id"])
    run.refresh_from_db()
    return run


def _cancel(job_id: int | None) -> bool:
    """Take a job that no worker has begun off the queue, in the caller's transaction; False if it has begun."""
    from procrastinate.contrib.django import app

    return job_id is not None and app.job_manager.cancel_job_by_id(job_id)


def discard_run(importer: Importer, *, acting_user: User, run: ImportRun) -> None:
    """Drop the upload; its file (personal data) is deleted. A check or commit not yet begun is dropped with it.

    A check under way finds the run discarded and keeps nothing; a commit under way holds the run (refused
    above); one whose worker died or that failed may be discarded.
    """
    with atomic():
        locked = _locked(importer, acting_user, run, *IMPORT_STATUSES_WITH_FILE)
        state = job_state(locked.job_id) if locked.status != ImportStatus.CHECKED else JobState.DONE
        if state == JobState.WAITING and not _cancel(locked.job_id) and locked.status == ImportStatus.COMMITTING:
            raise ValidationError(_("This upload is being imported right now; it can no longer be discarded."))
        locked.status = ImportStatus.DISCARDED
        locked.content = None
        locked.save(update_fields=["status", "content"])
        JobProgress.objects.filter(key=progress_key(locked)).delete()
    run.refresh_from_db()


def import_from_command(
    importer: Importer, files: Files, *, organisation: Organisation | None, acting_user: User | None, commit: bool
) -> tuple[Report, ImportRun | None]:
    """The command line's import: check, or commit and remember the run like one from the app.

    Without a user the command acts for the installation. The run is
    remembered when the organisation it went into is known (named, or the
    user's).
    """
    if acting_user is not None:
        organisation = organisation or acting_user.organisation
        if not importer.may_import_into(acting_user, organisation):
            raise ValidationError(str(CAPABILITIES[importer.capability].refusal))
    check_size([len(content) for _name, content in files], importer.max_megabytes())
    if not commit:
        return importer.check(files, organisation=organisation, acting_user=acting_user), None
    with transaction.atomic():
        report = _import(importer, files, organisation, acting_user)
        if not report.committed or organisation is None:
            return report, None
        run = ImportRun.objects.create(
            kind=importer.kind,
            organisation=organisation,
            uploaded_by=acting_user,
            file_names=[name for name, _content in files],
            file_hash=fingerprint(files),
            status=ImportStatus.COMMITTED,
            report=report.as_json(),
            committed_by=acting_user,
            committed_at=timezone.now(),
        )
    return report, run


def earlier_commit(
    importer: Importer,
    file_hash: str,
    *,
    user: User | None,
    organisation: Organisation | None = None,
    excluding: ImportRun | None = None,
) -> ImportRun | None:
    """The last commit of exactly this file that ``user`` may see (``None``: the command line sees every one).

    For a kind whose import depends on the organisation, only a commit into ``organisation`` counts.
    """
    runs = ImportRun.objects.all() if user is None else ImportRun.objects.visible_to(user)
    runs = runs.filter(kind=importer.kind, file_hash=file_hash, status=ImportStatus.COMMITTED)
    if importer.per_organisation and organisation is not None:
        runs = runs.filter(organisation=organisation)
    if excluding is not None:
        runs = runs.exclude(pk=excluding.pk)
    return runs.select_related("committed_by", "organisation").order_by("-committed_at").first()


def recent_runs(importer: Importer, user: User, page_number: str | None) -> tuple[Page[ImportRun], list[Any]]:
    """A page of the runs of this kind the user may see, each with its totals of created/updated/unchanged."""
    page = Paginator(runs_of(importer).visible_to(user).defer("content"), PAGE_SIZE).get_page(page_number)
    rows = [(run, importer.totals(importer.report_from_json(run.report))) for run in page.object_list]
    return page, rows


def report_page_context(importer: Importer, run: ImportRun, user: User) -> dict[str, Any]:
    """Everything the one report page shows of a run."""
    report = importer.report_from_json(run.report)
    pending = run.status == ImportStatus.CHECKED
    running = run.status in (ImportStatus.CHECKING, ImportStatus.COMMITTING)
    return {
        **(progress_context(importer, run) if running else {}),
        "importer": importer,
        "running": running,
        "refused": run.status == ImportStatus.REFUSED,
        "run": run,
        "report": report,
        "crumbs": importer.crumbs(),
        "counts": list(report.counts.items()),
        "summaries": [],
        "pending": pending,
        "committed": run.status == ImportStatus.COMMITTED,
        "problems_text": importer.problems_text(report.problem_count) if report.problem_count else "",
        "ready_text": importer.ready_text(),
        "committed_text": importer.committed_message(),
        "earlier": earlier_commit(importer, run.file_hash, user=user, organisation=run.organisation, excluding=run)
        if pending
        else None,
        "more_problems": report.problem_count - len(report.problems),
        "commit_url": importer.commit_url,
        "discard_url": importer.discard_url,
        "extra_template": importer.extra_template,
        **importer.report_context(report),
    }


def progress_context(importer: Importer, run: ImportRun) -> dict[str, Any]:
    """How far the check or the commit of ``run`` is (the partial core/_job_progress.html, polled by the page)."""
    data = progress_of(progress_key(run))
    sheets = [
        {"name": name, "done": done, "total": max(total, done) if total else None}
        for name, done, total in data.get("sheets", [])
    ]
    return {
        "importer": importer,
        "run": run,
        "job": str(job_state(run.job_id)),
        "phase": data.get("phase", ""),
        "sheets": sheets,
        "committing": run.status == ImportStatus.COMMITTING,
        "progress_url": importer.progress_url,
        "restart_url": importer.restart_url,
        "discard_url": importer.discard_url,
    }
