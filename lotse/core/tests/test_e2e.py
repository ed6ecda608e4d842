"""End-to-end: a real browser signs in with a demo login, lands on its work and finds the start page.

Drives Debian's Chromium (``apt-get install chromium``) through Playwright's
sync API against pytest-django's ``live_server``. Skipped when Chromium is
missing; point ``LOTSE_CHROMIUM`` at another executable to use that instead.
Screenshots of the login and the start page go to ``var/screenshots/`` for
humans to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from lotse.demo import data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
TIMEOUT_MS = 15_000


def chromium_executable() -> str:
    executable = os.environ.get("LOTSE_CHROMIUM", DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        pytest.skip(
            f"Chromium not found at {executable}: install it with 'apt-get install chromium' (Debian) "
            "or set LOTSE_CHROMIUM"
        )
    return executable


def is_csp_violation(message: str) -> bool:
    return "content security policy" in message.lower()


def test_a_demo_caseworker_signs_in_lands_on_her_work_and_sees_the_start_page(live_server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()

    # All database work happens before the browser starts: Playwright's sync
    # API runs an event loop, and Django refuses ORM calls (SynchronousOnlyOperation)
    # while one runs. The live server answers from its own thread, so it is unaffected.
    call_command("load_demo_data", quiet_logins=True, no_cases=True)  # organisations and users only
    username, org_short_name, _roles, first_name, last_name = next(u for u in data.USERS if u[0] == "integration")
    organisation_name = next(name for short, name, _kind in data.ORGANISATIONS if short == org_short_name)
    full_name = f"{first_name} {last_name}"
    login_url = live_server.url + reverse("login")
    start_url = live_server.url + reverse("core:start")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            # A German browser: LocaleMiddleware follows Accept-Language, and
            # headless Chromium would otherwise ask for en-US.
            page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 800})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

            page.goto(login_url)
            sync_api.expect(page.get_by_role("heading", level=1)).to_be_visible()
            page.screenshot(path=str(SCREENSHOT_DIR / "login.png"), full_page=True)

            page.fill("#id_username", username)
            page.fill("#id_password", data.DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()

            # A caseworker begins on "Meine Arbeit"; the start page shows what is current for her.
            sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Meine Arbeit")
            assert page.url == live_server.url + reverse("cases:worklist")
            page.goto(start_url)
            heading = page.get_by_role("heading", level=1)
            sync_api.expect(heading).to_contain_text("Willkommen")
            sync_api.expect(heading).to_contain_text(full_name)
            sync_api.expect(page.locator("main")).to_contain_text(organisation_name)
            sync_api.expect(page.get_by_test_id("current-user")).to_contain_text(full_name)
            assert page.url == start_url
            page.screenshot(path=str(SCREENSHOT_DIR / "start.png"), full_page=True)
        finally:
            browser.close()

    csp_errors = [e for e in errors if is_csp_violation(e)]
    assert not csp_errors, "Content Security Policy violations in the browser:\n" + "\n".join(csp_errors)


# The widths the county's screens have: an office laptop and a tablet held upright.
WIDTHS = (1366, 768)


def test_every_role_reaches_its_pages_through_the_menus_and_no_page_is_wider_than_the_window(live_server) -> None:
    """Each demo login opens every page of its menus at both widths, through the menus themselves: the
    page fits its window (no horizontal scrolling of the whole page) and the browser reports no error."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    call_command("load_demo_data", quiet_logins=True)  # the whole county: lists and tables with their rows
    # One login per role and kind of organisation: the city's staff see other pages (and rows) than the county's.
    kinds = {short: kind for short, _name, kind in data.ORGANISATIONS}
    logins = {(tuple(roles), kinds[org]): username for username, org, roles, _f, _l in data.USERS}

    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for username in logins.values():
                for width in WIDTHS:
                    page = browser.new_page(locale="de-DE", viewport={"width": width, "height": 800})
                    page.set_default_timeout(TIMEOUT_MS)
                    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
                    page.goto(live_server.url + reverse("login"))
                    page.fill("#id_username", username)
                    page.fill("#id_password", data.DEMO_PASSWORD)
                    with page.expect_navigation():
                        page.locator("main form button[type=submit]").click()
                    pages = page.eval_on_selector_all(
                        "#main-nav a.nav-link[href^='/'], #main-nav a.dropdown-item[href^='/']",
                        "links => links.map(link => link.getAttribute('href'))",
                    )
                    assert pages, username
                    for path in pages:
                        page.goto(live_server.url + path)
                        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                        if wide > 0:
                            problems.append(f"{username} at {width} px: {path} is {wide} px wider than the window")
                    page.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
