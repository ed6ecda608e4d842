"""The rate limit of password reset links: per e-mail address and per client address, with one answer for all."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from lotse.core.models import PasswordResetRequest
from lotse.core.tests.factories import UserFactory


def ask(email: str, client_address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=client_address).post(reverse("password_reset"), {"email": email})


@pytest.mark.django_db
def test_it_sends_at_most_three_links_an_hour_to_one_address(caseworker_a, mailoutbox):
    for number in range(20):
        response = ask(caseworker_a.email, client_address=f"198.51.100.{number}")
        assert response.status_code == 302
    assert len(mailoutbox) == 3
    # An hour later the address gets links again.
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        ask(caseworker_a.email)
    assert len(mailoutbox) == 4


@pytest.mark.django_db
def test_it_limits_one_client_asking_for_many_addresses(org_a, mailoutbox):
    users = [UserFactory.create(organisation=org_a, email=f"person{n}@example.org") for n in range(15)]
    for user in users:
        ask(user.email)
    assert len(mailoutbox) == 10
    # Another client is not held up by the first.
    ask(users[-1].email, client_address="192.0.2.99")
    assert len(mailoutbox) == 11


@pytest.mark.django_db
def test_it_answers_a_limited_an_unknown_and_a_known_address_alike(caseworker_a, mailoutbox):
    for _ in range(3):
        ask(caseworker_a.email, client_address="192.0.2.1")
    sent = len(mailoutbox)
    limited = ask(caseworker_a.email, client_address="192.0.2.2")
    unknown = ask("niemand@example.org", client_address="192.0.2.3")
    known = ask(UserFactory.create(organisation=caseworker_a.organisation, email="neu@example.org").email)
    assert len(mailoutbox) == sent + 1
    answers = {(r.status_code, r["Location"], r.content) for r in (limited, unknown, known)}
    assert answers == {(302, reverse("password_reset_done"), b"")}


@pytest.mark.django_db
def test_it_keeps_only_keyed_hashes_of_the_addresses(caseworker_a):
    ask(caseworker_a.email, client_address="192.0.2.50")
    row = PasswordResetRequest.objects.get()
    assert caseworker_a.email not in (row.address_key, row.client_key)
    assert "192.0.2.50" not in row.client_key
    assert len(row.address_key) == len(row.client_key) == 64


class SlowBackend(EmailBackend):
    """A mail server that takes its time."""

    def send_messages(self, messages):
        time.sleep(1.5)
        return super().send_messages(messages)


@pytest.mark.django_db
@override_settings(
    LOTSE_MAIL_IN_BACKGROUND=True, EMAIL_BACKEND="lotse.core.tests.test_password_reset_limit.SlowBackend"
)
def test_it_answers_a_known_address_without_waiting_for_the_mail_server(caseworker_a):
    mail.outbox = []
    started = time.monotonic()
    response = ask(caseworker_a.email)
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 1.0, f"the answer waited for the mail ({took:.2f} s)"
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [caseworker_a.email]
