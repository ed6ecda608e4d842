"""End-to-end: a family's way from the county's assignment to its first own flat, across three organisations.

The district office's accommodation staff assign a family living in the county's preliminary accommodation (VU)
to Ludwigsburg; the integration management responsible there (Caritas) records the first contact from its
"Neuzugänge" and begins counselling with the family's consent to the data exchange with the city; the city
moves the family into its follow-up accommodation (AU) and the caseworker sees the housing situation arrive in
"Meine Arbeit"; the caseworker records the own tenancy and the city, seeing the planned move-outs, records the
move-out into the own flat. Every step is done in the browser as the users do it; the records the steps need
(the shelters, the family in VU) are made through the services beforehand. Each page is checked for browser
errors and for fitting its window; the key pages also at 768 px. Screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.choices import MoveOutReason, ShelterKind
from lotse.accommodation.models import Assignment, Occupancy
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import Arrival, ExchangeNotice, PersonLink, PlannedMoveOut, PlannedMoveOutStatus
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.core.models import Municipality, User
from lotse.core.tests.test_e2e import CHROMIUM_ARGS, SCREENSHOT_DIR, TIMEOUT_MS, chromium_executable
from lotse.demo import data
from lotse.people import services as people_services
from lotse.people.choices import BirthDatePrecision, HousingSituation, Relationship
from lotse.people.models import HousingRecord, Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
WIDE, NARROW = 1366, 768


def in_db(query: Callable[[], T]) -> T:
    """Run database work while the browser is open: Playwright's sync API runs an event loop in this thread,
    where Django refuses ORM calls, so the query runs in a thread of its own (and closes its connection)."""

    def run() -> T:
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_a_family_goes_from_assignment_to_first_contact_case_au_and_own_tenancy(live_server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    call_command("load_demo_data", quiet_logins=True, no_cases=True)  # organisations, users, responsibilities
    county_staff = User.objects.get(username="unterbringung-lra")
    city_staff = User.objects.get(username="unterbringung")
    caseworker = User.objects.get(username="integration")
    county, city, caritas = county_staff.organisation, city_staff.organisation, caseworker.organisation
    ludwigsburg = Municipality.objects.get(name="Ludwigsburg")
    today = datetime.date.today()
    # The county's VU where the family lives, and the city's AU they will move into.
    vu = accommodation_services.create_shelter(
        acting_user=county_staff,
        organisation=county,
        places=20,
        places_from=today - datetime.timedelta(days=400),
        name="GU Schwieberdinger Straße",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=ludwigsburg,
        street="Schwieberdinger Straße 120",
        postal_code="71636",
    )
    au = accommodation_services.create_shelter(
        acting_user=city_staff,
        organisation=city,
        places=8,
        places_from=today - datetime.timedelta(days=400),
        name="AU Fuchshof",
        kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG,
        municipality=ludwigsburg,
        street="Fuchshofstraße 60",
        postal_code="71638",
    )
    household = people_services.create_household(acting_user=None, organisation=county)
    arrived = today - datetime.timedelta(days=150)
    family: list[Person] = []
    for relationship, fields in (
        (Relationship.HEAD, {"given_names": "Zahra", "birth_date": datetime.date(1990, 4, 12), "gender": "w"}),
        (Relationship.CHILD, {"given_names": "Omid", "birth_date": datetime.date(2015, 9, 3), "gender": "m"}),
    ):
        person = accommodation_services.register_resident(
            acting_user=county_staff,
            organisation=county,
            family_name="Haidari",
            birth_date_precision=BirthDatePrecision.DAY,
            nationalities=["AF"],
            languages=["prs"],
            **fields,
        )
        people_services.join_household(
            acting_user=None, person=person, household=household, relationship=relationship, since=arrived
        )
        accommodation_services.move_in(acting_user=county_staff, shelter=vu, person=person, on=arrived)
        family.append(person)
    family_ids = {p.pk for p in family}

    assigned_on = today - datetime.timedelta(days=14)
    moved_in_on = today - datetime.timedelta(days=7)
    base = live_server.url
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    errors: list[str] = []
    too_wide: list[str] = []

    def watch(page: Any) -> None:
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on(
            "response",
            lambda response: (
                errors.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None
            ),
        )

    def fits(page: Any, name: str, *, narrow: bool = False) -> None:
        """The page is not wider than its window (also at 768 px for the key pages); a screenshot of it."""
        widths = (WIDE, NARROW) if narrow else (WIDE,)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wide > 0:
                too_wide.append(f"{name} at {width} px: {wide} px wider than the window")
        if narrow:
            page.screenshot(path=str(SCREENSHOT_DIR / f"journey_{name}_{NARROW}.png"), full_page=True)
            page.set_viewport_size({"width": WIDE, "height": 900})
        page.screenshot(path=str(SCREENSHOT_DIR / f"journey_{name}.png"), full_page=True)

    def submit(page: Any) -> None:
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").last.click()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        expect = sync_api.expect

        def sign_in(username: str) -> Any:
            context = browser.new_context(locale="de-DE", viewport={"width": WIDE, "height": 900})
            page = context.new_page()
            watch(page)
            page.goto(base + reverse("login"))
            page.fill("#id_username", username)
            page.fill("#id_password", data.DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            return page

        try:
            # 1. The district office assigns the family to Ludwigsburg, into a future shelter of the city.
            county_page = sign_in("unterbringung-lra")
            county_page.goto(base + reverse("accommodation:assignment_create"))
            expect(county_page.get_by_role("heading", level=1)).to_have_text("Zuweisung erfassen")
            expect(county_page.locator("main")).to_contain_text("Haidari, Zahra")
            fits(county_page, "assignment_form", narrow=True)
            county_page.locator("[name=gemeinde]").select_option(ludwigsburg.ags)
            county_page.locator("[name=date]").fill(assigned_on.isoformat())
            county_page.locator("[name=reference]").fill("ZW-2026-0815")
            county_page.locator("[name=future_shelter]").select_option(str(au.pk))
            county_page.locator(f"#household-{household.pk}").check()
            submit(county_page)
            expect(county_page.locator("main")).to_contain_text("Die Zuweisung an Ludwigsburg wurde erfasst.")
            expect(county_page.locator("main")).to_contain_text(caritas.name)
            fits(county_page, "assignment_detail")

            assignment = in_db(
                lambda: Assignment.objects.select_related("municipality", "future_shelter").get(
                    reference="ZW-2026-0815"
                )
            )
            assert (assignment.municipality, assignment.date, assignment.future_shelter) == (
                ludwigsburg,
                assigned_on,
                au,
            )
            assert set(in_db(lambda: list(assignment.assigned_persons.values_list("person_id", flat=True)))) == (
                family_ids
            )
            arrival = in_db(lambda: Arrival.objects.get(assignment=assignment))
            assert (arrival.organisation_id, arrival.state) == (caritas.pk, ArrivalState.NEW)

            # 2. Caritas sees the family in "Neuzugänge", records the first contact right there ...
            caseworker_page = sign_in("integration")
            caseworker_page.goto(base + reverse("arrivals:arrival_list"))
            entry = caseworker_page.locator("section.card", has=caseworker_page.locator(f"#arrival-{arrival.pk}"))
            expect(entry).to_contain_text("Haidari")
            expect(entry).to_contain_text("2 Personen")
            expect(entry).to_contain_text("AU Fuchshof")
            fits(caseworker_page, "arrival_list", narrow=True)
            entry.locator(f"#contact-on-{arrival.pk}").fill(today.isoformat())
            entry.locator(f"#contact-form-{arrival.pk}").select_option("unterkunft")
            with caseworker_page.expect_navigation():
                entry.get_by_role("button", name="Erstkontakt erfassen").click()
            expect(caseworker_page.locator("main")).to_contain_text("Der Erstkontakt wurde erfasst.")
            arrival = in_db(lambda: Arrival.objects.get(pk=arrival.pk))
            assert (arrival.state, arrival.first_contact_on, arrival.first_contact_form) == (
                ArrivalState.CONTACT_MADE,
                today,
                "unterkunft",
            )

            # ... and begins counselling with the family's consent to the exchange with the city.
            with caseworker_page.expect_navigation():
                caseworker_page.locator(f"#arrival-{arrival.pk} a").click()
            fits(caseworker_page, "arrival_detail")
            with caseworker_page.expect_navigation():
                caseworker_page.get_by_role("link", name="Beratung beginnen").click()
            fits(caseworker_page, "arrival_begin")
            caseworker_page.locator("[name=consent]").check()
            caseworker_page.locator("[name=consent_recipient]").select_option(str(city.pk))
            submit(caseworker_page)
            expect(caseworker_page.locator("main")).to_contain_text(
                "Die Beratung hat begonnen: Der Fall wurde aus dem Neuzugang eröffnet."
            )
            expect(caseworker_page.locator("main")).to_contain_text("Haidari, Omid")
            fits(caseworker_page, "case_detail", narrow=True)

            def counselling() -> tuple[Arrival, Case, dict[int, Person], list[Consent]]:
                arrival_now = Arrival.objects.select_related("case").get(pk=arrival.pk)
                links = PersonLink.objects.filter(accommodation_person__in=family).select_related("casework_person")
                opened = arrival_now.case
                assert opened is not None, "no case was opened from the new arrival"
                consents = list(Consent.objects.filter(case=opened).order_by("person_id"))
                return (
                    arrival_now,
                    opened,
                    {link.accommodation_person_id: link.casework_person for link in links},
                    consents,
                )

            arrival, case, clients, consents = in_db(counselling)
            assert arrival.state == ArrivalState.COUNSELLING
            assert caseworker_page.url == base + reverse("cases:case_detail", args=[case.pk])
            assert (case.organisation_id, case.municipality_id, case.responsible_id) == (
                caritas.pk,
                ludwigsburg.pk,
                caseworker.pk,
            )
            assert set(clients) == family_ids
            assert {p.organisation_id for p in clients.values()} == {caritas.pk}
            assert {(p.given_names, p.birth_date) for p in clients.values()} == {
                ("Zahra", datetime.date(1990, 4, 12)),
                ("Omid", datetime.date(2015, 9, 3)),
            }
            case_members = set(in_db(lambda: list(case.clients.values_list("pk", flat=True))))
            assert case_members == {p.pk for p in clients.values()}
            assert consents, "the consent to the data exchange was not recorded"
            assert {(c.purpose, c.recipient_organisation_id, c.given_on, c.withdrawn_on) for c in consents} == {
                (ConsentPurpose.HOUSING_EXCHANGE, city.pk, today, None)
            }

            # 3. The city moves the family into its AU; the housing situation reaches the caseworker.
            city_page = sign_in("unterbringung")
            for person in family:
                city_page.goto(base + reverse("accommodation:shelter_detail", args=[au.pk]))
                with city_page.expect_navigation():
                    city_page.get_by_role("link", name="Einzug", exact=True).click()
                city_page.locator("form[role=search] [name=q]").fill("Haidari")
                with city_page.expect_navigation():
                    city_page.locator("form[role=search] button[type=submit]").click()
                city_page.locator(f"input[name=person][value='{person.pk}']").check()
                city_page.locator("main form[method=post] [name=on]").fill(moved_in_on.isoformat())
                fits(city_page, "move_in")
                submit(city_page)
                expect(city_page.locator("main")).to_contain_text(f"{person.full_name} ist am")
            fits(city_page, "shelter_detail")

            def housing() -> tuple[list[Occupancy], list[Occupancy], list[HousingRecord], int]:
                stays = list(Occupancy.objects.filter(person__in=family, place__shelter=au, move_out__isnull=True))
                vu_stays = list(Occupancy.objects.filter(person__in=family, place__shelter=vu))
                records = list(
                    HousingRecord.objects.filter(person__in=clients.values(), valid_from=moved_in_on).order_by(
                        "person_id"
                    )
                )
                notices = ExchangeNotice.objects.filter(
                    organisation=caritas, person__in=clients.values(), seen_at__isnull=True
                ).count()
                return stays, vu_stays, records, notices

            stays, vu_stays, records, notices = in_db(housing)
            assert {s.person_id for s in stays} == family_ids
            assert {(s.move_out, s.move_out_reason) for s in vu_stays} == {
                (moved_in_on, MoveOutReason.UMZUG_ANDERE_UNTERKUNFT)
            }
            assert {(r.person_id, r.situation, r.municipality_id) for r in records} == {
                (p.pk, HousingSituation.ANSCHLUSSUNTERBRINGUNG, ludwigsburg.pk) for p in clients.values()
            }
            assert notices == 2

            caseworker_page.goto(base + reverse("cases:worklist"))
            notices_list = caseworker_page.get_by_test_id("exchange-notices")
            expect(notices_list).to_contain_text("Wohnsituation aus der Unterbringung übermittelt")
            expect(notices_list).to_contain_text("Haidari, Zahra")
            expect(notices_list).to_contain_text("Haidari, Omid")
            expect(notices_list).to_contain_text(city.name)
            fits(caseworker_page, "worklist")

            # 4. The caseworker records the own tenancy of each family member on the case ...
            tenancy_from = today
            for person in clients.values():
                caseworker_page.goto(base + reverse("cases:case_detail", args=[case.pk]))
                with caseworker_page.expect_navigation():
                    caseworker_page.get_by_role("link", name=person.full_name, exact=True).click()
                with caseworker_page.expect_navigation():
                    caseworker_page.locator("a[href$='/facts/housing/new/']").click()
                caseworker_page.locator("[name=valid_from]").fill(tenancy_from.isoformat())
                caseworker_page.locator("[name=situation]").select_option(HousingSituation.PRIVATER_MIETVERTRAG)
                caseworker_page.locator("[name=municipality]").select_option(str(ludwigsburg.pk))
                fits(caseworker_page, "housing_record")
                submit(caseworker_page)
                expect(caseworker_page.locator("main")).to_contain_text("eigener Mietvertrag, Ludwigsburg")
            fits(caseworker_page, "person_detail")

            plans = in_db(
                lambda: list(
                    PlannedMoveOut.objects.filter(occupancy__in=stays).values_list(
                        "occupancy__person_id", "planned_on", "status", "from_organisation_id"
                    )
                )
            )
            assert set(plans) == {(pk, tenancy_from, PlannedMoveOutStatus.PLANNED, caritas.pk) for pk in family_ids}

            # ... the city sees the planned move-outs and records the move into the own flat.
            stay_of = {stay.person_id: stay for stay in stays}
            for person in family:
                city_page.goto(base + reverse("arrivals:planned_move_out_list"))
                table = city_page.get_by_test_id("planned-move-outs")
                expect(table).to_contain_text(person.full_name)
                expect(table).to_contain_text(caritas.name)
                fits(city_page, "planned_move_outs")
                with city_page.expect_navigation():
                    move_out = reverse("accommodation:move_out", args=[stay_of[person.pk].pk])
                    table.locator(f"a[href='{move_out}']").click()
                city_page.locator("[name=on]").fill(today.isoformat())
                city_page.locator("[name=reason]").select_option(MoveOutReason.PRIVATER_MIETVERTRAG)
                fits(city_page, "move_out")
                submit(city_page)
                expect(city_page.get_by_role("heading", level=1)).to_have_text("Auszug erfasst")
                expect(city_page.locator("main .alert-success[role=status]")).to_contain_text(
                    f"{person.full_name} ist am {today:%d.%m.%Y} aus AU Fuchshof ausgezogen (eigener Mietvertrag)."
                )
            fits(city_page, "moved_out")
            city_page.goto(base + reverse("arrivals:planned_move_out_list"))
            expect(city_page.locator("main")).to_contain_text("Kein Auszug geplant.")
        finally:
            browser.close()

    assert not errors, "Errors in the browser:\n" + "\n".join(errors)
    assert not too_wide, "Pages wider than their window:\n" + "\n".join(too_wide)
    for stay in Occupancy.objects.filter(pk__in=[s.pk for s in stays]):
        assert (stay.move_out, stay.move_out_reason) == (today, MoveOutReason.PRIVATER_MIETVERTRAG)
    assert set(PlannedMoveOut.objects.filter(occupancy__in=stays).values_list("status", flat=True)) == {
        PlannedMoveOutStatus.DONE
    }
    # The accommodation records say the own tenancy; the casework records keep the one the caseworker entered.
    for person in family:
        latest = HousingRecord.objects.filter(person=person).order_by("-valid_from").first()
        assert latest is not None
        assert (latest.valid_from, latest.situation, latest.municipality_id) == (
            today,
            HousingSituation.PRIVATER_MIETVERTRAG,
            ludwigsburg.pk,
        )
    for client in clients.values():
        assert list(
            HousingRecord.objects.filter(person=client, valid_from=today).values_list("situation", flat=True)
        ) == [HousingSituation.PRIVATER_MIETVERTRAG]
    assert Case.objects.get(pk=case.pk).status != "abgeschlossen"
