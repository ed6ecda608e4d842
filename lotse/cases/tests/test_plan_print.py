"""The integration plan: goals name the clients they concern; a version printed for signature is locked;
the printed plan stands in German beside the client's language, with a signature line for each adult client."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from lotse.cases import plan_print, services
from lotse.cases.choices import FieldOfAction, Responsible
from lotse.cases.models import Goal, GoalMember, IntegrationPlan, Step
from lotse.cases.tests.factories import TODAY, frozen_today, head_of, open_case_for
from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people.choices import Relationship
from lotse.people.models import Person

pytestmark = pytest.mark.django_db

PRINTED = "Diese Fassung wurde zur Unterschrift gedruckt. Änderungen beginnen eine neue Fassung."
NOT_A_CLIENT = "Ein Ziel kann nur Klient:innen dieses Falls betreffen."


@pytest.fixture(autouse=True)
def _today():
    with frozen_today():
        yield


def member(case, acting_user, given_names, birth_date, *, is_client=True, **fields) -> Person:
    return services.add_household_member(
        acting_user=acting_user,
        case=case,
        relationship=Relationship.CHILD if birth_date and birth_date.year > 2010 else Relationship.PARTNER,
        since=datetime.date(2025, 1, 2),
        is_client=is_client,
        person_fields={
            "family_name": "Haddad",
            "given_names": given_names,
            "birth_date": birth_date,
            "birth_date_precision": "day" if birth_date else "",
            **fields,
        },
    )


@pytest.fixture
def family(caseworker_a):
    """Amal (head, 35, speaks Ukrainian), Omar (partner, 40) and Lina (child, 10): all clients."""
    case = open_case_for(
        caseworker_a,
        given_names="Amal",
        birth_date=datetime.date(1990, 5, 1),
        birth_date_precision="day",
        languages=["ukr", "deu"],
    )
    omar = member(case, caseworker_a, "Omar", datetime.date(1985, 2, 3))
    lina = member(case, caseworker_a, "Lina", datetime.date(2015, 7, 1))
    return case, head_of(case), omar, lina


def goal_of(plan, acting_user, title="B1-Zertifikat erreichen", **kwargs) -> Goal:
    kwargs.setdefault("field_of_action", FieldOfAction.SPRACHE)
    return services.add_goal(acting_user=acting_user, plan=plan, title=title, **kwargs)


def printed(plan, acting_user, language="") -> IntegrationPlan:
    return services.print_plan_for_signature(
        acting_user=acting_user, plan=plan, expected_version=plan.version, language=language
    )


def refused(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.messages)


# Goals and the household members they concern


def test_it_records_the_clients_a_goal_concerns_and_changes_them(family, caseworker_a):
    case, amal, omar, lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal = goal_of(plan, caseworker_a, members=[amal, omar])
    household = goal_of(plan, caseworker_a, title="Eigene Wohnung", field_of_action=FieldOfAction.WOHNEN)

    assert set(goal.members.all()) == {amal, omar}
    assert list(household.members.all()) == []

    services.update_goal(
        acting_user=caseworker_a,
        goal=goal,
        expected_version=goal.version,
        field_of_action=goal.field_of_action,
        title=goal.title,
        due_date=None,
        review_date=None,
        status=goal.status,
        members=[lina],
    )
    assert list(goal.members.all()) == [lina]
    # The change history names who was added and who was removed.
    events = GoalMember.pgh_event_model.objects.filter(goal_id=goal.pk).order_by("pgh_id")  # type: ignore[attr-defined]
    assert [(e.pgh_label, e.person_id) for e in events] == [
        ("insert", amal.pk),
        ("insert", omar.pk),
        ("delete", amal.pk),
        ("delete", omar.pk),
        ("insert", lina.pk),
    ]


def test_it_refuses_a_goal_for_someone_who_is_no_client_of_the_case(family, caseworker_a):
    case, amal, _omar, _lina = family
    grandmother = member(case, caseworker_a, "Samira", datetime.date(1950, 1, 1), is_client=False)
    stranger = head_of(open_case_for(caseworker_a, family_name="Nowak", given_names="Olena"))
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)

    for person in (grandmother, stranger):
        with pytest.raises(ValidationError) as error:
            goal_of(plan, caseworker_a, members=[amal, person])
        assert refused(error) == [NOT_A_CLIENT]
    assert not Goal.objects.filter(plan=plan).exists()


def test_it_adds_the_goals_of_one_meeting_together_and_refuses_them_all_for_one_bad_step(family, caseworker_a):
    case, amal, omar, _lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal_of(plan, caseworker_a, title="Vorher vereinbart")
    agreed = [
        services.NewGoal(
            FieldOfAction.SPRACHE,
            "B1-Kurs abschließen",
            members=[amal],
            steps=[services.NewStep("Anmelden", Responsible.CLIENT), services.NewStep("Prüfung", Responsible.CLIENT)],
        ),
        services.NewGoal(FieldOfAction.ARBEIT, "Praktikum finden", members=[amal, omar]),
    ]
    with CaptureQueriesContext(connection) as queries:
        goals = services.add_goals(acting_user=caseworker_a, plan=plan, goals=agreed)
    # The plan and the clients are asked once, not once per goal.
    assert len([q for q in queries.captured_queries if "cases_caseclient" in q["sql"]]) == 1
    assert [(g.title, g.position) for g in plan.goals.order_by("position")] == [
        ("Vorher vereinbart", 0),
        ("B1-Kurs abschließen", 1),
        ("Praktikum finden", 2),
    ]
    assert list(goals[0].members.all()) == [amal]
    assert set(goals[1].members.all()) == {amal, omar}
    assert [(s.description, s.position) for s in goals[0].steps.order_by("position")] == [
        ("Anmelden", 0),
        ("Prüfung", 1),
    ]

    # A step without its actor's name refuses the whole meeting's goals.
    bad = [
        services.NewGoal(FieldOfAction.WOHNEN, "Wohnung suchen"),
        services.NewGoal(FieldOfAction.GESUNDHEIT, "Hausarzt", steps=[services.NewStep("Termin", Responsible.ACTOR)]),
    ]
    with pytest.raises(ValidationError) as error:
        services.add_goals(acting_user=caseworker_a, plan=plan, goals=bad)
    assert refused(error) == ["Bitte den Akteur angeben, der für den Schritt zuständig ist."]
    assert plan.goals.count() == 3


def test_it_offers_the_clients_of_the_case_in_the_goal_form_and_refuses_others(family, caseworker_a):
    case, amal, omar, lina = family
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    stranger = head_of(open_case_for(caseworker_a, family_name="Nowak", given_names="Olena"))
    client = client_for(caseworker_a)
    url = reverse("cases:goal_add", args=[case.pk])

    page = client.get(url).content.decode()
    for person in (amal, omar, lina):
        assert f'value="{person.pk}"' in page
    assert f'value="{stranger.pk}"' not in page

    data = {"field_of_action": FieldOfAction.SPRACHE, "title": "Deutschkurs", "status": "offen"}
    response = client.post(url, {**data, "members": [amal.pk, stranger.pk]})
    assert response.status_code == 200
    assert NOT_A_CLIENT in response.content.decode()
    assert not Goal.objects.exists()

    response = client.post(url, {**data, "members": [omar.pk]})
    assert response.status_code == 302
    assert list(Goal.objects.get().members.all()) == [omar]


def test_it_shows_whom_a_goal_concerns_on_the_plan_page(family, caseworker_a):
    case, amal, omar, _lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal_of(plan, caseworker_a, members=[omar, amal])
    goal_of(plan, caseworker_a, title="Eigene Wohnung", field_of_action=FieldOfAction.WOHNEN)

    page = client_for(caseworker_a).get(reverse("cases:plan_detail", args=[case.pk])).content.decode()

    assert "Betrifft: Amal Haddad, Omar Haddad" in page
    assert "Betrifft: Ganzer Haushalt" in page


def test_it_shows_the_plan_page_in_the_same_number_of_queries_with_more_goals_and_members(family, caseworker_a):
    case, amal, omar, lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal_of(plan, caseworker_a, members=[amal])
    client = client_for(caseworker_a)
    url = reverse("cases:plan_detail", args=[case.pk])

    few = queries_of(client, url)
    for title in ("Arbeit finden", "Kita-Platz"):
        goal = goal_of(plan, caseworker_a, title=title, members=[omar, lina])
        services.add_step(acting_user=caseworker_a, goal=goal, description="Termin", responsible=Responsible.CLIENT)

    assert_same_queries(few, queries_of(client, url))


# Printing for signature locks the version


def test_it_marks_a_version_printed_for_signature_and_then_refuses_every_change(family, caseworker_a):
    case, amal, _omar, _lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal = goal_of(plan, caseworker_a, members=[amal])
    step = services.add_step(acting_user=caseworker_a, goal=goal, description="Kurs", responsible=Responsible.CLIENT)

    plan = printed(plan, caseworker_a, "uk")

    plan.refresh_from_db()
    assert (plan.printed_by, plan.printed_language) == (caseworker_a, "uk")
    assert plan.printed_at is not None
    changes = [
        lambda: goal_of(plan, caseworker_a, title="Neu"),
        lambda: services.update_goal(
            acting_user=caseworker_a,
            goal=goal,
            expected_version=goal.version,
            field_of_action=goal.field_of_action,
            title="Geändert",
            due_date=None,
            review_date=None,
            status=goal.status,
        ),
        lambda: services.add_step(acting_user=caseworker_a, goal=goal, description="Neu", responsible="klient"),
        lambda: services.set_step_done(acting_user=caseworker_a, step=step, done=True),
        lambda: services.delete_step(acting_user=caseworker_a, step=step),
        lambda: services.update_plan(
            acting_user=caseworker_a,
            plan=plan,
            expected_version=plan.version,
            agreed_on=TODAY,
            review_on=None,
            notes="geändert",
        ),
    ]
    for change in changes:
        with pytest.raises(ValidationError) as error:
            change()
        assert refused(error) == [PRINTED]
    goal.refresh_from_db()
    assert (goal.title, list(goal.members.all())) == ("B1-Zertifikat erreichen", [amal])
    assert list(Step.objects.filter(goal__plan=plan).values_list("description", "done")) == [("Kurs", False)]


def test_it_keeps_the_first_print_when_a_version_is_printed_again(family, caseworker_a, colleague_a):
    case, *_clients = family
    plan = printed(services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY), caseworker_a)
    first = (plan.printed_at, plan.printed_by, plan.version)

    again = printed(plan, colleague_a, "ar")

    again.refresh_from_db()
    assert (again.printed_at, again.printed_by, again.version) == first
    assert again.printed_language == ""


def test_it_refuses_a_print_after_a_concurrent_edit_of_the_plan(family, caseworker_a):
    case, *_clients = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    seen = plan.version
    services.update_plan(
        acting_user=caseworker_a, plan=plan, expected_version=seen, agreed_on=TODAY, review_on=None, notes="neu"
    )

    with pytest.raises(ConcurrentEditError):
        services.print_plan_for_signature(acting_user=caseworker_a, plan=plan, expected_version=seen, language="")
    assert not IntegrationPlan.objects.get(pk=plan.pk).is_printed


def test_it_prints_only_the_newest_version_for_signature_and_only_in_a_sheet_language(family, caseworker_a):
    case, *_clients = family
    first = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    with pytest.raises(ValidationError) as error:
        printed(first, caseworker_a, "xx")
    assert refused(error) == ["Bitte eine Sprache aus der Liste wählen."]
    services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    with pytest.raises(ValidationError) as error:
        printed(first, caseworker_a)
    assert refused(error) == ["Nur die neueste Fassung des Plans wird zur Unterschrift gedruckt."]
    assert not IntegrationPlan.objects.filter(printed_at__isnull=False).exists()


def test_it_starts_the_next_version_as_a_copy_of_the_printed_one(family, caseworker_a):
    case, amal, omar, _lina = family
    plan = services.create_plan_version(
        acting_user=caseworker_a, case=case, agreed_on=datetime.date(2025, 6, 1), notes="Erstgespräch"
    )
    goal = goal_of(plan, caseworker_a, members=[amal, omar], due_date=datetime.date(2025, 12, 31))
    services.add_step(
        acting_user=caseworker_a, goal=goal, description="Anmelden", responsible="akteur", responsible_name="VHS"
    )
    goal_of(plan, caseworker_a, title="Eigene Wohnung", field_of_action=FieldOfAction.WOHNEN)
    with pytest.raises(ValidationError) as error:
        services.continue_printed_plan(acting_user=caseworker_a, plan=plan)
    assert refused(error) == ["Diese Fassung wurde nicht zur Unterschrift gedruckt; sie kann noch geändert werden."]
    plan = printed(plan, caseworker_a, "uk")

    second = services.continue_printed_plan(acting_user=caseworker_a, plan=plan)

    # A second click (or a colleague's) starts no third version.
    with pytest.raises(ValidationError) as error:
        services.continue_printed_plan(acting_user=caseworker_a, plan=plan)
    assert refused(error) == ["Inzwischen wurde Fassung 2 begonnen."]
    assert services.current_plan(case) == second
    assert second.number == 2
    assert (second.agreed_on, second.notes, second.is_printed) == (TODAY, "Erstgespräch", False)
    copies = list(second.goals.order_by("position"))
    assert [(g.title, g.due_date, set(g.members.all())) for g in copies] == [
        ("B1-Zertifikat erreichen", datetime.date(2025, 12, 31), {amal, omar}),
        ("Eigene Wohnung", None, set()),
    ]
    assert list(Step.objects.filter(goal__plan=second).values_list("description", "responsible_name")) == [
        ("Anmelden", "VHS")
    ]
    # The printed version stays as printed; the copy can be changed.
    assert list(plan.goals.order_by("position").values_list("title", flat=True)) == [
        "B1-Zertifikat erreichen",
        "Eigene Wohnung",
    ]
    goal_of(second, caseworker_a, title="Arbeit finden", field_of_action=FieldOfAction.ARBEIT, members=[omar])
    assert second.goals.count() == 3


def test_it_shows_the_print_and_the_new_version_in_the_case_history(family, caseworker_a):
    case, *_clients = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    printed(plan, caseworker_a)
    services.continue_printed_plan(acting_user=caseworker_a, plan=plan)

    page = client_for(caseworker_a).get(reverse("cases:case_history", args=[case.pk])).content.decode()

    assert "Zur Unterschrift gedruckt am" in page
    assert "Zur Unterschrift gedruckt von" in page


# The plan page and its actions


def test_it_prints_for_signature_from_the_plan_page_and_then_offers_the_next_version(family, caseworker_a):
    case, amal, _omar, _lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal = goal_of(plan, caseworker_a, members=[amal])
    client = client_for(caseworker_a)
    detail = reverse("cases:plan_detail", args=[case.pk])
    print_url = reverse("cases:plan_print", args=[case.pk, plan.number])

    page = client.get(detail).content.decode()
    assert print_url in page and "Zur Unterschrift drucken" in page
    form = client.get(print_url).content.decode()
    # Preselected: the head's first language among the sheet languages.
    assert re.search(r'<option value="uk" selected>', form)

    response = client.post(print_url, {"language": "ar", "version": plan.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:plan_pdf", args=[case.pk, plan.number]) + "?language=ar"
    plan.refresh_from_db()
    assert (plan.is_printed, plan.printed_by, plan.printed_language) == (True, caseworker_a, "ar")

    page = client.get(detail).content.decode()
    assert PRINTED in page
    assert reverse("cases:goal_edit", args=[case.pk, goal.pk]) not in page
    # The form to change the printed version is not shown: the plan page says why.
    response = client.get(reverse("cases:goal_edit", args=[case.pk, goal.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    # A POST reaches the service, which refuses it.
    response = client.post(
        reverse("cases:goal_edit", args=[case.pk, goal.pk]),
        {"field_of_action": "sprache", "title": "Anders", "status": "offen", "version": goal.version},
    )
    assert response.status_code == 200 and PRINTED in response.content.decode()

    response = client.post(reverse("cases:plan_continue", args=[case.pk, plan.number]))
    assert response.status_code == 302
    second = services.current_plan(case)
    assert second is not None and second.number == 2
    page = client.get(detail).content.decode()
    assert PRINTED not in page
    assert reverse("cases:goal_add", args=[case.pk]) in page


def test_it_keeps_printing_and_the_next_version_to_the_owning_organisation(family, caseworker_a, caseworker_b):
    case, *_clients = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    outsider = client_for(caseworker_b)

    assert outsider.get(reverse("cases:plan_print", args=[case.pk, plan.number])).status_code == 404
    assert outsider.post(reverse("cases:plan_print", args=[case.pk, plan.number]), {"version": 1}).status_code == 404
    assert outsider.post(reverse("cases:plan_continue", args=[case.pk, plan.number])).status_code == 404
    assert not IntegrationPlan.objects.get(pk=plan.pk).is_printed
    assert IntegrationPlan.objects.filter(case=case).count() == 1


# The printed plan


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("uk", ["Угода про інтеграцію", "Що потрібно зробити?", "Місце, дата, підпис", "Стосується"]),
        ("ar", ["اتفاقية الاندماج", "ما الذي يجب فعله؟", "المكان، التاريخ، التوقيع", "يخص"]),
    ],
)
def test_it_prints_german_beside_the_clients_language_with_a_line_for_each_adult(
    family, caseworker_a, language, headings
):
    case, amal, omar, _lina = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)
    goal = goal_of(plan, caseworker_a, members=[amal, omar])
    services.add_step(acting_user=caseworker_a, goal=goal, description="Kurs anmelden", responsible="klient")
    printed(plan, caseworker_a, language)

    html = plan_print.plan_html(case, IntegrationPlan.objects.get(pk=plan.pk), language, TODAY)

    for german in ("Integrationsvereinbarung", "Was ist zu tun?", "Ort, Datum, Unterschrift", "Betrifft"):
        assert german in html
    for heading in headings:
        assert heading in html
    if language == "ar":
        assert 'lang="ar" dir="rtl"' in html
    # The goals stay as written.
    assert "B1-Zertifikat erreichen" in html and "Kurs anmelden" in html
    # Amal (35) and Omar (40) sign, Lina (10) does not; and the caseworker.
    assert html.count('class="signature"') == 3
    assert "Amal Haddad" in html and "Omar Haddad" in html

    response = client_for(caseworker_a).get(
        reverse("cases:plan_pdf", args=[case.pk, plan.number]), {"language": language}
    )
    text = pdf_text(response)
    assert response["Content-Disposition"] == (
        f'inline; filename="integrationsvereinbarung-{case.number}-v1-{language}.pdf"'
    )
    assert "Integrationsvereinbarung" in text
    assert text.count("Ort, Datum, Unterschrift") == 3
    if language == "uk":  # pypdf gives Cyrillic back as it was; Arabic comes back in shaped forms
        for heading in headings:
            assert heading in text
    assert AccessLogEntry.objects.filter(by=caseworker_a, action="print", record_id=str(plan.pk)).exists()


def test_it_counts_a_client_as_adult_from_the_18th_birthday_and_one_without_a_birth_date(family, caseworker_a):
    case, *_clients = family
    member(case, caseworker_a, "Yusuf", datetime.date(2007, 6, 16))  # 18 on the print date
    member(case, caseworker_a, "Sara", datetime.date(2007, 6, 17))  # 18 the day after
    member(case, caseworker_a, "Nour", None)
    plan = printed(services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY), caseworker_a)

    context = plan_print.plan_context(case, IntegrationPlan.objects.get(pk=plan.pk), "", TODAY)

    names = [line.name for line in context["signatures"]]
    assert names == ["Amal Haddad", "Nour Haddad", "Omar Haddad", "Yusuf Haddad", caseworker_a.get_full_name()]


def test_it_prints_a_draft_without_signature_lines_in_german_only(family, caseworker_a):
    case, *_clients = family
    plan = services.create_plan_version(acting_user=caseworker_a, case=case, agreed_on=TODAY)

    text = pdf_text(client_for(caseworker_a).get(reverse("cases:plan_pdf", args=[case.pk, plan.number])))

    assert "Entwurf: nicht zur Unterschrift" in text
    assert "Ort, Datum, Unterschrift" not in text
    assert "Угода" not in text
    assert not IntegrationPlan.objects.get(pk=plan.pk).is_printed


def test_it_preselects_german_only_for_a_client_without_a_sheet_language(caseworker_a):
    case = open_case_for(caseworker_a, languages=["som", "ita"])
    assert plan_print.preselected_language(case) == ""
    case = open_case_for(caseworker_a, languages=["som", "prs", "eng"])
    assert plan_print.preselected_language(case) == "fa"
