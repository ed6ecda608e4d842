"""Write the private tenancy of the households whose lease began (run daily): a lease recorded before its start
date has its housing facts written on the first day of the tenancy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lotse.housing.placement_services import record_tenancies_begun


class Command(BaseCommand):
    help = "Record the private tenancy of every member of the households whose lease began by today."

    def handle(self, *args: Any, **options: Any) -> None:
        written = record_tenancies_begun(acting_user=None)
        self.stdout.write(f"{written}")
