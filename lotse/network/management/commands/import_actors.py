"""manage.py import_actors FILE [--commit] [--user USERNAME]"""

from __future__ import annotations

from lotse.core.staged_import_command import BaseImportCommand
from lotse.network.actor_import import ACTOR_LIST


class Command(BaseImportCommand):
    help = (
        "Check a list of actors (XLSX or CSV) against the network directory and, with --commit, import it: "
        "all rows or none. Prints the report; exits with status 1 when the list has problems."
    )
    importer = ACTOR_LIST
