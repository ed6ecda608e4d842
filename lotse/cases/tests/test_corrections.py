"""Correcting what was recorded: contacts edited and deleted (with a reason), who took part in a contact, dated
facts corrected in place, follow-up tasks postponed, edited and passed to a colleague, all open follow-ups."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from lotse.cases import services
from lotse.cases.models import Contact, ContactParticipant, FollowUp
from lotse.cases.tests.factories import TODAY, days, events_of, frozen_today, head_of, open_case_for, refused_with
from lotse.conftest import client_for
from lotse.core.choices import Role
from lotse.core.models import AccessLogEntry
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import UserFactory
from lotse.people import services as people_services
from lotse.people.models import LanguageRecord, ResidenceRecord, WorkRecord

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 3)
NOT_OWNER = "Only the organisation responsible for the case may change it."
FOREIGN_ASSIGNEE = (
    "A follow-up task can only be passed to an active colleague of the case's organisation who does casework."
)
FOREIGN_ASSIGNEE_DE = (
    "Eine Wiedervorlage kann nur an aktive Kolleg:innen der Organisation des Falls übergeben werden, "
    "die Fallarbeit machen."
)
CONFLICT_DE = "Dieser Datensatz wurde zwischenzeitlich von einer anderen Person geändert."


def add_child(case, caseworker, given_names="Sami"):
    return services.add_household_member(
        acting_user=caseworker,
        case=case,
        relationship="kind",
        since=DAY,
        is_client=True,
        person_fields={"family_name": "Haddad", "given_names": given_names},
    )


def a_contact(case, caseworker, **fields):
    values = {"date": DAY, "duration_minutes": 30, "form": "buero", "note": "Antrag besprochen", **fields}
    return services.record_contact(acting_user=caseworker, case=case, **values)


def contact_form(contact, participants, **changes):
    """The edit form of ``contact`` as the page shows it, with ``changes``."""
    form = {
        "version": contact.version,
        "date": contact.date.isoformat(),
        "duration_minutes": contact.duration_minutes,
        "form": contact.form,
        "interpreter_kind": contact.interpreter_kind,
        "interpreter_language": contact.interpreter_language,
        "note": contact.note,
        "participants": [p.pk for p in participants],
    }
    form.update(changes)
    return form


def page_text(response) -> str:
    """The page's text without its tags, as a reader sees it."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


# Who took part in a contact


def test_it_records_the_first_client_as_participant_unless_told_otherwise(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    child = add_child(case, caseworker_a)
    by_default = a_contact(case, caseworker_a)
    both = a_contact(case, caseworker_a, participants=[head_of(case), child])
    assert list(by_default.participants.all()) == [head_of(case)]
    assert set(both.participants.all()) == {head_of(case), child}


def test_it_refuses_a_participant_who_is_no_client_of_the_case(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    other = open_case_for(caseworker_a, start_date=DAY, family_name="Rahimi")
    with refused_with("Only clients of the case can take part in its contacts."):
        a_contact(case, caseworker_a, participants=[head_of(other)])
    with refused_with("Choose who took part in the contact."):
        a_contact(case, caseworker_a, participants=[])
    assert Contact.objects.filter(case=case).count() == 0


def test_it_offers_the_clients_on_the_contact_form_and_shows_who_took_part(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    child = add_child(case, caseworker_a, "Sami")
    client = client_for(caseworker_a)
    page = page_text(client.get(reverse("cases:case_detail", args=[case.pk])))
    assert "Teilgenommen haben" in page and "Haddad, Sami" in page
    response = client.post(
        reverse("cases:contact_add", args=[case.pk]),
        {
            "date": "2025-03-10",
            "duration_minutes": "45",
            "form": "buero",
            "interpreter_kind": "keine",
            "participants": [child.pk],
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert list(contact.participants.all()) == [child]
    page = page_text(client.get(reverse("cases:case_detail", args=[case.pk])))
    assert "Teilgenommen haben: Haddad, Sami" in page


# Editing a contact


def test_it_corrects_a_contact_and_keeps_the_old_values_in_the_history(caseworker_a, colleague_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    child = add_child(case, caseworker_a)
    contact = a_contact(case, caseworker_a)
    response = client_for(colleague_a).post(
        reverse("cases:contact_edit", args=[case.pk, contact.pk]),
        contact_form(contact, [head_of(case), child], duration_minutes=50, note="Antrag auf Wohngeld besprochen"),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.duration_minutes, contact.note, contact.version) == (50, "Antrag auf Wohngeld besprochen", 2)
    assert set(contact.participants.all()) == {head_of(case), child}
    update = events_of(contact).filter(pgh_label="update").get()
    assert (update.duration_minutes, update.note) == (50, "Antrag auf Wohngeld besprochen")
    history = page_text(client_for(caseworker_a).get(reverse("cases:case_history", args=[case.pk])))
    assert "Antrag besprochen → Antrag auf Wohngeld besprochen" in history
    assert "30 → 50" in history


def test_it_refuses_the_second_of_two_concurrent_corrections_of_a_contact(caseworker_a, colleague_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    url = reverse("cases:contact_edit", args=[case.pk, contact.pk])
    form = contact_form(contact, [head_of(case)])
    assert client_for(caseworker_a).post(url, {**form, "duration_minutes": 40}).status_code == 302
    second = client_for(colleague_a).post(url, {**form, "duration_minutes": 90})
    assert second.status_code == 200
    assert CONFLICT_DE in page_text(second)
    contact.refresh_from_db()
    assert contact.duration_minutes == 40


def test_it_checks_a_corrected_contact_like_a_new_one(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    with refused_with("The contact cannot be dated before the start of counselling (03/03/2025)."):
        services.update_contact(
            acting_user=caseworker_a,
            contact=contact,
            expected_version=contact.version,
            date=DAY - days(1),
            duration_minutes=30,
            form="buero",
            fields_of_action=[],
            interpreter_kind="keine",
            interpreter_language="",
            note="",
            participants=[head_of(case)],
        )
    contact.refresh_from_db()
    assert (contact.date, contact.version) == (DAY, 1)


def test_it_answers_another_organisations_contact_with_404(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    other_case = open_case_for(caseworker_a, start_date=DAY, family_name="Rahimi")
    client = client_for(caseworker_b)
    for name in ("cases:contact_edit", "cases:contact_delete"):
        assert client.get(reverse(name, args=[case.pk, contact.pk])).status_code == 404
    response = client.post(
        reverse("cases:contact_delete", args=[case.pk, contact.pk]), {"version": 1, "reason": "falscher Fall"}
    )
    assert response.status_code == 404
    # A contact named under a case it does not belong to is no contact of that case.
    own = client_for(caseworker_a)
    assert own.get(reverse("cases:contact_edit", args=[other_case.pk, contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_it_refuses_a_correction_by_another_organisation_in_the_service(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    with refused_with(NOT_OWNER):
        services.delete_contact(acting_user=caseworker_b, contact=contact, expected_version=1, reason="x")
    assert Contact.objects.filter(pk=contact.pk).exists()


# Deleting a contact


def test_it_deletes_a_contact_with_the_reason_in_the_history(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a, follow_ups=[("Bescheid kopieren", DAY + days(7))])
    pk = contact.pk
    client = client_for(caseworker_a)
    url = reverse("cases:contact_delete", args=[case.pk, pk])
    assert "Grund" in page_text(client.get(url))
    response = client.post(url, {"version": contact.version, "reason": "Im falschen Fall erfasst"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=pk).exists()
    assert not ContactParticipant.objects.filter(contact_id=pk).exists()
    # Its follow-up task stays with the case.
    assert FollowUp.objects.get(case=case).contact is None
    deleted = events_of(Contact, pk).get(pgh_label="delete")
    assert deleted.pgh_context.metadata["reason"] == "Im falschen Fall erfasst"
    assert deleted.pgh_context.metadata["user"] == caseworker_a.pk
    assert (deleted.note, deleted.duration_minutes) == ("Antrag besprochen", 30)
    history = page_text(client.get(reverse("cases:case_history", args=[case.pk])))
    assert "Begründung: Im falschen Fall erfasst" in history
    assert "Antrag besprochen" in history


def test_it_refuses_to_delete_a_contact_without_a_reason(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    response = client_for(caseworker_a).post(
        reverse("cases:contact_delete", args=[case.pk, contact.pk]), {"version": contact.version, "reason": "  "}
    )
    assert response.status_code == 200
    assert "Bitte geben Sie den Grund an, aus dem der Kontakt gelöscht wird." in page_text(response)
    with refused_with("Give the reason why the contact is deleted."):
        services.delete_contact(acting_user=caseworker_a, contact=contact, expected_version=1, reason=" ")
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_it_refuses_to_delete_a_contact_changed_since_it_was_shown(caseworker_a, colleague_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    contact = a_contact(case, caseworker_a)
    services.update_contact(
        acting_user=colleague_a,
        contact=contact,
        expected_version=1,
        **{name: getattr(contact, name) for name in services.CONTACT_FIELDS},
        participants=[head_of(case)],
    )
    response = client_for(caseworker_a).post(
        reverse("cases:contact_delete", args=[case.pk, contact.pk]), {"version": 1, "reason": "doppelt"}
    )
    assert response.status_code == 200
    assert CONFLICT_DE in page_text(response)
    assert Contact.objects.filter(pk=contact.pk).exists()


# Correcting a dated fact


def test_it_corrects_a_status_record_in_place_and_keeps_the_old_values(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    record = people_services.add_status_record(
        acting_user=caseworker_a, person=person, kind="residence", valid_from=DAY, status="gestattung"
    )
    url = reverse("cases:fact_edit", args=[case.pk, person.pk, "residence", record.pk])
    client = client_for(caseworker_a)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": 1,
            "valid_from": "2025-03-01",
            "status": "aufenthaltserlaubnis",
            "legal_basis": "§ 25 Abs. 2",
            "valid_until": "2028-02-29",
        },
    )
    assert response.status_code == 302
    record = ResidenceRecord.objects.get(pk=record.pk)
    assert (record.valid_from, record.status, record.legal_basis, record.version) == (
        datetime.date(2025, 3, 1),
        "aufenthaltserlaubnis",
        "§ 25 Abs. 2",
        2,
    )
    assert ResidenceRecord.objects.filter(person=person).count() == 1
    before, after = events_of(record).order_by("pgh_id")
    assert (before.status, before.valid_from) == ("gestattung", DAY)
    assert after.status == "aufenthaltserlaubnis"
    history = page_text(client.get(reverse("cases:case_history", args=[case.pk])))
    assert "Aufenthaltsgestattung → Aufenthaltserlaubnis" in history


def test_it_refuses_a_concurrent_or_clashing_correction_of_a_status_record(caseworker_a, colleague_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    first, second = (
        people_services.add_status_record(
            acting_user=caseworker_a,
            person=person,
            kind="language",
            valid_from=day,
            level=level,
            evidence="einschaetzung",
        )
        for day, level in ((DAY, "A1"), (DAY + days(30), "A2"))
    )
    people_services.update_status_record(acting_user=colleague_a, record=first, expected_version=1, level="A2")
    with pytest.raises(ConcurrentEditError):
        people_services.update_status_record(acting_user=caseworker_a, record=first, expected_version=1, level="B1")
    with refused_with("There is already another entry from 02.04.2025."):
        people_services.update_status_record(
            acting_user=caseworker_a, record=first, expected_version=2, valid_from=second.valid_from
        )
    stored = LanguageRecord.objects.get(pk=first.pk)
    assert (stored.level, stored.valid_from, stored.version) == ("A2", DAY, 2)


def test_it_answers_another_organisations_status_record_with_404(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a, start_date=DAY)
    person = head_of(case)
    record = people_services.add_status_record(
        acting_user=caseworker_a, person=person, kind="work", valid_from=DAY, situation="arbeitsuchend"
    )
    url = reverse("cases:fact_edit", args=[case.pk, person.pk, "work", record.pk])
    assert client_for(caseworker_b).get(url).status_code == 404
    assert (
        client_for(caseworker_b)
        .post(url, {"version": 1, "valid_from": "2025-03-03", "situation": "schule"})
        .status_code
        == 404
    )
    # The record of one kind is not found under another.
    wrong_kind = reverse("cases:fact_edit", args=[case.pk, person.pk, "housing", record.pk])
    assert client_for(caseworker_a).get(wrong_kind).status_code == 404
    assert WorkRecord.objects.get(pk=record.pk).situation == "arbeitsuchend"


# Follow-up tasks: postpone, edit, pass on


def a_follow_up(case, caseworker, due=TODAY):
    return services.add_follow_up(acting_user=caseworker, case=case, description="Bescheid kopieren", due_date=due)


def test_it_postpones_a_follow_up_to_a_later_day_only(caseworker_a):
    with frozen_today():
        case = open_case_for(caseworker_a)
        task = a_follow_up(case, caseworker_a, due=TODAY - days(3))
        with refused_with("A follow-up task is postponed to a day after 06/13/2025."):
            services.postpone_follow_up(
                acting_user=caseworker_a, follow_up=task, expected_version=1, due_date=TODAY - days(3)
            )
        with refused_with("A follow-up task cannot be postponed into the past."):
            services.postpone_follow_up(
                acting_user=caseworker_a, follow_up=task, expected_version=1, due_date=TODAY - days(1)
            )
        response = client_for(caseworker_a).post(
            reverse("cases:follow_up_postpone", args=[case.pk, task.pk]) + "?next=follow-ups",
            {"version": 1, "due_date": "2025-06-30"},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:follow_up_list")
    task.refresh_from_db()
    assert (task.due_date, task.version, task.done_on) == (datetime.date(2025, 6, 30), 2, None)
    before, after = events_of(task).order_by("pgh_id")
    assert (before.due_date, after.due_date) == (TODAY - days(3), datetime.date(2025, 6, 30))


def test_it_edits_a_follow_up_and_refuses_a_stale_form(caseworker_a, colleague_a):
    case = open_case_for(caseworker_a)
    task = a_follow_up(case, caseworker_a)
    url = reverse("cases:follow_up_edit", args=[case.pk, task.pk])
    form = {"version": 1, "description": "Bescheid kopieren und abheften", "due_date": "2025-07-01"}
    assert client_for(caseworker_a).post(url, form).status_code == 302
    stale = client_for(colleague_a).post(url, {**form, "description": "anders"})
    assert stale.status_code == 200
    assert CONFLICT_DE in page_text(stale)
    task.refresh_from_db()
    assert (task.description, task.due_date) == ("Bescheid kopieren und abheften", datetime.date(2025, 7, 1))


def test_it_refuses_to_change_a_follow_up_that_is_done(caseworker_a):
    case = open_case_for(caseworker_a)
    task = a_follow_up(case, caseworker_a)
    services.complete_follow_up(acting_user=caseworker_a, follow_up=task)
    assert FollowUp.objects.get(pk=task.pk).version == 2
    with refused_with("This follow-up task is already done."):
        services.update_follow_up(
            acting_user=caseworker_a, follow_up=task, expected_version=2, description="x", due_date=TODAY
        )
    url = reverse("cases:follow_up_edit", args=[case.pk, task.pk])
    assert client_for(caseworker_a).get(url).status_code == 404


def test_it_passes_a_follow_up_to_a_colleague_who_then_has_it(caseworker_a, colleague_a):
    with frozen_today():
        case = open_case_for(caseworker_a)
        task = a_follow_up(case, caseworker_a)
        response = client_for(caseworker_a).post(
            reverse("cases:follow_up_assign", args=[case.pk, task.pk]), {"version": 1, "assignee": colleague_a.pk}
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert (task.assignee, task.version) == (colleague_a, 2)
        assert [t.pk for t in FollowUp.objects.for_user(colleague_a)] == [task.pk]
        assert list(FollowUp.objects.for_user(caseworker_a)) == []
        colleague_work = page_text(client_for(colleague_a).get(reverse("cases:worklist")))
        assert "Bescheid kopieren" in colleague_work
        assert "Bescheid kopieren" not in page_text(client_for(caseworker_a).get(reverse("cases:worklist")))
        # Back to the responsible caseworker.
        services.reassign_follow_up(acting_user=colleague_a, follow_up=task, expected_version=2, assignee=None)
        assert [t.pk for t in FollowUp.objects.for_user(caseworker_a)] == [task.pk]


def test_it_passes_a_follow_up_only_to_a_caseworker_of_the_same_organisation(caseworker_a, org_admin_a, caseworker_b):
    case = open_case_for(caseworker_a)
    task = a_follow_up(case, caseworker_a)
    inactive = UserFactory.create(
        username="ehemalig-a",
        organisation=caseworker_a.organisation,
        roles=[Role.INTEGRATIONSMANAGEMENT],
        is_active=False,
    )
    for user in (org_admin_a, caseworker_b, inactive):
        with refused_with(FOREIGN_ASSIGNEE):
            services.reassign_follow_up(acting_user=caseworker_a, follow_up=task, expected_version=1, assignee=user)
    with translation.override("de"), pytest.raises(Exception) as refused:
        services.reassign_follow_up(acting_user=caseworker_a, follow_up=task, expected_version=1, assignee=caseworker_b)
    assert refused.value.messages == [FOREIGN_ASSIGNEE_DE]  # type: ignore[attr-defined]
    response = client_for(caseworker_a).post(
        reverse("cases:follow_up_assign", args=[case.pk, task.pk]), {"version": 1, "assignee": caseworker_b.pk}
    )
    assert response.status_code == 200
    assert FOREIGN_ASSIGNEE_DE in page_text(response)
    task.refresh_from_db()
    assert (task.assignee, task.version) == (None, 1)


def test_it_answers_another_organisations_follow_up_with_404(caseworker_a, caseworker_b):
    case = open_case_for(caseworker_a)
    task = a_follow_up(case, caseworker_a)
    client = client_for(caseworker_b)
    for name in ("cases:follow_up_edit", "cases:follow_up_postpone", "cases:follow_up_assign"):
        assert client.get(reverse(name, args=[case.pk, task.pk])).status_code == 404
        assert client.post(reverse(name, args=[case.pk, task.pk]), {"version": 1}).status_code == 404
    task.refresh_from_db()
    assert (task.due_date, task.version, task.assignee) == (TODAY, 1, None)


# All open follow-up tasks


def test_it_lists_the_users_own_open_follow_ups_sorted_with_the_overdue_marked(caseworker_a, colleague_a):
    with frozen_today():
        mine = open_case_for(caseworker_a)
        theirs = open_case_for(colleague_a, family_name="Rahimi")
        later = a_follow_up(mine, caseworker_a, due=TODAY + days(60))
        overdue = services.add_follow_up(
            acting_user=caseworker_a, case=mine, description="Jobcenter anrufen", due_date=TODAY - days(2)
        )
        passed = services.add_follow_up(
            acting_user=colleague_a,
            case=theirs,
            description="Kita-Platz",
            due_date=TODAY + days(1),
            assignee=caseworker_a,
        )
        a_follow_up(theirs, colleague_a)  # the colleague's own
        done = a_follow_up(mine, caseworker_a)
        services.complete_follow_up(acting_user=caseworker_a, follow_up=done)
        response = client_for(caseworker_a).get(reverse("cases:follow_up_list"))
    assert response.status_code == 200
    assert [task.pk for task in response.context["page"]] == [overdue.pk, passed.pk, later.pk]
    page = page_text(response)
    assert "Alle offenen Wiedervorlagen" in page
    assert page.count("überfällig") == 1
    assert "3 offene Wiedervorlagen" in page


def test_it_shows_a_team_lead_the_teams_follow_ups_and_nobody_else(caseworker_a, colleague_a, teamlead_a, caseworker_b):
    first = open_case_for(caseworker_a)
    second = open_case_for(colleague_a, family_name="Rahimi")
    foreign = open_case_for(caseworker_b, family_name="Kovalenko")
    ours = {a_follow_up(first, caseworker_a).pk, a_follow_up(second, colleague_a).pk}
    a_follow_up(foreign, caseworker_b)
    lead = client_for(teamlead_a)
    assert list(lead.get(reverse("cases:follow_up_list")).context["page"]) == []
    team = lead.get(reverse("cases:follow_up_list") + "?scope=team")
    assert {task.pk for task in team.context["page"]} == ours
    # A caseworker asking for the team's sees their own.
    own = client_for(caseworker_a).get(reverse("cases:follow_up_list") + "?scope=team")
    assert [task.case_id for task in own.context["page"]] == [first.pk]


def test_it_runs_a_fixed_number_of_queries_for_the_open_follow_ups(caseworker_a, colleague_a, teamlead_a):
    case = open_case_for(caseworker_a)
    a_follow_up(case, caseworker_a)
    url = reverse("cases:follow_up_list")
    team_url = url + "?scope=team"
    client, lead = client_for(caseworker_a), client_for(teamlead_a)
    few, few_team = queries_of(client, url), queries_of(lead, team_url)
    for index in range(8):
        other = open_case_for(caseworker_a, given_names=f"Kind {index}")
        services.add_follow_up(
            acting_user=caseworker_a,
            case=other,
            description=f"Aufgabe {index}",
            due_date=TODAY + days(index),
            assignee=colleague_a if index % 2 else None,
        )
        a_follow_up(other, caseworker_a)
    assert_same_queries(few, queries_of(client, url))
    assert_same_queries(few_team, queries_of(lead, team_url))


def test_my_work_and_the_open_follow_ups_write_the_access_log_of_the_cases_they_name(caseworker_a, colleague_a):
    with frozen_today():
        mine = open_case_for(caseworker_a, responsible=caseworker_a)
        other = open_case_for(colleague_a, responsible=colleague_a, family_name="Karimi")
        a_follow_up(mine, caseworker_a)
        a_follow_up(mine, caseworker_a, due=TODAY + days(1))  # the same case twice on the page: one row
        a_follow_up(other, colleague_a)
        client = client_for(caseworker_a)
        for name in ("cases:worklist", "cases:follow_up_list"):
            before = AccessLogEntry.objects.count()
            assert client.get(reverse(name)).status_code == 200
            rows = list(AccessLogEntry.objects.order_by("pk")[before:])
            assert [(r.by, r.record_type, r.record_id, r.record_organisation_id) for r in rows] == [
                (caseworker_a, "cases.case", str(mine.pk), mine.organisation_id)
            ], name
        before = AccessLogEntry.objects.count()
        client.head(reverse("cases:worklist"))
        assert AccessLogEntry.objects.count() == before


def test_it_links_the_open_follow_ups_from_my_work(caseworker_a):
    page = client_for(caseworker_a).get(reverse("cases:worklist")).content.decode()
    assert f'href="{reverse("cases:follow_up_list")}"' in page


def test_it_logs_the_access_of_a_follow_up_form(caseworker_a):
    case = open_case_for(caseworker_a)
    task = a_follow_up(case, caseworker_a)
    before = AccessLogEntry.objects.count()
    client_for(caseworker_a).get(reverse("cases:follow_up_postpone", args=[case.pk, task.pk]))
    entry = AccessLogEntry.objects.order_by("pk").last()
    assert entry is not None
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.record_type, entry.record_id) == ("cases.followup", str(task.pk))


def test_it_keeps_a_participant_who_is_no_longer_a_client_when_a_contact_is_corrected(caseworker_a):
    case = open_case_for(caseworker_a, start_date=DAY)
    child = add_child(case, caseworker_a)
    contact = a_contact(case, caseworker_a, participants=[head_of(case), child])
    services.move_to_new_household(acting_user=caseworker_a, case=case, person=child, since=DAY + days(5))
    url = reverse("cases:contact_edit", args=[case.pk, contact.pk])
    response = client_for(caseworker_a).post(url, contact_form(contact, [head_of(case), child], duration_minutes=35))
    assert response.status_code == 302
    assert set(Contact.objects.get(pk=contact.pk).participants.all()) == {head_of(case), child}


def test_it_gives_passed_tasks_to_the_new_responsible_caseworker_after_a_handover(
    caseworker_a, colleague_a, caseworker_b, org_b
):
    case = open_case_for(caseworker_a)
    task = services.add_follow_up(
        acting_user=caseworker_a, case=case, description="Kita-Platz", due_date=TODAY, assignee=colleague_a
    )
    services.record_consent(
        acting_user=caseworker_a,
        case=case,
        person=head_of(case),
        purpose="weitergabe",
        given_on=DAY,
        recipient_organisation=org_b,
    )
    handover = services.request_handover(acting_user=caseworker_a, case=case, to_organisation=org_b)
    services.accept_handover(acting_user=caseworker_b, handover=handover, responsible=caseworker_b)
    task.refresh_from_db()
    assert task.assignee is None
    assert [t.pk for t in FollowUp.objects.for_user(caseworker_b)] == [task.pk]
    assert list(FollowUp.objects.for_user(colleague_a)) == []
