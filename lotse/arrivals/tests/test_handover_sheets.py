"""The handover sheet (Übergabebogen) from the county shelter's social service to the integration management.

The county's Landratsamt runs the shelter (its accommodation staff: ``county_housing_officer``); organisation A
(Caritas) is responsible for Ludwigsburg and receives the sheet (``caseworker_a``, ``teamlead_a``). The city's
accommodation staff (``housing_officer``) and organisation B are outsiders of every sheet here.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.models import Occupancy, Shelter
from lotse.arrivals import handover_sheets as services
from lotse.arrivals.choices import HandoverSheetStatus
from lotse.arrivals.models import (
    HandoverSheet,
    HandoverSheetContact,
    HandoverSheetItem,
    HandoverSheetNeed,
    HandoverSheetPerson,
    HandoverSheetTask,
    PersonLink,
)
from lotse.arrivals.tests.factories import add
from lotse.cases import services as case_services
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, CaseClient, Consent, FollowUp
from lotse.cases.tests.factories import acting_user_of, events_of
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people import services as people_services
from lotse.people.choices import Relationship
from lotse.people.models import HouseholdMembership, HousingRecord, Person

pytestmark = pytest.mark.django_db

D = datetime.date
MOVED_IN = D(2025, 3, 3)
CONSENT_MESSAGE = (
    "Die Übergabe braucht die Einwilligung der Klient:innen: Tragen Sie ein, an welchem Tag und von wem sie "
    "gegeben wurde, dann übergeben Sie den Bogen."
)


@pytest.fixture
def shelter(county: Organisation, ludwigsburg: Municipality) -> Shelter:
    return accommodation_services.create_shelter(
        acting_user=None,
        organisation=county,
        places=6,
        places_from=MOVED_IN,
        name="GU Fuchshof",
        kind="gu_vorlaeufig",
        municipality=ludwigsburg,
    )


@pytest.fixture
def family(county: Organisation, shelter: Shelter, org_a: Organisation, ludwigsburg: Municipality) -> list[Person]:
    """The Haddad family living in the county's shelter: Amina (head) and her son Omar; A is responsible."""
    add(ludwigsburg, org_a)
    amina = accommodation_services.register_resident(
        acting_user=None,
        organisation=county,
        family_name="Haddad",
        given_names="Amina",
        birth_date=D(1990, 5, 1),
        birth_date_precision="day",
        gender="w",
        nationalities=["SY"],
        languages=["ara"],
        notes="Schlüssel Zimmer 12 bei der Hausmeisterei",
    )
    omar = accommodation_services.register_resident(
        acting_user=None,
        organisation=county,
        family_name="Haddad",
        given_names="Omar",
        birth_date=D(2015, 1, 1),
        birth_date_precision="year",
        gender="m",
        nationalities=["SY"],
        languages=["ara", "deu"],
    )
    household = people_services.create_household(acting_user=None, organisation=county)
    for person, relationship in ((omar, Relationship.CHILD), (amina, Relationship.HEAD)):
        people_services.join_household(
            acting_user=None, person=person, household=household, relationship=relationship, since=MOVED_IN
        )
        accommodation_services.move_in(acting_user=None, shelter=shelter, person=person, on=MOVED_IN)
    return [amina, omar]


def _draft(family: list[Person], officer: User | None = None) -> HandoverSheet:
    return services.start_sheet(acting_user=officer, person=family[1])


def _filled(sheet: HandoverSheet, officer: User | None, org_a: Organisation, **extra: Any) -> HandoverSheet:
    head = sheet.persons.get(relationship=Relationship.HEAD)
    values: dict[str, Any] = {
        "receiving_organisation": org_a,
        "consent_given_on": D(2025, 4, 1),
        "consent_given_by": head,
        "message": "Familie wünscht Termin am Vormittag.",
        "needs": [{"field_of_action": "sprache", "description": "Integrationskurs B1 beginnen"}],
        "tasks": [{"description": "Aufenthaltserlaubnis läuft ab", "due_date": D(2025, 9, 30)}],
        "contacts": [{"name": "Dr. Weber", "service": "Kinderarzt", "phone": "07141 123", "email": "", "role": "Arzt"}],
        "items": [{"kind": "dokument", "description": "Kopie Aufenthaltstitel"}],
    }
    values.update(extra)
    return services.update_sheet(acting_user=officer, sheet=sheet, expected_version=sheet.version, **values)


def _sent(family: list[Person], org_a: Organisation, officer: User | None = None) -> HandoverSheet:
    sheet = _filled(_draft(family, officer), officer, org_a)
    return services.send_sheet(acting_user=officer, sheet=sheet, expected_version=sheet.version)


def _edit_data(sheet: HandoverSheet, **fields: Any) -> dict[str, Any]:
    """The edit form as a browser sends it: the head fields and four empty lists (two empty rows each)."""
    data: dict[str, Any] = {
        "version": sheet.version,
        "receiving_organisation": sheet.receiving_organisation_id or "",
        "persons": [row.pk for row in sheet.persons.all()],
        "consent_given_on": "",
        "consent_given_by": "",
        "message": "",
    }
    for prefix in ("needs", "tasks", "contacts", "items"):
        data.update({f"{prefix}-TOTAL_FORMS": 2, f"{prefix}-INITIAL_FORMS": 0})
    data.update(fields)
    return data


def _errors(response: Any) -> Any:
    context = response.context
    return (context["form"].errors, [formset.errors for formset in context["formsets"].values()])


# Starting and editing the draft


def test_it_starts_a_sheet_from_the_resident_page_with_the_household_and_the_responsible_organisation(
    county_housing_officer, family, org_a, ludwigsburg, shelter
):
    client = client_for(county_housing_officer)
    resident_page = client.get(reverse("accommodation:resident_detail", args=[family[1].pk])).content.decode()
    start = reverse("arrivals:sheet_start", args=[family[1].pk])
    assert start in resident_page
    form = client.get(start)
    assert form.status_code == 200 and "Haddad, Amina" in form.content.decode()
    response = client.post(start, {"persons": [family[0].pk, family[1].pk]})
    sheet = HandoverSheet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("arrivals:sheet_edit", args=[sheet.pk])
    assert (sheet.status, sheet.sending_organisation, sheet.shelter, sheet.municipality) == (
        HandoverSheetStatus.DRAFT,
        county_housing_officer.organisation,
        shelter,
        ludwigsburg,
    )
    # The responsible organisation for the household's municipality is preselected.
    assert sheet.receiving_organisation == org_a
    rows = list(sheet.persons.order_by("position"))
    assert [(r.full_name, r.relationship, r.birth_date, r.nationalities, r.languages) for r in rows] == [
        ("Haddad, Amina", Relationship.HEAD, D(1990, 5, 1), ["SY"], ["ara"]),
        ("Haddad, Omar", Relationship.CHILD, D(2015, 1, 1), ["SY"], ["ara", "deu"]),
    ]
    assert acting_user_of(events_of(sheet).first()) == county_housing_officer.pk
    # Started once: the resident page now leads to the sheet instead of a second one.
    page = client.get(reverse("accommodation:resident_detail", args=[family[0].pk])).content.decode()
    assert reverse("arrivals:sheet_detail", args=[sheet.pk]) in page and start not in page


def test_it_preselects_the_organisation_of_the_shelters_district(county_housing_officer, family, org_a, org_b, shelter):
    """A district with a responsibility of its own that the shelter's street names: its organisation receives."""
    add(shelter.municipality, org_b, district="Eglosheim")
    shelter.street = "Eglosheimer Straße 3"
    shelter.save()
    # "Eglosheimer" names no "Eglosheim": the whole municipality's organisation.
    first = _draft(family, county_housing_officer)
    assert first.receiving_organisation == org_a
    services.delete_draft(acting_user=county_housing_officer, sheet=first, expected_version=first.version)
    shelter.street = "Hirschbergstraße 1, Eglosheim"
    shelter.save()
    assert _draft(family, county_housing_officer).receiving_organisation == org_b


def test_it_leaves_out_the_members_not_chosen_and_refuses_a_second_open_sheet(county_housing_officer, family):
    client = client_for(county_housing_officer)
    client.post(reverse("arrivals:sheet_start", args=[family[0].pk]), {"persons": [family[0].pk]})
    assert [row.accommodation_person for row in HandoverSheetPerson.objects.all()] == [family[0]]
    with pytest.raises(ValidationError) as refused:
        services.start_sheet(acting_user=county_housing_officer, person=family[0])
    assert refused.value.messages == [
        f"Haddad, Amina steht schon auf dem offenen Übergabebogen Ü-{HandoverSheet.objects.get().pk:06d}."
    ]
    assert HandoverSheet.objects.count() == 1


def test_it_saves_the_rows_of_the_form_adds_changes_and_removes_them(county_housing_officer, family, org_a):
    sheet = _draft(family, county_housing_officer)
    client = client_for(county_housing_officer)
    url = reverse("arrivals:sheet_edit", args=[sheet.pk])
    page = client.get(url).content.decode()
    assert 'name="needs-0-description"' in page and 'name="needs-1-description"' in page  # two empty rows, no script
    head = sheet.persons.get(relationship=Relationship.HEAD)
    data = _edit_data(
        sheet,
        consent_given_on="01.04.2025",
        consent_given_by=head.pk,
        message="Bitte bald melden.",
        **{
            "needs-0-field_of_action": "gesundheit",
            "needs-0-description": "Kinderarzt für Omar suchen",
            "tasks-0-description": "Termin Ausländerbehörde",
            "tasks-0-due_date": "15.05.2025",
            "contacts-0-name": "Frau Klein",
            "contacts-0-service": "Schulsozialarbeit",
            "contacts-0-email": "klein@schule.example",
            "items-0-kind": "einwilligung",
            "items-0-description": "Schweigepflichtentbindung Kinderarzt",
            "more": "1",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url  # "save and add rows" stays on the form
    sheet.refresh_from_db()
    assert (sheet.consent_given_on, sheet.consent_given_by, sheet.consent_recorded_by, sheet.message) == (
        D(2025, 4, 1),
        head,
        county_housing_officer,
        "Bitte bald melden.",
    )
    need = HandoverSheetNeed.objects.get()
    task = HandoverSheetTask.objects.get()
    assert (need.field_of_action, need.description) == ("gesundheit", "Kinderarzt für Omar suchen")
    assert (task.description, task.due_date) == ("Termin Ausländerbehörde", D(2025, 5, 15))
    assert HandoverSheetContact.objects.get().email == "klein@schule.example"
    assert HandoverSheetItem.objects.get().kind == "einwilligung"
    # Second save: the need changes, the task is removed, a second need is added; the rows keep their identity.
    data = _edit_data(
        sheet,
        consent_given_on="01.04.2025",
        consent_given_by=head.pk,
        **{
            "needs-TOTAL_FORMS": 3,
            "needs-INITIAL_FORMS": 1,
            "needs-0-id": need.pk,
            "needs-0-field_of_action": "gesundheit",
            "needs-0-description": "Kinderarzt gefunden, Termin steht",
            "needs-1-field_of_action": "wohnen",
            "needs-1-description": "Wohnungssuche",
            "tasks-TOTAL_FORMS": 3,
            "tasks-INITIAL_FORMS": 1,
            "tasks-0-id": task.pk,
            "tasks-0-description": "Termin Ausländerbehörde",
            "tasks-0-due_date": "15.05.2025",
            "tasks-0-DELETE": "on",
            "contacts-INITIAL_FORMS": 1,
            "contacts-0-id": HandoverSheetContact.objects.get().pk,
            "contacts-0-name": "Frau Klein",
            "contacts-0-DELETE": "on",
            "items-INITIAL_FORMS": 1,
            "items-0-id": HandoverSheetItem.objects.get().pk,
            "items-0-kind": "einwilligung",
            "items-0-description": "Schweigepflichtentbindung Kinderarzt",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    assert [(n.pk == need.pk, n.description) for n in HandoverSheetNeed.objects.order_by("position")] == [
        (True, "Kinderarzt gefunden, Termin steht"),
        (False, "Wohnungssuche"),
    ]
    assert not HandoverSheetTask.objects.exists()
    assert [e.pgh_label for e in events_of(HandoverSheetTask, task.pk)] == ["insert", "delete"]
    assert [e.pgh_label for e in events_of(need)] == ["insert", "update"]
    assert not HandoverSheetContact.objects.exists()
    assert [e.pgh_label for e in events_of(HandoverSheetItem.objects.get())] == ["insert"]  # unchanged


def test_it_refuses_an_edit_made_on_an_older_version_and_keeps_the_input(county_housing_officer, family, org_a):
    sheet = _draft(family, county_housing_officer)
    client = client_for(county_housing_officer)
    stale = _edit_data(
        sheet,
        message="Meine Nachricht",
        **{"needs-0-field_of_action": "arbeit_ausbildung", "needs-0-description": "Praktikum"},
    )
    _filled(sheet, county_housing_officer, org_a)  # a colleague saved in the meantime
    response = client.post(reverse("arrivals:sheet_edit", args=[sheet.pk]), stale)
    assert response.status_code == 200, _errors(response)
    content = response.content.decode()
    assert "zwischenzeitlich" in content, _errors(response)
    assert "zwischenzeitlich von einer anderen Person geändert" in content and "Meine Nachricht" in content
    assert [n.description for n in HandoverSheetNeed.objects.all()] == ["Integrationskurs B1 beginnen"]


def test_it_refuses_a_consent_date_in_the_future_and_a_half_recorded_consent(county_housing_officer, family, org_a):
    sheet = _draft(family, county_housing_officer)
    head = sheet.persons.get(relationship=Relationship.HEAD)
    client = client_for(county_housing_officer)
    url = reverse("arrivals:sheet_edit", args=[sheet.pk])
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    response = client.post(url, _edit_data(sheet, consent_given_on=future, consent_given_by=head.pk))
    assert response.status_code == 200
    assert "Das Datum der Einwilligung darf nicht in der Zukunft liegen." in response.content.decode()
    response = client.post(url, _edit_data(sheet, consent_given_on="01.04.2025"))
    assert response.status_code == 200
    assert (
        "Tragen Sie den Tag der Einwilligung und die Person, die sie gegeben hat, ein – oder keins von beiden."
        in response.content.decode()
    )
    sheet.refresh_from_db()
    assert sheet.consent_given_on is None and sheet.version == 1


# Handing over: gated by consent


def test_it_does_not_hand_over_without_the_clients_consent(county_housing_officer, caseworker_a, family, org_a):
    sheet = _filled(
        _draft(family, county_housing_officer),
        county_housing_officer,
        org_a,
        consent_given_on=None,
        consent_given_by=None,
    )
    client = client_for(county_housing_officer)
    response = client.post(reverse("arrivals:sheet_send", args=[sheet.pk]), {"version": sheet.version}, follow=True)
    assert CONSENT_MESSAGE in response.content.decode()
    sheet.refresh_from_db()
    assert (sheet.status, sheet.sent_at) == (HandoverSheetStatus.DRAFT, None)
    with pytest.raises(ValidationError) as refused:
        services.send_sheet(acting_user=county_housing_officer, sheet=sheet, expected_version=sheet.version)
    assert refused.value.messages == [CONSENT_MESSAGE] and refused.value.code == "no_consent"
    # The receiver never sees a draft.
    assert client_for(caseworker_a).get(reverse("arrivals:received_detail", args=[sheet.pk])).status_code == 404


def test_it_hands_over_and_the_receiver_reads_only_the_sheet(county_housing_officer, caseworker_a, family, org_a):
    sheet = _filled(_draft(family, county_housing_officer), county_housing_officer, org_a)
    # The accommodation record changed after the sheet was started: the sheet is handed over as it is now.
    people_services.update_person(
        acting_user=None, person=family[0], expected_version=family[0].version, given_names="Amina Sara"
    )
    client = client_for(county_housing_officer)
    response = client.post(reverse("arrivals:sheet_send", args=[sheet.pk]), {"version": sheet.version})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.sent_by) == (HandoverSheetStatus.SENT, county_housing_officer)
    assert sheet.persons.get(relationship=Relationship.HEAD).given_names == "Amina Sara"
    receiver = client_for(caseworker_a)
    inbox = receiver.get(reverse("arrivals:received_list")).content.decode()
    assert reverse("arrivals:received_detail", args=[sheet.pk]) in inbox
    assert list(
        AccessLogEntry.objects.filter(path=reverse("arrivals:received_list")).values_list(
            "by", "record_type", "record_id", "record_organisation_id"
        )
    ) == [(caseworker_a.pk, "arrivals.handoversheet", str(sheet.pk), sheet.sending_organisation_id)]
    client.get(reverse("arrivals:sheet_list"))
    assert AccessLogEntry.objects.filter(
        by=county_housing_officer, record_id=str(sheet.pk), path=reverse("arrivals:sheet_list")
    ).exists()
    page = receiver.get(reverse("arrivals:received_detail", args=[sheet.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    for shown in (
        "Haddad, Amina Sara",
        "Integrationskurs B1 beginnen",
        "Aufenthaltserlaubnis läuft ab",
        "Dr. Weber",
        "Kopie Aufenthaltstitel",
        "Familie wünscht Termin am Vormittag.",
        "GU Fuchshof",
    ):
        assert shown in content, shown
    # Nothing of the accommodation record beyond the sheet: its notes, its stays, a link to it.
    assert "Schlüssel Zimmer 12" not in content
    assert reverse("accommodation:resident_detail", args=[family[0].pk]) not in content
    assert (
        client_for(caseworker_a).get(reverse("accommodation:resident_detail", args=[family[0].pk])).status_code == 403
    )
    row = AccessLogEntry.objects.latest("pk")
    assert (row.by, row.action, row.record_type, row.record_organisation_id) == (
        caseworker_a,
        AccessAction.VIEW,
        "arrivals.handoversheet",
        county_housing_officer.organisation_id,
    )
    # "Meine Arbeit" and the team page show it as open.
    assert (
        reverse("arrivals:received_detail", args=[sheet.pk]) in receiver.get(reverse("cases:worklist")).content.decode()
    )
    # The sender keeps every record: nothing moved.
    assert (
        Person.objects.filter(pk__in=[p.pk for p in family], organisation=county_housing_officer.organisation).count()
        == 2
    )
    assert Occupancy.objects.filter(person__in=family, move_out__isnull=True).count() == 2


def test_it_shows_waiting_sheets_on_the_team_page(county_housing_officer, teamlead_a, family, org_a):
    _sent(family, org_a, county_housing_officer)
    page = client_for(teamlead_a).get(reverse("cases:team")).content.decode()
    assert "Übergaben aus Unterkünften warten auf Antwort" in page
    assert reverse("arrivals:received_list") in page


def test_it_keeps_every_sheet_url_from_outsiders(
    county_housing_officer, housing_officer, caseworker_b, teamlead_b, caseworker_a, family, org_a
):
    draft_family = family
    sent = _sent(draft_family, org_a, county_housing_officer)
    sending = [
        ("arrivals:sheet_detail", "get"),
        ("arrivals:sheet_edit", "get"),
        ("arrivals:sheet_edit", "post"),
        ("arrivals:sheet_send", "post"),
        ("arrivals:sheet_withdraw", "post"),
        ("arrivals:sheet_delete", "post"),
        ("arrivals:sheet_print", "get"),
    ]
    outsider = client_for(housing_officer)
    for name, method in sending:
        response = getattr(outsider, method)(reverse(name, args=[sent.pk]), {"version": sent.version})
        assert response.status_code == 404, name
    assert outsider.get(reverse("arrivals:sheet_start", args=[family[0].pk])).status_code == 404
    assert outsider.post(reverse("arrivals:sheet_start", args=[family[0].pk])).status_code == 404
    receiving = [
        ("arrivals:received_detail", "get"),
        ("arrivals:received_detail", "post"),
        ("arrivals:received_into_case", "get"),
        ("arrivals:received_into_case", "post"),
        ("arrivals:received_print", "get"),
    ]
    for persona in (caseworker_b, teamlead_b):
        client = client_for(persona)
        for name, method in receiving:
            data = {"version": sent.version, "decision": "decline", "reason": "Nicht zuständig"}
            assert getattr(client, method)(reverse(name, args=[sent.pk]), data).status_code == 404, (persona, name)
        assert (
            reverse("arrivals:received_detail", args=[sent.pk])
            not in client.get(reverse("arrivals:received_list")).content.decode()
        )
    # The receiver does not reach the sender's pages of its own sheet, nor the other way round.
    assert client_for(caseworker_a).get(reverse("arrivals:sheet_detail", args=[sent.pk])).status_code == 403
    assert (
        client_for(county_housing_officer).get(reverse("arrivals:received_detail", args=[sent.pk])).status_code == 403
    )
    sent.refresh_from_db()
    assert sent.status == HandoverSheetStatus.SENT


# Accepting, declining, withdrawing


def test_it_accepts_into_a_new_case_with_persons_links_follow_ups_and_the_exchange_consent(
    county_housing_officer, caseworker_a, colleague_a, family, org_a, ludwigsburg
):
    sheet = _sent(family, org_a, county_housing_officer)
    client = client_for(caseworker_a)
    response = client.post(
        reverse("arrivals:received_detail", args=[sheet.pk]),
        {
            "decision": "new",
            "version": sheet.version,
            "responsible": colleague_a.pk,
            "start_date": "10.04.2025",
            "exchange_consent": "on",
            "exchange_consent_on": "10.04.2025",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert (case.organisation, case.responsible, case.municipality, case.start_date) == (
        org_a,
        colleague_a,
        ludwigsburg,
        D(2025, 4, 10),
    )
    clients = {c.person.given_names: c.person for c in CaseClient.objects.filter(case=case).select_related("person")}
    amina, omar = clients["Amina"], clients["Omar"]
    assert CaseClient.objects.filter(case=case).earliest("pk").person == amina  # the head names the case
    assert (
        amina.organisation,
        amina.family_name,
        amina.birth_date,
        amina.gender,
        amina.nationalities,
        amina.languages,
    ) == (org_a, "Haddad", D(1990, 5, 1), "w", ["SY"], ["ara"])
    assert (omar.birth_date, omar.birth_date_precision, omar.languages) == (D(2015, 1, 1), "year", ["ara", "deu"])
    memberships = {m.person_id: m.relationship for m in HouseholdMembership.objects.filter(household=case.household)}
    assert memberships == {amina.pk: Relationship.HEAD, omar.pk: Relationship.CHILD}
    # Each casework record is linked with its accommodation record.
    links = {(link.accommodation_person_id, link.casework_person_id) for link in PersonLink.objects.all()}
    assert links == {(family[0].pk, amina.pk), (family[1].pk, omar.pk)}
    # The open task with its deadline and the need as follow-ups.
    follow_ups = {(f.description, f.due_date) for f in FollowUp.objects.filter(case=case)}
    assert follow_ups == {
        ("Aufenthaltserlaubnis läuft ab", D(2025, 9, 30)),
        ("Bedarf aus der Übergabe besprechen (Sprache): Integrationskurs B1 beginnen", D(2025, 4, 24)),
    }
    consents = Consent.objects.filter(case=case, purpose=ConsentPurpose.HOUSING_EXCHANGE)
    assert {(c.person_id, c.recipient_organisation_id, c.given_on) for c in consents} == {
        (amina.pk, sheet.sending_organisation_id, D(2025, 4, 10)),
        (omar.pk, sheet.sending_organisation_id, D(2025, 4, 10)),
    }
    assert PersonLink.objects.exchanging_with(sheet.sending_organisation_id, on=D(2025, 4, 10)).count() == 2
    # Where the family lives today (the county's shelter) is in the new casework records at once.
    for person in (amina, omar):
        assert list(
            HousingRecord.objects.filter(person=person).values_list("valid_from", "situation", "municipality")
        ) == [(MOVED_IN, "vorlaeufige_unterbringung", ludwigsburg.pk)]
    sheet.refresh_from_db()
    assert (sheet.status, sheet.case, sheet.decided_by) == (HandoverSheetStatus.ACCEPTED, case, caseworker_a)
    # History on both sides: the sheet's steps, and the new case's records named the accepting caseworker.
    assert [e.status for e in events_of(sheet)][-2:] == [HandoverSheetStatus.SENT, HandoverSheetStatus.ACCEPTED]
    assert acting_user_of(events_of(sheet).last()) == caseworker_a.pk
    assert acting_user_of(events_of(case).first()) == caseworker_a.pk
    # The sender keeps its records and reads the answer, without the case.
    assert Person.objects.filter(pk__in=[p.pk for p in family], organisation=sheet.sending_organisation).count() == 2
    sender_page = client_for(county_housing_officer).get(reverse("arrivals:sheet_detail", args=[sheet.pk]))
    assert "angenommen" in sender_page.content.decode()
    assert reverse("cases:case_detail", args=[case.pk]) not in sender_page.content.decode()


def test_it_accepts_into_an_existing_case_matching_the_known_member(
    county_housing_officer, caseworker_a, family, org_a, ludwigsburg
):
    case = case_services.open_case(
        acting_user=caseworker_a,
        organisation=org_a,
        municipality=ludwigsburg,
        start_date=D(2025, 2, 1),
        responsible=caseworker_a,
        head={
            "family_name": "Haddad",
            "given_names": "amina ",
            "birth_date": D(1990, 5, 1),
            "birth_date_precision": "day",
        },
    )
    known = CaseClient.objects.get(case=case).person
    sheet = _sent(family, org_a, county_housing_officer)
    client = client_for(caseworker_a)
    url = reverse("arrivals:received_into_case", args=[sheet.pk])
    choose = client.get(url + f"?case={case.pk}")
    assert choose.status_code == 200
    head_row = sheet.persons.get(relationship=Relationship.HEAD)
    child_row = sheet.persons.get(relationship=Relationship.CHILD)
    assert choose.context["match_form"][f"person_{head_row.pk}"].value() == str(known.pk)  # proposed
    response = client.post(
        url,
        {"case": case.pk, "version": sheet.version, f"person_{head_row.pk}": known.pk, f"person_{child_row.pk}": ""},
    )
    assert response.status_code == 302
    assert Person.objects.filter(organisation=org_a).count() == 2  # Amina was not created again
    omar = Person.objects.get(organisation=org_a, given_names="Omar")
    assert set(CaseClient.objects.filter(case=case).values_list("person_id", flat=True)) == {known.pk, omar.pk}
    assert {(link.accommodation_person_id, link.casework_person_id) for link in PersonLink.objects.all()} == {
        (family[0].pk, known.pk),
        (family[1].pk, omar.pk),
    }
    assert FollowUp.objects.filter(case=case, description="Aufenthaltserlaubnis läuft ab").exists()
    assert not Consent.objects.filter(purpose=ConsentPurpose.HOUSING_EXCHANGE).exists()  # not asked for
    sheet.refresh_from_db()
    assert (sheet.status, sheet.case) == (HandoverSheetStatus.ACCEPTED, case)


def test_it_declines_with_a_reason_only(county_housing_officer, caseworker_a, family, org_a):
    sheet = _sent(family, org_a, county_housing_officer)
    client = client_for(caseworker_a)
    url = reverse("arrivals:received_detail", args=[sheet.pk])
    response = client.post(url, {"decision": "decline", "version": sheet.version, "reason": " "})
    assert response.status_code == 200 and "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.decline_sheet(acting_user=caseworker_a, sheet=sheet, expected_version=sheet.version, reason=" ")
    assert refused.value.messages == [
        "Geben Sie einen Grund an, damit der Sozialdienst der Unterkunft weiß, wie es weitergeht."
    ]
    response = client.post(url, {"decision": "decline", "version": sheet.version, "reason": "Wohnort liegt in Asperg"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.decline_reason, sheet.decided_by) == (
        HandoverSheetStatus.DECLINED,
        "Wohnort liegt in Asperg",
        caseworker_a,
    )
    assert not Case.objects.exists() and not PersonLink.objects.exists()
    sender = client_for(county_housing_officer).get(reverse("arrivals:sheet_detail", args=[sheet.pk]))
    assert "Wohnort liegt in Asperg" in sender.content.decode()
    # A declined household can be handed over again (to another organisation, say).
    assert (
        services.start_sheet(acting_user=county_housing_officer, person=family[0]).status == HandoverSheetStatus.DRAFT
    )


def test_it_lets_the_sender_withdraw_before_the_answer_only(county_housing_officer, caseworker_a, family, org_a):
    sheet = _sent(family, org_a, county_housing_officer)
    sender = client_for(county_housing_officer)
    assert (
        sender.post(reverse("arrivals:sheet_withdraw", args=[sheet.pk]), {"version": sheet.version}).status_code == 302
    )
    sheet.refresh_from_db()
    assert (sheet.status, sheet.decided_by) == (HandoverSheetStatus.WITHDRAWN, county_housing_officer)
    assert client_for(caseworker_a).get(reverse("arrivals:received_detail", args=[sheet.pk])).status_code == 404
    accepted = _sent(family, org_a, county_housing_officer)
    services.accept_into_new_case(
        acting_user=caseworker_a,
        sheet=accepted,
        expected_version=accepted.version,
        responsible=caseworker_a,
        start_date=D(2025, 4, 10),
    )
    response = sender.post(
        reverse("arrivals:sheet_withdraw", args=[accepted.pk]), {"version": accepted.version + 1}, follow=True
    )
    assert "Dieser Übergabebogen wurde schon beantwortet oder zurückgezogen (angenommen)." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == HandoverSheetStatus.ACCEPTED


def test_it_detects_concurrent_decisions(county_housing_officer, caseworker_a, colleague_a, family, org_a):
    sheet = _sent(family, org_a, county_housing_officer)
    seen = sheet.version
    with pytest.raises(ConcurrentEditError):
        services.decline_sheet(acting_user=caseworker_a, sheet=sheet, expected_version=seen - 1, reason="alt")
    services.accept_into_new_case(
        acting_user=colleague_a, sheet=sheet, expected_version=seen, responsible=colleague_a, start_date=D(2025, 4, 10)
    )
    # The second decision on the version both saw: refused, nothing changed.
    client = client_for(caseworker_a)
    response = client.post(
        reverse("arrivals:received_detail", args=[sheet.pk]),
        {"decision": "decline", "version": seen, "reason": "Kein Platz"},
    )
    assert response.status_code == 200
    assert "Dieser Übergabebogen wurde schon beantwortet oder zurückgezogen (angenommen)." in response.content.decode()
    with pytest.raises(ValidationError):
        services.withdraw_sheet(acting_user=county_housing_officer, sheet=sheet, expected_version=seen + 1)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.decided_by, sheet.decline_reason) == (HandoverSheetStatus.ACCEPTED, colleague_a, "")
    assert Case.objects.count() == 1


def test_it_prints_the_sheet_for_both_sides_and_logs_it(county_housing_officer, caseworker_a, family, org_a):
    sheet = _sent(family, org_a, county_housing_officer)
    for user, name in ((county_housing_officer, "arrivals:sheet_print"), (caseworker_a, "arrivals:received_print")):
        response = client_for(user).get(reverse(name, args=[sheet.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        row = AccessLogEntry.objects.latest("pk")
        assert (row.by, row.action, row.record_id) == (user, AccessAction.PRINT, str(sheet.pk))


def test_it_lists_the_sheets_in_the_same_number_of_queries_for_few_and_many(
    county_housing_officer, caseworker_a, county, shelter, org_a, ludwigsburg
):
    add(ludwigsburg, org_a)
    sender, receiver = client_for(county_housing_officer), client_for(caseworker_a)

    def one_more(name: str) -> None:
        person = accommodation_services.register_resident(acting_user=None, organisation=county, family_name=name)
        accommodation_services.move_in(acting_user=None, shelter=shelter, person=person, on=MOVED_IN)
        sheet = services.start_sheet(acting_user=None, person=person)
        sheet = services.update_sheet(
            acting_user=None,
            sheet=sheet,
            expected_version=sheet.version,
            receiving_organisation=org_a,
            consent_given_on=MOVED_IN,
            consent_given_by=sheet.persons.get(),
            message="",
        )
        services.send_sheet(acting_user=None, sheet=sheet, expected_version=sheet.version)

    one_more("Ahmadi")
    few = [queries_of(sender, reverse("arrivals:sheet_list")), queries_of(receiver, reverse("arrivals:received_list"))]
    for name in ("Bakri", "Celik", "Darwish"):
        one_more(name)
    many = [queries_of(sender, reverse("arrivals:sheet_list")), queries_of(receiver, reverse("arrivals:received_list"))]
    for before, after in zip(few, many, strict=True):
        assert_same_queries(before, after)


def test_it_names_the_sheet_in_the_history_and_access_log_linked_for_each_side(
    county_housing_officer, caseworker_a, caseworker_b, family, org_a
):
    from lotse.core.records import name_records

    sheet = _sent(family, org_a, county_housing_officer)
    key = ("arrivals.handoversheet", str(sheet.pk))
    for user, url in (
        (county_housing_officer, reverse("arrivals:sheet_detail", args=[sheet.pk])),
        (caseworker_a, reverse("arrivals:received_detail", args=[sheet.pk])),
        (caseworker_b, ""),
    ):
        name = name_records(user, {"arrivals.handoversheet": [sheet.pk]})[key]
        assert (name.text, name.url) == (f"Übergabebogen Ü-{sheet.pk:06d}", url)


def test_it_keeps_a_handed_over_sheet_as_it_was_and_removes_only_drafts(county_housing_officer, family, org_a):
    sheet = _sent(family, org_a, county_housing_officer)
    client = client_for(county_housing_officer)
    assert client.get(reverse("arrivals:sheet_edit", args=[sheet.pk])).status_code == 302
    with pytest.raises(ValidationError) as refused:
        _filled(sheet, county_housing_officer, org_a, message="später geändert")
    assert refused.value.messages == [
        "Der Bogen wurde schon übergeben (übergeben); er kann nicht mehr geändert werden."
    ]
    response = client.post(reverse("arrivals:sheet_delete", args=[sheet.pk]), {"version": sheet.version}, follow=True)
    assert "er kann nicht mehr geändert werden" in response.content.decode()
    sheet.refresh_from_db()
    assert (sheet.status, sheet.message) == (HandoverSheetStatus.SENT, "Familie wünscht Termin am Vormittag.")
    services.withdraw_sheet(acting_user=county_housing_officer, sheet=sheet, expected_version=sheet.version)
    draft = _draft(family, county_housing_officer)
    response = client.post(reverse("arrivals:sheet_delete", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302 and response["Location"] == reverse("arrivals:sheet_list")
    assert not HandoverSheet.objects.filter(pk=draft.pk).exists()
    assert not HandoverSheetPerson.objects.filter(sheet_id=draft.pk).exists()
    assert [e.pgh_label for e in events_of(HandoverSheet, draft.pk)] == ["insert", "delete"]
