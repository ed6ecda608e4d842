"""The casework screens: scoping to the organisation, fixed query counts, htmx entry, concurrent edits, PDF."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lotse.cases import services
from lotse.cases.models import Case, CaseClient, Contact, Handover
from lotse.cases.tests.url_arguments import LISTS, casework_urls
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people import services as people_services
from lotse.people.models import Person

DAY = datetime.date(2025, 3, 3)
# The team lead's pages refuse a caseworker (403); their scope is tested in test_team.py.
TEAM_LEAD = {
    "cases:team",
    "cases:cases_reassign",
    "cases:substitution_create",
    "cases:substitution_end",
    "cases:substitution_delete",
}
POST_ONLY = {
    "cases:client_toggle",
    "cases:fact_delete",
    "cases:follow_up_done",
    "cases:step_done",
    "cases:plan_continue",
    "cases:handover_withdraw",
}


def open_case(caseworker, family_name="Haddad", given_names="Amina", **head):
    return services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=MunicipalityFactory.create(),
        start_date=DAY,
        responsible=caseworker,
        head={"family_name": family_name, "given_names": given_names, **head},
    )


@pytest.mark.django_db
def test_it_answers_every_case_url_of_another_organisation_with_404(caseworker_a, caseworker_b):
    case_pk, urls = casework_urls(caseworker_a.organisation)
    client = client_for(caseworker_b)
    for name, url in urls.items():
        if name in LISTS | TEAM_LEAD:
            continue
        if name == "cases:person_merge":  # the team leads' page: 403 for a caseworker of any organisation
            continue
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code == 404, (name, response.status_code)
    case = Case.objects.get(pk=case_pk)
    assert case.organisation == caseworker_a.organisation
    assert CaseClient.objects.filter(case=case).count() == 1


READ_ONLY = {
    "cases:worklist",
    "cases:follow_up_list",
    "cases:case_list",
    "cases:case_detail",
    "cases:case_history",
    "cases:plan_detail",
    "cases:plan_pdf",
    "cases:handover_list",
}


@pytest.mark.django_db
def test_it_refuses_a_post_to_a_read_only_page_and_logs_no_access(caseworker_a):
    _case_pk, urls = casework_urls(caseworker_a.organisation)
    client = client_for(caseworker_a)
    logged = AccessLogEntry.objects.count()
    for name in READ_ONLY:
        response = client.post(urls[name])
        assert response.status_code == 405, (name, response.status_code)
    assert AccessLogEntry.objects.count() == logged


def shared_with(reader, case, person, *, by):
    """The client's consent to pass the case on to the reader's organisation (so that it reads the case)."""
    return services.record_consent(
        acting_user=by,
        case=case,
        person=person,
        purpose="weitergabe",
        given_on=DAY,
        recipient_organisation=reader.organisation,
    )


@pytest.mark.django_db
def test_it_lists_only_the_cases_of_the_own_organisation(caseworker_a, caseworker_b):
    open_case(caseworker_a, "Haddad")
    open_case(caseworker_b, "Karimi")
    body = client_for(caseworker_b).get(reverse("cases:case_list")).content.decode()
    assert "Karimi" in body
    assert "Haddad" not in body


@pytest.mark.django_db
def test_the_case_list_writes_the_access_log_of_the_cases_it_shows(caseworker_a, caseworker_b):
    haddad, karimi = open_case(caseworker_a, "Haddad"), open_case(caseworker_a, "Karimi")
    open_case(caseworker_b, "Yilmaz")
    client = client_for(caseworker_a)
    client.get(reverse("cases:case_list"))
    client.get(reverse("cases:case_list"), {"q": "Karimi"})
    client.head(reverse("cases:case_list"))  # the headers name nobody
    rows = AccessLogEntry.objects.order_by("pk")
    assert sorted((r.record_id, r.path) for r in rows) == sorted(
        [
            (str(haddad.pk), "/cases/"),
            (str(karimi.pk), "/cases/"),
            (str(karimi.pk), "/cases/?q=Karimi"),
        ]
    )
    assert {(r.by_id, r.action, r.record_type, r.record_organisation_id) for r in rows} == {
        (caseworker_a.pk, AccessAction.VIEW, "cases.case", caseworker_a.organisation_id)
    }


@pytest.mark.django_db
def test_it_shows_a_case_shared_by_consent_read_only_and_cuts_access_on_withdrawal(caseworker_a, caseworker_b):
    case = open_case(caseworker_a)
    person = case.clients.get()
    consent = shared_with(caseworker_b, case, person, by=caseworker_a)
    client = client_for(caseworker_b)
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert "quick-contact" not in page.content.decode()
    assert client.get(reverse("cases:case_edit", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("cases:contact_add", args=[case.pk]), {"date": "2025-03-04", "duration_minutes": 30, "form": "buero"}
    )
    assert response.status_code == 404
    assert Contact.objects.filter(case=case).count() == 0
    services.withdraw_consent(acting_user=caseworker_a, consent=consent, on=DAY)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_the_case_list(caseworker_a):
    client = client_for(caseworker_a)
    url = reverse("cases:case_list") + "?q=Haddad&sort=contact"
    open_case(caseworker_a)
    few = queries_of(client, url)
    for index in range(12):
        case = open_case(caseworker_a, given_names=f"Kind {index}")
        services.add_household_member(
            acting_user=caseworker_a,
            case=case,
            relationship="kind",
            since=DAY,
            is_client=True,
            person_fields={"family_name": "Haddad", "given_names": f"Sami {index}"},
        )
        services.record_contact(acting_user=caseworker_a, case=case, date=DAY, duration_minutes=20, form="telefonisch")
    assert_same_queries(few, queries_of(client, url))
    assert "13 Fälle" in client.get(url).content.decode()


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_the_case_page(caseworker_a):
    client = client_for(caseworker_a)
    case = open_case(caseworker_a)
    url = reverse("cases:case_detail", args=[case.pk])
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=DAY)
    person = case.clients.get()

    def add_records(index):
        services.add_household_member(
            acting_user=caseworker_a,
            case=case,
            relationship="kind",
            since=DAY,
            is_client=True,
            person_fields={"family_name": "Haddad", "given_names": f"Kind {index}"},
        )
        day = DAY + datetime.timedelta(days=index)
        services.record_contact(
            acting_user=caseworker_a,
            case=case,
            date=day,
            duration_minutes=30,
            form="buero",
            fields_of_action=["sprache"],
            interpreter_kind="professionell",
            interpreter_language="ara",
            follow_ups=[(f"Aufgabe {index}", day)],
        )
        services.add_referral(
            acting_user=caseworker_a,
            case=case,
            date=day,
            to_whom="Jobcenter",
            field_of_action="arbeit_ausbildung",
            topic="x",
        )
        goal = services.add_goal(acting_user=caseworker_a, plan=plan, field_of_action="wohnen", title=f"Ziel {index}")
        services.add_step(acting_user=caseworker_a, goal=goal, description="Schritt", responsible="klient")
        people_services.add_status_record(
            acting_user=caseworker_a,
            person=person,
            kind="language",
            valid_from=day,
            level="A1",
            evidence="einschaetzung",
        )
        services.record_consent(
            acting_user=caseworker_a, case=case, person=person, purpose="datenverarbeitung", given_on=DAY
        )

    add_records(0)
    few = queries_of(client, url)
    for index in range(1, 9):
        add_records(index)
    assert_same_queries(few, queries_of(client, url))


@pytest.mark.django_db
def test_it_records_a_quick_contact_in_place_with_htmx(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    response = client.post(
        reverse("cases:contact_add", args=[case.pk]),
        {
            "date": "2025-03-10",
            "duration_minutes": "45",
            "form": "hausbesuch",
            "fields_of_action": ["wohnen", "sprache"],
            "interpreter_kind": "ehrenamtlich",
            "interpreter_language": "fas",
            "note": "Mietvertrag besprochen.",
            "follow_up": "Wohnungsangebot prüfen",
            "follow_up_due": "2025-03-17",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body
    assert "Mietvertrag besprochen." in body
    contact = Contact.objects.get(case=case)
    assert (contact.form, contact.duration_minutes, contact.interpreter_language) == ("hausbesuch", 45, "fas")
    assert contact.fields_of_action == ["wohnen", "sprache"]
    assert contact.follow_ups.get().due_date == datetime.date(2025, 3, 17)


@pytest.mark.django_db
def test_it_refuses_a_contact_with_an_interpreter_but_no_language(caseworker_a):
    case = open_case(caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:contact_add", args=[case.pk]),
        {"date": "2025-03-10", "duration_minutes": "45", "form": "buero", "interpreter_kind": "professionell"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Bitte die Sprache angeben, in die gedolmetscht wurde." in response.content.decode()
    assert not Contact.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_it_refuses_the_second_of_two_concurrent_edits(caseworker_a, colleague_a):
    case = open_case(caseworker_a)
    other = MunicipalityFactory.create(name="Kornwestheim")
    third = MunicipalityFactory.create(name="Remseck")
    url = reverse("cases:case_edit", args=[case.pk])
    form = {"start_date": "2025-03-03", "responsible": caseworker_a.pk, "version": case.version}
    first = client_for(caseworker_a).post(url, {**form, "municipality": other.pk})
    assert first.status_code == 302
    second = client_for(colleague_a).post(url, {**form, "municipality": third.pk})
    assert second.status_code == 200
    assert "wurde zwischenzeitlich von einer anderen Person geändert" in second.content.decode()
    case.refresh_from_db()
    assert case.municipality == other
    assert case.version == 2


@pytest.mark.django_db
def test_it_opens_a_case_with_a_partial_date_of_birth(caseworker_a):
    municipality = MunicipalityFactory.create()
    response = client_for(caseworker_a).post(
        reverse("cases:case_create"),
        {
            "municipality": municipality.pk,
            "start_date": "01.02.2025",
            "responsible": caseworker_a.pk,
            "family_name": "Rahimi",
            "given_names": "Omid",
            "birth_date": "03.1990",
            "gender": "m",
            "nationalities": ["AF"],
            "languages": ["fas", "pus"],
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(family_name="Rahimi")
    assert (person.birth_date, person.birth_date_precision) == (datetime.date(1990, 3, 1), "month")
    case = Case.objects.get(household__memberships__person=person)
    assert (case.organisation, case.status, case.start_date) == (
        caseworker_a.organisation,
        "aktiv",
        DAY.replace(month=2, day=1),
    )


@pytest.mark.django_db
def test_it_refuses_an_impossible_date_of_birth_and_creates_nothing(caseworker_a):
    response = client_for(caseworker_a).post(
        reverse("cases:case_create"),
        {
            "municipality": MunicipalityFactory.create().pk,
            "start_date": "01.02.2025",
            "family_name": "Rahimi",
            "birth_date": "31.02.1990",
            "gender": "m",
        },
    )
    assert response.status_code == 200
    assert "„31.02.1990“ ist kein Geburtsdatum" in response.content.decode()
    assert not Person.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_it_finds_spelling_variants_in_the_case_list(caseworker_a):
    open_case(caseworker_a, "Muhammad", "Ali")
    open_case(caseworker_a, "Schmidt", "Anna")
    body = client_for(caseworker_a).get(reverse("cases:case_list"), {"q": "Mohammed"}).content.decode()
    assert "Muhammad" in body
    assert "Schmidt" not in body


@pytest.mark.django_db
def test_it_closes_a_case_only_with_a_reason(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:case_status", args=[case.pk])
    refused = client.post(url, {"to_status": "abgeschlossen", "on": "2025-06-01", "version": case.version})
    assert refused.status_code == 200
    assert "Bitte den Grund für den Abschluss des Falls wählen." in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "aktiv"
    closed = client.post(
        url,
        {
            "to_status": "abgeschlossen",
            "on": "2025-06-01",
            "closing_reason": "eigener_wohnraum",
            "version": case.version,
        },
    )
    assert closed.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.end_date, case.closing_reason) == (
        "abgeschlossen",
        datetime.date(2025, 6, 1),
        "eigener_wohnraum",
    )


@pytest.mark.django_db
def test_it_hands_a_case_over_and_the_sender_loses_access(caseworker_a, caseworker_b):
    case = open_case(caseworker_a)
    services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=case.clients.get(),
        purpose="weitergabe",
        given_on=DAY,
        recipient_organisation=caseworker_b.organisation,
    )
    sender, receiver = client_for(caseworker_a), client_for(caseworker_b)
    offered = sender.post(
        reverse("cases:handover_request", args=[case.pk]), {"to_organisation": caseworker_b.organisation.pk}
    )
    assert offered.status_code == 302
    handover = Handover.objects.get(case=case)
    assert str(case) in receiver.get(reverse("cases:worklist")).content.decode()
    unexplained = receiver.post(reverse("cases:handover_detail", args=[handover.pk]), {"decision": "decline"})
    assert unexplained.status_code == 200
    handover.refresh_from_db()
    assert handover.status == "angefragt"
    accepted = receiver.post(
        reverse("cases:handover_detail", args=[handover.pk]), {"decision": "accept", "responsible": caseworker_b.pk}
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert (case.organisation, case.responsible) == (caseworker_b.organisation, caseworker_b)
    assert sender.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    record = sender.get(reverse("cases:handover_detail", args=[handover.pk]))
    assert record.status_code == 200
    assert "Haddad" not in record.content.decode()
    assert receiver.get(reverse("cases:case_edit", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_it_prints_the_plan_as_a_pdf_and_logs_the_print(caseworker_a):
    case = open_case(caseworker_a)
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=DAY)
    goal = services.add_goal(
        acting_user=caseworker_a, plan=plan, field_of_action="sprache", title="B1-Zertifikat erreichen"
    )
    services.add_step(
        acting_user=caseworker_a,
        goal=goal,
        description="Anmeldung Integrationskurs",
        responsible="akteur",
        responsible_name="Volkshochschule",
    )
    response = client_for(caseworker_a).get(reverse("cases:plan_pdf", args=[case.pk, plan.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="integrationsvereinbarung-{case.number}-v1.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Integrationsvereinbarung",
        "B1-Zertifikat erreichen",
        "Anmeldung Integrationskurs",
        "Volkshochschule",
        "Haddad",
    ):
        assert expected in text, expected
    assert AccessLogEntry.objects.filter(by=caseworker_a, action="print", record_id=str(plan.pk)).exists()


@pytest.mark.django_db
def test_it_shows_the_case_history_with_who_did_what(caseworker_a):
    case = open_case(caseworker_a)
    services.record_contact(acting_user=caseworker_a, case=case, date=DAY, duration_minutes=30, form="buero")
    body = client_for(caseworker_a).get(reverse("cases:case_history", args=[case.pk])).content.decode()
    assert "Beratungskontakt" in body
    assert caseworker_a.get_full_name() in body


@pytest.mark.django_db
def test_it_opens_a_case_with_the_municipality_of_residence_of_its_head(caseworker_a):
    case_municipality = MunicipalityFactory.create(name="Ludwigsburg")
    residence = MunicipalityFactory.create(name="Kornwestheim")
    client = client_for(caseworker_a)
    page = client.get(reverse("cases:case_create")).content.decode()
    assert 'for="id_residence_municipality">Wohnort (Gemeinde)</label>' in page
    response = client.post(
        reverse("cases:case_create"),
        {
            "municipality": case_municipality.pk,
            "start_date": "01.02.2025",
            "responsible": caseworker_a.pk,
            "family_name": "Rahimi",
            "gender": "m",
            "residence_municipality": residence.pk,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(family_name="Rahimi")
    assert person.municipality == residence
    assert Case.objects.get(household__memberships__person=person).municipality == case_municipality


@pytest.mark.django_db
def test_it_changes_the_municipality_of_residence_on_the_person_page(caseworker_a):
    first = MunicipalityFactory.create(name="Ludwigsburg")
    then = MunicipalityFactory.create(name="Remseck am Neckar")
    case = open_case(caseworker_a, municipality=first)  # the head's municipality of residence
    person = case.clients.get()
    url = reverse("cases:person_detail", args=[case.pk, person.pk])
    client = client_for(caseworker_a)
    page = client.get(url).content.decode()
    assert "Wohnort (Gemeinde)" in page
    assert f'<option value="{first.pk}" selected>Ludwigsburg ({first.ags})</option>' in page
    response = client.post(
        url,
        {
            "family_name": "Haddad",
            "given_names": "Amina",
            "gender": "w",
            "residence_municipality": then.pk,
            "version": person.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.municipality, person.version) == (then, 2)
    client.post(url, {"family_name": "Haddad", "gender": "w", "residence_municipality": "", "version": 2})
    person.refresh_from_db()
    assert (person.municipality, person.given_names, person.version) == (None, "", 3)
    refused = client.post(url, {"family_name": "", "gender": "w", "version": 3})
    assert refused.status_code == 200
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("Haddad", 3)


@pytest.mark.django_db
def test_it_shows_the_municipality_of_residence_on_a_shared_person_page(caseworker_a, caseworker_b):
    case = open_case(caseworker_a, municipality=MunicipalityFactory.create(name="Freiberg am Neckar"))
    person = case.clients.get()
    shared_with(caseworker_b, case, person, by=caseworker_a)
    page = client_for(caseworker_b).get(reverse("cases:person_detail", args=[case.pk, person.pk]))
    assert page.status_code == 200
    assert "<dt>Wohnort (Gemeinde)</dt><dd>Freiberg am Neckar</dd>" in page.content.decode()


@pytest.mark.django_db
def test_the_person_page_names_the_household_by_its_case(caseworker_a, caseworker_b):
    case = open_case(caseworker_a)
    person = case.clients.get()
    url = reverse("cases:person_detail", args=[case.pk, person.pk])
    page = client_for(caseworker_a).get(url).content.decode()
    link = f'<a href="{reverse("cases:case_detail", args=[case.pk])}">{case}</a>'
    assert f"<li>Haushalt ({link}): " in page
    assert f"Haushalt {case.household_id}" not in page
    shared_with(caseworker_b, case, person, by=caseworker_a)
    # The organisation the client consented to share with reads the page through the case, and follows the link.
    shared = client_for(caseworker_b)
    assert link in shared.get(url).content.decode()
    assert shared.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
def test_it_adds_a_household_member_whose_relationship_is_not_recorded(caseworker_a):
    case = open_case(caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:member_add", args=[case.pk]),
        {"relationship": "unbekannt", "since": "2025-03-03", "is_client": "on", "family_name": "Haddad", "gender": "u"},
    )
    assert response.status_code == 302
    membership = case.household.memberships.get(relationship="unbekannt")
    assert (membership.person.family_name, membership.valid_from) == ("Haddad", DAY)
    assert CaseClient.objects.filter(case=case, person=membership.person).exists()
    page = client_for(caseworker_a).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "nicht erfasst · <strong>Klient:in</strong>" in page


@pytest.mark.django_db
def test_it_records_a_contact_with_an_interpreter_of_unrecorded_kind(caseworker_a):
    case = open_case(caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:contact_add", args=[case.pk]),
        {
            "date": "2025-03-10",
            "duration_minutes": "30",
            "form": "telefonisch",
            "interpreter_kind": "ohne_angabe",
            "interpreter_language": "ukr",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    contact = Contact.objects.get(case=case)
    assert (contact.interpreter_kind, contact.interpreter_language) == ("ohne_angabe", "ukr")
    assert "Dolmetschung: Dolmetschung (Art nicht erfasst), Ukrainisch" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_interpreter_of_unrecorded_kind_without_a_language(caseworker_a):
    case = open_case(caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:contact_add", args=[case.pk]),
        {"date": "2025-03-10", "duration_minutes": "30", "form": "buero", "interpreter_kind": "ohne_angabe"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Bitte die Sprache angeben, in die gedolmetscht wurde." in response.content.decode()
    assert not Contact.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("version", "status"), [("1", 200), ("¹", 200), ("٣", 200), ("7", 404)])
def test_it_shows_a_plan_version_asked_for_by_number_and_the_latest_for_anything_else(caseworker_a, version, status):
    case = open_case(caseworker_a)
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=DAY)
    response = client_for(caseworker_a).get(reverse("cases:plan_detail", args=[case.pk]), {"version": version})
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoken", "preselected"),
    [(["deu", "prs", "eng"], "prs"), (["tir"], "tir"), (["deu"], ""), ([], "")],
)
def test_it_preselects_the_interpreted_language_from_the_main_clients_languages(caseworker_a, spoken, preselected):
    case = open_case(caseworker_a, languages=spoken)
    client = client_for(caseworker_a)

    for url in (reverse("cases:case_detail", args=[case.pk]), reverse("cases:contact_add", args=[case.pk])):
        html = client.get(url).content.decode()
        chosen = re.findall(r'<select[^>]*name="interpreter_language"[^>]*>.*?</select>', html, re.S)[0]
        assert re.findall(r'<option value="(\w*)" selected>', chosen) == [preselected]
