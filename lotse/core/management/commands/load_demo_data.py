from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lotse.core import services
from lotse.core.demo import data, ludwigsburg
from lotse.core.models import Organisation, User


class Command(BaseCommand):
    help = "Load the fictional demo county (organisations, municipalities, users). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "LOTSE_ALLOW_DEMO_DATA", False):
            raise CommandError("Demo data is disabled in these settings (LOTSE_ALLOW_DEMO_DATA).")
        with transaction.atomic(), services.audit_context(command="load_demo_data"):
            created_orgs = sum(
                services.ensure_organisation(short_name=short, name=name, kind=kind)[1]
                for short, name, kind in data.ORGANISATIONS
            )
            created_municipalities = sum(
                services.ensure_municipality(ags=ags, name=name, county=ludwigsburg.COUNTY)[1]
                for ags, name in ludwigsburg.MUNICIPALITIES
            )
            organisations = {o.short_name: o for o in Organisation.objects.all()}
            existing = set(
                User.objects.filter(username__in=[u[0] for u in data.USERS]).values_list("username", flat=True)
            )
            created_users = 0
            for username, org, roles, first_name, last_name in data.USERS:
                if username in existing:
                    continue
                services.create_user(
                    actor=None,
                    organisation=organisations[org],
                    username=username,
                    roles=roles,
                    password=data.DEMO_PASSWORD,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@demo.lotse.invalid",
                )
                created_users += 1
        self.stdout.write(
            f"Demo county: {created_orgs} organisations, {created_municipalities} municipalities, "
            f"{created_users} users created (the rest already existed)."
        )
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {data.DEMO_PASSWORD})")
            for username, org, roles, *_names in data.USERS:
                self.stdout.write(f"  {username:<22} {org:<11} {', '.join(roles)}")
