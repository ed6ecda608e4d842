"""The pages of new arrivals: the list (one-step first contact, filters, query count, access log), the entry,
beginning counselling, printing the info sheet, the assignment page, "Meine Arbeit" and the team page."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from lotse.accommodation import services as accommodation_services
from lotse.arrivals import intake
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import Arrival, ArrivalPrint, PersonLink
from lotse.arrivals.tests.factories import add, assign, county_family
from lotse.cases import queries as case_queries
from lotse.cases.models import Case, CaseClient, Consent
from lotse.cases.tests.factories import TODAY, frozen_today, open_case_for
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.network import sheet_services
from lotse.people.models import Person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def family(county) -> list[Person]:
    return county_family(county)


@pytest.fixture
def arrival(family, ludwigsburg, org_a) -> Arrival:
    add(ludwigsburg, org_a)
    assign(family, ludwigsburg)
    return Arrival.objects.get(organisation=org_a)


def _url(name: str, arrival: Arrival) -> str:
    return reverse(f"arrivals:{name}", args=[arrival.pk])


def test_it_lists_the_household_with_exactly_the_minimal_fields_and_logs_each_entry(arrival, caseworker_a):
    client = client_for(caseworker_a)
    with frozen_today():
        response = client.get(reverse("arrivals:arrival_list"), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Haushalt von Karimi, Ahmad", "02.03.1985", "Afghanistan", "Dari", "3 Personen", "Ludwigsburg"):
        assert shown in page, shown
    for hidden in ("0171 5550100", "Penicillin"):
        assert hidden not in page
    row = AccessLogEntry.objects.get()
    assert (row.by, row.action, row.record_type, row.record_id, row.record_organisation_id) == (
        caseworker_a,
        AccessAction.VIEW,
        "arrivals.arrival",
        str(arrival.pk),
        caseworker_a.organisation_id,
    )


def test_it_lists_in_the_same_number_of_queries_for_few_and_many(county, ludwigsburg, asperg, org_a, caseworker_a):
    add(ludwigsburg, org_a)
    add(asperg, org_a)
    assign(county_family(county), ludwigsburg)
    client = client_for(caseworker_a)
    url = reverse("arrivals:arrival_list")
    few = queries_of(client, url)
    for _ in range(3):
        assign(county_family(county), asperg, D(2025, 5, 10))
    many = queries_of(client, url)
    assert_same_queries(few, many)
    assert AccessLogEntry.objects.filter(record_type="arrivals.arrival").count() == 1 + 4


def test_it_filters_by_state_and_municipality_newest_first(county, ludwigsburg, asperg, org_a, caseworker_a):
    add(ludwigsburg, org_a)
    add(asperg, org_a)
    assign(county_family(county), ludwigsburg, D(2025, 5, 2))
    later = assign(county_family(county), asperg, D(2025, 5, 9))
    client = client_for(caseworker_a)
    url = reverse("arrivals:arrival_list")
    everything = client.get(url).context["page"].object_list
    assert [a.assignment.date for a in everything] == [D(2025, 5, 9), D(2025, 5, 2)]
    by_place = client.get(f"{url}?municipality={asperg.pk}").context["page"].object_list
    assert [a.assignment_id for a in by_place] == [later.pk]
    Arrival.objects.filter(assignment=later).update(state=ArrivalState.DECLINED)
    new_ones = client.get(f"{url}?state=neu").context["page"].object_list
    assert [a.assignment.date for a in new_ones] == [D(2025, 5, 2)]


def test_it_records_the_first_contact_in_one_step_from_the_list(arrival, caseworker_a):
    client = client_for(caseworker_a)
    with frozen_today():
        response = client.post(
            _url("arrival_contact", arrival),
            {"version": 1, "on": "2025-06-16", "form": "unterkunft", "next": "list"},
        )
    assert response.status_code == 302 and response["Location"] == reverse("arrivals:arrival_list")
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.state, stored.first_contact_on, stored.first_contact_form) == (
        ArrivalState.CONTACT_MADE,
        TODAY,
        "unterkunft",
    )


def test_it_plans_a_contact_with_a_date_to_come_and_refuses_bad_input(arrival, caseworker_a):
    client = client_for(caseworker_a)
    url = _url("arrival_contact", arrival)
    with frozen_today():
        refused = client.post(url, {"version": 1, "on": "2025-04-30", "form": "buero"}, HTTP_ACCEPT_LANGUAGE="de")
        assert refused.status_code == 200
        assert "Der Erstkontakt kann nicht vor der Zuweisung (02.05.2025) liegen." in refused.content.decode()
        empty = client.post(url, {"version": 1, "on": "", "form": "buero"}, HTTP_ACCEPT_LANGUAGE="de")
        assert empty.status_code == 200
        assert "Geben Sie das Datum des Erstkontakts ein." in empty.content.decode()
        assert Arrival.objects.get(pk=arrival.pk).state == ArrivalState.NEW
        planned = client.post(url, {"version": 1, "on": "2025-06-23", "form": "telefonisch"})
    assert planned.status_code == 302
    stored = Arrival.objects.get(pk=arrival.pk)
    assert (stored.state, stored.first_contact_on) == (ArrivalState.CONTACT_PLANNED, D(2025, 6, 23))


def test_it_shows_the_entry_with_its_history_and_logs_it(arrival, caseworker_a):
    client = client_for(caseworker_a)
    with frozen_today():
        client.post(_url("arrival_contact", arrival), {"version": 1, "on": "2025-06-16", "form": "buero"})
        response = client.get(_url("arrival_detail", arrival), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert "Erstkontakt erfolgt" in page and "Beratung beginnen" in page and "Haushaltsgröße" in page
    assert "noch nicht bekannt" in page  # no future address
    assert AccessLogEntry.objects.filter(record_type="arrivals.arrival", record_id=str(arrival.pk)).exists()


@pytest.mark.parametrize("persona", ["caseworker_b", "teamlead_b"])
def test_it_hides_the_entry_from_other_organisations(persona, request, arrival):
    client = client_for(request.getfixturevalue(persona))
    for name in ("arrival_detail", "arrival_contact", "arrival_decline", "arrival_forward", "arrival_begin"):
        assert client.get(_url(name, arrival)).status_code == 404, name
    assert (
        client.post(_url("arrival_contact", arrival), {"version": 1, "on": "2025-06-16", "form": "buero"}).status_code
        == 404
    )
    assert client.get(reverse("arrivals:arrival_list")).context["page"].paginator.count == 0
    assert Arrival.objects.get(pk=arrival.pk).state == ArrivalState.NEW


@pytest.mark.parametrize(
    "persona", ["county_housing_officer", "housing_officer", "org_admin_a", "statistician", "sysadmin"]
)
def test_it_refuses_the_pages_to_everybody_without_the_capability(persona, request, arrival):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("arrivals:arrival_list")).status_code == 403
    assert client.get(_url("arrival_detail", arrival)).status_code == 403
    assert (
        client.post(_url("arrival_contact", arrival), {"version": 1, "on": "2025-06-16", "form": "buero"}).status_code
        == 403
    )
    assert Arrival.objects.get(pk=arrival.pk).state == ArrivalState.NEW


def test_it_lets_only_the_team_lead_name_the_caseworker(arrival, teamlead_a, caseworker_a):
    url = _url("arrival_caseworker", arrival)
    assert client_for(caseworker_a).post(url, {"version": 1, "responsible": caseworker_a.pk}).status_code == 403
    assert client_for(teamlead_a).post(url, {"version": 1, "responsible": caseworker_a.pk}).status_code == 302
    assert Arrival.objects.get(pk=arrival.pk).responsible == caseworker_a


def test_it_begins_counselling_from_the_entry_in_one_step(arrival, family, caseworker_a, county):
    client = client_for(caseworker_a)
    url = _url("arrival_begin", arrival)
    form = client.get(url).context["form"]
    assert form["consent_recipient"].value() == county.pk
    with frozen_today():
        response = client.post(
            url,
            {
                "version": 1,
                "start_date": "2025-06-16",
                "responsible": caseworker_a.pk,
                "consent": "on",
                "consent_recipient": county.pk,
                "consent_given_on": "2025-06-16",
            },
        )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert CaseClient.objects.filter(case=case).count() == 3
    assert PersonLink.objects.count() == 3 and Consent.objects.filter(case=case).count() == 3
    assert Arrival.objects.get(pk=arrival.pk).state == ArrivalState.COUNSELLING


def test_it_offers_a_likely_duplicate_and_takes_it_over(arrival, family, caseworker_a, org_a):
    case = open_case_for(
        caseworker_a, family_name="Karimi", given_names="Ahmed", birth_date=D(1985, 3, 2), birth_date_precision="day"
    )
    known = CaseClient.objects.get(case=case).person
    client = client_for(caseworker_a)
    url = _url("arrival_begin", arrival)
    form = client.get(url).context["form"]
    field = f"take_{family[1].pk}"
    assert field in form.fields
    assert str(known.pk) in [str(value) for value, _label in form.fields[field].choices]
    assert AccessLogEntry.objects.filter(record_type="people.person", record_id=str(known.pk)).exists()
    with frozen_today():
        response = client.post(
            url, {"version": 1, "start_date": "2025-06-16", "responsible": caseworker_a.pk, field: known.pk}
        )
    assert response.status_code == 302
    assert Case.objects.count() == 1
    assert Person.objects.filter(organisation=org_a).count() == 3
    assert PersonLink.objects.get(accommodation_person=family[1]).casework_person == known


def test_it_prints_the_info_sheet_in_the_households_language_and_records_it(arrival, caseworker_a, ludwigsburg):
    sheet = sheet_services.create_sheet(acting_user=None, municipality=ludwigsburg)
    sheet_services.add_block(acting_user=None, sheet=sheet, heading="Willkommen", body="Hier finden Sie Hilfe.")
    client = client_for(caseworker_a)
    response = client.get(_url("arrival_info_sheet", arrival))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = ArrivalPrint.objects.get()
    assert (printed.arrival, printed.language, printed.printed_by) == (arrival, "fa", caseworker_a)
    row = AccessLogEntry.objects.get(action=AccessAction.PRINT)
    assert (row.record_type, row.record_id) == ("arrivals.arrival", str(arrival.pk))
    client.get(_url("arrival_info_sheet", arrival) + "?sprache=uk")
    assert list(ArrivalPrint.objects.order_by("pk").values_list("language", flat=True)) == ["fa", "uk"]
    page = client.get(_url("arrival_detail", arrival), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Gedruckt am" in page and "Ukrainisch" in page
    refused = client.get(_url("arrival_info_sheet", arrival) + "?sprache=xx")
    assert refused.status_code == 200 and ArrivalPrint.objects.count() == 2
    assert AccessLogEntry.objects.filter(action=AccessAction.PRINT).count() == 2


def test_it_tells_on_the_assignment_page_who_received_it_or_that_nobody_was_responsible(
    county_housing_officer, county, ludwigsburg, asperg, org_a
):
    add(ludwigsburg, org_a)
    received = assign(county_family(county), ludwigsburg)
    nobody = assign(county_family(county), asperg)
    client = client_for(county_housing_officer)
    page = client.get(reverse("accommodation:assignment_detail", args=[received.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert "Als Neuzugang gemeldet an: Caritas Testkreis" in page.content.decode()
    page = client.get(reverse("accommodation:assignment_detail", args=[nobody.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert "war für Asperg niemand im Integrationsmanagement zuständig" in page.content.decode()


def test_it_records_the_future_home_through_the_assignment_form(county_housing_officer, county, ludwigsburg, org_a):
    add(ludwigsburg, org_a)
    shelter = accommodation_services.create_shelter(
        acting_user=None,
        organisation=county,
        places=2,
        places_from=D(2025, 1, 1),
        name="AU Fuchshof",
        kind="anschlussunterbringung",
        municipality=ludwigsburg,
    )
    family = county_family(county)
    with frozen_today():
        response = client_for(county_housing_officer).post(
            reverse("accommodation:assignment_create"),
            {
                "gemeinde": ludwigsburg.ags,
                "date": "2025-06-16",
                "planned_arrival": "2025-07-01",
                "future_shelter": shelter.pk,
                "future_address": "Haus B",
                "persons": [p.pk for p in family],
            },
        )
    assert response.status_code == 302
    arrival = Arrival.objects.select_related("assignment").get()
    assert (arrival.organisation, arrival.assignment.future_shelter, arrival.assignment.arrival_date) == (
        org_a,
        shelter,
        D(2025, 7, 1),
    )


# --- overdue in "Meine Arbeit" and on the team page --------------------------------------------------------------


def test_it_shows_overdue_arrivals_to_the_team_until_the_first_contact(
    arrival, caseworker_a, colleague_a, teamlead_a, caseworker_b
):
    # Assigned on 2 May: 45 days before the test day, beyond the 14 days.
    overdue = case_queries.worklist_for(caseworker_a, TODAY).arrivals_without_contact
    assert overdue == [arrival]
    assert case_queries.worklist_for(colleague_a, TODAY).arrivals_without_contact == [arrival]
    assert case_queries.worklist_for(caseworker_b, TODAY).arrivals_without_contact == []
    with override_settings(LOTSE_ARRIVAL_FIRST_CONTACT_DAYS=60):
        assert case_queries.worklist_for(caseworker_a, TODAY).arrivals_without_contact == []
    with frozen_today():
        team_page = client_for(teamlead_a).get(reverse("cases:team"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        work_page = client_for(colleague_a).get(reverse("cases:worklist"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neuzugänge ohne Erstkontakt" in team_page and "Karimi, Ahmad" in team_page
    assert "Neuzugänge ohne Erstkontakt" in work_page and "Haushalt von Karimi, Ahmad" in work_page
    # Named caseworker: hers alone.
    intake.assign_caseworker(acting_user=teamlead_a, arrival=arrival, expected_version=1, responsible=colleague_a)
    assert case_queries.worklist_for(caseworker_a, TODAY).arrivals_without_contact == []
    assert case_queries.worklist_for(colleague_a, TODAY).arrivals_without_contact == [arrival]
    with frozen_today():
        intake.record_first_contact(
            acting_user=colleague_a, arrival=arrival, expected_version=2, on=TODAY, form="buero"
        )
    assert case_queries.worklist_for(colleague_a, TODAY).arrivals_without_contact == []
    assert (
        case_queries.team_page(teamlead_a, TODAY, case_queries.team_rows(teamlead_a, TODAY), {}, None)[
            "arrivals_without_contact"
        ]
        == []
    )


def test_it_keeps_a_planned_contact_off_the_worklist_until_its_day_has_passed(arrival, caseworker_a):
    with frozen_today():
        intake.record_first_contact(
            acting_user=caseworker_a, arrival=arrival, expected_version=1, on=D(2025, 6, 20), form="buero"
        )
    assert case_queries.worklist_for(caseworker_a, TODAY).arrivals_without_contact == []
    assert case_queries.worklist_for(caseworker_a, D(2025, 6, 21)).arrivals_without_contact == [arrival]


def test_it_keeps_the_worklist_and_team_queries_fixed(county, ludwigsburg, org_a, caseworker_a, teamlead_a):
    add(ludwigsburg, org_a)
    assign(county_family(county), ludwigsburg)
    worker, lead = client_for(caseworker_a), client_for(teamlead_a)
    few = (queries_of(worker, reverse("cases:worklist")), queries_of(lead, reverse("cases:team")))
    for _ in range(3):
        assign(county_family(county), ludwigsburg)
    assert_same_queries(few[0], queries_of(worker, reverse("cases:worklist")))
    assert_same_queries(few[1], queries_of(lead, reverse("cases:team")))


def test_it_says_when_the_municipality_has_no_info_sheet_and_records_no_print(arrival, caseworker_a):
    response = client_for(caseworker_a).get(_url("arrival_info_sheet", arrival), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert "Für Ludwigsburg gibt es noch kein Infoblatt." in response.content.decode()
    assert not ArrivalPrint.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.PRINT).exists()
