"""The security baseline: passwords, lockout, sessions, headers, error pages."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone

from lotse.conftest import PASSWORD, client_for
from lotse.core import services
from lotse.core.choices import Role
from lotse.core.models import User, UserSession
from lotse.core.signals import LOGIN_AT_KEY
from lotse.settings import base as base_settings


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


# Passwords


def test_it_hashes_passwords_with_argon2_in_every_real_configuration():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_it_stores_an_argon2_hash_for_a_new_user(org_a):
    user = services.create_user(
        acting_user=None, organisation=org_a, username="neu", roles=[Role.INTEGRATIONSMANAGEMENT], password=PASSWORD
    )
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.django_db
def test_it_takes_a_password_hashed_before_and_refuses_anything_else(org_a):
    first = services.create_user(
        acting_user=None, organisation=org_a, username="erste", roles=[Role.INTEGRATIONSMANAGEMENT], password=PASSWORD
    )
    second = services.create_user(
        acting_user=None,
        organisation=org_a,
        username="zweite",
        roles=[Role.INTEGRATIONSMANAGEMENT],
        password=None,
        encoded_password=first.password,
    )
    second.refresh_from_db()
    assert second.password == first.password
    assert second.check_password(PASSWORD)
    with pytest.raises(ValueError):
        services.create_user(
            acting_user=None,
            organisation=org_a,
            username="dritte",
            roles=[Role.INTEGRATIONSMANAGEMENT],
            password=None,
            encoded_password=PASSWORD,  # a plain password is no hash
        )
    assert not User.objects.filter(username="dritte").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kurz-1234", "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."),
        ("password1234", "Dieses Passwort ist zu üblich."),
    ],
)
def test_it_refuses_short_and_common_passwords(org_a, password, message):
    with pytest.raises(ValidationError) as error:
        services.create_user(
            acting_user=None, organisation=org_a, username="neu", roles=[Role.INTEGRATIONSMANAGEMENT], password=password
        )
    assert message in error.value.messages
    assert not User.objects.filter(username="neu").exists()


# Lockout (django-axes)


@pytest.mark.django_db
def test_it_locks_a_username_and_address_after_five_failures(caseworker_a):
    client = Client()
    for _ in range(4):
        response = login(client, "caseworker-a", "falsch-falsch-falsch")
        assert response.status_code == 200
        assert "Benutzername oder Passwort ist nicht korrekt." in response.content.decode()
    response = login(client, "caseworker-a", "falsch-falsch-falsch")
    assert response.status_code == 429
    # Even the right password is refused while locked.
    response = login(client, "caseworker-a", PASSWORD)
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_does_not_reveal_whether_a_locked_user_exists(caseworker_a):
    known, unknown = Client(), Client()
    for _ in range(5):
        known_response = login(known, "caseworker-a", "falsch-falsch-falsch")
        unknown_response = login(unknown, "niemand", "falsch-falsch-falsch")
    assert known_response.status_code == unknown_response.status_code == 429
    strip = lambda r: r.content.decode().replace("caseworker-a", "").replace("niemand", "")  # noqa: E731
    assert strip(known_response).count("Zu viele") == strip(unknown_response).count("Zu viele") == 1


@pytest.mark.django_db
def test_it_lifts_the_lock_after_fifteen_minutes(caseworker_a):
    client = Client()
    for _ in range(5):
        login(client, "caseworker-a", "falsch-falsch-falsch")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = login(client, "caseworker-a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:after_sign_in")


@pytest.mark.django_db
def test_it_keeps_other_users_signing_in_while_one_is_locked(caseworker_a, colleague_a):
    client = Client()
    for _ in range(5):
        login(client, "caseworker-a", "falsch-falsch-falsch")
    assert login(client, "colleague-a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_it_refuses_an_address_that_sprays_one_password_over_many_user_names(caseworker_a, colleague_a):
    """Four wrong passwords each for five user names (none of them locked on its own) lock the address."""
    sprayer, office = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.20")
    for name in ("anna", "bernd", "carla", "dieter", "emil"):
        for _ in range(4):
            assert login(sprayer, name, "Sommer2026!Sommer").status_code == 200
    response = login(sprayer, "caseworker-a", PASSWORD)  # even a right password: the address is refused first
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in sprayer.session
    # Another address signs in as before; after the cool-off time the address may try again.
    assert login(office, "colleague-a", PASSWORD).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(sprayer, "caseworker-a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_office_behind_one_address_is_not_refused_for_a_few_typing_mistakes(caseworker_a, colleague_a):
    office = Client(REMOTE_ADDR="198.51.100.20")
    for name in ("caseworker-a", "colleague-a"):
        for _ in range(4):
            login(office, name, "vertippt-vertippt")
    assert login(office, "caseworker-a", PASSWORD).status_code == 302


# Sessions


@pytest.mark.django_db
def test_it_gives_a_new_session_key_at_login(caseworker_a):
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    login(client, "caseworker-a", PASSWORD)
    after = client.session.session_key
    assert after != before
    assert UserSession.objects.get(session_key=after).user == caseworker_a


@pytest.mark.django_db
def test_it_invalidates_the_session_at_logout(caseworker_a):
    client = Client()
    login(client, "caseworker-a", PASSWORD)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert client.get(reverse("core:start")).status_code == 302


@pytest.mark.django_db
def test_it_ends_a_session_after_thirty_idle_minutes(caseworker_a):
    client = Client()
    login(client, "caseworker-a", PASSWORD)
    assert client.get(reverse("core:start")).status_code == 200
    session = UserSession.objects.get(session_key=client.session.session_key)
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_it_keeps_an_active_session_alive(caseworker_a):
    client = Client()
    login(client, "caseworker-a", PASSWORD)
    now = timezone.now()
    for minutes in (20, 40, 60):
        with time_machine.travel(now + timedelta(minutes=minutes)):
            assert client.get(reverse("core:start")).status_code == 200


@pytest.mark.django_db
def test_it_ends_a_session_twelve_hours_after_login_however_active(caseworker_a):
    client = Client()
    login(client, "caseworker-a", PASSWORD)
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get(reverse("core:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert (
        not UserSession.objects.filter(user=caseworker_a)
        .exclude(session_data="")
        .filter(session_key=session.session_key)
        .exists()
    )


@pytest.mark.django_db
def test_it_ends_all_sessions_when_a_user_is_deactivated(caseworker_a, org_admin_a):
    laptop, tablet = Client(), Client()
    login(laptop, "caseworker-a", PASSWORD)
    login(tablet, "caseworker-a", PASSWORD)
    assert UserSession.objects.filter(user=caseworker_a).count() == 2
    services.set_user_active(
        acting_user=org_admin_a, user=caseworker_a, active=False, expected_version=caseworker_a.version
    )
    assert UserSession.objects.filter(user=caseworker_a).count() == 0
    assert laptop.get(reverse("core:start")).status_code == 302
    assert tablet.get(reverse("core:start")).status_code == 302
    assert login(Client(), "caseworker-a", PASSWORD).status_code == 200  # the form again, not a redirect


# Headers


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy(caseworker_a):
    response = client_for(caseworker_a).get(reverse("core:start"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_it_sends_the_security_headers(caseworker_a):
    response = client_for(caseworker_a).get(reverse("core:start"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_keeps_pages_with_personal_data_out_of_caches(org_admin_a, colleague_a):
    response = client_for(org_admin_a).get(reverse("core:user_detail", args=[colleague_a.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    probe = (
        "import lotse.settings.production as p; "
        "print(p.SECURE_HSTS_SECONDS, p.SECURE_SSL_REDIRECT, p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, p.DEBUG)"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=False)


def test_it_enables_hsts_and_https_only_cookies_in_production():
    result = _production_settings(
        SECRET_KEY="x" * 60, DATABASE_URL="postgresql://lotse@db.internal:5432/lotse", ALLOWED_HOSTS="lotse.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "False"]


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _production_settings(DATABASE_URL="postgresql://lotse@db.internal:5432/lotse", ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_names_the_variable_of_a_malformed_setting():
    result = _production_settings(
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgresql://lotse@db.internal:5432/lotse",
        ALLOWED_HOSTS="x.org",
        SECURE_HSTS_SECONDS="ein Jahr",
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number, got 'ein Jahr'" in result.stderr


def test_it_refuses_a_database_url_of_another_kind():
    result = _production_settings(SECRET_KEY="x" * 60, DATABASE_URL="mysql://db/lotse", ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


# The 500 page


@login_not_required
def _explode(request):
    raise RuntimeError("secret table core_user is broken")


urlpatterns = [path("explode/", _explode)]
handler500 = "lotse.core.views.errors.server_error"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_it_shows_an_error_reference_and_no_detail_on_a_server_error(caseworker_a, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="lotse.errors"):
        response = client.get("/explode/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "secret table" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    reference = body.split('data-testid="error-reference">')[1].split("<")[0]
    assert len(reference) == 12
    assert any(reference in record.getMessage() and record.exc_info for record in caplog.records)
    assert "Fehlerkennung" in body


# Password reset


@pytest.mark.django_db
def test_it_sends_a_reset_link_that_sets_a_new_password(caseworker_a, mailoutbox):
    response = Client().post(reverse("password_reset"), {"email": caseworker_a.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    client = Client()
    response = client.get(link.replace("http://testserver", ""), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Neues-Passwort-Linde-5", "new_password2": "Neues-Passwort-Linde-5"}
    )
    assert response.status_code == 302
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password("Neues-Passwort-Linde-5")


@pytest.mark.django_db
def test_it_invites_a_user_created_without_a_password(org_a, mailoutbox):
    user = services.create_user(
        acting_user=None,
        organisation=org_a,
        username="eingeladen",
        roles=[Role.STATISTIK],
        password=None,
        email="eingeladen@example.org",
    )
    assert not user.has_usable_password()
    Client().post(reverse("password_reset"), {"email": "Eingeladen@example.org"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["eingeladen@example.org"]


@pytest.mark.django_db
def test_it_answers_the_same_for_an_unknown_address(mailoutbox):
    response = Client().post(reverse("password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
