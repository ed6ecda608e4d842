"""A form that creates something is saved once, however often it is sent; what the user is told is what was stored."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lotse.cases.models import Case, Contact, FollowUp, Referral
from lotse.cases.tests.test_views import open_case
from lotse.conftest import client_for
from lotse.core.models import FormSubmission

pytestmark = pytest.mark.django_db

AGAIN = "Dieser Eintrag war schon gespeichert; er wurde nicht noch einmal angelegt."


def contact_data(key: uuid.UUID, **overrides: str) -> dict[str, str]:
    return {
        "submission_key": str(key),
        "date": "2025-03-03",
        "duration_minutes": "30",
        "form": "buero",
        "interpreter_kind": "keine",
        "note": "Antrag besprochen",
        "follow_up": "Bescheid nachfragen",
        "follow_up_due": "2025-03-17",
        **overrides,
    }


def messages_of(client: Client, url: str) -> str:
    return client.get(url).content.decode()


def test_a_form_to_create_carries_a_new_key_each_time(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    pages = [client.get(url).content.decode() for _ in range(2)]
    keys = [page.split('name="submission_key" value="', 1)[1].split('"', 1)[0] for page in pages]
    assert len({uuid.UUID(key) for key in keys}) == 2


def test_a_contact_sent_twice_is_stored_once(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    key = uuid.uuid4()

    first = client.post(url, contact_data(key))
    again = client.post(url, contact_data(key))

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert Contact.objects.filter(case=case).count() == 1
    assert FollowUp.objects.filter(case=case).count() == 1
    assert AGAIN in messages_of(client, again["Location"])
    # A new sending of the form (a new key) is a new contact; keys older than a week are let go.
    FormSubmission.objects.filter(key=key).update(at=timezone.now() - datetime.timedelta(days=8))
    client.post(url, contact_data(uuid.uuid4()))
    assert Contact.objects.filter(case=case).count() == 2
    assert not FormSubmission.objects.filter(key=key).exists()


def test_a_refused_form_keeps_its_key_for_the_corrected_sending(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    key = uuid.uuid4()

    refused = client.post(url, contact_data(key, duration_minutes="nein"))
    assert refused.status_code == 200
    assert not Contact.objects.filter(case=case).exists()
    assert not FormSubmission.objects.filter(key=key).exists()

    assert client.post(url, contact_data(key)).status_code == 302
    assert Contact.objects.filter(case=case).count() == 1
    assert FormSubmission.objects.get(key=key).user == caseworker_a


def test_an_in_place_contact_sent_twice_leads_to_the_case_page(caseworker_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    page = reverse("cases:case_detail", args=[case.pk])
    key = uuid.uuid4()
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}

    assert client.post(url, contact_data(key), headers=htmx).status_code == 200
    again = client.post(url, contact_data(key), headers=htmx)

    assert again.status_code == 204
    assert again["HX-Redirect"] == f"http://testserver{page}"
    assert Contact.objects.filter(case=case).count() == 1


def test_another_users_key_is_not_theirs_to_replay(caseworker_a, colleague_a):
    case = open_case(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    key = uuid.uuid4()
    client_for(caseworker_a).post(url, contact_data(key))
    response = client_for(colleague_a).post(url, contact_data(key))
    assert response.status_code == 302
    assert Contact.objects.filter(case=case).count() == 1  # the colleague's sending stored nothing either


def test_a_referral_and_a_new_case_sent_twice_are_stored_once(caseworker_a, org_a):
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    key = uuid.uuid4()
    referral = {
        "submission_key": str(key),
        "date": "2025-03-03",
        "to_whom": "Jobcenter Ludwigsburg",
        "field_of_action": "arbeit_ausbildung",
        "topic": "Arbeitsvermittlung",
    }
    url = reverse("cases:referral_add", args=[case.pk])
    statuses = [client.post(url, referral).status_code for _ in range(2)]
    assert statuses == [302, 302]
    assert Referral.objects.filter(case=case).count() == 1

    new_case = reverse("cases:case_create")
    page = client.get(new_case).content.decode()
    form = {
        "submission_key": page.split('name="submission_key" value="', 1)[1].split('"', 1)[0],
        "municipality": str(case.municipality_id),
        "start_date": "2025-03-03",
        "responsible": str(caseworker_a.pk),
        "family_name": "Nasser",
        "given_names": "Lina",
        "gender": "w",
    }
    before = Case.objects.filter(organisation=org_a).count()
    first, again = client.post(new_case, form), client.post(new_case, form)
    assert first.status_code == again.status_code == 302, first.content.decode()[:2000]
    assert again["Location"] == first["Location"]
    assert Case.objects.filter(organisation=org_a).count() == before + 1


def test_a_contact_whose_session_cannot_be_written_is_not_stored(caseworker_a, monkeypatch):
    """Told it failed, the user finds nothing stored; the retry stores it once."""
    case = open_case(caseworker_a)
    client = client_for(caseworker_a)
    url = reverse("cases:contact_add", args=[case.pk])
    key = uuid.uuid4()
    written = DatabaseSessionStore.save

    def fail(self, must_create=False):
        raise DatabaseError("canceling statement due to statement timeout")

    monkeypatch.setattr(DatabaseSessionStore, "save", fail)
    client.raise_request_exception = False
    assert client.post(url, contact_data(key)).status_code == 500
    assert not Contact.objects.filter(case=case).exists()
    assert not FormSubmission.objects.filter(key=key).exists()

    monkeypatch.setattr(DatabaseSessionStore, "save", written)
    assert client.post(url, contact_data(key)).status_code == 302
    assert Contact.objects.filter(case=case).count() == 1
