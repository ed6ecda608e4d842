"""The casework workbook as a kind of staged import (lotse.core.staged_import)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core.choices import ImportKind
from lotse.core.jobs import NO_PROGRESS, Progress
from lotse.core.models import Organisation, User
from lotse.core.staged_import import Files, Importer, Report, register
from lotse.imports.engine import SUMMARY_SHEETS, ImportReport, import_workbook, summary_label
from lotse.imports.workbook import Source


class WorkbookImporter(Importer):
    """A Lotse workbook (XLSX, or one CSV file per sheet) of an organisation's casework."""

    kind = ImportKind.WORKBOOK
    per_organisation = True
    shows_person_data = True
    upload_url = "imports:overview"
    detail_url = "imports:detail"
    commit_url = "imports:commit"
    discard_url = "imports:discard"
    progress_url = "imports:progress"
    restart_url = "imports:restart"

    def _run(
        self,
        files: Files,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress,
        *,
        commit: bool,
    ) -> ImportReport:
        if organisation is None:
            raise ValueError("a workbook is imported into an organisation")
        sources = [Source(name, io.BytesIO(content)) for name, content in files]
        return import_workbook(
            sources, organisation=organisation, acting_user=acting_user, commit=commit, progress=progress
        )

    def check(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ImportReport:
        return self._run(files, organisation, acting_user, progress, commit=False)

    def commit(
        self,
        files: Files,
        *,
        organisation: Organisation | None,
        acting_user: User | None,
        progress: Progress = NO_PROGRESS,
    ) -> ImportReport:
        return self._run(files, organisation, acting_user, progress, commit=True)

    def report_from_json(self, data: Mapping[str, Any]) -> ImportReport:
        return ImportReport.from_json(dict(data))

    def report_context(self, report: Report) -> dict[str, Any]:
        counts = report.counts.items()
        return {
            "counts": [(sheet, c) for sheet, c in counts if sheet not in SUMMARY_SHEETS],
            "summaries": [(summary_label(key), c) for key, c in counts if key in SUMMARY_SHEETS],
        }

    def totals(self, report: Report) -> dict[str, int]:
        sheets = {sheet: c for sheet, c in report.counts.items() if sheet not in SUMMARY_SHEETS}
        return {key: sum(int(c.get(key, 0)) for c in sheets.values()) for key in ("created", "updated", "unchanged")}

    def problems_text(self, count: int) -> str:
        return ngettext(
            "The workbook has %(count)s problem. Nothing can be imported until it is corrected; "
            "upload the corrected file again.",
            "The workbook has %(count)s problems. Nothing can be imported until they are corrected; "
            "upload the corrected file again.",
            count,
        ) % {"count": count}

    def ready_text(self) -> str:
        return _(
            "The check found no problems. Nothing has been written yet: import the workbook to take over the "
            "changes below."
        )

    def committed_message(self) -> str:
        return _("The workbook was imported.")

    def stale_message(self) -> str:
        return _("The data changed since the check: the workbook now has problems. Nothing was imported.")

    def crumbs(self) -> list[tuple[str, str]]:
        return [(_("Import and export"), reverse("imports:overview"))]


WORKBOOK = register(WorkbookImporter())
