"""The asylum procedure and unaccompanied minors as dated facts on the person page, and the foster family as a
housing situation."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from lotse.cases.tests.factories import days, events_of, head_of, open_case_for, refused_with
from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry
from lotse.people import services as people_services
from lotse.people.models import AsylumRecord, HousingRecord, UnaccompaniedMinorRecord

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 3)
OUTCOME_WITHOUT_DECISION_DE = "Ein Ergebnis kann nur mit der Stufe „Bescheid“ erfasst werden."
BAD_BAMF_NUMBER_DE = (
    "Ein BAMF-Aktenzeichen besteht aus Ziffern, wahlweise gefolgt von einem Bindestrich und Ziffern, "
    "z. B. „1234567-438“."
)


def page_text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def asylum_form(**fields):
    return {
        "valid_from": "2025-03-03",
        "stage": "antrag_gestellt",
        "outcome": "",
        "bamf_file_number": "",
        "immigration_office_file_number": "",
        "note": "",
        **fields,
    }


def test_it_records_corrects_and_removes_a_stage_of_the_asylum_procedure(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    client = client_for(caseworker_a)
    add_url = reverse("cases:fact_add", args=[case.pk, person.pk, "asylum"])
    assert client.get(add_url).status_code == 200

    response = client.post(
        add_url,
        asylum_form(bamf_file_number="1234567-438", immigration_office_file_number="ABH 2025/117", note="Dublin?"),
    )

    assert response.status_code == 302
    record = AsylumRecord.objects.get(person=person)
    assert (
        record.valid_from,
        record.stage,
        record.outcome,
        record.bamf_file_number,
        record.immigration_office_file_number,
        record.note,
        record.recorded_by,
        record.version,
    ) == (DAY, "antrag_gestellt", "", "1234567-438", "ABH 2025/117", "Dublin?", caseworker_a, 1)

    edit_url = reverse("cases:fact_edit", args=[case.pk, person.pk, "asylum", record.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        asylum_form(
            version=1,
            valid_from="2025-03-10",
            stage="bescheid",
            outcome="subsidiaerer_schutz",
            bamf_file_number="1234567-438",
            immigration_office_file_number="ABH 2025/117",
        ),
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.valid_from, record.stage, record.outcome, record.note, record.version) == (
        datetime.date(2025, 3, 10),
        "bescheid",
        "subsidiaerer_schutz",
        "",
        2,
    )
    history = page_text(client.get(reverse("cases:case_history", args=[case.pk])))
    assert "Antrag gestellt → Bescheid" in history

    delete_url = reverse("cases:fact_delete", args=[case.pk, person.pk, "asylum", record.pk])
    assert client.post(delete_url).status_code == 302
    assert not AsylumRecord.objects.filter(pk=record.pk).exists()
    before, after, removed = events_of(AsylumRecord, record.pk)
    assert (before.pgh_label, after.pgh_label, removed.pgh_label) == ("insert", "update", "delete")
    assert (before.stage, after.stage, removed.outcome) == ("antrag_gestellt", "bescheid", "subsidiaerer_schutz")


def test_it_refuses_an_outcome_without_a_decision_and_a_bad_bamf_file_number(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    client = client_for(caseworker_a)
    add_url = reverse("cases:fact_add", args=[case.pk, person.pk, "asylum"])

    refused = client.post(add_url, asylum_form(stage="anhoerung", outcome="ablehnung"))
    assert refused.status_code == 200
    assert OUTCOME_WITHOUT_DECISION_DE in page_text(refused)

    for garbage in ("unbekannt", "ABC-DEF", "12 34"):
        refused = client.post(add_url, asylum_form(bamf_file_number=garbage))
        assert refused.status_code == 200
        assert BAD_BAMF_NUMBER_DE in page_text(refused)
    assert not AsylumRecord.objects.exists()

    # The same checks hold for a correction and in the service itself.
    record = people_services.add_status_record(
        acting_user=caseworker_a, person=person, kind="asylum", valid_from=DAY, stage="bescheid", outcome="ablehnung"
    )
    edit_url = reverse("cases:fact_edit", args=[case.pk, person.pk, "asylum", record.pk])
    refused = client.post(edit_url, asylum_form(version=1, stage="klage", outcome="ablehnung"))
    assert refused.status_code == 200
    assert OUTCOME_WITHOUT_DECISION_DE in page_text(refused)
    with refused_with("An outcome can only be recorded with the stage “decision (Bescheid)”."):
        people_services.update_status_record(
            acting_user=caseworker_a, record=record, expected_version=1, stage="rechtskraeftig"
        )
    with refused_with(
        "A BAMF file number consists of digits, optionally followed by a dash and digits, e.g. “1234567-438”."
    ):
        people_services.add_status_record(
            acting_user=caseworker_a,
            person=person,
            kind="asylum",
            valid_from=DAY + days(1),
            stage="klage",
            bamf_file_number="Aktenzeichen",
        )
    stored = AsylumRecord.objects.get(pk=record.pk)
    assert (stored.stage, stored.outcome, stored.version) == ("bescheid", "ablehnung", 1)
    assert AsylumRecord.objects.count() == 1


def test_it_answers_another_organisation_with_404_for_asylum_and_minor_records(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    asylum = people_services.add_status_record(
        acting_user=caseworker_a, person=person, kind="asylum", valid_from=DAY, stage="anhoerung"
    )
    minor = people_services.add_status_record(
        acting_user=caseworker_a, person=person, kind="minor", valid_from=DAY, youth_office="Jugendamt Ludwigsburg"
    )
    other = client_for(caseworker_b)
    for kind, record in (("asylum", asylum), ("minor", minor)):
        assert other.get(reverse("cases:fact_add", args=[case.pk, person.pk, kind])).status_code == 404
        edit_url = reverse("cases:fact_edit", args=[case.pk, person.pk, kind, record.pk])
        assert other.get(edit_url).status_code == 404
        assert other.post(edit_url, asylum_form(version=1, stage="klage")).status_code == 404
        delete_url = reverse("cases:fact_delete", args=[case.pk, person.pk, kind, record.pk])
        assert other.post(delete_url).status_code == 404
    assert other.get(reverse("cases:person_detail", args=[case.pk, person.pk])).status_code == 404
    stored = AsylumRecord.objects.get(pk=asylum.pk)
    assert (stored.stage, stored.version) == ("anhoerung", 1)
    assert UnaccompaniedMinorRecord.objects.filter(pk=minor.pk).exists()
    # A record of one kind is not found under another.
    wrong_kind = reverse("cases:fact_edit", args=[case.pk, person.pk, "minor", asylum.pk + 1000])
    assert client_for(caseworker_a).get(wrong_kind).status_code == 404


def test_the_person_page_shows_the_current_stage_and_the_unaccompanied_minor(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    for day, stage, outcome in ((DAY, "antrag_gestellt", ""), (DAY + days(60), "bescheid", "fluechtlingsschutz")):
        people_services.add_status_record(
            acting_user=caseworker_a,
            person=person,
            kind="asylum",
            valid_from=day,
            stage=stage,
            outcome=outcome,
            bamf_file_number="7654321-438",
        )
    url = reverse("cases:person_detail", args=[case.pk, person.pk])
    client = client_for(caseworker_a)
    text = page_text(client.get(url))
    assert "Asylverfahren Bescheid: Flüchtlingsschutz" in text
    assert "BAMF-Aktenzeichen 7654321-438" in text
    assert "Unbegleitete:r Minderjährige:r seit" not in text

    minor = people_services.add_status_record(
        acting_user=caseworker_a,
        person=person,
        kind="minor",
        valid_from=DAY,
        youth_office="Jugendamt Landkreis Ludwigsburg",
    )
    text = page_text(client.get(url))
    assert "Unbegleitete:r Minderjährige:r seit 03.03.2025, Jugendamt: Jugendamt Landkreis Ludwigsburg" in text
    assert AccessLogEntry.objects.filter(record_id=str(person.pk), by=caseworker_a, action="view").exists()

    # Once the flag has ended (coming of age), the history keeps it but the page no longer flags the person.
    people_services.update_status_record(
        acting_user=caseworker_a, record=minor, expected_version=1, valid_until=DAY + days(30)
    )
    text = page_text(client.get(url))
    assert "Unbegleitete:r Minderjährige:r seit" not in text
    assert "Jugendamt: Jugendamt Landkreis Ludwigsburg, bis 02.04.2025" in text


def test_it_refuses_a_minor_record_that_ends_before_it_starts(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    response = client_for(caseworker_a).post(
        reverse("cases:fact_add", args=[case.pk, person.pk, "minor"]),
        {"valid_from": "2025-03-03", "youth_office": "Jugendamt Ludwigsburg", "valid_until": "2025-03-02"},
    )
    assert response.status_code == 200
    assert "Das Ende darf nicht vor dem Beginn liegen." in page_text(response)
    assert not UnaccompaniedMinorRecord.objects.exists()


def test_it_records_a_foster_family_as_housing_situation(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    client = client_for(caseworker_a)
    url = reverse("cases:fact_add", args=[case.pk, person.pk, "housing"])
    assert '<option value="pflegefamilie">Pflegefamilie</option>' in client.get(url).content.decode()

    response = client.post(url, {"valid_from": "2025-03-03", "situation": "pflegefamilie"})

    assert response.status_code == 302
    assert HousingRecord.objects.get(person=person).situation == "pflegefamilie"
    assert "Pflegefamilie" in page_text(client.get(reverse("cases:person_detail", args=[case.pk, person.pk])))
