"""End-to-end: a caseworker of the demo does a day's work in a real browser.

Find a client by another spelling of the name, record a contact with an
interpreter without leaving the case page (htmx), update the plan and print
it, refer the client, record the consent and hand the case over, and close
another case with a reason. Screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from lotse.cases import services
from lotse.cases.models import Case, Contact, Goal, Handover, Referral
from lotse.core.models import Municipality, Organisation, User
from lotse.core.tests.test_e2e import CHROMIUM_ARGS, SCREENSHOT_DIR, TIMEOUT_MS, chromium_executable, is_csp_violation
from lotse.demo import data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERRAL_WITHOUT_RECIPIENT = "Wählen Sie einen Akteur des Netzwerks oder nennen Sie, an wen verwiesen wurde."


def test_a_caseworker_does_a_days_work_in_the_browser(live_server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    call_command("load_demo_data", quiet_logins=True, no_cases=True)  # the users; the test makes its own records
    caseworker = User.objects.get(username="integration")
    receiving = User.objects.get(username="integration-awo").organisation
    start = datetime.date.today() - datetime.timedelta(days=200)
    case = services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=Municipality.objects.get(name="Ludwigsburg"),
        start_date=start,
        responsible=caseworker,
        head={"family_name": "Abdulkadir", "given_names": "Hawa", "languages": ["som"], "nationalities": ["SO"]},
    )
    services.create_plan_version(acting_user=caseworker, case=case, agreed_on=start)
    to_close = services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=Municipality.objects.get(name="Ludwigsburg"),
        start_date=start,
        responsible=caseworker,
        head={"family_name": "Tesfaye", "given_names": "Selam"},
    )
    today = datetime.date.today().isoformat()
    base = live_server.url
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="de-DE", viewport={"width": 1366, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            expect = sync_api.expect

            page.goto(base + reverse("login"))
            page.fill("#id_username", "integration")
            page.fill("#id_password", data.DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()

            page.goto(base + reverse("cases:worklist"))
            expect(page.get_by_role("heading", level=1)).to_have_text("Meine Arbeit")
            page.screenshot(path=str(SCREENSHOT_DIR / "worklist.png"), full_page=True)

            # Find the client by another spelling of her name.
            page.goto(base + reverse("cases:case_list"))
            page.fill("[name=q]", "Abdelkader")
            with page.expect_navigation():
                page.locator("form[role=search] button[type=submit]").click()
            page.screenshot(path=str(SCREENSHOT_DIR / "case_list.png"), full_page=True)
            with page.expect_navigation():
                page.get_by_role("link", name=case.number).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)

            # A contact with an interpreter, recorded in place.
            form = page.locator("#quick-contact")
            form.locator("[name=date]").fill(today)
            form.locator("[name=duration_minutes]").fill("50")
            form.locator("[name=form]").select_option("buero")
            form.locator("[name=fields_of_action][value=wohnen]").check()
            form.locator("[name=interpreter_kind]").select_option("professionell")
            form.locator("[name=interpreter_language]").select_option("som")
            form.locator("[name=note]").fill("Wohnungssuche besprochen, Unterlagen für WBS mitgegeben.")
            # The connection drops: the user is told so, and the input stays in the form for the next try.
            page.route("**/contacts/new/", lambda route: route.abort())
            form.locator("button[type=submit]").click()
            expect(page.locator("#request-failed")).to_contain_text("Lotse ist gerade nicht erreichbar")
            expect(form.locator("[name=note]")).to_have_value(
                "Wohnungssuche besprochen, Unterlagen für WBS mitgegeben."
            )
            page.unroute("**/contacts/new/")
            form.locator("button[type=submit]").click()
            expect(page.locator("#request-failed")).to_be_hidden()
            expect(page.locator("#timeline")).to_contain_text("Wohnungssuche besprochen")
            expect(page.locator("#quick-contact")).to_contain_text("Der Kontakt wurde erfasst.")
            page.screenshot(path=str(SCREENSHOT_DIR / "case_detail.png"), full_page=True)

            # Update the plan and print it.
            page.goto(base + reverse("cases:goal_add", args=[case.pk]))
            page.locator("[name=field_of_action]").select_option("wohnen")
            page.fill("[name=title]", "Eigene Wohnung in Ludwigsburg finden")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            expect(page.locator("main")).to_contain_text("Eigene Wohnung in Ludwigsburg finden")
            page.screenshot(path=str(SCREENSHOT_DIR / "plan.png"), full_page=True)
            pdf = page.request.get(base + reverse("cases:plan_pdf", args=[case.pk, 1]))
            assert pdf.status == 200
            assert pdf.headers["content-type"] == "application/pdf"

            # Refer the client: first without saying to whom, which the server refuses with a German message
            # (the page again, with the input kept and no failed load in the console), then completed.
            page.goto(base + reverse("cases:referral_add", args=[case.pk]))
            page.locator("[name=field_of_action]").select_option("finanzen")
            page.fill("[name=topic]", "Mietschulden")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            expect(page.locator("main form")).to_contain_text(REFERRAL_WITHOUT_RECIPIENT)
            expect(page.locator("[name=topic]")).to_have_value("Mietschulden")
            page.fill("[name=to_whom]", "Schuldnerberatung Diakonie")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            expect(page.locator("#timeline")).to_contain_text("Schuldnerberatung Diakonie")

            # Record the consent to share with AWO, then hand the case over.
            page.goto(base + reverse("cases:consent_add", args=[case.pk]))
            page.locator("[name=purpose]").select_option("weitergabe")
            page.locator("[name=recipient_organisation]").select_option(str(receiving.pk))
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            page.goto(base + reverse("cases:handover_request", args=[case.pk]))
            page.locator("[name=to_organisation]").select_option(str(receiving.pk))
            page.fill("[name=note]", "Familie zieht nach Kornwestheim.")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            expect(page.locator("main")).to_contain_text(receiving.name)

            # Close another case with a reason.
            page.goto(base + reverse("cases:case_status", args=[to_close.pk]) + "?to=abgeschlossen")
            page.locator("[name=closing_reason]").select_option("eigener_wohnraum")
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            expect(page.locator("h1")).to_contain_text("abgeschlossen")
        finally:
            browser.close()

    csp_errors = [e for e in errors if is_csp_violation(e)]
    assert not csp_errors, "Content Security Policy violations in the browser:\n" + "\n".join(csp_errors)
    # A refused form is shown again with status 200: no "Failed to load resource" for the user's typing mistake.
    failed_loads = [e for e in errors if "the server responded with a status of" in e]
    assert not failed_loads, "Pages answered with an error status:\n" + "\n".join(failed_loads)
    contact = Contact.objects.get(case=case)
    assert (contact.interpreter_kind, contact.interpreter_language, contact.duration_minutes) == (
        "professionell",
        "som",
        50,
    )
    assert Goal.objects.filter(plan__case=case, title="Eigene Wohnung in Ludwigsburg finden").exists()
    assert Referral.objects.filter(case=case, to_whom="Schuldnerberatung Diakonie", outcome="offen").exists()
    assert Handover.objects.get(case=case).to_organisation == receiving
    to_close.refresh_from_db()
    assert (to_close.status, to_close.closing_reason) == ("abgeschlossen", "eigener_wohnraum")
    assert Organisation.objects.get(pk=Case.objects.get(pk=case.pk).organisation_id) == caseworker.organisation
