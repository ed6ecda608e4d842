"""Take the pictures of the user guide (docs/handbuch/) from the demo county, so they show the current pages.

Runs the development server on a free local port against the configured database (which must hold the
demo: `make demo` or `manage.py load_demo_data`), signs in as the demo users in headless Chromium
(Playwright, a development dependency) and saves one PNG per step of the guide at 1366 px width.
`make handbook` loads the demo and runs this command.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from lotse.core.models import User
from lotse.demo import data

OUTPUT = Path(settings.BASE_DIR) / "docs" / "handbuch" / "bilder"
CHROMIUM = os.environ.get("LOTSE_CHROMIUM", "/usr/bin/chromium")
WIDTH = 1366
HEIGHT = 860


@dataclass(frozen=True)
class Shot:
    """One picture: who is signed in, which page, and what to do there before the picture is taken."""

    name: str
    username: str
    path: Callable[[User], str]
    full_page: bool = False
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, selector, value)


def _first_case_with_plan(user: User) -> int:
    from lotse.cases.models import Case

    case = (
        Case.objects.visible_to(user)
        .filter(responsible=user, plans__isnull=False, end_date__isnull=True)
        .order_by("pk")
        .first()
    )
    if case is None:
        raise CommandError(f"The demo user {user.username} has no open case with an integration plan.")
    return case.pk


def _plan_number(user: User) -> list[int]:
    from lotse.cases.models import IntegrationPlan

    case_pk = _first_case_with_plan(user)
    plan = IntegrationPlan.objects.filter(case_id=case_pk).order_by("-number").first()
    assert plan is not None
    return [case_pk, plan.number]


def _first_client(user: User) -> int:
    from lotse.cases.models import Case, CaseClient

    case = Case.objects.filter(organisation_id=user.organisation_id, responsible__isnull=False).order_by("pk").first()
    client = CaseClient.objects.filter(case=case).order_by("pk").first()
    if client is None:
        raise CommandError(f"The organisation of {user.username} has no case with a client.")
    return client.person_id


def _first_shelter(user: User) -> int:
    from lotse.accommodation.models import Shelter

    shelter = Shelter.objects.visible_to(user).order_by("pk").first()
    if shelter is None:
        raise CommandError(f"The demo user {user.username} sees no shelter.")
    return shelter.pk


SHOTS: list[Shot] = [
    Shot("anmeldung", "", lambda _user: reverse("login")),
    Shot("meine-arbeit", "integration", lambda _user: reverse("cases:worklist")),
    Shot(
        "suche",
        "integration",
        lambda _user: reverse("cases:worklist"),
        actions=[("fill", "#header-search", "Aboud"), ("press", "#header-search", "Enter")],
    ),
    Shot("fall", "integration", lambda user: reverse("cases:case_detail", args=[_first_case_with_plan(user)]), True),
    Shot(
        "kontakt",
        "integration",
        lambda user: reverse("cases:contact_add", args=[_first_case_with_plan(user)]),
    ),
    Shot(
        "integrationsplan", "integration", lambda user: reverse("cases:plan_detail", args=[_first_case_with_plan(user)])
    ),
    Shot("fall-neu", "integration", lambda _user: reverse("cases:case_create")),
    Shot(
        "doppelerfassung",
        "integration",
        lambda _user: reverse("cases:case_create"),
        True,
        actions=[
            ("select", "#id_municipality", ""),
            ("fill", "#id_start_date", "2026-12-01"),
            ("fill", "#id_family_name", "Abud"),
            ("fill", "#id_given_names", "Muhammad"),
            ("click", "main form button[type=submit]", ""),
        ],
    ),
    Shot("wiedervorlagen", "integration", lambda _user: reverse("cases:follow_up_list")),
    Shot("plan-drucken", "integration", lambda user: reverse("cases:plan_print", args=_plan_number(user))),
    Shot(
        "dokument-neu",
        "integration",
        lambda user: reverse("documents:document_upload", args=[_first_case_with_plan(user)]),
    ),
    Shot(
        "aenderungsverlauf",
        "integration",
        lambda user: reverse("cases:case_history", args=[_first_case_with_plan(user)]),
    ),
    Shot("team", "teamleitung", lambda _user: reverse("cases:team"), True),
    Shot(
        "zugriffsprotokoll",
        "orgadmin",
        lambda user: reverse("core:access_log") + f"?person={_first_client(user)}",
    ),
    Shot("teamleitung-start", "teamleitung", lambda _user: reverse("core:start")),
    Shot("fallliste", "teamleitung", lambda _user: reverse("cases:case_list")),
    Shot("kennzahlen", "teamleitung", lambda _user: reverse("reports:dashboard")),
    Shot("unterbringung-start", "unterbringung", lambda _user: reverse("core:start")),
    Shot("unterkuenfte", "unterbringung", lambda _user: reverse("accommodation:shelter_list")),
    Shot(
        "unterkunft",
        "unterbringung",
        lambda user: reverse("accommodation:shelter_detail", args=[_first_shelter(user)]),
    ),
    Shot("einzug", "unterbringung", lambda user: reverse("accommodation:move_in", args=[_first_shelter(user)])),
    Shot("zuweisungen", "unterbringung", lambda _user: reverse("accommodation:assignment_list")),
    Shot("zuweisung-neu", "unterbringung-lra", lambda _user: reverse("accommodation:assignment_create")),
    Shot("aufnahmeverpflichtungen", "unterbringung-lra", lambda _user: reverse("accommodation:intake_list")),
    Shot("prognose", "unterbringung", lambda _user: reverse("accommodation:forecast")),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (a local URL this command built)
                return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"The development server did not answer at {url} within {seconds:.0f} s.")


class Command(BaseCommand):
    help = "Take the screenshots of the user guide (docs/handbuch/bilder/) from the demo county."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", nargs="*", default=[], help="Names of the pictures to take (default: all).")
        parser.add_argument("--output", default=str(OUTPUT), help="Folder of the pictures.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise CommandError("Playwright is missing: install the development requirements (make install).") from error
        if not Path(CHROMIUM).is_file():
            raise CommandError(f"Chromium not found at {CHROMIUM}: apt-get install chromium, or set LOTSE_CHROMIUM.")
        shots = [shot for shot in SHOTS if not options["only"] or shot.name in options["only"]]
        users = {user.username: user for user in User.objects.filter(username__in={s.username for s in shots})}
        missing = {s.username for s in shots if s.username} - set(users)
        if missing:
            raise CommandError("The demo is not loaded (no users " + ", ".join(sorted(missing)) + "): run make demo.")
        # Every database question before the browser starts (Playwright's sync API runs an event loop).
        paths = {shot.name: shot.path(users[shot.username]) if shot.username else shot.path(User()) for shot in shots}
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (this interpreter and manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(base + reverse("login"), 60)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                try:
                    for shot in shots:
                        self._take(browser, base, shot, paths[shot.name], output)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)

    def _take(self, browser: Any, base: str, shot: Shot, path: str, output: Path) -> None:
        context = browser.new_context(locale="de-DE", viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        try:
            if shot.username:
                page.goto(base + reverse("login"))
                page.fill("#id_username", shot.username)
                page.fill("#id_password", data.DEMO_PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").click()
            page.goto(base + path)
            for kind, selector, value in shot.actions:
                if kind == "fill":
                    page.fill(selector, value)
                elif kind == "select":
                    page.select_option(selector, index=1)
                elif kind == "press":
                    with page.expect_navigation():
                        page.press(selector, value)
                elif kind == "click":
                    with page.expect_navigation():
                        page.click(selector)
            target = output / f"{shot.name}.png"
            page.screenshot(path=str(target), full_page=shot.full_page)
            self.stdout.write(
                f"{target.relative_to(settings.BASE_DIR) if target.is_relative_to(settings.BASE_DIR) else target}"
            )
        finally:
            context.close()
