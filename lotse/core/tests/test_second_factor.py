"""Two-factor sign-in: setting up the app, the second step after the password, recovery codes, the reset by an
administrator, the lockout, and the Django admin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pghistory.models import Events

from lotse.conftest import PASSWORD, client_for
from lotse.core import second_factor
from lotse.core.access import is_second_factor_step
from lotse.core.models import User, UserSession
from lotse.core.tests.test_url_matrix import guarded_names, url_patterns

ADMINS = override_settings(LOTSE_REQUIRE_2FA="admins")
WRONG_PASSWORD = "Das Passwort ist nicht korrekt; es wurde nichts geändert."


def sign_in(client: Client, user: User, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_of(device: TOTPDevice) -> str:
    """The code the user's app shows now, computed from the device's secret."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up an app for ``user`` through the service a minute ago (so that the code of now is a new one)."""
    key = second_factor.new_app_secret()
    with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
        code = TOTP(bytes.fromhex(key)).token()
        device, codes = second_factor.set_up_app(acting_user=user, hex_key=key, code=f"{code:06d}")
    return device, codes


def fully_signed_in(user: User, device: TOTPDevice) -> Client:
    """A client signed in with the password and the code of the app."""
    client = Client()
    sign_in(client, user)
    response = client.post(reverse("second_factor_verify"), {"code": code_of(device)})
    assert response.status_code == 302
    return client


def enrol_through_the_pages(client: Client) -> list[str]:
    page = client.get(reverse("second_factor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    key = client.session[second_factor.SETUP_KEY]
    code = TOTP(bytes.fromhex(key)).token()
    response = client.post(reverse("second_factor_setup"), {"code": f"{code:06d}"})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


# Setting up


@pytest.mark.django_db
@ADMINS
def test_it_makes_a_system_administrator_set_up_the_app_at_the_next_sign_in(sysadmin):
    client = Client()
    response = sign_in(client, sysadmin, "/users/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    # Without an app the second step is the setup.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_setup"))
    assert client.get(reverse("core:start"))["Location"].startswith(reverse("second_factor_verify"))

    page = client.get(reverse("second_factor_setup"))
    assert "Ihr Konto verlangt die Zwei-Faktor-Anmeldung" in page.content.decode()
    key = client.session[second_factor.SETUP_KEY]
    wrong = (TOTP(bytes.fromhex(key)).token() + 500000) % 1000000
    assert client.post(reverse("second_factor_setup"), {"code": f"{wrong:06d}"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()

    code = TOTP(bytes.fromhex(key)).token()
    response = client.post(reverse("second_factor_setup"), {"code": f"{code:06d}", "next": "/users/"})
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=sysadmin)
    assert device.confirmed and device.key == key
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    assert StaticToken.objects.filter(device__user=sysadmin).count() == second_factor.RECOVERY_CODE_COUNT
    assert 'href="/users/"' in response.content.decode()
    # Signed in completely now.
    assert client.get(reverse("core:user_list")).status_code == 200
    sysadmin.refresh_from_db()
    assert sysadmin.second_factor_since is not None


@pytest.mark.django_db
@ADMINS
def test_it_asks_an_organisation_administrator_too(org_admin_a):
    response = sign_in(Client(), org_admin_a)
    assert response["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
@ADMINS
def test_it_does_not_force_a_caseworker_unless_all_must(caseworker_a):
    response = sign_in(Client(), caseworker_a)
    assert response["Location"] == reverse("core:after_sign_in")
    with override_settings(LOTSE_REQUIRE_2FA="all"):
        client = Client()
        response = sign_in(client, caseworker_a)
        assert response["Location"].startswith(reverse("second_factor_verify"))
        assert client.get(reverse("cases:case_list"))["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
def test_it_lets_a_user_set_up_the_app_voluntarily_and_then_always_asks_for_it(caseworker_a):
    client = client_for(caseworker_a)
    assert "nicht eingeschaltet" in client.get(reverse("second_factor")).content.decode()
    codes = enrol_through_the_pages(client)
    assert len(codes) == 10
    assert "ist eingeschaltet" in client.get(reverse("second_factor")).content.decode()
    # Even with the requirement off, the next sign-in asks for the code.
    client.post(reverse("logout"))
    response = sign_in(client, caseworker_a)
    assert response["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
@ADMINS
def test_it_does_not_let_whoever_has_only_the_password_replace_the_app(sysadmin):
    enrol(sysadmin)
    client = Client()
    sign_in(client, sysadmin)
    response = client.get(reverse("second_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    response = client.post(reverse("second_factor_setup"), {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=sysadmin).count() == 1


@pytest.mark.django_db
def test_replacing_the_app_while_signed_in_asks_for_the_password(caseworker_a):
    device, _ = enrol(caseworker_a)
    client = fully_signed_in(caseworker_a, device)
    page = client.get(reverse("second_factor_setup"))
    assert 'name="password"' in page.content.decode()
    key = client.session[second_factor.SETUP_KEY]
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    refused = client.post(reverse("second_factor_setup"), {"code": code, "password": "falsch"})
    assert refused.status_code == 200
    assert WRONG_PASSWORD in refused.content.decode()
    assert list(TOTPDevice.objects.filter(user=caseworker_a)) == [device]
    response = client.post(reverse("second_factor_setup"), {"code": code, "password": PASSWORD})
    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=caseworker_a).key == key


# The second step


@pytest.mark.django_db
@ADMINS
def test_it_signs_in_with_password_then_the_code_of_the_app(sysadmin):
    device, _ = enrol(sysadmin)
    client = Client()
    response = sign_in(client, sysadmin, "/users/?q=x")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    key_after_password = client.session.session_key
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/users/?q=x"' in page.content.decode()
    response = client.post(reverse("second_factor_verify"), {"code": code_of(device), "next": "/users/?q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/users/?q=x"
    assert client.session.session_key != key_after_password
    assert client.get(reverse("core:user_list")).status_code == 200
    # The same code cannot be used a second time, in another session.
    other = Client()
    sign_in(other, sysadmin)
    assert other.post(reverse("second_factor_verify"), {"code": code_of(device)}).status_code == 200


@pytest.mark.django_db
@ADMINS
def test_it_sends_a_user_with_only_the_password_to_the_second_factor_from_every_page(sysadmin, urls):
    enrol(sysadmin)
    client = Client()
    sign_in(client, sysadmin)
    patterns = url_patterns()
    open_before = set()
    for name in guarded_names():
        if is_second_factor_step(patterns[name].callback):
            open_before.add(name)
            continue
        for method in (client.get, client.post):
            response = method(urls.url(name))
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith(reverse("second_factor_verify") + "?next="), name
    assert open_before == {"logout", "second_factor_verify", "second_factor_recover", "second_factor_setup"}
    assert client.get("/django-admin/")["Location"].startswith(reverse("second_factor_verify"))
    # The menu offers nothing but signing out.
    page = client.get(reverse("second_factor_verify")).content.decode()
    assert reverse("core:user_list") not in page and reverse("password_change") not in page
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@ADMINS
def test_it_counts_wrong_codes_in_the_login_lockout(sysadmin):
    device, _ = enrol(sysadmin)
    client = Client()
    # Two wrong passwords, then the right one: the failures are not forgotten before the second factor.
    for _ in range(2):
        assert client.post(reverse("login"), {"username": "sysadmin", "password": "falsch-falsch"}).status_code == 200
    sign_in(client, sysadmin)
    start = timezone.now()
    for attempt in range(2):
        with time_machine.travel(start + timedelta(minutes=attempt + 1)):
            response = client.post(reverse("second_factor_verify"), {"code": "000000"})
        assert response.status_code == 200
        assert "Der Code ist nicht korrekt" in response.content.decode()
    with time_machine.travel(start + timedelta(minutes=3)):
        response = client.post(reverse("second_factor_verify"), {"code": "000000"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Locked: the password and then the right code do not help.
    with time_machine.travel(start + timedelta(minutes=4)):
        assert sign_in(client, sysadmin).status_code == 429
    # Re-entering the password does not reset the count of wrong codes either.
    fresh = Client()
    with time_machine.travel(start + timedelta(minutes=20)):
        sign_in(fresh, sysadmin)
        # The lock of 15 minutes has passed; the right code signs in and clears the count.
        response = fresh.post(reverse("second_factor_verify"), {"code": code_of(device)})
    assert response.status_code == 302


@pytest.mark.django_db
@ADMINS
def test_it_does_not_reset_the_count_of_wrong_codes_when_the_password_is_given_again(sysadmin):
    enrol(sysadmin)
    start = timezone.now()
    for attempt in range(5):
        client = Client()
        with time_machine.travel(start + timedelta(minutes=attempt)):
            assert sign_in(client, sysadmin).status_code == 302
            response = client.post(reverse("second_factor_verify"), {"code": "000000"})
    assert response.status_code == 429


# Recovery codes


@pytest.mark.django_db
@ADMINS
def test_it_accepts_a_recovery_code_once_only(sysadmin):
    _, codes = enrol(sysadmin)
    code = f"{codes[0][:4]}-{codes[0][4:]}".upper()
    client = Client()
    sign_in(client, sysadmin)
    response = client.post(reverse("second_factor_recover"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("second_factor")
    assert client.get(reverse("core:user_list")).status_code == 200
    assert StaticToken.objects.filter(device__user=sysadmin).count() == 9

    again = Client()
    sign_in(again, sysadmin)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        response = again.post(reverse("second_factor_recover"), {"code": code})
    assert response.status_code == 200
    assert "nicht korrekt oder wurde schon verwendet" in response.content.decode()
    assert again.get(reverse("core:user_list")).status_code == 302


@pytest.mark.django_db
def test_it_renews_the_recovery_codes_and_the_old_ones_stop_working(caseworker_a):
    device, old = enrol(caseworker_a)
    client = fully_signed_in(caseworker_a, device)
    # A session left open is not enough: without the password (or with a wrong one) nothing changes.
    for data in ({}, {"password": "falsch"}):
        refused = client.post(reverse("second_factor_renew_codes"), data, follow=True)
        assert WRONG_PASSWORD in refused.content.decode()
        assert set(StaticToken.objects.filter(device__user=caseworker_a).values_list("token", flat=True)) == set(old)
    response = client.post(reverse("second_factor_renew_codes"), {"password": PASSWORD})
    assert response.status_code == 200
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=caseworker_a).values_list("token", flat=True))
    assert tokens == {code.replace("-", "") for code in new}
    assert not tokens & set(old)


@pytest.mark.django_db
def test_it_lets_a_user_switch_off_a_voluntary_second_factor_but_not_a_required_one(caseworker_a, org_admin_a):
    device, _ = enrol(caseworker_a)
    client = fully_signed_in(caseworker_a, device)
    # A session left open is not enough (the probe of a hijacked session switched it off with the CSRF token alone).
    for data in ({}, {"password": "falsch"}):
        refused = client.post(reverse("second_factor_switch_off"), data, follow=True)
        assert WRONG_PASSWORD in refused.content.decode()
        assert TOTPDevice.objects.filter(user=caseworker_a).exists()
    assert client.post(reverse("second_factor_switch_off"), {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker_a).exists()
    assert not StaticDevice.objects.filter(user=caseworker_a).exists()
    device, _ = enrol(org_admin_a)
    with ADMINS:
        response = fully_signed_in(org_admin_a, device).post(
            reverse("second_factor_switch_off"), {"password": PASSWORD}, follow=True
        )
    assert "kann nicht ausgeschaltet werden" in response.content.decode()
    assert TOTPDevice.objects.filter(user=org_admin_a).exists()


# Reset by an administrator


@pytest.mark.django_db
def test_it_lets_the_organisation_administrator_reset_a_users_second_factor(org_admin_a, colleague_a):
    device, _ = enrol(colleague_a)
    session = fully_signed_in(colleague_a, device)
    assert UserSession.objects.filter(user=colleague_a).exists()
    admin = client_for(org_admin_a)
    page = admin.get(reverse("core:user_detail", args=[colleague_a.pk])).content.decode()
    assert reverse("core:user_reset_second_factor", args=[colleague_a.pk]) in page
    response = admin.post(reverse("core:user_reset_second_factor", args=[colleague_a.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague_a).exists()
    assert not StaticToken.objects.filter(device__user=colleague_a).exists()
    assert not UserSession.objects.filter(user=colleague_a).exists()
    assert session.get(reverse("core:start")).status_code == 302
    colleague_a.refresh_from_db()
    assert colleague_a.second_factor_since is None
    # The change history says who reset it.
    resets = [
        event
        for event in Events.objects.references(colleague_a)
        if (event.pgh_context or {}).get("user") == org_admin_a.pk
    ]
    assert len(resets) == 1
    assert resets[0].pgh_diff["second_factor_since"][1] is None
    history = admin.get(reverse("core:history")).content.decode()
    assert "Zweiter Faktor eingerichtet am" in history


@pytest.mark.django_db
def test_it_hides_a_user_of_another_organisation_from_the_reset(org_admin_b, colleague_a):
    enrol(colleague_a)
    response = client_for(org_admin_b).post(reverse("core:user_reset_second_factor", args=[colleague_a.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=colleague_a).exists()


@pytest.mark.django_db
def test_it_lets_only_a_system_administrator_reset_a_system_administrator(org_admin_a, sysadmin, colleague_a):
    device, _ = enrol(sysadmin)
    enrol(colleague_a)
    client = fully_signed_in(sysadmin, device)
    assert client.post(reverse("core:user_reset_second_factor", args=[colleague_a.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague_a).exists()
    # The organisation administrator does not see the system administrator of the county at all.
    response = client_for(org_admin_a).post(reverse("core:user_reset_second_factor", args=[sysadmin.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=sysadmin).exists()


# Settings and the Django admin


def _settings_of(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    probe = f"import lotse.settings.{module} as s; print(s.LOTSE_REQUIRE_2FA, s.LOTSE_DJANGO_ADMIN)"
    unset = {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "LOTSE_REQUIRE_2FA", "LOTSE_DJANGO_ADMIN"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=False)


PRODUCTION = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgresql://lotse@db.internal:5432/lotse",
    "ALLOWED_HOSTS": "x.org",
}


def test_it_requires_the_second_factor_of_administrators_and_closes_the_django_admin_in_production():
    result = _settings_of("production", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["admins", "False"]
    result = _settings_of("production", **PRODUCTION, LOTSE_REQUIRE_2FA="all", LOTSE_DJANGO_ADMIN="1")
    assert result.stdout.split() == ["all", "True"]
    # The demo and development run without a second factor unless the setting asks for one.
    result = _settings_of("dev")
    assert result.stdout.split() == ["off", "True"]
    assert settings.LOTSE_REQUIRE_2FA == "off"


def test_it_refuses_to_start_with_a_malformed_requirement():
    result = _settings_of("production", **PRODUCTION, LOTSE_REQUIRE_2FA="sometimes")
    assert result.returncode != 0
    assert "LOTSE_REQUIRE_2FA must be one of off, admins, all, got 'sometimes'" in result.stderr


@pytest.mark.django_db
@override_settings(LOTSE_DJANGO_ADMIN=False)
def test_it_has_no_django_admin_unless_switched_on(sysadmin):
    assert Client().get("/django-admin/login/").status_code == 404
    assert Client().get("/django-admin/", follow=True).status_code == 404
    assert client_for(sysadmin).get("/django-admin/core/user/").status_code == 404


@pytest.mark.django_db
@override_settings(LOTSE_DJANGO_ADMIN=True)
def test_it_opens_the_django_admin_only_to_system_administrators_with_a_second_factor(sysadmin, org_admin_a):
    # No second sign-in form: the admin's login sends to Lotse's.
    response = Client().get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client().post("/django-admin/login/", {"username": "sysadmin", "password": PASSWORD}).status_code == 302
    # Password alone, no second factor: refused.
    unverified = client_for(sysadmin)
    assert unverified.get("/django-admin/login/").status_code == 403
    assert unverified.get("/django-admin/core/user/").status_code == 302
    assert client_for(org_admin_a).get("/django-admin/login/").status_code == 403
    # With the second factor passed.
    device, _ = enrol(sysadmin)
    assert fully_signed_in(sysadmin, device).get("/django-admin/").status_code == 200
