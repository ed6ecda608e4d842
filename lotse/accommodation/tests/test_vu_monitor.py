"""The VU monitor: months in preliminary accommodation, flags, filters, scoping, queries, export and access log."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import monitor, services
from lotse.accommodation.choices import ShelterKind
from lotse.accommodation.models import Occupancy, Shelter
from lotse.accommodation.monitor import Flag, add_months, continuous_start, decided_on, flag_of, whole_months
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people.choices import AsylumOutcome, AsylumStage, Relationship
from lotse.people.models import AsylumRecord, Household, HouseholdMembership, Person

D = datetime.date
URL = reverse("accommodation:vu_monitor")
XLSX = reverse("accommodation:vu_monitor_xlsx")


# --- the rules, without the database ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "day", "months"),
    [
        (D(2024, 1, 15), D(2024, 1, 15), 0),
        (D(2024, 1, 15), D(2024, 2, 14), 0),
        (D(2024, 1, 15), D(2024, 2, 15), 1),
        (D(2024, 1, 15), D(2024, 3, 14), 1),
        (D(2024, 1, 15), D(2024, 3, 15), 2),
        # A month without the start's day number completes on its last day.
        (D(2024, 1, 31), D(2024, 2, 28), 0),
        (D(2024, 1, 31), D(2024, 2, 29), 1),
        (D(2024, 1, 31), D(2024, 3, 30), 1),
        (D(2024, 1, 31), D(2024, 3, 31), 2),
        (D(2023, 3, 10), D(2025, 3, 9), 23),
        (D(2023, 3, 10), D(2025, 3, 10), 24),
        (D(2022, 12, 1), D(2025, 2, 1), 26),
        (D(2024, 5, 1), D(2024, 4, 30), 0),
    ],
)
def test_it_counts_whole_months(start: datetime.date, day: datetime.date, months: int) -> None:
    assert whole_months(start, day) == months


def test_it_adds_months_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 12, 15), 24) == D(2025, 12, 15)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)


class Stay:
    def __init__(self, move_in: datetime.date, move_out: datetime.date | None = None) -> None:
        self.move_in, self.move_out = move_in, move_out


def test_it_keeps_the_start_across_moves_and_restarts_after_a_gap() -> None:
    first, second, third = Stay(D(2023, 1, 10), D(2023, 6, 1)), Stay(D(2023, 6, 1), D(2024, 2, 1)), Stay(D(2024, 2, 1))
    assert continuous_start([first, second, third], third) == D(2023, 1, 10)
    # A day between two stays (or a stay elsewhere, which is not among the VU stays) breaks the chain.
    after_gap = Stay(D(2024, 2, 2))
    assert continuous_start([first, second, Stay(D(2023, 6, 1), D(2024, 2, 1)), after_gap], after_gap) == D(2024, 2, 2)


class Record:
    def __init__(self, valid_from: datetime.date, stage: str) -> None:
        self.valid_from, self.stage = valid_from, stage


def test_it_dates_the_decision_at_the_first_of_the_decided_stages() -> None:
    assert decided_on([]) is None
    assert decided_on([Record(D(2024, 1, 1), AsylumStage.ANTRAG), Record(D(2024, 3, 1), AsylumStage.ANHOERUNG)]) is None
    stages = [
        Record(D(2024, 1, 1), AsylumStage.ANTRAG),
        Record(D(2024, 6, 1), AsylumStage.BESCHEID),
        Record(D(2024, 7, 1), AsylumStage.KLAGE),
    ]
    assert decided_on(stages) == D(2024, 6, 1)
    # A procedure taken up again (a new hearing) is undecided until its next decision.
    assert decided_on([*stages, Record(D(2025, 1, 1), AsylumStage.ANHOERUNG)]) is None


def test_it_flags_what_is_reached_first() -> None:
    since, day = D(2023, 1, 10), D(2024, 12, 1)
    # Nothing reached, 24 months on 10.01.2025: within the next 3 months, not within 1.
    assert flag_of(since, None, day, 3) == (Flag.SOON, D(2025, 1, 10))
    assert flag_of(since, None, day, 1) == (Flag.NONE, None)
    assert flag_of(since, D(2024, 11, 30), day, 3) == (Flag.DECISION, D(2024, 11, 30))
    # Past the 24 months: a decision before them counts, one after them does not.
    later = D(2025, 3, 1)
    assert flag_of(since, None, later, 3) == (Flag.REACHED, D(2025, 1, 10))
    assert flag_of(since, D(2024, 6, 1), later, 3) == (Flag.DECISION, D(2024, 6, 1))
    assert flag_of(since, D(2025, 2, 1), later, 3) == (Flag.REACHED, D(2025, 1, 10))
    assert flag_of(since, D(2025, 1, 10), later, 3) == (Flag.DECISION, D(2025, 1, 10))
    assert flag_of(since, None, D(2025, 1, 10), 3) == (Flag.REACHED, D(2025, 1, 10))


# --- the page --------------------------------------------------------------------------------------------


@pytest.fixture
def second_vu_shelter(county: Organisation, asperg: Municipality) -> Shelter:
    return services.create_shelter(
        acting_user=None,
        organisation=county,
        places=10,
        places_from=D(2020, 1, 1),
        name="GU Asperg, Lindenstraße",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=asperg,
    )


def person(county: Organisation, family_name: str, **fields: object) -> Person:
    return services.register_resident(acting_user=None, organisation=county, family_name=family_name, **fields)


def housed(county: Organisation, shelter: Shelter, family_name: str, on: datetime.date, **fields: object) -> Person:
    resident = person(county, family_name, **fields)
    services.move_in(acting_user=None, shelter=shelter, person=resident, on=on)
    return resident


def stage(resident: Person, on: datetime.date, code: str, outcome: str = "") -> AsylumRecord:
    return AsylumRecord.objects.create(person=resident, valid_from=on, stage=code, outcome=outcome)


def rows_of(client: Client, query: str = "") -> list[monitor.MonitorRow]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return list(response.context["rows"])


def row_of(client: Client, resident: Person, query: str) -> monitor.MonitorRow:
    found = [row for row in rows_of(client, query) if row.person == resident]
    assert len(found) == 1, found
    return found[0]


def test_it_keeps_the_start_of_the_vu_stay_across_moves_between_vu_shelters(
    county_housing_officer: User, county: Organisation, county_shelter: Shelter, second_vu_shelter: Shelter
) -> None:
    resident = housed(county, county_shelter, "Haddad", D(2023, 1, 10), given_names="Amina")
    services.move_in(acting_user=None, shelter=second_vu_shelter, person=resident, on=D(2024, 2, 1))

    row = row_of(client_for(county_housing_officer), resident, "stichtag=2025-01-09")

    assert (row.since, row.months, row.shelter) == (D(2023, 1, 10), 23, second_vu_shelter)
    assert (row.flag, row.flag_day, row.limit) == (Flag.SOON, D(2025, 1, 10), D(2025, 1, 10))
    # Also when the shelter is chosen, the stay began in the other one.
    chosen = row_of(
        client_for(county_housing_officer), resident, f"stichtag=2025-01-09&unterkunft={second_vu_shelter.pk}"
    )
    assert (chosen.since, chosen.months) == (D(2023, 1, 10), 23)
    page = client_for(county_housing_officer).get(f"{URL}?stichtag=2025-01-09").content.decode()
    assert "GU Asperg, Lindenstraße" in page and "10.01.2023" in page
    assert 'erreicht bald 24 Monate</span><br><span class="small">am 10.01.2025' in page


def test_it_starts_anew_after_a_stay_in_follow_up_accommodation(
    county_housing_officer: User, county: Organisation, county_shelter: Shelter, follow_up_shelter: Shelter
) -> None:
    resident = housed(county, county_shelter, "Rahimi", D(2022, 1, 3))
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=resident, on=D(2022, 6, 1))
    client = client_for(county_housing_officer)
    assert rows_of(client, "stichtag=2023-01-01") == []

    services.move_in(acting_user=None, shelter=county_shelter, person=resident, on=D(2023, 5, 2))

    row = row_of(client, resident, "stichtag=2024-05-02")
    assert (row.since, row.months, row.flag) == (D(2023, 5, 2), 12, Flag.NONE)
    # On a day of the first stay, that stay is shown with its own start.
    earlier = row_of(client, resident, "stichtag=2022-05-31")
    assert (earlier.since, earlier.months, earlier.shelter) == (D(2022, 1, 3), 4, county_shelter)


def test_it_shows_who_was_in_vu_on_a_past_reference_date(
    county_housing_officer: User,
    county: Organisation,
    county_shelter: Shelter,
    follow_up_shelter: Shelter,
    ludwigsburg: Municipality,
) -> None:
    moved_on = housed(county, county_shelter, "Karimi", D(2023, 2, 1))
    stage(moved_on, D(2023, 3, 1), AsylumStage.ANTRAG)
    stage(moved_on, D(2024, 4, 1), AsylumStage.BESCHEID, AsylumOutcome.SUBSIDIAERER_SCHUTZ)
    services.record_assignment(
        acting_user=None, organisation=county, municipality=ludwigsburg, date=D(2024, 5, 2), persons=[moved_on]
    )
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=moved_on, on=D(2024, 6, 1))
    newcomer = housed(county, county_shelter, "Nouri", D(2024, 4, 15))
    client = client_for(county_housing_officer)

    before = row_of(client, moved_on, "stichtag=2024-03-31")
    assert before.months == 13
    assert before.stage is not None and before.stage.stage == AsylumStage.ANTRAG
    assert (before.decision, before.assignment, before.flag) == (None, None, Flag.NONE)
    assert newcomer not in [row.person for row in rows_of(client, "stichtag=2024-03-31")]

    later = row_of(client, moved_on, "stichtag=2024-05-31")
    assert later.decision is not None and later.decision.outcome == AsylumOutcome.SUBSIDIAERER_SCHUTZ
    assert later.assignment is not None and later.assignment.municipality == ludwigsburg
    assert (later.flag, later.flag_day) == (Flag.DECISION, D(2024, 4, 1))
    page = client.get(f"{URL}?stichtag=2024-05-31").content.decode()
    assert "Entscheidung: subsidiärer Schutz am 01.04.2024" in page

    # Today, the person lives in follow-up accommodation and is no longer listed.
    assert [row.person for row in rows_of(client)] == [newcomer]


def test_it_shows_age_household_stage_and_assignment(
    county_housing_officer: User, county: Organisation, county_shelter: Shelter, ludwigsburg: Municipality
) -> None:
    head = housed(
        county,
        county_shelter,
        "Haddad",
        D(2024, 1, 10),
        given_names="Amina",
        birth_date=D(1990, 6, 1),
        birth_date_precision="day",
    )
    child = housed(
        county,
        county_shelter,
        "Haddad",
        D(2024, 1, 10),
        given_names="Yusuf",
        birth_date=D(2015, 2, 3),
        birth_date_precision="day",
    )
    household = Household.objects.create(organisation=county)
    HouseholdMembership.objects.create(
        household=household, person=head, relationship=Relationship.HEAD, valid_from=D(2024, 1, 10)
    )
    HouseholdMembership.objects.create(
        household=household, person=child, relationship=Relationship.CHILD, valid_from=D(2024, 1, 10)
    )
    stage(head, D(2024, 2, 1), AsylumStage.ANHOERUNG)
    services.record_assignment(
        acting_user=None, organisation=county, municipality=ludwigsburg, date=D(2024, 9, 2), persons=[head]
    )
    client = client_for(county_housing_officer)

    row = row_of(client, head, "stichtag=2024-10-01")
    assert (row.age, row.household_size, row.months) == (34, 2, 8)
    assert row.assignment is not None and row.municipality_name == "Ludwigsburg"
    assert row_of(client, child, "stichtag=2024-10-01").municipality_name == "noch nicht zugewiesen"
    page = client.get(f"{URL}?stichtag=2024-10-01").content.decode()
    assert "geb. 01.06.1990 (34 Jahre)" in page
    assert "Anhörung" in page and "noch nicht zugewiesen" in page


@pytest.fixture
def flagged(
    county: Organisation, county_shelter: Shelter, second_vu_shelter: Shelter, ludwigsburg: Municipality
) -> dict[str, Person]:
    """On 01.03.2025: one decided, one past 24 months, one reaching them within 3 months, one without flag."""
    decided = housed(county, county_shelter, "Amiri", D(2024, 1, 5))
    stage(decided, D(2025, 2, 1), AsylumStage.BESCHEID, AsylumOutcome.FLUECHTLINGSSCHUTZ)
    overdue = housed(county, second_vu_shelter, "Bakri", D(2022, 12, 1))
    soon = housed(county, county_shelter, "Chalabi", D(2023, 4, 20))
    fresh = housed(county, second_vu_shelter, "Darwish", D(2024, 11, 1))
    services.record_assignment(
        acting_user=None, organisation=county, municipality=ludwigsburg, date=D(2025, 2, 10), persons=[decided, soon]
    )
    return {"decided": decided, "overdue": overdue, "soon": soon, "fresh": fresh}


def test_it_flags_sorts_and_counts(county_housing_officer: User, flagged: dict[str, Person]) -> None:
    response = client_for(county_housing_officer).get(f"{URL}?stichtag=2025-03-01")

    rows = list(response.context["rows"])
    assert [(row.person.family_name, row.months, row.flag) for row in rows] == [
        ("Bakri", 27, Flag.REACHED),
        ("Chalabi", 22, Flag.SOON),
        ("Amiri", 13, Flag.DECISION),
        ("Darwish", 4, Flag.NONE),
    ]
    counts = {count.code: count.count for count in response.context["monitor"].counts}
    assert counts == {Flag.DECISION: 1, Flag.REACHED: 1, Flag.SOON: 1, Flag.NONE: 1}
    page = response.content.decode()
    assert "Entscheidung ergangen: <strong>1</strong>" in page
    assert "24 Monate erreicht: <strong>1</strong>" in page
    assert "4 Personen insgesamt" in page


def test_it_warns_as_many_months_ahead_as_chosen(county_housing_officer: User, flagged: dict[str, Person]) -> None:
    client = client_for(county_housing_officer)
    assert row_of(client, flagged["soon"], "stichtag=2025-03-01&monate=1").flag == Flag.NONE
    assert row_of(client, flagged["soon"], "stichtag=2025-03-01&monate=2").flag == Flag.SOON


def test_it_filters_by_shelter_municipality_and_flag(
    county_housing_officer: User, flagged: dict[str, Person], second_vu_shelter: Shelter
) -> None:
    client = client_for(county_housing_officer)

    def names(query: str) -> list[str]:
        return [row.person.family_name for row in rows_of(client, f"stichtag=2025-03-01&{query}")]

    assert names(f"unterkunft={second_vu_shelter.pk}") == ["Bakri", "Darwish"]
    assert names("gemeinde=08118048") == ["Chalabi", "Amiri"]
    assert names("gemeinde=offen") == ["Bakri", "Darwish"]
    assert names("hinweis=entscheidung") == ["Amiri"]
    assert names("hinweis=24-monate") == ["Bakri"]
    assert names("hinweis=bald") == ["Chalabi"]
    assert names("hinweis=keiner") == ["Darwish"]
    assert names(f"unterkunft={second_vu_shelter.pk}&gemeinde=offen&hinweis=keiner") == ["Darwish"]
    # The counts follow shelter and municipality, not the flag chosen.
    response = client.get(f"{URL}?stichtag=2025-03-01&gemeinde=offen&hinweis=keiner")
    counts = {count.code: count.count for count in response.context["monitor"].counts}
    assert counts == {Flag.DECISION: 0, Flag.REACHED: 1, Flag.SOON: 0, Flag.NONE: 1}


def test_it_drops_an_invalid_filter_and_refuses_a_reference_date_in_the_future(
    county_housing_officer: User, flagged: dict[str, Person]
) -> None:
    client = client_for(county_housing_officer)
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()

    response = client.get(f"{URL}?stichtag={future}&unterkunft=999999&hinweis=unbekannt")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Der Stichtag darf nicht in der Zukunft liegen." in page
    assert response.context["monitor"].day == datetime.date.today()
    assert len(response.context["rows"]) == 4
    # Without a choice, the form shows the warning in use.
    assert 'name="monate" value="3"' in page


def test_it_lists_only_the_vu_shelters_of_the_district_office(
    county_housing_officer: User,
    county: Organisation,
    city: Organisation,
    county_shelter: Shelter,
    follow_up_shelter: Shelter,
    ludwigsburg: Municipality,
) -> None:
    in_vu = housed(county, county_shelter, "Haddad", D(2024, 1, 10))
    housed(city, follow_up_shelter, "Rahimi", D(2024, 1, 10))
    emergency = services.create_shelter(
        acting_user=None,
        organisation=county,
        places=2,
        places_from=D(2020, 1, 1),
        name="Notunterkunft Sporthalle",
        kind=ShelterKind.NOTUNTERKUNFT,
        municipality=ludwigsburg,
    )
    housed(county, emergency, "Nouri", D(2024, 1, 10))
    elsewhere = services.create_shelter(
        acting_user=None,
        organisation=city,
        places=2,
        places_from=D(2020, 1, 1),
        name="GU der Stadt",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=ludwigsburg,
    )
    housed(city, elsewhere, "Saleh", D(2024, 1, 10))

    response = client_for(county_housing_officer).get(f"{URL}?stichtag=2024-06-01")

    assert [row.person for row in response.context["rows"]] == [in_vu]
    assert "GU der Stadt" not in response.content.decode()


@pytest.mark.parametrize("name", [URL, XLSX])
def test_it_is_the_district_offices_page_only(
    request: pytest.FixtureRequest, name: str, county_housing_officer: User, flagged: dict[str, Person]
) -> None:
    """A city's accommodation staff hold the role but do not find the page (404), every other role is refused."""
    assert client_for(county_housing_officer).get(name).status_code == 200
    assert client_for(request.getfixturevalue("housing_officer")).get(name).status_code == 404
    for persona in ("caseworker_a", "teamlead_a", "statistician", "sysadmin", "org_admin_a", "network_editor"):
        assert client_for(request.getfixturevalue(persona)).get(name).status_code == 403, persona
    assert client_for(county_housing_officer).post(name).status_code == 405
    assert AccessLogEntry.objects.exclude(by=county_housing_officer).count() == 0


def test_it_shows_the_navigation_entry_to_the_district_office_only(
    county_housing_officer: User, housing_officer: User
) -> None:
    start = reverse("core:start")
    assert URL in client_for(county_housing_officer).get(start).content.decode()
    assert URL not in client_for(housing_officer).get(start).content.decode()


def test_it_runs_a_fixed_number_of_queries(
    county_housing_officer: User, county: Organisation, county_shelter: Shelter, ludwigsburg: Municipality
) -> None:
    def resident_with_everything(name: str) -> None:
        resident = housed(county, county_shelter, name, D(2024, 1, 10))
        household = Household.objects.create(organisation=county)
        HouseholdMembership.objects.create(
            household=household, person=resident, relationship=Relationship.HEAD, valid_from=D(2024, 1, 10)
        )
        stage(resident, D(2024, 2, 1), AsylumStage.ANTRAG)
        stage(resident, D(2024, 9, 1), AsylumStage.BESCHEID, AsylumOutcome.ABLEHNUNG)
        services.record_assignment(
            acting_user=None, organisation=county, municipality=ludwigsburg, date=D(2024, 10, 1), persons=[resident]
        )

    client = client_for(county_housing_officer)
    resident_with_everything("Amiri")
    few = queries_of(client, f"{URL}?stichtag=2025-01-01")
    few_export = queries_of(client, f"{XLSX}?stichtag=2025-01-01")
    for name in ("Bakri", "Chalabi", "Darwish", "Haddad"):
        resident_with_everything(name)
    assert_same_queries(few, queries_of(client, f"{URL}?stichtag=2025-01-01"))
    assert_same_queries(few_export, queries_of(client, f"{XLSX}?stichtag=2025-01-01"))


def test_it_pages_and_logs_the_stays_shown(
    monkeypatch: pytest.MonkeyPatch, county_housing_officer: User, county: Organisation, flagged: dict[str, Person]
) -> None:
    monkeypatch.setattr(monitor, "ROWS_PER_PAGE", 3)
    client = client_for(county_housing_officer)

    first = client.get(f"{URL}?stichtag=2025-03-01")
    second = client.get(f"{URL}?stichtag=2025-03-01&page=2")

    assert [row.person.family_name for row in first.context["rows"]] == ["Bakri", "Chalabi", "Amiri"]
    assert [row.person.family_name for row in second.context["rows"]] == ["Darwish"]
    assert "stichtag=2025-03-01&amp;page=2" in first.content.decode()
    rows = list(AccessLogEntry.objects.order_by("pk"))
    stays = {stay.pk: stay.person.family_name for stay in Occupancy.objects.select_related("person")}
    assert [(row.action, row.record_type, stays[int(row.record_id)]) for row in rows] == [
        (AccessAction.VIEW, "accommodation.occupancy", "Bakri"),
        (AccessAction.VIEW, "accommodation.occupancy", "Chalabi"),
        (AccessAction.VIEW, "accommodation.occupancy", "Amiri"),
        (AccessAction.VIEW, "accommodation.occupancy", "Darwish"),
    ]
    assert {(row.by_id, row.organisation_id, row.record_organisation_id) for row in rows} == {
        (county_housing_officer.pk, county.pk, county.pk)
    }
    assert rows[-1].path == f"{URL}?stichtag=2025-03-01&page=2"
    # A HEAD request shows nobody and writes nothing.
    assert client.head(f"{URL}?stichtag=2025-03-01").status_code == 200
    assert AccessLogEntry.objects.count() == 4


def test_it_exports_every_row_of_the_filter(
    county_housing_officer: User, county: Organisation, flagged: dict[str, Person]
) -> None:
    response = client_for(county_housing_officer).get(f"{XLSX}?stichtag=2025-03-01&gemeinde=08118048")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="vu-monitor-2025-03-01.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Personen in der vorläufigen Unterbringung (VU-Monitor)"
    assert values[1][:2] == ["Stichtag", "01.03.2025"]
    assert values[3][:2] == ["Filter", "Ludwigsburg"]
    assert values[4][:2] == ["Entscheidung ergangen", 1]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Name")
    assert values[header_at][:8] == [
        "Name",
        "Geburtsdatum",
        "Alter",
        "Haushaltsgröße",
        "Unterkunft",
        "In VU seit",
        "Monate in VU",
        "24 Monate am",
    ]
    chalabi, amiri = values[header_at + 1], values[header_at + 2]
    assert chalabi[0] == "Chalabi"
    assert chalabi[5:8] == [datetime.datetime(2023, 4, 20), 22, datetime.datetime(2025, 4, 20)]
    assert chalabi[12:] == [
        "Ludwigsburg",
        datetime.datetime(2025, 2, 10),
        "erreicht bald 24 Monate",
        datetime.datetime(2025, 4, 20),
    ]
    assert amiri[0] == "Amiri"
    assert amiri[8:12] == [
        "Bescheid",
        datetime.datetime(2025, 2, 1),
        "Flüchtlingsschutz",
        datetime.datetime(2025, 2, 1),
    ]
    assert amiri[14] == "Entscheidung ergangen"
    assert len(values) == header_at + 3
    rows = list(AccessLogEntry.objects.order_by("pk"))
    assert [(row.action, row.record_type) for row in rows] == [(AccessAction.EXPORT, "accommodation.occupancy")] * 2
    exported = {int(row.record_id) for row in rows}
    assert exported == set(
        Occupancy.objects.filter(person__in=[flagged["soon"], flagged["decided"]]).values_list("pk", flat=True)
    )
