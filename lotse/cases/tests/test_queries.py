"""Read-side queries: name search over spelling variants, current residence status, the worklist."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import F

from lotse.cases import queries, services
from lotse.cases.choices import CaseStatus, ClosingReason, ConsentPurpose, FieldOfAction, GoalStatus
from lotse.cases.models import Case, add_years
from lotse.cases.tests.factories import (
    TODAY,
    PersonFactory,
    days,
    frozen_today,
    head_of,
    open_case_for,
)
from lotse.core.testing import assert_queries
from lotse.people import services as people_services
from lotse.people.choices import Relationship, ResidenceStatus
from lotse.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


def add_member(case, acting_user, given_names, family_name="Haddad", *, is_client=True):
    return services.add_household_member(
        acting_user=acting_user,
        case=case,
        relationship=Relationship.CHILD,
        since=case.start_date,
        is_client=is_client,
        person_fields={"family_name": family_name, "given_names": given_names},
    )


def residence(acting_user, person, valid_from, status=ResidenceStatus.AUFENTHALTSERLAUBNIS, valid_until=None):
    return people_services.add_status_record(
        acting_user=acting_user,
        person=person,
        kind="residence",
        valid_from=valid_from,
        status=status,
        valid_until=valid_until,
    )


# Name search


def test_it_finds_transliterations_of_a_name_but_not_other_names(org_a):
    muhammad = PersonFactory.create(organisation=org_a, family_name="Haddad", given_names="Muhammad")
    mohamad = PersonFactory.create(organisation=org_a, family_name="Nasser", given_names="Mohamad")
    PersonFactory.create(organisation=org_a, family_name="Schmidt", given_names="Peter")
    PersonFactory.create(organisation=org_a, family_name="Hamdan", given_names="Leyla")
    assert set(queries.persons_matching("Mohammed")) == {muhammad, mohamad}


def test_a_long_name_does_not_find_names_that_only_fold_alike(org_a):
    """Folded, "Mohammed" shares half its trigrams with "Mykhailo", "Mahmoud" and "Hamid": they are other names."""
    wanted = PersonFactory.create(organisation=org_a, family_name="Aboud", given_names="Mohammed")
    variant = PersonFactory.create(organisation=org_a, family_name="Haddad", given_names="Muhammad")
    for family_name, given_names in [
        ("Savchenko", "Mykhailo"),
        ("Rahimi", "Mahsa"),
        ("Al-Halabi", "Mahmoud"),
        ("Rahimi", "Morteza"),
        ("Soltani", "Hamid"),
        ("Çelik", "Mehmet"),
    ]:
        PersonFactory.create(organisation=org_a, family_name=family_name, given_names=given_names)
    assert list(queries.persons_matching("Mohammed")) == [wanted, variant]


def test_it_ranks_the_exact_spelling_first(org_a):
    variant = PersonFactory.create(organisation=org_a, family_name="Haddad", given_names="Muhammad")
    exact = PersonFactory.create(organisation=org_a, family_name="Nasser", given_names="Mohammed")
    found = list(queries.persons_matching("Mohammed"))
    assert found == [exact, variant]
    scores = [person.name_score for person in found]  # type: ignore[attr-defined]
    assert scores[0] > scores[1] >= queries.NAME_MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("person", "query"),
    [
        ({"family_name": "Haddad", "aliases": ["Abu Yusuf"]}, "Youssef"),
        ({"family_name": "Haddad", "aliases": ["Al-Khatib"]}, "Khatib"),
        ({"family_name": "Haddad", "original_script_name": "حداد"}, "حداد"),
        ({"family_name": "Haddad"}, "Hadad"),
        ({"family_name": "Haddad"}, "HADDAD"),
        ({"family_name": "Haddad"}, "hadd"),
        ({"family_name": "Şahin", "given_names": "Gül"}, "Gul Sahin"),
        ({"family_name": "Yousef"}, "Jusuf"),
    ],
)
def test_it_finds_a_person_by_aliases_typos_and_other_scripts(caseworker_a, person, query):
    found = people_services.create_person(acting_user=caseworker_a, organisation=caseworker_a.organisation, **person)
    PersonFactory.create(organisation=caseworker_a.organisation, family_name="Schmidt", given_names="Peter")
    assert list(queries.persons_matching(query)) == [found]


@pytest.mark.parametrize("query", ["", "   ", "--", "12"])
def test_it_finds_nobody_for_an_empty_query(org_a, query):
    PersonFactory.create(organisation=org_a, family_name="Haddad")
    assert not queries.persons_matching(query).exists()


def test_it_filters_cases_by_the_names_of_their_clients(caseworker_a, caseworker_b):
    muhammad = open_case_for(caseworker_a, family_name="Haddad", given_names="Muhammad")
    schmidt = open_case_for(caseworker_a, family_name="Schmidt", given_names="Peter")
    add_member(schmidt, caseworker_a, "Yusuf", family_name="Schmidt", is_client=False)
    with_child = open_case_for(caseworker_a, family_name="Nasser", given_names="Rana")
    add_member(with_child, caseworker_a, "Mohamad", family_name="Nasser")
    open_case_for(caseworker_b, family_name="Haddad", given_names="Mohammed")  # another organisation's

    mine = Case.objects.visible_to(caseworker_a)
    found = list(queries.filter_cases_by_name(mine, "Mohammed"))
    assert set(found) == {muhammad, with_child}
    assert all(case.name_score >= queries.NAME_MATCH_THRESHOLD for case in found)  # type: ignore[attr-defined]
    assert list(queries.filter_cases_by_name(mine, "Schmidt")) == [schmidt]
    # A household member who is not a client does not make the case match.
    assert not queries.filter_cases_by_name(mine, "Yusuf").exists()


def test_the_name_search_finds_its_candidates_through_the_trigram_indexes(caseworker_a):
    """The condition is one the indexes can answer: with sequential scans off, the plan reads both of them."""
    open_case_for(caseworker_a, family_name="Haddad", given_names="Muhammad")
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) <= queries.NAME_MATCH_THRESHOLD
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queries.persons_matching("Mohammed").explain()
    assert "person_search_text_trgm" in plan
    assert "person_search_key_trgm" in plan


def test_a_name_search_pages_its_ranked_hits(caseworker_a):
    exact = open_case_for(caseworker_a, family_name="Haddad", given_names="Rami")
    for index in range(queries.PAGE_SIZE):
        open_case_for(caseworker_a, family_name="Haddad", given_names=f"Sami {index}")
    open_case_for(caseworker_a, family_name="Schmidt", given_names="Peter")

    first = queries.case_list_page(caseworker_a, {"q": "Rami Haddad"}, None)
    second = queries.case_list_page(caseworker_a, {"q": "Rami Haddad"}, "2")

    assert first.paginator.count == queries.PAGE_SIZE + 1
    assert first.object_list[0] == exact  # the best match first
    assert len(first.object_list) == queries.PAGE_SIZE and len(second.object_list) == 1
    assert {c.pk for c in first.object_list} | {c.pk for c in second.object_list} == set(
        Case.objects.filter(case_clients__person__family_name="Haddad").values_list("pk", flat=True)
    )
    assert first.object_list[0].head_name  # type: ignore[attr-defined]  # the rows carry what the list shows
    # The page ranks as the queryset of the other sorts would.
    ranked = queries.filter_cases_by_name(Case.objects.visible_to(caseworker_a), "Rami Haddad")
    assert [c.pk for c in [*first.object_list, *second.object_list]] == list(
        ranked.order_by(F("name_score").desc(), "-start_date", "-pk").values_list("pk", flat=True)
    )


def test_a_ranked_name_search_of_no_cases_at_all_finds_nothing(caseworker_a):
    open_case_for(caseworker_a, family_name="Haddad", given_names="Rami")
    ranked = queries.RankedByName(Case.objects.none(), "Haddad")
    assert ranked.count() == 0
    assert ranked[0 : queries.PAGE_SIZE] == []
    assert queries.RankedByName(Case.objects.all(), "Haddad").count() == 1


def test_it_finds_a_case_by_its_number_first_and_only_within_the_users_scope(caseworker_a, caseworker_b):
    wanted = open_case_for(caseworker_a, family_name="Schmidt")
    for index in range(queries.PAGE_SIZE + 2):
        open_case_for(caseworker_a, family_name="Fischer", given_names=f"Fritz {index}")
    imported = open_case_for(caseworker_a, family_name="Weber")
    Case.objects.filter(pk=imported.pk).update(external_id="AKTE-2024-17")
    elsewhere = open_case_for(caseworker_b, family_name="Schmidt")

    for typed in (wanted.number, f"f-{wanted.pk}", f"F {wanted.pk}", f"  {wanted.number.lower()} "):
        page = queries.case_list_page(caseworker_a, {"q": typed}, None)
        assert page.object_list[0] == wanted, typed
        assert page.paginator.count == 1, typed
        assert queries.case_list_page(caseworker_a, {"q": typed, "sort": "name"}, None).object_list == [wanted]
    assert queries.case_list_page(caseworker_a, {"q": "akte-2024-17"}, None).object_list == [imported]
    # Lotse's number of an imported case is not its number; another organisation's case is not found at all.
    assert queries.case_list_page(caseworker_a, {"q": f"F-{imported.pk:06d}"}, None).paginator.count == 0
    assert queries.case_list_page(caseworker_a, {"q": elsewhere.number}, None).paginator.count == 0


def test_a_case_number_finds_its_case_alone_and_a_name_the_cases_of_its_persons(caseworker_a):
    named = open_case_for(caseworker_a, family_name="Demir")
    numbered = open_case_for(caseworker_a, family_name="Schmidt")
    Case.objects.filter(pk=numbered.pk).update(external_id="DEMO-F0042")
    assert queries.case_list_page(caseworker_a, {"q": "demo-f0042"}, None).object_list == [numbered]
    assert queries.case_list_page(caseworker_a, {"q": "demo-f0042", "sort": "name"}, None).object_list == [numbered]
    assert queries.case_list_page(caseworker_a, {"q": "Demir"}, None).object_list == [named]


@pytest.mark.parametrize("typed", ["03.02.1986", "3.2.1986", "1986-02-03"])
def test_it_finds_the_cases_of_a_date_of_birth_alone(caseworker_a, caseworker_b, typed):
    born = open_case_for(
        caseworker_a, family_name="Aboud", birth_date=datetime.date(1986, 2, 3), birth_date_precision="day"
    )
    open_case_for(caseworker_a, family_name="Aboud", birth_date=datetime.date(1986, 2, 4), birth_date_precision="day")
    open_case_for(
        caseworker_b, family_name="Aboud", birth_date=datetime.date(1986, 2, 3), birth_date_precision="day"
    )  # not hers
    assert queries.case_list_page(caseworker_a, {"q": typed}, None).object_list == [born]
    assert queries.case_list_page(caseworker_a, {"q": typed, "sort": "name"}, None).object_list == [born]


@pytest.mark.parametrize("typed", ["0176 1234567", "+49 176 123 45 67", "0176/1234567", "1234567"])
def test_it_finds_the_cases_of_a_phone_number_alone(caseworker_a, caseworker_b, typed):
    called = open_case_for(caseworker_a, family_name="Nasser")
    Person.objects.filter(pk=head_of(called).pk).update(phone="+49 (176) 1234-567")
    open_case_for(caseworker_a, family_name="Nasser")
    elsewhere = open_case_for(caseworker_b, family_name="Nasser")
    Person.objects.filter(pk=head_of(elsewhere).pk).update(phone="0176 1234567")
    assert queries.case_list_page(caseworker_a, {"q": typed}, None).object_list == [called]


@pytest.mark.parametrize("typed", ["31.02.1986", "12345", "F-999999"])
def test_a_number_or_date_that_names_no_case_finds_nothing_and_no_names(caseworker_a, typed):
    open_case_for(caseworker_a, family_name="Haddad")
    assert queries.case_list_page(caseworker_a, {"q": typed}, None).paginator.count == 0


@pytest.mark.parametrize("query", ["", "--"])
def test_it_filters_cases_by_an_empty_name_to_none(caseworker_a, query):
    open_case_for(caseworker_a, family_name="Haddad")
    assert not queries.filter_cases_by_name(Case.objects.visible_to(caseworker_a), query).exists()


def test_it_names_a_case_by_its_first_client(caseworker_a):
    case = open_case_for(caseworker_a, family_name="Haddad", given_names="Amal")
    add_member(case, caseworker_a, "Samir", family_name="Aziz")
    names = Case.objects.annotate(head_name=queries.head_of_household_name()).values_list("head_name", flat=True)
    assert names.get(pk=case.pk) == "haddad amal"


def test_it_filters_cases_by_the_latest_residence_status_of_a_client(caseworker_a):
    permit = open_case_for(caseworker_a, family_name="Haddad")
    residence(caseworker_a, head_of(permit), datetime.date(2024, 1, 1), ResidenceStatus.GESTATTUNG)
    residence(caseworker_a, head_of(permit), datetime.date(2025, 3, 1), ResidenceStatus.AUFENTHALTSERLAUBNIS)
    pending = open_case_for(caseworker_a, family_name="Nasser")
    residence(caseworker_a, head_of(pending), datetime.date(2024, 6, 1), ResidenceStatus.GESTATTUNG)
    mixed = open_case_for(caseworker_a, family_name="Aziz")
    residence(caseworker_a, head_of(mixed), datetime.date(2024, 6, 1), ResidenceStatus.NIEDERLASSUNGSERLAUBNIS)
    child = add_member(mixed, caseworker_a, "Samir", family_name="Aziz")
    residence(caseworker_a, child, datetime.date(2024, 6, 1), ResidenceStatus.DULDUNG)
    open_case_for(caseworker_a, family_name="Unbekannt")  # no residence record at all

    cases = Case.objects.all()

    def having(status):
        return set(queries.cases_with_residence_status(cases, status))

    assert having(ResidenceStatus.AUFENTHALTSERLAUBNIS) == {permit}
    assert having(ResidenceStatus.GESTATTUNG) == {pending}
    assert having(ResidenceStatus.DULDUNG) == {mixed}
    assert having(ResidenceStatus.NIEDERLASSUNGSERLAUBNIS) == {mixed}
    assert having(ResidenceStatus.EINGEBUERGERT) == set()


# The worklist


@pytest.fixture
def case(caseworker_a) -> Case:
    return open_case_for(caseworker_a, family_name="Haddad")


def plan(case, acting_user, agreed_on=datetime.date(2025, 2, 1), review_on=None):
    return services.create_plan_version(acting_user=acting_user, case=case, agreed_on=agreed_on, review_on=review_on)


def goal(plan, acting_user, title, **kwargs):
    kwargs.setdefault("field_of_action", FieldOfAction.SPRACHE)
    return services.add_goal(acting_user=acting_user, plan=plan, title=title, **kwargs)


def test_it_lists_follow_ups_due_within_a_week(case, caseworker_a):
    def follow_up(description, due):
        return services.add_follow_up(acting_user=caseworker_a, case=case, description=description, due_date=due)

    overdue = follow_up("Überfällig", TODAY - days(2))
    soon = follow_up("In drei Tagen", TODAY + days(3))
    last_day = follow_up("In sieben Tagen", TODAY + days(7))
    follow_up("In acht Tagen", TODAY + days(8))
    done = follow_up("Erledigt", TODAY + days(1))
    services.complete_follow_up(acting_user=caseworker_a, follow_up=done)
    worklist = queries.worklist_for(caseworker_a, TODAY)
    assert worklist.follow_ups == [overdue, soon, last_day]
    assert worklist.follow_ups[0].case == case
    assert worklist.total == 3


def test_it_lists_goal_and_plan_reviews_within_two_weeks(case, caseworker_a):
    current = plan(case, caseworker_a, review_on=TODAY + days(14))
    due = goal(current, caseworker_a, "Prüfen in 10 Tagen", review_date=TODAY + days(10))
    overdue_review = goal(current, caseworker_a, "Prüfung verpasst", review_date=TODAY - days(3))
    goal(current, caseworker_a, "Prüfen in 15 Tagen", review_date=TODAY + days(15))
    goal(current, caseworker_a, "Erreicht", review_date=TODAY + days(5), status=GoalStatus.ACHIEVED)
    goal(current, caseworker_a, "Verworfen", review_date=TODAY + days(5), status=GoalStatus.DISCARDED)
    in_progress = goal(current, caseworker_a, "In Arbeit", review_date=TODAY, status=GoalStatus.IN_PROGRESS)
    worklist = queries.worklist_for(caseworker_a, TODAY)
    assert worklist.reviews == [current, overdue_review, in_progress, due]


def test_it_leaves_out_a_plan_review_beyond_two_weeks(case, caseworker_a):
    plan(case, caseworker_a, review_on=TODAY + days(15))
    assert queries.worklist_for(caseworker_a, TODAY).reviews == []


def test_it_lists_overdue_goals(case, caseworker_a):
    current = plan(case, caseworker_a)
    late = goal(current, caseworker_a, "Seit gestern fällig", due_date=TODAY - days(1))
    later = goal(current, caseworker_a, "Lange fällig", due_date=TODAY - days(30), status=GoalStatus.IN_PROGRESS)
    goal(current, caseworker_a, "Heute fällig", due_date=TODAY)
    goal(current, caseworker_a, "Erreicht", due_date=TODAY - days(5), status=GoalStatus.ACHIEVED)
    goal(current, caseworker_a, "Nicht erreicht", due_date=TODAY - days(5), status=GoalStatus.NOT_ACHIEVED)
    assert queries.worklist_for(caseworker_a, TODAY).overdue_goals == [later, late]


def test_it_lists_only_the_goals_of_the_current_plan(case, caseworker_a):
    first = plan(case, caseworker_a, agreed_on=datetime.date(2025, 2, 1), review_on=TODAY + days(1))
    old = goal(first, caseworker_a, "B1", due_date=TODAY - days(1), review_date=TODAY + days(2))
    second = plan(case, caseworker_a, agreed_on=datetime.date(2025, 5, 1))
    copy = second.goals.get()
    worklist = queries.worklist_for(caseworker_a, TODAY)
    # The copy in the new version is listed, the original in the old version is not; nor the old plan's review.
    assert worklist.reviews == [copy]
    assert worklist.overdue_goals == [copy]
    assert copy.pk != old.pk
    services.update_goal(
        acting_user=caseworker_a,
        goal=copy,
        expected_version=copy.version,
        field_of_action=copy.field_of_action,
        title=copy.title,
        due_date=copy.due_date,
        review_date=copy.review_date,
        status=GoalStatus.ACHIEVED,
    )
    worklist = queries.worklist_for(caseworker_a, TODAY)
    assert (worklist.reviews, worklist.overdue_goals) == ([], [])


def test_it_lists_residence_permits_expiring_within_90_days(case, caseworker_a):
    head = head_of(case)
    expiring = residence(caseworker_a, head, datetime.date(2024, 7, 1), valid_until=TODAY + days(60))
    on_the_last_day = add_member(case, caseworker_a, "Samir")
    last_day = residence(caseworker_a, on_the_last_day, datetime.date(2024, 7, 1), valid_until=TODAY + days(90))
    later = add_member(case, caseworker_a, "Rana")
    residence(caseworker_a, later, datetime.date(2024, 7, 1), valid_until=TODAY + days(91))
    renewed = add_member(case, caseworker_a, "Yusuf")
    residence(caseworker_a, renewed, datetime.date(2024, 7, 1), valid_until=TODAY + days(30))
    residence(caseworker_a, renewed, datetime.date(2025, 6, 1), ResidenceStatus.NIEDERLASSUNGSERLAUBNIS)
    not_client = add_member(case, caseworker_a, "Fatima", is_client=False)
    residence(caseworker_a, not_client, datetime.date(2024, 7, 1), valid_until=TODAY + days(10))
    worklist = queries.worklist_for(caseworker_a, TODAY)
    assert worklist.expiring_permits == [expiring, last_day]
    assert [record.case_id for record in worklist.expiring_permits] == [case.pk, case.pk]  # type: ignore[attr-defined]
    assert worklist.expiring_permits[0].person == head


def test_it_lists_a_permit_that_already_expired(case, caseworker_a):
    expired = residence(caseworker_a, head_of(case), datetime.date(2024, 1, 1), valid_until=TODAY - days(1))
    assert queries.worklist_for(caseworker_a, TODAY).expiring_permits == [expired]


def test_it_lists_cases_nearing_the_maximum_duration(caseworker_a):
    three_years_ago = add_years(TODAY, -3)
    nearing = open_case_for(caseworker_a, start_date=three_years_ago + days(60))
    first_warning_day = open_case_for(caseworker_a, start_date=three_years_ago + days(90))
    open_case_for(caseworker_a, start_date=three_years_ago + days(91))
    open_case_for(caseworker_a, start_date=TODAY - days(365))
    dormant = open_case_for(caseworker_a, start_date=three_years_ago - days(10))
    services.change_status(
        acting_user=caseworker_a, case=dormant, expected_version=1, to_status=CaseStatus.DORMANT, on=TODAY
    )
    closed = open_case_for(caseworker_a, start_date=three_years_ago + days(30))
    services.change_status(
        acting_user=caseworker_a,
        case=closed,
        expected_version=1,
        to_status=CaseStatus.CLOSED,
        on=TODAY,
        closing_reason=ClosingReason.HOECHSTDAUER,
    )
    worklist = queries.worklist_for(caseworker_a, TODAY)
    assert worklist.nearing_max_duration == [dormant, nearing, first_warning_day]
    assert all(case.nears_max_duration(TODAY) for case in worklist.nearing_max_duration)
    assert not Case.objects.get(start_date=three_years_ago + days(91)).nears_max_duration(TODAY)


def fill(case, acting_user):
    """Something of every kind due in ``case``."""
    current = plan(case, acting_user, review_on=TODAY)
    goal(current, acting_user, "Fällig", due_date=TODAY - days(1), review_date=TODAY)
    services.add_follow_up(acting_user=acting_user, case=case, description="Anrufen", due_date=TODAY)
    residence(acting_user, head_of(case), datetime.date(2024, 7, 1), valid_until=TODAY + days(10))


def test_it_leaves_out_closed_cases(case, caseworker_a):
    fill(case, caseworker_a)
    assert queries.worklist_for(caseworker_a, TODAY).total == 5
    services.change_status(
        acting_user=caseworker_a,
        case=case,
        expected_version=case.version,
        to_status=CaseStatus.CLOSED,
        on=TODAY,
        closing_reason=ClosingReason.WEGZUG,
    )
    assert queries.worklist_for(caseworker_a, TODAY).total == 0


def test_it_lists_only_the_users_own_cases(caseworker_a, colleague_a, teamlead_a, caseworker_b, org_b):
    theirs = open_case_for(colleague_a, start_date=add_years(TODAY, -3) + days(10))
    fill(theirs, colleague_a)
    other_org = open_case_for(caseworker_b, start_date=add_years(TODAY, -3) + days(10))
    fill(other_org, caseworker_b)
    # A colleague's case shared with another organisation is not the other organisation's work either.
    services.record_consent(
        acting_user=colleague_a,
        case=theirs,
        person=head_of(theirs),
        purpose=ConsentPurpose.SHARING,
        given_on=TODAY,
        recipient_organisation=org_b,
    )
    mine = queries.worklist_for(caseworker_a, TODAY)
    assert mine.total == 0
    assert queries.worklist_for(teamlead_a, TODAY).total == 0
    colleagues = queries.worklist_for(colleague_a, TODAY)
    assert colleagues.total == 6
    assert colleagues.nearing_max_duration == [theirs]
    assert {f.case for f in colleagues.follow_ups} == {theirs}
    assert queries.worklist_for(caseworker_b, TODAY).nearing_max_duration == [other_org]


def test_it_lists_incoming_handovers_for_the_receiving_organisation(
    case, caseworker_a, caseworker_b, org_admin_b, org_b
):
    services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head_of(case),
        purpose=ConsentPurpose.SHARING,
        given_on=TODAY,
        recipient_organisation=org_b,
    )
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    incoming = queries.worklist_for(caseworker_b, TODAY).incoming_handovers
    assert incoming == [handover]
    assert incoming[0].from_organisation == caseworker_a.organisation
    assert queries.worklist_for(caseworker_a, TODAY).incoming_handovers == []
    assert queries.worklist_for(org_admin_b, TODAY).incoming_handovers == []
    assert queries.worklist_for(org_admin_b, TODAY).total == 0
    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    worklist = queries.worklist_for(caseworker_b, TODAY)
    assert worklist.incoming_handovers == []
    assert queries.worklist_for(caseworker_a, TODAY).total == 0


def test_it_builds_the_worklist_in_ten_queries(caseworker_a):
    for _ in range(3):
        fill(open_case_for(caseworker_a, start_date=add_years(TODAY, -3) + days(10)), caseworker_a)
    with assert_queries(10):
        worklist = queries.worklist_for(caseworker_a, TODAY)
        # The rows carry what the page shows without further queries.
        for follow_up in worklist.follow_ups:
            assert follow_up.case.start_date
        for item in worklist.reviews:
            assert item.case.start_date if hasattr(item, "case") else item.plan.case.start_date
        for record in worklist.expiring_permits:
            assert record.person.family_name
    assert (len(worklist.follow_ups), len(worklist.reviews), len(worklist.overdue_goals)) == (3, 6, 3)
    assert (len(worklist.expiring_permits), len(worklist.nearing_max_duration)) == (3, 3)
