"""The workbook import URLs for the URL matrix: one staged workbook import of organisation A."""

from __future__ import annotations

from lotse.core.choices import ImportStatus
from lotse.core.models import ImportRun
from lotse.core.tests.url_arguments import AppUrls, UrlWorld


def url_arguments(world: UrlWorld) -> AppUrls:
    # A staged run as the upload leaves it, waiting for its check; its content does not matter to who may open it.
    run = ImportRun.objects.create(
        organisation=world.owner, file_names=["a.xlsx"], file_hash="0" * 64, status=ImportStatus.CHECKING
    )
    of_run = {"pk": run.pk}
    kwargs = {
        "imports:detail": of_run,
        "imports:commit": of_run,
        "imports:discard": of_run,
        "imports:progress": of_run,
        "imports:restart": of_run,
    }
    return AppUrls(
        kwargs=kwargs,
        # The administrator of B imports into B only; the system administrator sees every import.
        out_of_scope=dict.fromkeys(kwargs, frozenset({"org_admin_b"})),
        accepts_post=frozenset(
            {"imports:overview", "imports:commit", "imports:discard", "imports:restart", "imports:export"}
        ),
    )
