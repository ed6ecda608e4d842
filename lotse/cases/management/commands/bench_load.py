"""manage.py bench_load: simulated caseworkers against gunicorn with production settings (part of `make bench`).

Runs against the benchmark's database (``bench_import --keep-database``):
adds caseworker and statistics logins to its organisation, starts gunicorn
with the production settings over TLS (a self-signed certificate made for
the run) on 127.0.0.1, and lets Locust (headless, bounded in users and time)
play a working day against it. Prints requests per second, p50/p95/p99 per
page and failures, beside the same figures of a static file served under the
same load (the floor) and the target.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.templatetags.static import static
from django.urls import reverse

from lotse.cases.models import Case, CaseClient
from lotse.core.choices import Role
from lotse.core.models import Organisation, User
from lotse.people.models import Person

PASSWORD = "Last-Test-Kaffee-2026!"
TARGET_P95_MS = 500


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Command(BaseCommand):
    help = "Load test: simulated caseworkers and a statistics user against gunicorn (production settings, TLS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database-name", required=True, help="the benchmark's database (lotse_bench_...)")
        parser.add_argument("--users", type=int, default=150)
        # A morning: the caseworkers sign in over a minute and a quarter (each sign-in costs a quarter of a second of
        # Argon2 on this machine), not all in the same few seconds.
        parser.add_argument("--spawn-rate", type=float, default=2)
        parser.add_argument("--seconds", type=int, default=120, help="seconds measured once every user has signed in")
        # As the README's production section runs it: four (sync) workers.
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread if more)")
        parser.add_argument("--drop", action="store_true", help="drop the benchmark's database afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["database_name"]
        if not name.startswith("lotse_bench_"):
            raise CommandError("The load test runs only against a benchmark's database (lotse_bench_...).")
        old_name = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = name
        with tempfile.TemporaryDirectory(prefix="lotse-load-") as folder:
            work = Path(folder)
            plan = self._plan(work)
            server = self._serve(work, name, options["workers"], options["threads"])
            try:
                self._wait_for(server, plan)
                self._locust(work, plan, options)
            finally:
                server.terminate()
                server.wait(30)
                if options["drop"]:
                    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
                    connection.creation.destroy_test_db(old_name, verbosity=0)

    def _plan(self, work: Path) -> dict[str, Any]:
        """Logins and sample records of the benchmark's organisation, for the simulated users."""
        organisation = Organisation.objects.get(short_name="bench")
        caseworkers = []
        for number in range(10):
            user, _created = User.objects.get_or_create(
                username=f"last-{number}",
                defaults={"organisation": organisation, "roles": [Role.INTEGRATIONSMANAGEMENT]},
            )
            user.set_password(PASSWORD)
            user.save()
            caseworkers.append(user.username)
        statistician, _created = User.objects.get_or_create(
            username="last-statistik", defaults={"organisation": organisation, "roles": [Role.STATISTIK]}
        )
        statistician.set_password(PASSWORD)
        statistician.save()
        open_cases = Case.objects.filter(organisation=organisation).exclude(status="abgeschlossen")
        first_clients = (
            CaseClient.objects.filter(case__in=open_cases.order_by("?")[:300])
            .order_by("case_id", "pk")
            .distinct("case_id")
        )
        names = list(
            Person.objects.filter(organisation=organisation).order_by("?").values_list("family_name", flat=True)[:100]
        )
        port = _free_port()
        plan: dict[str, Any] = {
            "host": f"https://127.0.0.1:{port}",
            "port": port,
            "password": PASSWORD,
            "caseworkers": caseworkers,
            "statistician": statistician.username,
            "login": reverse("login"),
            "worklist": reverse("cases:worklist"),
            "case_list": reverse("cases:case_list"),
            "case": reverse("cases:case_detail", args=[999999]).replace("999999", "{}"),
            "person": reverse("cases:person_detail", args=[999999, 888888])
            .replace("999999", "{}")
            .replace("888888", "{}"),
            "contact": reverse("cases:contact_add", args=[999999]).replace("999999", "{}"),
            "dashboard": reverse("reports:dashboard"),
            "trivial": static("lotse/app.css"),
            "cases": [{"id": c.case_id, "person": c.person_id} for c in first_clients],
            "names": [*names, "Hadad", "Mohammed", "Xyzzyq"],
        }
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        self.stdout.write(
            f"load plan: {len(plan['cases'])} cases, {len(names)} names, {len(caseworkers)} caseworker logins"
        )
        return plan

    def _environment(self, database: str) -> dict[str, str]:
        db = connection.settings_dict
        host = db.get("HOST") or "127.0.0.1"
        url = f"postgresql://{db.get('USER') or 'postgres'}@/{database}?host={host}&port={db.get('PORT') or 5432}"
        if not host.startswith("/"):
            url = f"postgresql://{db.get('USER') or 'postgres'}@{host}:{db.get('PORT') or 5432}/{database}"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lotse.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "false",
            "SECURE_HSTS_SECONDS": "0",
        }

    def _serve(self, work: Path, database: str, workers: int, threads: int) -> subprocess.Popen[bytes]:
        environment = self._environment(database)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            env=environment,
            check=True,
            cwd=settings.BASE_DIR,
        )
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(work / "key.pem"),
                "-out",
                str(work / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        plan = json.loads((work / "plan.json").read_text(encoding="utf-8"))
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return subprocess.Popen(
            [
                str(gunicorn),
                "lotse.wsgi",
                "--bind",
                f"127.0.0.1:{plan['port']}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--certfile",
                str(work / "cert.pem"),
                "--keyfile",
                str(work / "key.pem"),
                "--log-level",
                "warning",
            ],
            env=environment,
            cwd=settings.BASE_DIR,
        )

    def _wait_for(self, server: subprocess.Popen[bytes], plan: dict[str, Any]) -> None:
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        for _attempt in range(60):
            if server.poll() is not None:
                raise CommandError("gunicorn did not start (see its output above).")
            try:
                with urllib.request.urlopen(plan["host"] + plan["login"], context=insecure, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(1)
        raise CommandError("gunicorn did not answer within a minute.")

    def _locust(self, work: Path, plan: dict[str, Any], options: dict[str, Any]) -> None:
        locustfile = Path(__file__).resolve().parents[2] / "load" / "locustfile.py"
        locust = Path(sys.executable).with_name("locust")
        ramp = int(options["users"] / options["spawn_rate"]) + 1
        self.stdout.write(
            f"load: {options['users']} simulated users (10-30 s think time) signing in over {ramp} s, then measured "
            f"for {options['seconds']} s, against gunicorn with {options['workers']} workers of {options['threads']} "
            "thread(s)"
        )
        subprocess.run(
            [
                str(locust),
                "-f",
                str(locustfile),
                "--headless",
                "--users",
                str(options["users"]),
                "--spawn-rate",
                str(options["spawn_rate"]),
                "--run-time",
                f"{ramp + options['seconds']}s",
                "--host",
                plan["host"],
                "--csv",
                str(work / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                # The figures count from the moment all users are started (Locust resets its statistics then).
                "--reset-stats",
            ],
            env={**os.environ, "LOTSE_LOAD_PLAN": str(work / "plan.json")},
            check=False,
            capture_output=True,
        )
        rows = list(csv.DictReader((work / "load_stats.csv").open(encoding="utf-8")))
        self.stdout.write(f"{'page':<24} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for row in rows:
            self.stdout.write(
                f"{row['Name']:<24} {row['Request Count']:>8} {row['Failure Count']:>8} "
                f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
            )
        total = next(row for row in rows if row["Name"] == "Aggregated")
        floor = next((row for row in rows if row["Name"].startswith("trivial")), None)
        self.stdout.write(
            f"overall: {float(total['Requests/s']):.1f} requests/s, p95 {total['95%']} ms "
            f"(target under {TARGET_P95_MS} ms, no failures; floor: a static file, p95 "
            f"{floor['95%'] if floor else '?'} ms), failures {total['Failure Count']}"
        )
