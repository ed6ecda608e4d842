from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from lotse.core import services
from lotse.core.models import Municipality, Organisation, User
from lotse.demo import data
from lotse.demo.accommodation import load_demo_accommodation
from lotse.demo.arrivals import load_demo_responsibilities
from lotse.demo.casework import load_demo_cases
from lotse.demo.documents import load_demo_documents
from lotse.demo.housing import load_demo_housing
from lotse.demo.interpreting import load_demo_interpreting
from lotse.demo.journey import load_demo_journey
from lotse.demo.network import load_demo_network
from lotse.demo.sponsorships import load_demo_sponsorships
from lotse.demo.volunteers import load_demo_volunteers


class Command(BaseCommand):
    help = (
        "Load the fictional demo county (organisations, municipalities, users, casework, accommodation, "
        "network of actors) through the services and importers users use. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins")
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="Only organisations, municipalities and users, no casework, accommodation or network",
        )
        parser.add_argument(
            "--no-accommodation", action="store_true", help="No shelters, stays and assignments (casework still)"
        )
        parser.add_argument(
            "--no-network", action="store_true", help="No actors of the network directory and no info sheets"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "LOTSE_ALLOW_DEMO_DATA", False):
            raise CommandError("Demo data is disabled in these settings (LOTSE_ALLOW_DEMO_DATA).")
        today = timezone.localdate()
        seconds: dict[str, float] = {}
        statements = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        loading = time.perf_counter()
        # One transaction: a failure leaves nothing behind. Each step has its own change-history
        # context (lotse.demo.data.recorded), which names the user the step was done for. The statements
        # sent are counted: they are what the load costs (each about a millisecond in the ORM).
        with connection.execute_wrapper(count), transaction.atomic():
            with connection.cursor() as cursor:
                # As the workbook import does: Django's foreign keys are deferred, so every row of this long
                # transaction would queue a check that PostgreSQL rescans after each statement (quadratic).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with data.recorded():
                created_orgs, created_municipalities, created_users = self.county()
            responsibilities = load_demo_responsibilities(today)
            network: dict[str, int] = {}
            cases: dict[str, int] = {}
            housing: dict[str, int] = {}
            journey: dict[str, int] = {}
            volunteers: dict[str, int] = {}
            interpreting: dict[str, int] = {}
            documents = 0
            sponsorships: dict[str, int] = {}
            flats: dict[str, int] = {}
            if not options["no_cases"]:
                started = time.perf_counter()
                if not options["no_network"]:
                    network = load_demo_network()
                seconds["network"] = time.perf_counter() - started
                started = time.perf_counter()
                cases = load_demo_cases(today=today, link_actors=not options["no_network"])
                seconds["cases"] = time.perf_counter() - started
                documents = load_demo_documents(today=today)
                started = time.perf_counter()
                if not options["no_accommodation"]:
                    housing = load_demo_accommodation(today=today)
                seconds["accommodation"] = time.perf_counter() - started
                # lotse.demo.journey: the new arrivals, the exchange and the handover sheets (after the replay).
                started = time.perf_counter()
                if not options["no_accommodation"]:
                    journey = load_demo_journey(today=today)
                seconds["journey"] = time.perf_counter() - started
                # lotse.demo.volunteers: the city's volunteers (its list imported), meetings and trainings.
                started = time.perf_counter()
                volunteers = load_demo_volunteers(today=today)
                seconds["volunteers"] = time.perf_counter() - started
                # lotse.demo.sponsorships: the city's programme "Willkommen in Ludwigsburg".
                started = time.perf_counter()
                sponsorships = load_demo_sponsorships(today=today)
                seconds["sponsorships"] = time.perf_counter() - started
                # lotse.demo.interpreting: the city's volunteer interpreter pool and its requests.
                started = time.perf_counter()
                interpreting = load_demo_interpreting(today=today)
                seconds["interpreting"] = time.perf_counter() - started
                # lotse.demo.housing: rent limits, landlords, flat offers, searches and placements.
                started = time.perf_counter()
                if not options["no_accommodation"]:
                    flats = load_demo_housing(today=today)
                seconds["flats"] = time.perf_counter() - started
        self.stdout.write(
            f"Demo county: {created_orgs} organisations, {created_municipalities} municipalities, "
            f"{created_users} users created (the rest already existed)."
        )
        self.stdout.write(f"Demo responsibilities for integration management: {responsibilities} created.")
        if sponsorships.get("households"):
            self.stdout.write(
                f"Demo sponsorships: {sponsorships['sponsors']} sponsors, {sponsorships['newcomers']} newcomers in "
                f"{sponsorships['households']} households, {sponsorships['sponsorships']} sponsorships with "
                f"{sponsorships['check_ins']} check-ins created ({seconds['sponsorships']:.1f} s)."
            )
        elif sponsorships:
            self.stdout.write("Demo sponsorships: the programme's households already exist; nothing created.")
        if not options["no_cases"]:
            if cases.get("cases"):
                records = sum(
                    cases[k] for k in ("residence_records", "language_records", "work_records", "housing_records")
                )
                self.stdout.write(
                    f"Demo casework: {cases['cases']} cases ({cases['closed_cases']} closed), "
                    f"{cases['persons']} persons in {cases['households']} households, "
                    f"{cases['contacts']} contacts, {cases['plans']} plans with {cases['goals']} goals, "
                    f"{cases['referrals']} referrals, {records} status records created ({seconds['cases']:.1f} s)."
                )
            else:
                self.stdout.write("Demo casework: the demo organisations already have cases; nothing created.")
            if documents:
                self.stdout.write(f"Demo documents: {documents} documents of cases and clients created.")
        if housing.get("shelters"):
            self.stdout.write(
                f"Demo accommodation: {housing['shelters']} shelters with {housing['places']} places, "
                f"{housing['occupancies']} stays ({housing['casework_occupancies']} of casework clients, "
                f"{housing['casework_unplaced']} without a place), "
                f"{housing['persons']} residents registered ({housing['own_records']} of them persons whom a "
                f"caseworker of another organisation keeps), {housing['assignments']} assignments of "
                f"{housing['assigned_persons']} persons created ({seconds['accommodation']:.1f} s)."
            )
        elif housing:
            self.stdout.write("Demo accommodation: the demo shelters already exist; nothing created.")
        if housing.get("shelters"):
            self.stdout.write(
                f"Demo exchange: {housing['linked_records']} records of caseworkers' clients linked with the "
                f"accommodation staff's records ({housing['exchange_consents']} with the consent to the exchange)."
            )
        if not options["no_cases"] and journey.get("sheets"):
            self.stdout.write(
                f"Demo new arrivals: {journey['arrivals']} worked through ({journey['counselling']} into "
                f"counselling, {journey['relocated']} households moved since), {journey['notices_seen']} notices "
                f"of the exchange read, {journey['sheets']} handover sheets handed over ({seconds['journey']:.1f} s)."
            )
        if interpreting.get("requests"):
            self.stdout.write(
                f"Demo interpreter pool: {interpreting['requests']} requests, {interpreting['bookings']} bookings, "
                f"{interpreting['held']} appointments held ({seconds['interpreting']:.1f} s)."
            )
        if flats.get("offers"):
            self.stdout.write(
                f"Demo housing: {flats['limits']} rent limits, {flats['landlords']} landlords, {flats['offers']} flat "
                f"offers, {flats['searches']} searches, {flats['placements']} placements ({flats['leases']} leases, "
                f"{flats['refusals']} refusals) created ({seconds['flats']:.1f} s)."
            )
        if network.get("actors") or network.get("sheets"):
            self.stdout.write(
                f"Demo network: {network['actors']} actors ({network['published']} shown publicly), "
                f"{network['sheets']} info sheets with {network['blocks']} text blocks in {network['texts']} texts "
                f"created ({seconds['network']:.1f} s)."
            )
        elif network:
            self.stdout.write("Demo network: the demo actors and info sheets already exist; nothing created.")
        if volunteers.get("volunteers"):
            self.stdout.write(
                f"Demo volunteers: {volunteers['volunteers']} volunteers of the city, "
                f"{volunteers['meetings']} meetings and trainings created ({seconds['volunteers']:.1f} s)."
            )
        elapsed = time.perf_counter() - loading
        self.stdout.write(f"Demo loaded in {elapsed:.1f} s with {statements} database statements.")
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {data.DEMO_PASSWORD})")
            for username, org, roles, *_names in data.USERS:
                self.stdout.write(f"  {username:<22} {org:<11} {', '.join(roles)}")

    def county(self) -> tuple[int, int, int]:
        """Organisations, municipalities and users, through the core services."""
        created_orgs = sum(
            services.ensure_organisation(short_name=short, name=name, kind=kind)[1]
            for short, name, kind in data.ORGANISATIONS
        )
        created_municipalities = sum(
            services.ensure_municipality(ags=ags, name=name, county=data.COUNTY)[1] for ags, name in data.MUNICIPALITIES
        )
        organisations = {o.short_name: o for o in Organisation.objects.all()}
        administered = {
            m.ags: m for m in Municipality.objects.filter(ags__in=data.ORGANISATION_MUNICIPALITIES.values())
        }
        for short, ags in data.ORGANISATION_MUNICIPALITIES.items():
            organisation = organisations[short]
            if organisation.municipality_id != administered[ags].pk:
                organisation.municipality = administered[ags]
                services.save_versioned(organisation, organisation.version, ["municipality"])
        existing = set(User.objects.filter(username__in=[u[0] for u in data.USERS]).values_list("username", flat=True))
        created_users = 0
        # Every demo user has the same password: the first one created is checked against the password rules and
        # hashed (a deliberately slow hash), the others get that hash.
        encoded: str | None = None
        for username, org, roles, first_name, last_name in data.USERS:
            if username in existing:
                continue
            user = services.create_user(
                acting_user=None,
                organisation=organisations[org],
                username=username,
                roles=roles,
                password=None if encoded else data.DEMO_PASSWORD,
                encoded_password=encoded,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@demo.lotse.invalid",
            )
            encoded = user.password
            created_users += 1
        return created_orgs, created_municipalities, created_users
