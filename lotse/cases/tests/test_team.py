"""The team lead's view: caseloads, the team's due items, reassigning cases at once, substitutions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from lotse.cases import queries, services
from lotse.cases.choices import CaseStatus, ClosingReason, FieldOfAction, GoalStatus
from lotse.cases.models import Case, FollowUp, Substitution, add_years
from lotse.cases.tests.factories import TODAY, acting_user_of, days, events_of, frozen_today, open_case_for
from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


def follow_up(case: Case, user: User, due, description: str = "Bescheid kopieren") -> FollowUp:
    return services.add_follow_up(acting_user=user, case=case, description=description, due_date=due)


@dataclass
class Team:
    first: Case  # active, of caseworker_a: two open follow-ups (one overdue), a plan review and a goal review due
    dormant: Case  # dormant, of caseworker_a: one overdue follow-up
    old: Case  # active, of caseworker_a, nearing the maximum duration
    closed: Case  # closed, of caseworker_a: counts nowhere
    colleagues: Case  # active, of colleague_a: a follow-up due today, a review not yet due
    unassigned: Case  # active, without caseworker


@pytest.fixture
def team(caseworker_a, colleague_a, caseworker_b) -> Team:
    first = open_case_for(caseworker_a, family_name="Haddad")
    follow_up(first, caseworker_a, TODAY - days(3), "Wohngeld beantragen")
    follow_up(first, caseworker_a, TODAY + days(20))
    done = follow_up(first, caseworker_a, TODAY - days(5))
    services.complete_follow_up(acting_user=caseworker_a, follow_up=done, on=TODAY - days(1))
    plan = services.create_plan_version(
        acting_user=caseworker_a, case=first, agreed_on=TODAY - days(60), review_on=TODAY - days(1)
    )
    services.add_goal(
        acting_user=caseworker_a,
        plan=plan,
        field_of_action=FieldOfAction.SPRACHE,
        title="B1 erreichen",
        review_date=TODAY + days(5),
    )
    services.add_goal(
        acting_user=caseworker_a,
        plan=plan,
        field_of_action=FieldOfAction.ARBEIT,
        title="Praktikum",
        review_date=TODAY - days(2),
        status=GoalStatus.ACHIEVED,
    )
    dormant = open_case_for(caseworker_a, family_name="Karimi")
    follow_up(dormant, caseworker_a, TODAY - days(10), "Arzttermin nachfragen")
    services.change_status(
        acting_user=caseworker_a, case=dormant, expected_version=1, to_status=CaseStatus.DORMANT, on=TODAY
    )
    old = open_case_for(caseworker_a, family_name="Petrenko", start_date=add_years(TODAY, -3) + days(10))
    closed = open_case_for(caseworker_a, family_name="Rahimi")
    follow_up(closed, caseworker_a, TODAY - days(4))
    services.change_status(
        acting_user=caseworker_a,
        case=closed,
        expected_version=1,
        to_status=CaseStatus.CLOSED,
        on=TODAY,
        closing_reason=ClosingReason.WEGZUG,
    )
    colleagues = open_case_for(colleague_a, family_name="Nouri")
    follow_up(colleagues, colleague_a, TODAY)
    services.create_plan_version(
        acting_user=colleague_a, case=colleagues, agreed_on=TODAY - days(10), review_on=TODAY + days(30)
    )
    unassigned = services.open_case(
        acting_user=caseworker_a,
        organisation=caseworker_a.organisation,
        municipality=MunicipalityFactory.create(),
        start_date=TODAY - days(30),
        responsible=None,
        head={"family_name": "Ahmadi", "given_names": "Sara"},
    )
    # Organisation B's overdue follow-up shows on no page of A.
    follow_up(open_case_for(caseworker_b, family_name="Fremdfall"), caseworker_b, TODAY - days(7))
    return Team(first, dormant, old, closed, colleagues, unassigned)


def counts(row: queries.TeamRow) -> tuple[int, ...]:
    return (
        row.active,
        row.dormant,
        row.open_follow_ups,
        row.overdue_follow_ups,
        row.reviews_due,
        row.nearing_max_duration,
    )


# The team page


def test_it_counts_each_caseworkers_caseload(team, caseworker_a, colleague_a, teamlead_a):
    response = client_for(teamlead_a).get(reverse("cases:team"))
    assert response.status_code == 200
    rows = {row.key: row for row in response.context["rows"]}
    assert counts(rows[str(caseworker_a.pk)]) == (2, 1, 3, 2, 2, 1)
    assert counts(rows[str(colleague_a.pk)]) == (1, 0, 1, 0, 0, 0)
    assert counts(rows[str(teamlead_a.pk)]) == (0, 0, 0, 0, 0, 0)
    assert counts(rows["none"]) == (1, 0, 0, 0, 0, 0)
    assert counts(response.context["totals"]) == (4, 1, 4, 2, 2, 1)
    body = response.content.decode()
    # Each number leads to the list of what it counts.
    cases = reverse("cases:case_list")
    assert f'href="{cases}?responsible={caseworker_a.pk}&amp;status=ruhend">1</a>' in body
    assert f'href="{cases}?responsible={caseworker_a.pk}&amp;duration=near_max">1</a>' in body
    assert f'href="?caseworker={caseworker_a.pk}&amp;kind=overdue_follow_ups#team-items">2</a>' in body


def test_it_lists_the_teams_overdue_items_by_date(team, teamlead_a, caseworker_a):
    response = client_for(teamlead_a).get(reverse("cases:team"))
    items = [
        (item["item_kind"], item["item_case"], item["item_date"], item["responsible_name"])
        for item in response.context["page"].object_list
    ]
    name = caseworker_a.get_full_name()
    assert items == [
        ("follow_up", team.dormant.pk, TODAY - days(10), name),
        ("follow_up", team.first.pk, TODAY - days(3), name),
        ("plan", team.first.pk, TODAY - days(1), name),
    ]
    assert "Fremdfall" not in response.content.decode()


def test_it_lists_the_items_a_number_of_the_table_counts(team, teamlead_a, caseworker_a, colleague_a):
    client = client_for(teamlead_a)

    def listed(**params: str) -> list[tuple[str, int]]:
        page = client.get(reverse("cases:team"), params).context["page"]
        return [(item["item_kind"], item["item_case"]) for item in page.object_list]

    assert listed(caseworker=str(caseworker_a.pk), kind="follow_ups") == [
        ("follow_up", team.dormant.pk),
        ("follow_up", team.first.pk),
        ("follow_up", team.first.pk),
    ]
    assert listed(caseworker=str(caseworker_a.pk), kind="reviews") == [("plan", team.first.pk), ("goal", team.first.pk)]
    assert listed(caseworker=str(colleague_a.pk), kind="follow_ups") == [("follow_up", team.colleagues.pk)]
    assert listed(caseworker=str(colleague_a.pk)) == []
    assert listed(caseworker="none", kind="follow_ups") == []


def test_it_finds_the_cases_nearing_the_maximum_duration_on_the_case_list(team, teamlead_a, caseworker_a):
    url = f"{reverse('cases:case_list')}?responsible={caseworker_a.pk}&duration=near_max"
    page = client_for(teamlead_a).get(url).context["page"]
    assert [case.pk for case in page.object_list] == [team.old.pk]


def test_it_shows_a_team_lead_of_another_organisation_nothing_of_it(team, teamlead_b, caseworker_b, caseworker_a):
    response = client_for(teamlead_b).get(reverse("cases:team"))
    assert response.status_code == 200
    keys = [row.key for row in response.context["rows"]]
    assert str(caseworker_a.pk) not in keys
    assert str(caseworker_b.pk) in keys
    assert [item["item_case_name"] for item in response.context["page"].object_list] == ["Fremdfall, Amal"]
    body = response.content.decode()
    assert caseworker_a.last_name not in body
    assert "Haddad" not in body


def test_the_team_page_writes_the_access_log_of_the_cases_its_items_name(team, teamlead_a, org_a):
    client = client_for(teamlead_a)
    page = client.get(reverse("cases:team"))
    shown = {item["item_case"] for item in page.context["page"].object_list}
    assert team.first.pk in shown and team.dormant.pk in shown
    rows = AccessLogEntry.objects.filter(by=teamlead_a, path=reverse("cases:team"))
    assert sorted(rows.values_list("record_type", "record_id", "record_organisation_id")) == sorted(
        ("cases.case", str(pk), org_a.pk) for pk in shown
    )


def test_it_refuses_the_team_page_to_a_caseworker(caseworker_a):
    assert client_for(caseworker_a).get(reverse("cases:team")).status_code == 403


def test_it_runs_a_fixed_number_of_queries_for_the_team_page(team, teamlead_a, caseworker_a, org_a):
    client = client_for(teamlead_a)
    url = reverse("cases:team")
    few = queries_of(client, url)
    for index in range(4):
        worker = User.objects.create(
            username=f"worker-{index}", organisation=org_a, roles=["integrationsmanagement"], last_name=f"W{index}"
        )
        case = open_case_for(caseworker_a, responsible=worker, family_name=f"Fall{index}")
        follow_up(case, caseworker_a, TODAY - days(index + 1))
        services.create_plan_version(
            acting_user=caseworker_a, case=case, agreed_on=TODAY - days(9), review_on=TODAY - days(2)
        )
    assert_same_queries(few, queries_of(client, url))
    assert_same_queries(few, queries_of(client, f"{url}?caseworker={caseworker_a.pk}&kind=reviews&page=1"))


# Reassigning several cases at once


def choose(*cases: Case) -> list[str]:
    return [f"{case.pk}:{case.version}" for case in cases]


def test_it_reassigns_the_chosen_cases_in_one_change(team, teamlead_a, colleague_a, caseworker_a):
    first, dormant = Case.objects.get(pk=team.first.pk), Case.objects.get(pk=team.dormant.pk)
    response = client_for(teamlead_a).post(
        reverse("cases:cases_reassign"),
        {"case": choose(first, dormant), "responsible": colleague_a.pk, "next": "/cases/?responsible=me"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases/?responsible=me"
    assert set(Case.objects.filter(responsible=colleague_a).values_list("pk", flat=True)) == {
        team.first.pk,
        team.dormant.pk,
        team.colleagues.pk,
    }
    assert Case.objects.get(pk=team.old.pk).responsible == caseworker_a
    for case in (first, dormant):
        stored = Case.objects.get(pk=case.pk)
        assert stored.version == case.version + 1
        event = events_of(case).last()
        assert (event.responsible_id, acting_user_of(event)) == (colleague_a.pk, teamlead_a.pk)
        assert events_of(case).order_by("-pgh_id")[1].responsible_id == caseworker_a.pk


def test_it_reassigns_nothing_when_a_chosen_case_changed_meanwhile(team, teamlead_a, colleague_a, caseworker_a):
    first, old = Case.objects.get(pk=team.first.pk), Case.objects.get(pk=team.old.pk)
    chosen = choose(first, old)
    services.update_case(
        acting_user=caseworker_a,
        case=old,
        expected_version=old.version,
        responsible=caseworker_a,
        municipality=old.municipality,
        start_date=old.start_date,
    )
    with translation.override("de"):
        response = client_for(teamlead_a).post(
            reverse("cases:cases_reassign"), {"case": chosen, "responsible": colleague_a.pk}, follow=True
        )
    message = [str(m) for m in response.context["messages"]]
    assert message == [
        f"Jemand hat {old.number} inzwischen geändert, daher wurde nichts neu zugewiesen. "
        "Prüfen Sie die Liste und wählen Sie erneut aus."
    ]
    assert Case.objects.filter(pk__in=[first.pk, old.pk], responsible=caseworker_a).count() == 2


def test_it_refuses_to_reassign_to_a_caseworker_of_another_organisation(team, teamlead_a, caseworker_b, caseworker_a):
    with translation.override("de"), pytest.raises(ValidationError) as refusal:
        services.reassign_cases(
            acting_user=teamlead_a,
            organisation=teamlead_a.organisation,
            versions={team.first.pk: team.first.version},
            responsible=caseworker_b,
        )
    assert refusal.value.messages == [
        "Die fallverantwortliche Person muss bei der Organisation des Falls im Integrationsmanagement tätig sein."
    ]
    assert Case.objects.get(pk=team.first.pk).responsible == caseworker_a


def test_it_refuses_to_reassign_a_case_of_another_organisation(team, teamlead_b, caseworker_b, caseworker_a):
    foreign = Case.objects.get(pk=team.first.pk)
    with translation.override("de"), pytest.raises(ValidationError) as refusal:
        services.reassign_cases(
            acting_user=teamlead_b,
            organisation=teamlead_b.organisation,
            versions={foreign.pk: foreign.version},
            responsible=caseworker_b,
        )
    assert refusal.value.messages == [
        "Einer der ausgewählten Fälle gehört nicht (mehr) zu Ihrer Organisation. Es wurde nichts neu zugewiesen."
    ]
    assert Case.objects.get(pk=foreign.pk).responsible == caseworker_a


def test_it_lets_only_a_team_lead_reassign(team, caseworker_a, colleague_a):
    response = client_for(caseworker_a).post(
        reverse("cases:cases_reassign"), {"case": choose(team.first), "responsible": colleague_a.pk}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=team.first.pk).responsible == caseworker_a


def test_it_offers_the_choice_on_the_case_list_to_a_team_lead_only(team, teamlead_a, caseworker_a):
    url = f"{reverse('cases:case_list')}?responsible={caseworker_a.pk}"
    assert 'name="case"' in client_for(teamlead_a).get(url).content.decode()
    assert 'name="case"' not in client_for(caseworker_a).get(url).content.decode()


# Substitutions


TOMORROW, IN_FIVE_DAYS = TODAY + days(1), TODAY + days(5)


def substitution_of(teamlead, absent, substitute, starts_on=TOMORROW, ends_on=IN_FIVE_DAYS):
    return services.create_substitution(
        acting_user=teamlead,
        organisation=teamlead.organisation,
        absent=absent,
        substitute=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "Eine Fachkraft kann sich nicht selbst vertreten."),
        ("foreign", "Die Vertretung muss eine Fachkraft des Integrationsmanagements Ihrer Organisation sein."),
        ("backwards", "Die Vertretung kann nicht enden, bevor sie beginnt."),
        ("overlap", "Erika Muster{n} hat bereits eine Vertretung vom 17.06.2025 bis 21.06.2025."),
    ],
)
def test_it_refuses_a_substitution_that_makes_no_sense(
    case, message, teamlead_a, caseworker_a, colleague_a, caseworker_b
):
    substitute, starts_on, ends_on = colleague_a, TODAY + days(1), TODAY + days(5)
    if case == "same":
        substitute = caseworker_a
    elif case == "foreign":
        substitute = caseworker_b
    elif case == "backwards":
        starts_on, ends_on = TODAY + days(5), TODAY + days(4)
    elif case == "overlap":
        substitution_of(teamlead_a, caseworker_a, colleague_a)
        starts_on = TODAY + days(5)
        message = message.replace("Erika Muster{n}", caseworker_a.get_full_name())
    before = Substitution.objects.count()
    with translation.override("de"), pytest.raises(ValidationError) as refusal:
        substitution_of(teamlead_a, caseworker_a, substitute, starts_on, ends_on)
    assert refusal.value.messages == [message]
    assert Substitution.objects.count() == before


def test_it_shows_the_refusal_on_the_substitution_form(teamlead_a, caseworker_a, colleague_a):
    with translation.override("de"):
        response = client_for(teamlead_a).post(
            reverse("cases:substitution_create"),
            {
                "absent": caseworker_a.pk,
                "substitute": colleague_a.pk,
                "starts_on": "20.06.2025",
                "ends_on": "19.06.2025",
            },
        )
    assert response.status_code == 200
    assert "Die Vertretung kann nicht enden, bevor sie beginnt." in response.content.decode()
    assert not Substitution.objects.exists()


def test_it_saves_a_substitution_from_the_form(teamlead_a, caseworker_a, colleague_a):
    response = client_for(teamlead_a).post(
        reverse("cases:substitution_create"),
        {"absent": caseworker_a.pk, "substitute": colleague_a.pk, "starts_on": "17.06.2025", "ends_on": "2025-06-21"},
    )
    assert response.status_code == 302
    stored = Substitution.objects.get()
    assert (stored.organisation, stored.absent, stored.substitute, stored.created_by) == (
        teamlead_a.organisation,
        caseworker_a,
        colleague_a,
        teamlead_a,
    )
    assert (stored.starts_on, stored.ends_on) == (TODAY + days(1), TODAY + days(5))


def test_it_shows_the_absent_colleagues_work_to_the_substitute_only_while_in_force(
    team, teamlead_a, caseworker_a, colleague_a
):
    substitution_of(teamlead_a, caseworker_a, colleague_a)
    heading = f"Vertretung für {caseworker_a.get_full_name()} bis 21.06.2025"
    for day, shown in [(TODAY, False), (TODAY + days(1), True), (TODAY + days(5), True), (TODAY + days(6), False)]:
        with frozen_today(day):
            # Signed in that day (a session does not last across days).
            response = client_for(colleague_a).get(reverse("cases:worklist"))
        assert response.status_code == 200
        body = response.content.decode()
        assert (heading in body) is shown, day
        assert ("Wohngeld beantragen" in body) is shown, day
    # The absent colleague's own worklist and another caseworker's stay as they were.
    with frozen_today(TODAY + days(1)):
        assert heading not in client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()
        # The substitute opens the absent colleague's cases.
        response = client_for(colleague_a).get(reverse("cases:case_detail", args=[team.first.pk]))
        assert response.status_code == 200


def test_it_runs_a_fixed_number_of_queries_for_the_substitutes_worklist(team, teamlead_a, caseworker_a, colleague_a):
    client = client_for(colleague_a)
    substitution_of(teamlead_a, caseworker_a, colleague_a, starts_on=TODAY)
    one = queries_of(client, reverse("cases:worklist"))
    other = User.objects.create(
        username="other-a", organisation=caseworker_a.organisation, roles=["integrationsmanagement"]
    )
    case = open_case_for(caseworker_a, responsible=other, family_name="Weitere")
    follow_up(case, caseworker_a, TODAY)
    substitution_of(teamlead_a, other, colleague_a, starts_on=TODAY)
    assert_same_queries(one, queries_of(client, reverse("cases:worklist")))


def test_it_ends_a_substitution_early_and_deletes_one(teamlead_a, caseworker_a, colleague_a):
    running = substitution_of(teamlead_a, caseworker_a, colleague_a, starts_on=TODAY - days(3))
    client = client_for(teamlead_a)
    response = client.post(reverse("cases:substitution_end", args=[running.pk]), {"version": running.version})
    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.ends_on, running.version) == (TODAY - days(1), 2)
    assert not Substitution.objects.in_force_on(TODAY).exists()
    client.post(reverse("cases:substitution_delete", args=[running.pk]))
    assert not Substitution.objects.exists()


def test_it_refuses_to_end_a_substitution_changed_meanwhile(teamlead_a, caseworker_a, colleague_a):
    running = substitution_of(teamlead_a, caseworker_a, colleague_a, starts_on=TODAY - days(3))
    client_for(teamlead_a).post(reverse("cases:substitution_end", args=[running.pk]), {"version": running.version - 1})
    running.refresh_from_db()
    assert (running.ends_on, running.version) == (TODAY + days(5), 1)


def test_it_hides_the_substitutions_from_a_team_lead_of_another_organisation(
    teamlead_a, teamlead_b, caseworker_a, colleague_a
):
    substitution = substitution_of(teamlead_a, caseworker_a, colleague_a)
    client = client_for(teamlead_b)
    assert client.post(reverse("cases:substitution_delete", args=[substitution.pk])).status_code == 404
    assert client.post(reverse("cases:substitution_end", args=[substitution.pk])).status_code == 404
    assert caseworker_a.last_name not in client.get(reverse("cases:team")).content.decode()
    assert Substitution.objects.filter(pk=substitution.pk).exists()
    with translation.override("de"), pytest.raises(ValidationError) as refusal:
        services.delete_substitution(acting_user=teamlead_b, substitution=substitution)
    assert refusal.value.messages == ["Nur die Teamleitung der Organisation darf dies tun."]


def test_it_tells_why_the_list_could_not_reassign(team, teamlead_a, caseworker_b, caseworker_a):
    client = client_for(teamlead_a)
    url = reverse("cases:cases_reassign")
    with translation.override("de"):
        foreign = client.post(url, {"case": choose(team.first), "responsible": caseworker_b.pk}, follow=True)
        nobody = client.post(url, {"case": choose(team.first), "responsible": ""}, follow=True)
        nothing = client.post(url, {"responsible": caseworker_a.pk}, follow=True)
    assert [str(m) for m in foreign.context["messages"]] == ["Wählen Sie eine Fachkraft Ihrer Organisation aus."]
    assert [str(m) for m in nobody.context["messages"]] == ["Wählen Sie die Fachkraft aus, die die Fälle übernimmt."]
    assert [str(m) for m in nothing.context["messages"]] == ["Wählen Sie mindestens einen Fall aus."]
    assert Case.objects.get(pk=team.first.pk).responsible == caseworker_a
