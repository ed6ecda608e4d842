"""End-to-end: a caseworker chooses a client's languages and nationalities in the searchable multi-choice.

Two languages by keyboard (type, Enter), a nationality by click; what was chosen before stays
chosen, and the form saves all of it. Skipped when Chromium is missing (see lotse/core/tests/test_e2e.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from lotse.cases import services
from lotse.cases.models import CaseClient
from lotse.core.models import Municipality, User
from lotse.core.tests.test_e2e import CHROMIUM_ARGS, SCREENSHOT_DIR, TIMEOUT_MS, chromium_executable, is_csp_violation
from lotse.demo import data
from lotse.people.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_chooses_languages_by_keyboard_and_a_nationality_by_click(live_server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    call_command("load_demo_data", quiet_logins=True, no_cases=True)  # the users; the test makes its own records
    caseworker = User.objects.get(username="integration")
    case = services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=Municipality.objects.get(name="Ludwigsburg"),
        start_date=datetime.date.today() - datetime.timedelta(days=30),
        responsible=caseworker,
        head={"family_name": "Rahimi", "given_names": "Sahar", "languages": ["fas"], "nationalities": ["IR"]},
    )
    person = CaseClient.objects.get(case=case).person
    url = live_server.url + reverse("cases:person_detail", args=[case.pk, person.pk])
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="de-DE", viewport={"width": 1366, "height": 768})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            expect = sync_api.expect

            page.goto(live_server.url + reverse("login"))
            page.fill("#id_username", "integration")
            page.fill("#id_password", data.DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            page.goto(url)

            # The plain select is replaced: the chosen entries show as chips, the label names the search field.
            languages = page.get_by_role("combobox", name="Gesprochene Sprachen")
            expect(page.locator("select[name=languages]")).to_be_hidden()
            expect(page.get_by_role("button", name="Entfernen: Persisch")).to_be_visible()

            # Two languages by keyboard: type to filter, Enter chooses the first match.
            languages.fill("dari")
            expect(page.get_by_role("option", name="Dari")).to_be_visible()
            languages.press("Enter")
            languages.press_sequentially("kurmand")
            languages.press("ArrowDown")
            languages.press("ArrowUp")
            languages.press("Enter")
            languages.press("Escape")
            expect(page.get_by_role("listbox").first).to_be_hidden()
            expect(page.get_by_role("button", name="Entfernen: Dari")).to_be_visible()
            expect(page.get_by_role("button", name="Entfernen: Kurmandschi (Nordkurdisch)")).to_be_visible()
            # Backspace in the empty field takes the last chip back; Enter chooses it again.
            languages.press("Backspace")
            expect(page.get_by_role("button", name="Entfernen: Kurmandschi (Nordkurdisch)")).to_have_count(0)
            languages.press_sequentially("nordkurd")
            languages.press("Enter")

            # A nationality by click (a tap on a phone): it is added, the one chosen before stays.
            nationalities = page.get_by_role("combobox", name="Staatsangehörigkeiten")
            nationalities.fill("afghan")
            page.get_by_role("option", name="Afghanistan").click()
            expect(page.get_by_role("button", name="Entfernen: Afghanistan")).to_be_visible()
            expect(page.get_by_role("button", name="Entfernen: Iran")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(SCREENSHOT_DIR / "multichoice.png"), full_page=True)

            with page.expect_navigation():
                page.locator("form:has(select[name=languages]) button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text("Rahimi")
        finally:
            browser.close()

    csp_errors = [e for e in errors if is_csp_violation(e)]
    assert not csp_errors, "Content Security Policy violations in the browser:\n" + "\n".join(csp_errors)
    assert not errors, errors
    assert width <= 1366
    person = Person.objects.get(pk=person.pk)
    assert sorted(person.languages) == ["fas", "kmr", "prs"]
    assert sorted(person.nationalities) == ["AF", "IR"]
