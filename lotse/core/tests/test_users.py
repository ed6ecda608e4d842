"""Organisation administrators manage the users of their own organisation, in the app."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from lotse.conftest import PASSWORD, client_for
from lotse.core.choices import Role
from lotse.core.models import User, UserSession


@pytest.mark.django_db
def test_it_scopes_users_to_the_organisation(
    caseworker_a, colleague_a, caseworker_b, org_admin_a, statistician, sysadmin
):
    assert set(User.objects.visible_to(caseworker_a)) == {caseworker_a, colleague_a, org_admin_a}
    assert set(User.objects.visible_to(caseworker_b)) == {caseworker_b}
    assert set(User.objects.visible_to(statistician)) == {statistician}
    assert set(User.objects.visible_to(sysadmin)) == set(User.objects.all())


@pytest.mark.django_db
def test_it_lists_only_the_own_organisation(org_admin_a, colleague_a, caseworker_b):
    response = client_for(org_admin_a).get(reverse("core:user_list"))
    listed = set(response.context["page"].object_list)
    assert colleague_a in listed
    assert caseworker_b not in listed


@pytest.mark.django_db
def test_it_shows_when_each_user_last_signed_in(org_admin_a, colleague_a, teamlead_a):
    signed_in = datetime.datetime(2026, 11, 30, 8, 15, tzinfo=datetime.UTC)
    User.objects.filter(pk=colleague_a.pk).update(last_login=signed_in)
    body = client_for(org_admin_a).get(reverse("core:user_list")).content.decode()
    assert "Letzte Anmeldung" in body
    assert "30.11.2026 09:15" in body  # in the county's time zone
    assert "<td>nie</td>" in body  # the team lead has never signed in


@pytest.mark.django_db
def test_it_answers_404_for_a_user_of_another_organisation(org_admin_a, caseworker_b):
    client = client_for(org_admin_a)
    assert client.get(reverse("core:user_detail", args=[caseworker_b.pk])).status_code == 404
    response = client.post(
        reverse("core:user_set_active", args=[caseworker_b.pk]), {"version": caseworker_b.version, "active": "0"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("core:user_set_password", args=[caseworker_b.pk]),
        {"password1": "Ganz-neues-Passwort-99", "password2": "Ganz-neues-Passwort-99"},
    )
    assert response.status_code == 404
    caseworker_b.refresh_from_db()
    assert caseworker_b.is_active
    assert caseworker_b.check_password(PASSWORD)


@pytest.mark.django_db
def test_it_creates_a_user_in_the_own_organisation(org_admin_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin_a).post(
            reverse("core:user_create"),
            {
                "username": "neue.kollegin",
                "first_name": "Leyla",
                "last_name": "Aydın",
                "email": "leyla@example.org",
                "language": "de",
                "roles": [Role.INTEGRATIONSMANAGEMENT, Role.TEAMLEITUNG],
            },
        )
    user = User.objects.get(username="neue.kollegin")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_detail", args=[user.pk])
    assert user.organisation == org_admin_a.organisation
    assert user.roles == [Role.INTEGRATIONSMANAGEMENT, Role.TEAMLEITUNG]
    assert not user.has_usable_password()
    assert user.invitation_open
    assert [mail.to for mail in mailoutbox] == [["leyla@example.org"]]
    assert not user.is_superuser


@pytest.mark.django_db
def test_it_refuses_bad_input_with_german_messages_and_creates_nothing(org_admin_a, colleague_a):
    response = client_for(org_admin_a).post(
        reverse("core:user_create"),
        {
            "username": "colleague-a",
            "first_name": "",
            "last_name": "X",
            "roles": [],
            "language": "de",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["username"] == ["Dieser Benutzername ist bereits vergeben."]
    assert errors["first_name"] == ["Dieses Feld ist zwingend erforderlich."]
    assert errors["roles"] == ["Wählen Sie mindestens eine Rolle aus."]
    assert errors["email"] == ["Geben Sie die E-Mail-Adresse an, an die die Einladung geht."]
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_it_does_not_let_an_org_admin_grant_system_administration(org_admin_a):
    response = client_for(org_admin_a).post(
        reverse("core:user_create"),
        {
            "username": "heimlich",
            "first_name": "H",
            "last_name": "H",
            "email": "h@example.org",
            "language": "de",
            "roles": [Role.SYSTEMADMINISTRATION],
        },
    )
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert not User.objects.filter(username="heimlich").exists()


@pytest.mark.django_db
def test_it_refuses_the_second_of_two_concurrent_edits(org_admin_a, org_admin_b, colleague_a):
    first, second = client_for(org_admin_a), client_for(org_admin_a)
    version = colleague_a.version
    data = {"first_name": "Erika", "email": "", "roles": [Role.INTEGRATIONSMANAGEMENT], "version": version}
    response = first.post(reverse("core:user_detail", args=[colleague_a.pk]), {**data, "last_name": "Erste"})
    assert response.status_code == 302
    response = second.post(reverse("core:user_detail", args=[colleague_a.pk]), {**data, "last_name": "Zweite"})
    assert response.status_code == 200
    assert response.context["conflict"].last_name == "Erste"
    form = response.context["form"]
    assert form.data["last_name"] == "Zweite"  # the input survives for a second save
    assert int(form.data["version"]) == version + 1
    colleague_a.refresh_from_db()
    assert colleague_a.last_name == "Erste"
    assert colleague_a.version == version + 1


@pytest.mark.django_db
def test_it_deactivates_a_user_and_ends_their_sessions(org_admin_a, colleague_a):
    session_client = Client()
    session_client.post(reverse("login"), {"username": "colleague-a", "password": PASSWORD})
    assert UserSession.objects.filter(user=colleague_a).exists()
    response = client_for(org_admin_a).post(
        reverse("core:user_set_active", args=[colleague_a.pk]), {"version": colleague_a.version, "active": "0"}
    )
    assert response.status_code == 302
    colleague_a.refresh_from_db()
    assert not colleague_a.is_active
    assert not UserSession.objects.filter(user=colleague_a).exists()
    assert session_client.get(reverse("core:start")).status_code == 302


@pytest.mark.django_db
def test_it_does_not_let_an_admin_deactivate_themselves(org_admin_a):
    response = client_for(org_admin_a).post(
        reverse("core:user_set_active", args=[org_admin_a.pk]),
        {"version": org_admin_a.version, "active": "0"},
        follow=True,
    )
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in response.content.decode()
    org_admin_a.refresh_from_db()
    assert org_admin_a.is_active


@pytest.mark.django_db
def test_it_sets_a_new_password_and_ends_old_sessions(org_admin_a, colleague_a):
    response = client_for(org_admin_a).post(
        reverse("core:user_set_password", args=[colleague_a.pk]),
        {"password1": "Ganz-neues-Passwort-99", "password2": "Ganz-neues-Passwort-99"},
    )
    assert response.status_code == 302
    colleague_a.refresh_from_db()
    assert colleague_a.check_password("Ganz-neues-Passwort-99")


@pytest.mark.django_db
def test_it_lets_a_sysadmin_create_users_in_any_organisation(sysadmin, org_b):
    response = client_for(sysadmin).post(
        reverse("core:user_create"),
        {
            "organisation": org_b.pk,
            "username": "admin-b",
            "first_name": "B",
            "last_name": "Admin",
            "email": "admin-b@example.org",
            "language": "de",
            "roles": [Role.ORGANISATIONSADMINISTRATION],
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin-b").organisation == org_b


@pytest.mark.django_db
def test_it_shows_navigation_only_for_the_roles(caseworker_a, org_admin_a):
    body = client_for(caseworker_a).get(reverse("core:start")).content.decode()
    assert reverse("core:user_list") not in body
    assert reverse("core:history") not in body
    body = client_for(org_admin_a).get(reverse("core:start")).content.decode()
    assert reverse("core:user_list") in body
    assert reverse("core:access_log") in body


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries_for_the_user_list(org_admin_a, django_assert_max_num_queries):
    from lotse.core.tests.factories import UserFactory

    client = client_for(org_admin_a)
    client.get(reverse("core:user_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("core:user_list"))
    UserFactory.create_batch(30, organisation=org_admin_a.organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:user_list"))


@pytest.mark.django_db
def test_it_finds_colleagues_by_name_and_never_those_of_another_organisation(org_admin_a, colleague_a, org_admin_b):
    page = client_for(org_admin_a).get(reverse("core:user_list"), {"q": "COLLEAGUE"}).context["page"]
    assert [user.username for user in page] == ["colleague-a"]
    page = client_for(org_admin_a).get(reverse("core:user_list"), {"q": org_admin_b.username}).context["page"]
    assert list(page) == []
