"""The staged-import lifecycle itself, with a tiny importer of municipalities ("AGS;name" per line)."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from procrastinate import JobContext
from procrastinate.contrib.django.models import ProcrastinateJob

from lotse.core import staged_import
from lotse.core.choices import ImportKind, ImportStatus, Role
from lotse.core.jobs import NO_PROGRESS, JobState, Phase, Progress, RecordedProgress, job_state, progress_of
from lotse.core.models import ImportRun, Municipality, Organisation, User
from lotse.core.staged_import import Files, Importer
from lotse.core.tasks import retry_stalled_jobs
from lotse.core.testing import run_jobs
from lotse.core.tests.factories import UserFactory
from lotse.imports.engine import ImportReport
from lotse.imports.workbook import Problem

pytestmark = pytest.mark.django_db

SHEET = "Gemeinden"


class MunicipalityImporter(Importer):
    """Writes every line, then reports a line "FAIL" as a problem: what it wrote must not stay."""

    kind = ImportKind.ACTORS  # any kind the database knows; its capability is EDIT_NETWORK
    per_organisation: ClassVar[bool] = False
    upload_url = detail_url = commit_url = discard_url = progress_url = restart_url = ""
    seen: ClassVar[list[list[str]]] = []

    def _run(self, files: Files, *, commit: bool) -> ImportReport:
        type(self).seen.append([name for name, _content in files])
        report = ImportReport(counts={SHEET: {"created": 0, "updated": 0, "unchanged": 0}})
        for name, content in files:
            for number, line in enumerate(content.decode().splitlines(), start=1):
                if line.startswith("!"):
                    report.add_problems([Problem(SHEET, number, "AGS", line, f"bad line of {name}")])
                    continue
                ags, _sep, title = line.partition(";")
                report.counts[SHEET]["created"] += 1
                if commit:
                    Municipality.objects.create(ags=ags, name=title)
                if commit and title == "FAIL":
                    report.add_problems([Problem(SHEET, number, "Name", title, "failed late")])
        report.committed = commit and report.ok
        return report

    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ImportReport:
        return self._run(files, commit=False)

    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ImportReport:
        return self._run(files, commit=True)

    def report_from_json(self, data: Mapping[str, Any]) -> ImportReport:
        return ImportReport.from_json(dict(data))

    def problems_text(self, count: int) -> str:
        return f"{count} problems"

    def ready_text(self) -> str:
        return "ready"

    def committed_message(self) -> str:
        return "committed"

    def stale_message(self) -> str:
        return "stale"


class PerOrganisation(MunicipalityImporter):
    per_organisation = True


IMPORTER = MunicipalityImporter()
GOOD = [("gemeinden.csv", b"08118048;Ludwigsburg\n08118046;Kornwestheim\n")]


@pytest.fixture
def editor_a(org_a) -> User:
    return UserFactory.create(username="netz-a", organisation=org_a, roles=[Role.NETZWERKPFLEGE])


@pytest.fixture
def editor_b(org_b) -> User:
    return UserFactory.create(username="netz-b", organisation=org_b, roles=[Role.NETZWERKPFLEGE])


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The background jobs find this test's importer by the kind it borrows."""
    monkeypatch.setitem(staged_import._IMPORTERS, IMPORTER.kind, IMPORTER)


def stage(user: User, files: Files = GOOD, importer: Importer = IMPORTER) -> ImportRun:
    """Upload and check, the check run as the worker runs it."""
    run = staged_import.check_upload(importer, acting_user=user, organisation=user.organisation, files=files)
    assert run.status == ImportStatus.CHECKING
    assert run_jobs() == 1
    run.refresh_from_db()
    return run


def commit(user: User, run: ImportRun) -> ImportReport:
    """Ask for the commit and run it as the worker runs it."""
    staged_import.request_commit(IMPORTER, acting_user=user, run=run)
    assert run.status == ImportStatus.COMMITTING
    assert run_jobs() == 1
    run.refresh_from_db()
    return IMPORTER.report_from_json(run.report)


def test_it_keeps_a_checked_upload_without_writing_and_commits_it_once(editor_a):
    run = stage(editor_a)
    assert (run.kind, run.status, run.uploaded_by) == (ImportKind.ACTORS, ImportStatus.CHECKED, editor_a)
    assert bytes(run.content or b"") == GOOD[0][1]
    assert run.report["counts"][SHEET]["created"] == 2
    assert Municipality.objects.count() == 0

    report = commit(editor_a, run)
    assert report.committed
    assert (run.status, run.content, run.committed_by) == (ImportStatus.COMMITTED, None, editor_a)
    assert Municipality.objects.count() == 2

    with pytest.raises(ValidationError, match="bereits übernommen oder verworfen"):
        commit(editor_a, run)
    with pytest.raises(ValidationError, match="bereits übernommen oder verworfen"):
        staged_import.discard_run(IMPORTER, acting_user=editor_a, run=run)
    assert Municipality.objects.count() == 2


def test_it_discards_an_upload_and_deletes_its_file(editor_a):
    run = stage(editor_a)
    staged_import.discard_run(IMPORTER, acting_user=editor_a, run=run)
    assert (run.status, run.content) == (ImportStatus.DISCARDED, None)
    with pytest.raises(ValidationError):
        commit(editor_a, run)
    assert Municipality.objects.count() == 0


def test_it_commits_all_or_nothing(editor_a):
    run = stage(editor_a, [("gemeinden.csv", b"08118048;Ludwigsburg\n08118046;FAIL\n")])
    assert run.problem_count == 0  # the check does not get as far as the late failure
    report = commit(editor_a, run)
    assert not report.committed and report.problem_count == 1
    assert Municipality.objects.count() == 0  # Ludwigsburg, written before the failure, is rolled back
    assert (run.status, run.problem_count, run.job_message) == (ImportStatus.CHECKED, 1, "stale")
    assert run.content is not None
    # A commit that failed may be tried again (the data may have been corrected in Lotse meanwhile).
    assert not commit(editor_a, run).committed and Municipality.objects.count() == 0


def test_it_refuses_users_without_the_capability_and_other_organisations(editor_a, org_admin_a, org_b):
    with pytest.raises(PermissionDenied):
        stage(org_admin_a)  # administers users and workbooks, but does not keep the network
    with pytest.raises(PermissionDenied):
        staged_import.check_upload(IMPORTER, acting_user=editor_a, organisation=org_b, files=GOOD)
    with pytest.raises(ValidationError):
        staged_import.check_upload(IMPORTER, acting_user=editor_a, organisation=editor_a.organisation, files=[])
    run = stage(editor_a)
    with pytest.raises(PermissionDenied):
        staged_import.request_commit(IMPORTER, acting_user=org_admin_a, run=run)
    assert ImportRun.objects.count() == 1 and Municipality.objects.count() == 0


def test_it_names_an_earlier_commit_of_the_same_file_only_to_who_may_see_it(editor_a, editor_b, sysadmin):
    first = stage(editor_a)
    commit(editor_a, first)
    again = stage(editor_a)
    file_hash = again.file_hash
    assert staged_import.earlier_commit(IMPORTER, file_hash, user=editor_a, excluding=again) == first
    assert staged_import.earlier_commit(IMPORTER, file_hash, user=editor_b) is None  # another organisation's run
    assert staged_import.earlier_commit(IMPORTER, file_hash, user=sysadmin) == first
    assert staged_import.earlier_commit(IMPORTER, file_hash, user=None) == first  # the command line
    assert staged_import.earlier_commit(IMPORTER, "0" * 64, user=editor_a) is None
    assert staged_import.earlier_commit(IMPORTER, file_hash, user=editor_a, excluding=first) is None
    # Where the import depends on the organisation, a commit into another one does not count.
    other = staged_import.earlier_commit(
        PerOrganisation(), file_hash, user=sysadmin, organisation=editor_b.organisation
    )
    assert other is None
    page = staged_import.report_page_context(IMPORTER, again, editor_a)
    assert page["earlier"] == first and page["pending"] and page["ready_text"] == "ready"


def test_it_keeps_several_files_in_their_order_and_one_file_as_it_is(editor_a):
    files = [("Personen.csv", b"08118048;Ludwigsburg\n"), ("Faelle.csv", b"08118046;Kornwestheim\n")]
    run = stage(editor_a, files)
    assert run.file_names == ["Personen.csv", "Faelle.csv"]
    MunicipalityImporter.seen.clear()
    assert commit(editor_a, run).committed
    assert MunicipalityImporter.seen == [["Personen.csv", "Faelle.csv"]]
    # A workbook is a zip file itself: kept and handed back as it is.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    single = ImportRun(file_names=["liste.xlsx"], content=buffer.getvalue())
    assert staged_import._unpack(single) == [("liste.xlsx", buffer.getvalue())]


def test_it_lists_the_recent_runs_of_the_organisation(editor_a, editor_b):
    stage(editor_a)
    stage(editor_b, [("b.csv", b"08118079;Freiberg\n")])
    page, rows = staged_import.recent_runs(IMPORTER, editor_a, None)
    assert [(run.uploaded_by, totals["created"]) for run, totals in rows] == [(editor_a, 2)]
    assert page.paginator.count == 1


def test_the_command_line_remembers_a_commit_and_refuses_a_user_without_the_capability(editor_a, org_admin_a):
    report, run = staged_import.import_from_command(
        IMPORTER, GOOD, organisation=None, acting_user=editor_a, commit=True
    )
    assert report.committed and run is not None
    assert (run.status, run.organisation, run.committed_by) == (ImportStatus.COMMITTED, editor_a.organisation, editor_a)
    report, run = staged_import.import_from_command(IMPORTER, GOOD, organisation=None, acting_user=None, commit=False)
    assert not report.committed and run is None
    with pytest.raises(ValidationError):
        staged_import.import_from_command(IMPORTER, GOOD, organisation=None, acting_user=org_admin_a, commit=True)
    assert Municipality.objects.count() == 2


def test_it_locks_only_the_run_while_committing_never_its_organisation(editor_a):
    """A long commit must not hold up the organisation's other work (every page view writes the access log)."""
    run = stage(editor_a)
    with CaptureQueriesContext(connection) as captured:
        commit(editor_a, run)
    locks = [q["sql"].rstrip() for q in captured.captured_queries if "UPDATE OF" in q["sql"]]
    assert len(locks) == 2, "the request and the job lock the run"
    table = ImportRun._meta.db_table
    assert locks[0].endswith(f'FOR UPDATE OF "{table}" NOWAIT') and locks[1].endswith(f'FOR NO KEY UPDATE OF "{table}"')


def test_the_check_is_queued_as_a_job_of_the_organisation_and_runs_once(editor_a):
    run = staged_import.check_upload(IMPORTER, acting_user=editor_a, organisation=editor_a.organisation, files=GOOD)
    job = ProcrastinateJob.objects.get(pk=run.job_id)
    assert (job.task_name, job.status, job.lock) == ("lotse.check_import", "todo", f"import-{editor_a.organisation_id}")
    assert job.args == {"run_id": run.pk, "user_id": editor_a.pk}
    assert job_state(run.job_id) == JobState.WAITING
    assert (run.status, run.report) == (ImportStatus.CHECKING, {})
    with pytest.raises(ValidationError, match="gerade geprüft oder importiert"):
        staged_import.request_commit(IMPORTER, acting_user=editor_a, run=run)

    assert run_jobs() == 1
    run.refresh_from_db()
    assert (run.status, run.report["counts"][SHEET]["created"]) == (ImportStatus.CHECKED, 2)
    assert job_state(run.job_id) == JobState.DONE
    assert progress_of(staged_import.progress_key(run)) == {}  # dropped once done
    assert run_jobs() == 0


def test_a_job_that_fails_leaves_nothing_and_can_be_started_again(editor_a, monkeypatch):
    run = stage(editor_a)
    staged_import.request_commit(IMPORTER, acting_user=editor_a, run=run)

    def broken(*args, **kwargs):
        Municipality.objects.create(ags="08118048", name="Ludwigsburg")
        raise RuntimeError("the worker's host went away")

    monkeypatch.setattr(IMPORTER, "commit", broken)
    with pytest.raises(RuntimeError):
        run_jobs()
    run.refresh_from_db()
    assert (run.status, job_state(run.job_id)) == (ImportStatus.COMMITTING, JobState.FAILED)
    assert Municipality.objects.count() == 0
    page = staged_import.report_page_context(IMPORTER, run, editor_a)
    assert page["running"] and page["job"] == "failed"

    monkeypatch.undo()
    monkeypatch.setitem(staged_import._IMPORTERS, IMPORTER.kind, IMPORTER)
    staged_import.restart_run(IMPORTER, acting_user=editor_a, run=run)
    with pytest.raises(ValidationError, match="gerade geprüft oder importiert"):
        staged_import.restart_run(IMPORTER, acting_user=editor_a, run=run)  # queued again: not twice
    assert run_jobs() == 1
    run.refresh_from_db()
    assert (run.status, run.content) == (ImportStatus.COMMITTED, None)
    assert Municipality.objects.count() == 2


def test_an_upload_discarded_while_it_waits_for_its_check_is_not_checked(editor_a):
    run = staged_import.check_upload(IMPORTER, acting_user=editor_a, organisation=editor_a.organisation, files=GOOD)
    staged_import.discard_run(IMPORTER, acting_user=editor_a, run=run)
    assert ProcrastinateJob.objects.get(pk=run.job_id).status == "cancelled"
    assert run_jobs() == 0
    run.refresh_from_db()
    assert (run.status, run.content, run.report) == (ImportStatus.DISCARDED, None, {})


def test_a_commit_not_yet_begun_is_discarded_with_its_job(editor_a):
    run = stage(editor_a)
    staged_import.request_commit(IMPORTER, acting_user=editor_a, run=run)
    staged_import.discard_run(IMPORTER, acting_user=editor_a, run=run)
    assert ProcrastinateJob.objects.get(pk=run.job_id).status == "cancelled"
    assert run_jobs() == 0
    run.refresh_from_db()
    assert (run.status, run.content) == (ImportStatus.DISCARDED, None)
    assert Municipality.objects.count() == 0


def test_a_job_of_a_user_deleted_meanwhile_imports_nothing(editor_a):
    run = stage(editor_a)
    staged_import.request_commit(IMPORTER, acting_user=editor_a, run=run)
    editor_a.delete()
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and "existiert nicht mehr" in run.job_message
    assert Municipality.objects.count() == 0


def test_a_job_that_keeps_losing_its_worker_is_given_up_as_failed():
    calls: list[tuple[str, int]] = []

    class Manager:
        async def get_stalled_jobs(self):
            return [SimpleNamespace(id=1, attempts=0), SimpleNamespace(id=2, attempts=2)]

        async def retry_job(self, job):
            calls.append(("retry", job.id))

        async def finish_job(self, job, status, delete_job):
            calls.append((str(status), job.id))

    context = cast(JobContext, SimpleNamespace(app=SimpleNamespace(job_manager=Manager())))
    asyncio.run(retry_stalled_jobs.func(context, 0))
    assert calls == [("retry", 1), ("Status.FAILED", 2)]


def test_a_user_who_lost_the_capability_meanwhile_gets_nothing_imported(editor_a):
    run = stage(editor_a)
    staged_import.request_commit(IMPORTER, acting_user=editor_a, run=run)
    editor_a.roles = [Role.INTEGRATIONSMANAGEMENT]
    editor_a.save()
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED and "Netzwerk" in run.job_message
    assert Municipality.objects.count() == 0


def test_progress_is_written_outside_the_jobs_transaction_and_dropped_at_its_end():
    progress = RecordedProgress("test-progress")
    progress.phase(Phase.READING)
    progress.sheet("Personen", 1_000, 40_000)
    progress.sheet("Personen", 40_000, 40_000)
    progress.phase(Phase.WRITING)
    # Written through a connection of its own and committed there: visible whatever this test's transaction holds.
    assert progress_of("test-progress") == {"phase": "writing", "sheets": [["Personen", 40_000, 40_000]]}
    progress.finish()
    assert progress_of("test-progress") == {}
