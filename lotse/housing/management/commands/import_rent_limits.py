"""manage.py import_rent_limits FILE [--commit] [--user USERNAME]"""

from __future__ import annotations

from typing import Any

from lotse.core.models import Organisation
from lotse.core.staged_import_command import BaseImportCommand
from lotse.housing.rent_limit_import import RENT_LIMIT_LIST


class Command(BaseImportCommand):
    help = (
        "Check a list of the county's rent limits (XLSX or CSV) and, with --commit, import it: all rows or none. "
        "Prints the report; exits with status 1 when the list has problems."
    )
    importer = RENT_LIMIT_LIST

    def organisation(self, options: dict[str, Any]) -> Organisation | None:
        return None
