"""The interpreter pool's pages: who sees what (the pool never the case, another organisation nothing), the
request from a case, the public answer page, the lists' query counts and the statement's downloads."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lotse.conftest import client_for
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_same_queries, queries_of
from lotse.core.tests.factories import MunicipalityFactory
from lotse.volunteers import interpreting_services as services
from lotse.volunteers.choices import BookingState, InterpretingState
from lotse.volunteers.models import InterpreterRequest
from lotse.volunteers.tests.interpreting_world import TUESDAY_10, a_case, a_request, interpreter, pool_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ludwigsburg():
    return MunicipalityFactory.create(name="Ludwigsburg")


@pytest.fixture
def pool(org_a, ludwigsburg):
    return pool_of(org_a, ludwigsburg, name="Dolmetschdienst A")


@pytest.fixture
def case(org_a, caseworker_a, ludwigsburg):
    return a_case(org_a, caseworker_a, ludwigsburg)


def test_it_requests_from_a_case_with_the_pool_of_its_municipality_preselected(pool, org_a, org_b, caseworker_a, case):
    pool_of(org_b, MunicipalityFactory.create(name="Asperg"), name="Dolmetschdienst B")
    client = client_for(caseworker_a)
    url = reverse("volunteers:interpreting_request_create") + f"?fall={case.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["pool"] == pool.pk
    response = client.post(
        url,
        {
            "pool": pool.pk,
            "language": "prs",
            "date": "2031-03-04",
            "time": "10:00",
            "duration_minutes": "90",
            "place_kind": "hausbesuch",
            "place_address": "Bahnhofstraße 20, Kornwestheim",
            "sensitivity": "sensibel",
            "preferred_gender": "w",
            "client_first_name": "Amina",
        },
    )
    request = InterpreterRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:interpreting_request_detail", args=[request.pk])
    assert (request.case, request.requested_by, request.requesting_organisation, request.state) == (
        case,
        caseworker_a,
        org_a,
        InterpretingState.OPEN,
    )
    assert (request.starts_at, request.duration_minutes, request.preferred_gender) == (TUESDAY_10, 90, "w")


def test_a_request_without_the_address_of_a_home_visit_is_refused_with_a_german_message(pool, caseworker_a):
    with translation.override("de"):
        response = client_for(caseworker_a).post(
            reverse("volunteers:interpreting_request_create"),
            {
                "pool": pool.pk,
                "language": "ara",
                "date": "2031-03-04",
                "time": "10:00",
                "duration_minutes": "60",
                "place_kind": "hausbesuch",
                "sensitivity": "normal",
            },
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 200
    assert "Geben Sie die Adresse des Termins an." in response.content.decode()
    assert not InterpreterRequest.objects.exists()


def test_another_organisations_case_cannot_be_named(pool, caseworker_b, case):
    url = reverse("volunteers:interpreting_request_create") + f"?fall={case.pk}"
    assert client_for(caseworker_b).get(url).status_code == 404


def test_the_pool_sees_what_the_interpreter_needs_but_never_the_case(
    pool, org_a, caseworker_a, case, volunteer_coordinator_a, volunteer_coordinator_b, caseworker_b
):
    interpreter(org_a)
    request = a_request(pool, org_a, case=case, acting_user=caseworker_a)
    coordinator_page = client_for(volunteer_coordinator_a).get(
        reverse("volunteers:interpreting_pool_request", args=[request.pk])
    )
    html = coordinator_page.content.decode()
    assert coordinator_page.status_code == 200
    assert "Amina" in html and "Rahimi" in html  # the client's first name and a candidate
    assert str(case.number) not in html
    assert reverse("cases:case_detail", args=[case.pk]) not in html
    row = AccessLogEntry.objects.latest("pk")
    assert (row.by, row.record_type, row.record_id, row.record_organisation_id) == (
        volunteer_coordinator_a,
        "volunteers.interpreterrequest",
        str(request.pk),
        org_a.pk,
    )
    requester_page = client_for(caseworker_a).get(reverse("volunteers:interpreting_request_detail", args=[request.pk]))
    assert reverse("cases:case_detail", args=[case.pk]) in requester_page.content.decode()
    for user, name in (
        (volunteer_coordinator_b, "volunteers:interpreting_pool_request"),
        (caseworker_b, "volunteers:interpreting_request_detail"),
        # A's coordinator holds no request of A's casework through the requesters' page, nor the reverse.
        (caseworker_a, "volunteers:interpreting_pool_request"),
    ):
        assert client_for(user).get(reverse(name, args=[request.pk])).status_code in (403, 404), (user, name)
    assert client_for(caseworker_b).get(reverse("volunteers:interpreting_my_requests")).context["rows"] == []


def test_the_coordinator_books_and_the_volunteer_answers_on_the_public_page(
    pool, org_a, volunteer_coordinator_a, django_capture_on_commit_callbacks, mailoutbox
):
    laila = interpreter(org_a)
    request = a_request(pool, org_a, note="Termin im 2. Stock")
    coordinator = client_for(volunteer_coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("volunteers:interpreting_book", args=[request.pk]), {"volunteer": laila.pk})
    assert response.status_code == 302
    booking = request.bookings.get()
    assert booking.state == BookingState.ASKED
    link = next(line for line in mailoutbox[0].body.splitlines() if "/dolmetschdienst/antwort/" in line)
    path = link[link.index("/dolmetschdienst/") :]

    anonymous = Client(enforce_csrf_checks=False)
    page = anonymous.get(path, HTTP_ACCEPT_LANGUAGE="de")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dari" in html and "Amina" in html and "Termin im 2. Stock" in html
    assert "Rahimi" not in html  # not even the volunteer's own family name
    assert anonymous.post(path, {"answer": "confirm"}).status_code == 200
    request.refresh_from_db()
    booking.refresh_from_db()
    assert (request.state, booking.state) == (InterpretingState.CONFIRMED, BookingState.CONFIRMED)
    again = anonymous.post(path, {"answer": "decline"}, HTTP_ACCEPT_LANGUAGE="de")
    assert again.status_code == 200
    assert "Dieser Link wurde bereits verwendet." in again.content.decode()
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    tampered = anonymous.get(path[:-3] + "xx/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Dieser Link ist ungültig." in tampered.content.decode()


def test_the_requester_books_only_where_the_pool_allows_it(pool, org_a, caseworker_a, volunteer_coordinator_a):
    laila = interpreter(org_a)
    request = a_request(pool, org_a, acting_user=caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("volunteers:interpreting_request_book", args=[request.pk])
    page = client.get(reverse("volunteers:interpreting_request_detail", args=[request.pk]))
    assert page.context["candidates"] == []
    client.post(url, {"volunteer": laila.pk})
    assert not request.bookings.exists()
    services.save_pool(
        acting_user=volunteer_coordinator_a,
        organisation=org_a,
        name=pool.name,
        municipalities=list(pool.municipalities.all()),
        requesters_may_book=True,
    )
    page = client.get(reverse("volunteers:interpreting_request_detail", args=[request.pk]))
    assert [c.volunteer for c in page.context["candidates"]] == [laila]
    client.post(url, {"volunteer": laila.pk})
    assert request.bookings.get().booked_by == caseworker_a


def test_the_lists_run_a_fixed_number_of_queries(pool, org_a, caseworker_a, volunteer_coordinator_a):
    laila = interpreter(org_a)
    first = a_request(pool, org_a, acting_user=caseworker_a)
    services.book_interpreter(acting_user=None, request=first, volunteer=laila, notify=False)
    requester, coordinator = client_for(caseworker_a), client_for(volunteer_coordinator_a)
    mine, pools = reverse("volunteers:interpreting_my_requests"), reverse("volunteers:interpreting_pool_requests")
    few = (queries_of(requester, mine), queries_of(coordinator, pools))
    for hours in range(1, 9):
        request = a_request(
            pool, org_a, acting_user=caseworker_a, starts_at=TUESDAY_10 + datetime.timedelta(days=hours)
        )
        services.book_interpreter(acting_user=None, request=request, volunteer=laila, notify=False)
    many = (queries_of(requester, mine), queries_of(coordinator, pools))
    assert len(many[0].captured_queries) and len(requester.get(mine).context["rows"]) == 9
    assert_same_queries(few[0], many[0])
    assert_same_queries(few[1], many[1])


def test_both_lists_log_the_requests_they_show_and_page_through_them(
    pool, org_a, caseworker_a, volunteer_coordinator_a
):
    from lotse.volunteers import interpreting_queries

    for day in range(3):
        a_request(pool, org_a, acting_user=caseworker_a, starts_at=TUESDAY_10 + datetime.timedelta(days=day))
    shown = list(InterpreterRequest.objects.order_by("-starts_at").values_list("pk", flat=True))
    for user, name in (
        (caseworker_a, "volunteers:interpreting_my_requests"),
        (volunteer_coordinator_a, "volunteers:interpreting_pool_requests"),
    ):
        client = client_for(user)
        before = AccessLogEntry.objects.count()
        page = client.get(reverse(name), {"language": "prs"})
        assert page.status_code == 200
        logged = AccessLogEntry.objects.order_by("pk")[before:]
        assert [(row.by, row.record_type, int(row.record_id)) for row in logged] == [
            (user, "volunteers.interpreterrequest", pk) for pk in shown
        ]
        interpreting_queries.PAGE_SIZE, size = 2, interpreting_queries.PAGE_SIZE
        try:
            second = client.get(reverse(name), {"language": "prs", "page": "2"})
        finally:
            interpreting_queries.PAGE_SIZE = size
        assert [row.request.pk for row in second.context["rows"]] == shown[2:]
        assert 'href="?language=prs&amp;page=1"' in second.content.decode()


def test_the_statement_downloads_as_xlsx_and_pdf(pool, org_a, volunteer_coordinator_a):
    client = client_for(volunteer_coordinator_a)
    xlsx = client.get(reverse("volunteers:interpreting_statements_xlsx") + "?month=2031-03")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "dolmetschdienst-abrechnung-2031-03.xlsx" in xlsx["Content-Disposition"]
    pdf = client.get(reverse("volunteers:interpreting_statements_pdf") + "?month=2031-03")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    page = client.get(reverse("volunteers:interpreting_statements") + "?month=2031-03")
    assert page.context["month"] == datetime.date(2031, 3, 1)


def test_the_linked_contact_and_its_appointment_point_to_each_other_for_the_requesters(
    pool, org_a, caseworker_a, case, volunteer_coordinator_a
):
    import time_machine

    from lotse.cases import services as case_services

    request = a_request(pool, org_a, case=case, acting_user=caseworker_a)
    booking = services.book_interpreter(acting_user=None, request=request, volunteer=interpreter(org_a), notify=False)
    services.record_answer(acting_user=None, booking=booking, accept=True)
    with time_machine.travel(TUESDAY_10 + datetime.timedelta(hours=2), tick=False):
        services.record_outcome(acting_user=None, booking=booking, held=True, actual_minutes=60)
        contact = case_services.record_contact(
            acting_user=caseworker_a,
            case=case,
            date=datetime.date(2031, 3, 4),
            duration_minutes=60,
            form="buero",
            interpreter_kind="ehrenamtlich",
            interpreter_language="prs",
        )
        client = client_for(caseworker_a)
        detail = reverse("volunteers:interpreting_request_detail", args=[request.pk])
        assert [c.pk for c in client.get(detail).context["contacts"]] == [contact.pk]
        response = client.post(
            reverse("volunteers:interpreting_link_contact", args=[request.pk]), {"contact": contact.pk}
        )
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.contact == contact
        assert reverse("cases:case_detail", args=[case.pk]) in client.get(detail).content.decode()
        assert detail in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        coordinator_page = client_for(volunteer_coordinator_a).get(
            reverse("volunteers:interpreting_pool_request", args=[request.pk])
        )
        assert reverse("cases:case_detail", args=[case.pk]) not in coordinator_page.content.decode()
