"""manage.py anonymise_volunteers [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from lotse.volunteers import volunteer_services
from lotse.volunteers.models import Volunteer


class Command(BaseCommand):
    help = (
        "Anonymise the volunteers who left more than LOTSE_VOLUNTEER_ANONYMISE_AFTER_DAYS days ago "
        "(as the nightly job does): names, contact, address and notes are emptied."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the volunteers due")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["dry_run"]:
            due = Volunteer.objects.filter(volunteer_services.due_for_anonymisation(today)).count()
            self.stdout.write(f"{due} volunteers are due for anonymisation.")
            return
        count = volunteer_services.anonymise_left_volunteers(acting_user=None, today=today)
        self.stdout.write(f"{count} volunteers anonymised.")
