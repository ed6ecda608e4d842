"""The readable change history of a case and the access log of a person: names, links, pages, filters, scope."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lotse.cases import services
from lotse.cases.models import Case, Referral
from lotse.cases.tests.factories import head_of
from lotse.conftest import client_for
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.records import RecordName
from lotse.core.services import log_access
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.network.models import Actor, ActorCategory
from lotse.people import services as people_services

DAY = datetime.date(2025, 3, 3)


def open_case(caseworker, family_name="Haddad", given_names="Amina"):
    return services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=MunicipalityFactory.create(name="Asperg"),
        start_date=DAY,
        responsible=caseworker,
        head={"family_name": family_name, "given_names": given_names},
    )


def actor(name):
    category, _ = ActorCategory.objects.get_or_create(slug="beratung", defaults={"name": "Beratung"})
    return Actor.objects.create(name=name, category=category, municipality=MunicipalityFactory.create())


def history_url(case, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("cases:case_history", args=[case.pk]) + (f"?{query}" if query else "")


def changes_of(row):
    return {str(c["field"]): (c["before"], c["after"]) for c in row["changes"]}


@pytest.mark.django_db
def test_it_names_the_changed_fields_and_values_as_the_reader_reads_them(caseworker_a, colleague_a):
    case = open_case(caseworker_a)
    municipality = MunicipalityFactory.create(name="Tamm")
    services.update_case(
        acting_user=caseworker_a,
        case=case,
        expected_version=case.version,
        responsible=colleague_a,
        municipality=municipality,
        start_date=datetime.date(2025, 2, 1),
    )
    response = client_for(caseworker_a).get(history_url(case))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["label"] == "update" and r["model"] == "Fall")
    assert row["record"] == RecordName(f"Fall F-{case.pk:06d}", reverse("cases:case_detail", args=[case.pk]))
    assert row["by"] == RecordName(caseworker_a.get_full_name())  # a caseworker does not open user records
    changes = changes_of(row)
    assert changes["Beratungsbeginn"] == (RecordName("03.03.2025"), RecordName("01.02.2025"))
    assert changes["Gemeinde"] == (RecordName("Asperg"), RecordName("Tamm"))
    assert changes["Fallverantwortung"] == (
        RecordName(caseworker_a.get_full_name()),
        RecordName(colleague_a.get_full_name()),
    )
    body = response.content.decode()
    assert f"Fall F-{case.pk:06d}" in body
    assert f"Fall #{case.pk}" not in body


@pytest.mark.django_db
def test_it_shows_choices_by_label_and_links_actors_and_persons(caseworker_a):
    case = open_case(caseworker_a)
    services.change_status(
        acting_user=caseworker_a, case=case, expected_version=case.version, to_status="ruhend", on=DAY
    )
    first, second = actor("Jobcenter Ludwigsburg"), actor("Migrationsberatung Asperg")
    referral = services.add_referral(
        acting_user=caseworker_a,
        case=case,
        date=DAY,
        to_whom="",
        field_of_action="arbeit_ausbildung",
        topic="Bewerbung",
        network_actor=first,
    )
    Referral.objects.filter(pk=referral.pk).update(network_actor=second)
    person = head_of(case)
    people_services.update_person(
        acting_user=caseworker_a, person=person, expected_version=person.version, given_names="Amira"
    )
    rows = client_for(caseworker_a).get(history_url(case)).context["rows"]
    status = next(r for r in rows if r["model"] == "Fall" and "Status" in changes_of(r))
    assert changes_of(status)["Status"] == (RecordName("aktiv"), RecordName("ruhend"))
    moved = next(r for r in rows if r["model"] == "Verweis" and r["label"] == "update")
    assert changes_of(moved)["Akteur des Netzwerks"] == (
        RecordName("Jobcenter Ludwigsburg", reverse("network:actor_detail", args=[first.pk])),
        RecordName("Migrationsberatung Asperg", reverse("network:actor_detail", args=[second.pk])),
    )
    renamed = next(r for r in rows if r["model"] == "Person" and r["label"] == "update")
    assert renamed["record"] == RecordName("Haddad, Amira", reverse("cases:person_detail", args=[case.pk, person.pk]))


@pytest.mark.django_db
def test_it_pages_and_filters_the_case_history(caseworker_a, colleague_a):
    case = open_case(caseworker_a)
    person = head_of(case)
    for number in range(55):
        services.record_contact(
            acting_user=caseworker_a, case=case, date=DAY, duration_minutes=number + 1, form="buero"
        )
    people_services.update_person(
        acting_user=colleague_a, person=person, expected_version=person.version, given_names="Amira"
    )
    client = client_for(caseworker_a)
    first = client.get(history_url(case)).context
    total = first["page"].paginator.count
    assert total > 56
    assert len(first["rows"]) == 50
    second = client.get(history_url(case, page=2)).context
    assert len(second["rows"]) == min(50, total - 50)

    by_colleague = client.get(history_url(case, user=colleague_a.pk)).context["rows"]
    assert [(r["model"], r["label"]) for r in by_colleague] == [("Person", "update")]
    of_person = client.get(history_url(case, person=person.pk)).context["rows"]
    assert of_person and all(r["model"] != "Beratungskontakt" for r in of_person)
    contacts = client.get(history_url(case, kind="cases.contact")).context
    assert contacts["page"].paginator.count == 55
    today = timezone.localdate()
    assert client.get(history_url(case, until=(today - datetime.timedelta(days=1)).isoformat())).context["rows"] == []
    assert len(client.get(history_url(case, since=today.strftime("%d.%m.%Y"))).context["rows"]) == 50


@pytest.mark.django_db
def test_it_explains_a_bad_filter_in_german_and_applies_none_of_it(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    response = client.get(history_url(case, since="31.02.2025", user="abc"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in body
    assert response.context["rows"]
    response = client.get(history_url(case, since="2025-03-05", until="2025-03-01"))
    assert response.status_code == 200
    assert "Das Enddatum liegt vor dem Anfangsdatum." in response.content.decode()


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_a_case_history(caseworker_a, colleague_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)

    def record_work(number):
        referral = services.add_referral(
            acting_user=caseworker_a,
            case=case,
            date=DAY,
            to_whom="",
            field_of_action="arbeit_ausbildung",
            topic="Bewerbung",
            network_actor=actor(f"Agentur {number}"),
        )
        Referral.objects.filter(pk=referral.pk).update(network_actor=actor(f"Jobcenter {number}"))
        services.update_case(
            acting_user=caseworker_a,
            case=case,
            expected_version=Case.objects.get(pk=case.pk).version,
            responsible=colleague_a if number % 2 else caseworker_a,
            municipality=MunicipalityFactory.create(),
            start_date=DAY,
        )
        person = head_of(case)
        people_services.update_person(
            acting_user=colleague_a, person=person, expected_version=person.version, given_names=f"Amina {number}"
        )
        services.record_contact(acting_user=colleague_a, case=case, date=DAY, duration_minutes=5, form="buero")

    record_work(0)
    few = queries_of(client, history_url(case))
    for number in range(1, 6):
        record_work(number)
    assert_same_queries(few, queries_of(client, history_url(case)))


@pytest.mark.django_db
def test_it_answers_who_viewed_a_persons_data_to_their_organisations_administrator(
    caseworker_a, colleague_a, org_admin_a, org_admin_b
):
    case = open_case(caseworker_a)
    other = open_case(caseworker_a, family_name="Karimi")
    person = head_of(case)
    client = client_for(caseworker_a)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    client_for(colleague_a).get(reverse("cases:person_detail", args=[case.pk, person.pk]))
    client.get(reverse("cases:case_detail", args=[other.pk]))
    url = f"{reverse('core:access_log')}?person={person.pk}"

    response = client_for(org_admin_a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wer hat die Daten von Haddad, Amina wann angesehen?" in body
    entries = response.context["entries"]
    # The case's page and the person's page, newest first; the other client's case is not there.
    assert [(e["by"].text, e["kind"]) for e in entries] == [
        (colleague_a.get_full_name(), "Person"),
        (caseworker_a.get_full_name(), "Fall"),
    ]
    assert entries[1]["record"] == RecordName(f"Fall F-{case.pk:06d} (Haddad, Amina)")  # org admins open no cases
    assert entries[0]["record"] == RecordName("Haddad, Amina", url)
    assert entries[0]["by"].url == reverse("core:user_detail", args=[colleague_a.pk])
    # Reading who saw the person's data is itself a view of it.
    assert AccessLogEntry.objects.filter(
        by=org_admin_a, action=AccessAction.VIEW, record_type="people.person", record_id=str(person.pk)
    ).exists()
    filtered = client_for(org_admin_a).get(f"{url}&user={colleague_a.pk}").context["entries"]
    assert [e["by"].text for e in filtered] == [colleague_a.get_full_name()]

    assert client_for(org_admin_b).get(url).status_code == 404
    assert client_for(org_admin_a).get(f"{reverse('core:access_log')}?person=x").status_code == 404
    assert client_for(caseworker_a).get(url).status_code == 403


@pytest.mark.django_db
def test_it_links_the_access_question_from_the_person_page_for_whoever_may_ask_it(caseworker_a, org_admin_a):
    case = open_case(caseworker_a)
    person = head_of(case)
    url = reverse("cases:person_detail", args=[case.pk, person.pk])
    question = f"{reverse('core:access_log')}?person={person.pk}"
    assert question not in client_for(caseworker_a).get(url).content.decode()
    caseworker_a.roles = [*caseworker_a.roles, "organisationsadministration"]
    caseworker_a.save()
    assert question in client_for(caseworker_a).get(url).content.decode()


@pytest.mark.django_db
def test_it_shows_the_access_log_readably_filtered_and_in_few_queries(caseworker_a, colleague_a, org_admin_a):
    case = open_case(caseworker_a)
    log_access(acting_user=caseworker_a, action=AccessAction.VIEW, record=head_of(case))
    log_access(acting_user=caseworker_a, action=AccessAction.VIEW, record=case)
    client = client_for(org_admin_a)
    few = queries_of(client, reverse("core:access_log"))
    for number in range(5):
        other = open_case(colleague_a, family_name=f"Rahimi{number}")
        log_access(acting_user=colleague_a, action=AccessAction.VIEW, record=other)
        log_access(acting_user=colleague_a, action=AccessAction.PRINT, record=head_of(other))
    many = queries_of(client, reverse("core:access_log"))
    assert_same_queries(few, many)
    response = client.get(reverse("core:access_log"))
    body = response.content.decode()
    assert f'href="{reverse("core:access_log")}?person={head_of(case).pk}"' in body
    assert "Haddad, Amina" in body
    mine = client.get(f"{reverse('core:access_log')}?user={caseworker_a.pk}").context["entries"]
    assert {e["by"].text for e in mine} == {caseworker_a.get_full_name()}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert client.get(f"{reverse('core:access_log')}?since={tomorrow.isoformat()}").context["entries"] == []
    bad = client.get(f"{reverse('core:access_log')}?until=gestern")
    assert bad.status_code == 200
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in bad.content.decode()
    # The person's page of the log runs a fixed number of queries too.
    person_url = f"{reverse('core:access_log')}?person={head_of(case).pk}"
    few_person = queries_of(client, person_url)
    for _number in range(4):
        log_access(acting_user=colleague_a, action=AccessAction.VIEW, record=case)
    assert_same_queries(few_person, queries_of(client, person_url))
