"""The workbook import URLs for the URL matrix: one staged workbook import of organisation A."""

from __future__ import annotations

from lotse.core import staged_import, tasks
from lotse.core.choices import DownloadStatus, ImportStatus
from lotse.core.models import ImportRun, PreparedDownload
from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def url_arguments(world: UrlWorld) -> AppUrls:
    # A staged run as the upload leaves it, waiting for its check; its content does not matter to who may open it.
    run = ImportRun.objects.create(
        organisation=world.owner, file_names=["a.xlsx"], file_hash="0" * 64, status=ImportStatus.CHECKING
    )
    run.job_id = staged_import._defer(run, False, None)  # waiting for a worker
    run.save()
    of_run = {"pk": run.pk}
    kwargs = {
        "imports:detail": of_run,
        "imports:commit": of_run,
        "imports:discard": of_run,
        "imports:progress": of_run,
        "imports:restart": of_run,
    }
    # Exports for the administrator of A, one being prepared and one ready: nobody else gets them, not even
    # the system administrator.
    requested = {
        "kind": "arbeitsmappe",
        "organisation": world.owner,
        "requested_by": world.administrator or world.colleague,
        "file_name": "lotse-a.xlsx",
    }
    preparing = PreparedDownload.objects.create(**requested)
    preparing.job_id = tasks.prepare_download.defer(download_id=preparing.pk)  # waiting for a worker
    preparing.save()
    ready = PreparedDownload.objects.create(**requested, status=DownloadStatus.READY, content=b"a prepared workbook")
    exports = {
        "imports:export_page": {"pk": preparing.pk},
        "imports:export_status": {"pk": preparing.pk},
        "imports:export_file": {"pk": ready.pk},
    }
    return AppUrls(
        kwargs={**kwargs, **exports},
        # The administrator of B imports into B only; the system administrator sees every import.
        out_of_scope={
            **dict.fromkeys(kwargs, frozenset({"org_admin_b"})),
            **dict.fromkeys(exports, frozenset({"org_admin_b", "sysadmin"})),
        },
        accepts_post=frozenset(
            {"imports:overview", "imports:commit", "imports:discard", "imports:restart", "imports:export"}
        ),
    )
