"""Team leads merge two records of one person: every record moves to the one kept, and the history says so."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lotse.accommodation import services as accommodation_services
from lotse.accommodation.choices import ShelterKind
from lotse.cases import services as case_services
from lotse.cases.models import Case, CaseClient
from lotse.conftest import client_for
from lotse.core.tests.factories import MunicipalityFactory
from lotse.people import services as people_services
from lotse.people.merge import person_relations, records_of
from lotse.people.models import HouseholdMembership, LanguageRecord, Person, ResidenceRecord, WorkRecord

DAY = datetime.date(2024, 1, 10)


def open_case(caseworker, family_name, given_names, **head):
    return case_services.open_case(
        acting_user=caseworker,
        organisation=caseworker.organisation,
        municipality=MunicipalityFactory.create(name="Tamm"),
        start_date=DAY,
        responsible=caseworker,
        head={
            "family_name": family_name,
            "given_names": given_names,
            "birth_date": datetime.date(1986, 1, 1),
            "birth_date_precision": "year",
            **head,
        },
    )


def shelter_of(organisation, name="Fuchshof"):
    return accommodation_services.create_shelter(
        acting_user=None,
        organisation=organisation,
        places=4,
        places_from=datetime.date(2023, 1, 1),
        name=name,
        kind=ShelterKind.STAEDTISCHE_WOHNUNG,
        municipality=MunicipalityFactory.create(),
    )


@pytest.fixture
def twice(caseworker_a):
    """Mohammed Aboud, registered a second time as Muhammad Abud, each with a case and records."""
    first = open_case(caseworker_a, "Aboud", "Mohammed", nationalities=["SY"], phone="0711 123")
    second = open_case(
        caseworker_a, "Abud", "Muhammad", languages=["ara"], email="m.abud@example.org", notes="Kam 2023."
    )
    kept, removed = first.clients.get(), second.clients.get()
    for person in (kept, removed):
        # The same fact recorded for both on the same day: one copy is enough.
        people_services.add_status_record(
            acting_user=None, person=person, kind="residence", valid_from=DAY, status="gestattung"
        )
    people_services.add_status_record(
        acting_user=None, person=kept, kind="language", valid_from=DAY, level="A1", evidence="einschaetzung"
    )
    people_services.add_status_record(
        acting_user=None, person=removed, kind="work", valid_from=DAY, situation="arbeitsuchend"
    )
    case_services.record_consent(
        acting_user=None, case=second, person=removed, purpose="weitergabe", given_on=DAY, recipient_name="Jobcenter"
    )
    shelter = shelter_of(caseworker_a.organisation)
    stay = accommodation_services.move_in(acting_user=None, shelter=shelter, person=kept, on=datetime.date(2024, 2, 1))
    accommodation_services.move_out(
        acting_user=None, occupancy=stay, on=datetime.date(2024, 3, 1), reason="wegzug", expected_version=stay.version
    )
    accommodation_services.move_in(acting_user=None, shelter=shelter, person=removed, on=datetime.date(2024, 4, 1))
    return {"first": first, "second": second, "kept": kept, "removed": removed}


def merge(teamlead, kept, removed, **extra):
    return client_for(teamlead).post(
        reverse("cases:person_merge", args=[kept.pk]),
        {
            "other": removed.pk,
            "keep": kept.pk,
            "version": kept.version,
            "other_version": removed.version,
            **extra,
        },
    )


@pytest.mark.django_db
def test_it_finds_every_relation_to_a_person():
    labels = {relation.label for relation in person_relations()}
    assert {
        "people.householdmembership",
        "people.residencerecord",
        "cases.caseclient",
        "cases.consent",
        "accommodation.occupancy",
    } <= labels
    assert "people.personevent" not in labels  # the history stays the removed person's


@pytest.mark.django_db
def test_it_moves_every_record_to_the_person_kept(teamlead_a, twice):
    kept, removed = twice["kept"], twice["removed"]
    before_kept, before_removed = records_of(kept), records_of(removed)
    assert before_removed["cases.caseclient"] == 1
    assert before_removed["accommodation.occupancy"] == 1

    response = merge(teamlead_a, kept, removed)
    assert response.status_code == 302

    assert not Person.objects.filter(pk=removed.pk).exists()
    after = records_of(kept)
    # The second copy of the same residence status on the same day is dropped, nothing else.
    dropped = {"people.residencerecord": 1}
    for label, count in before_kept.items():
        assert after[label] == count + before_removed[label] - dropped.get(label, 0), label
    assert set(CaseClient.objects.filter(person=kept).values_list("case_id", flat=True)) == {
        twice["first"].pk,
        twice["second"].pk,
    }
    assert ResidenceRecord.objects.filter(person=kept).count() == 1
    assert LanguageRecord.objects.filter(person=kept).count() == 1
    assert WorkRecord.objects.filter(person=kept).count() == 1
    # One current household: the kept person's; the other membership ended on the day of the merge.
    assert HouseholdMembership.objects.get(person=kept, valid_to__isnull=True).household == twice["first"].household
    assert HouseholdMembership.objects.filter(person=kept, household=twice["second"].household).get().valid_to
    kept.refresh_from_db()
    # The kept person's data stay; blanks are filled from the other, the other name is a spelling variant.
    assert (kept.family_name, kept.given_names, kept.phone) == ("Aboud", "Mohammed", "0711 123")
    assert kept.email == "m.abud@example.org"
    assert kept.languages == ["ara"] and kept.nationalities == ["SY"]
    assert "Abud, Muhammad" in kept.aliases
    assert "Kam 2023." in kept.notes


@pytest.mark.django_db
def test_it_writes_the_merge_into_the_change_history(teamlead_a, caseworker_a, twice):
    kept, removed = twice["kept"], twice["removed"]
    merge(teamlead_a, kept, removed)
    from pghistory.models import Events

    deletion = Events.objects.filter(pgh_obj_model="people.Person", pgh_obj_id=str(removed.pk), pgh_label="delete")
    context = deletion.get().pgh_context
    assert context["merge"] == {
        "kept": kept.pk,
        "removed": removed.pk,
        "removed_name": "Abud, Muhammad",
        "removed_birth_date": "1986",
    }
    page = client_for(caseworker_a).get(reverse("cases:case_history", args=[twice["first"].pk])).content.decode()
    assert f"Zusammenführung: „Abud, Muhammad“ (Nr. {removed.pk}, geb. 1986) wurde in Nr. {kept.pk} übernommen." in page


@pytest.mark.django_db
def test_it_shows_both_records_side_by_side(teamlead_a, twice):
    kept, removed = twice["kept"], twice["removed"]
    client = client_for(teamlead_a)
    page = client.get(reverse("cases:person_merge", args=[kept.pk])).content.decode()
    assert "Abud, Muhammad" in page  # offered as likely the same person
    page = client.get(reverse("cases:person_merge", args=[kept.pk]), {"other": removed.pk}).content.decode()
    assert "Aboud" in page and "Abud" in page
    assert "Welcher Datensatz bleibt?" in page


@pytest.mark.django_db
def test_it_lets_only_team_leads_merge(caseworker_a, twice):
    response = merge(caseworker_a, twice["kept"], twice["removed"])
    assert response.status_code == 403
    assert Person.objects.filter(pk=twice["removed"].pk).exists()


@pytest.mark.django_db
def test_it_answers_404_for_a_person_of_another_organisation(teamlead_a, caseworker_b, twice):
    stranger = open_case(caseworker_b, "Aboud", "Mohammed").clients.get()
    assert merge(teamlead_a, twice["kept"], stranger).status_code == 404
    assert merge(teamlead_a, stranger, twice["kept"]).status_code == 404
    assert Person.objects.filter(pk=stranger.pk).exists()
    assert client_for(teamlead_a).get(reverse("cases:person_merge", args=[stranger.pk])).status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_person_with_records_of_another_organisation(teamlead_a, city, twice):
    kept, removed = twice["kept"], twice["removed"]
    # The kept person lives in a shelter of the city now: a record the city keeps.
    city_shelter = shelter_of(city, "Weststadt")
    accommodation_services.move_in(acting_user=None, shelter=city_shelter, person=kept, on=datetime.date(2024, 5, 1))
    before = records_of(removed)
    response = merge(teamlead_a, kept, removed)
    assert response.status_code == 200
    assert (
        "„Aboud, Mohammed“ hat Einträge, die eine andere Organisation führt (Belegung), daher können die Personen "
        "hier nicht zusammengeführt werden."
    ) in response.content.decode()
    assert records_of(removed) == before
    assert Case.objects.filter(case_clients__person=removed).count() == 1


@pytest.mark.django_db
def test_it_refuses_contradicting_facts_and_changes_nothing(teamlead_a, twice):
    kept, removed = twice["kept"], twice["removed"]
    people_services.add_status_record(
        acting_user=None, person=removed, kind="language", valid_from=DAY, level="B1", evidence="einschaetzung"
    )
    before_kept, before_removed = records_of(kept), records_of(removed)
    response = merge(teamlead_a, kept, removed)
    assert response.status_code == 200
    assert "widerspricht einem Eintrag der bleibenden Person" in response.content.decode()
    assert (records_of(kept), records_of(removed)) == (before_kept, before_removed)


@pytest.mark.django_db
def test_it_refuses_a_merge_after_a_concurrent_edit(teamlead_a, twice):
    kept, removed = twice["kept"], twice["removed"]
    stale = removed.version
    people_services.update_person(acting_user=None, person=removed, expected_version=stale, phone="0151 1")
    response = merge(teamlead_a, kept, removed, other_version=stale)
    assert response.status_code == 200
    assert "Einer der beiden Datensätze wurde zwischenzeitlich geändert" in response.content.decode()
    assert Person.objects.filter(pk=removed.pk).exists()
