"""New users are invited by e-mail and choose their first password through a link that works once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core.choices import Role
from lotse.core.invitations import invitation_tokens
from lotse.core.models import User
from lotse.core.tests.factories import UserFactory

NEW_PASSWORD = "Lindenblatt-Brunnen-73"


def _invite(client: Client, capture, **extra: object):
    data = {
        "username": "neu.im.team",
        "first_name": "Amira",
        "last_name": "Haddad",
        "email": "amira@example.org",
        "language": "de",
        "roles": [Role.INTEGRATIONSMANAGEMENT],
        **extra,
    }
    with capture(execute=True):
        return client.post(reverse("core:user_create"), data)


def _link(body: str) -> str:
    match = re.search(r"http://testserver(/einladung/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


@pytest.mark.django_db
def test_it_asks_for_no_password_when_creating_a_user(org_admin_a):
    response = client_for(org_admin_a).get(reverse("core:user_create"))
    form = response.context["form"]
    assert "password1" not in form.fields and "password2" not in form.fields
    assert 'type="password"' not in response.content.decode()


@pytest.mark.django_db
def test_it_invites_a_new_user_by_mail_with_a_link_that_works_once(
    org_admin_a, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(client_for(org_admin_a), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(username="neu.im.team")
    assert user.organisation == org_admin_a.organisation
    assert not user.has_usable_password()
    assert user.invitation_open
    (mail,) = mailoutbox
    assert mail.to == ["amira@example.org"]
    assert mail.subject == "Lotse: Ihr neues Konto"
    assert "Wählen Sie hier Ihr Passwort" in mail.body
    assert "„neu.im.team“" in mail.body
    link = _link(mail.body)

    visitor = Client()
    answer = visitor.get(link)
    assert answer.status_code == 302  # the token moves into the session
    form_url = answer["Location"]
    assert "set-password" in form_url
    assert visitor.get(form_url).status_code == 200
    # The password validators apply.
    answer = visitor.post(form_url, {"password1": "kurz", "password2": "kurz"})
    assert answer.status_code == 200
    assert "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten." in answer.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()

    answer = visitor.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.invitation_open
    # Signing in works with the chosen password.
    signed_in = Client().post(reverse("login"), {"username": "neu.im.team", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302

    # The link works once only.
    again = Client().get(link)
    assert again.status_code == 200
    assert "Dieser Einladungslink ist ungültig oder abgelaufen." in again.content.decode()
    assert (
        visitor.post(form_url, {"password1": "Anderes-Passwort-88", "password2": "Anderes-Passwort-88"}).status_code
        == 200
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_it_writes_english_to_a_user_who_reads_english(org_admin_a, mailoutbox, django_capture_on_commit_callbacks):
    _invite(client_for(org_admin_a), django_capture_on_commit_callbacks, language="en")
    (mail,) = mailoutbox
    assert mail.subject == "Lotse: your new account"
    assert "Choose your password here" in mail.body


@pytest.mark.django_db
def test_it_refuses_an_expired_or_forged_link_in_german(org_admin_a, mailoutbox, django_capture_on_commit_callbacks):
    _invite(client_for(org_admin_a), django_capture_on_commit_callbacks)
    link = _link(mailoutbox[0].body)
    user = User.objects.get(username="neu.im.team")
    later = datetime.datetime.now() + datetime.timedelta(days=8)
    with override_settings(LOTSE_INVITATION_DAYS=7):
        invitation_tokens._now = lambda: later  # type: ignore[method-assign]
        try:
            expired = Client().get(link)
        finally:
            del invitation_tokens._now
    assert expired.status_code == 200
    assert "Dieser Einladungslink ist ungültig oder abgelaufen." in expired.content.decode()
    forged = Client().get(link.rsplit("/", 2)[0] + "/abc-123/")
    assert "Dieser Einladungslink ist ungültig oder abgelaufen." in forged.content.decode()
    # A password reset token is no invitation.
    from django.contrib.auth.tokens import default_token_generator

    reset_token = default_token_generator.make_token(user)
    forged = Client().get(link.rsplit("/", 2)[0] + f"/{reset_token}/")
    assert "Dieser Einladungslink ist ungültig oder abgelaufen." in forged.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_it_shows_open_invitations_and_sends_them_again(
    org_admin_a, colleague_a, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(org_admin_a)
    _invite(client, django_capture_on_commit_callbacks)
    user = User.objects.get(username="neu.im.team")
    body = client.get(reverse("core:user_list")).content.decode()
    assert body.count('data-testid="invitation-open"') == 1
    assert "Einladung offen" in body
    assert "Einladung erneut senden" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:user_resend_invitation", args=[user.pk]), {"next": "list"})
    assert response["Location"] == reverse("core:user_list")
    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == ["amira@example.org"]
    # Once the password is chosen, nothing is sent any more.
    user.set_password(NEW_PASSWORD)
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:user_resend_invitation", args=[user.pk]), follow=True)
    assert "„neu.im.team“ hat bereits ein Passwort gewählt." in response.content.decode()
    assert len(mailoutbox) == 2
    assert "Einladung offen" not in client.get(reverse("core:user_list")).content.decode()


@pytest.mark.django_db
def test_it_does_not_let_an_admin_invite_into_another_organisation(
    org_admin_a, org_admin_b, org_b, mailoutbox, django_capture_on_commit_callbacks
):
    # The organisation field is the sysadmin's only: an org admin's user lands in their own organisation.
    response = _invite(client_for(org_admin_a), django_capture_on_commit_callbacks, organisation=org_b.pk)
    assert response.status_code == 302
    assert User.objects.get(username="neu.im.team").organisation == org_admin_a.organisation
    # Nor can they send the invitation of another organisation's user (404, it does not exist for them).
    other: User = UserFactory.create(organisation=org_b, email="b@example.org")
    other.set_unusable_password()
    other.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin_a).post(reverse("core:user_resend_invitation", args=[other.pk]))
    assert response.status_code == 404
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_lets_a_sysadmin_invite_into_any_organisation(
    sysadmin, org_b, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(client_for(sysadmin), django_capture_on_commit_callbacks, organisation=org_b.pk)
    assert response.status_code == 302
    assert User.objects.get(username="neu.im.team").organisation == org_b
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_it_asks_for_the_second_factor_after_the_password_where_required(
    org_admin_a, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(client_for(org_admin_a), django_capture_on_commit_callbacks, roles=[Role.ORGANISATIONSADMINISTRATION])
    visitor = Client()
    form_url = visitor.get(_link(mailoutbox[0].body))["Location"]
    visitor.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    with override_settings(LOTSE_REQUIRE_2FA="admins"):
        response = visitor.post(reverse("login"), {"username": "neu.im.team", "password": NEW_PASSWORD})
        assert response.status_code == 302
        start = visitor.get(reverse("core:start"))
    # Not in: the set-up of the second factor comes first.
    assert start.status_code == 302
    assert reverse("second_factor_setup") in start["Location"] or "zwei-faktor" in start["Location"]
