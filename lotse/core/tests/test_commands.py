"""Scripted set-up: add_organisation, add_municipality, add_user."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lotse.core.choices import Role
from lotse.core.models import Municipality, Organisation, User


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_adds_an_organisation_once():
    assert "Created" in run(
        "add_organisation", "--short-name", "awo", "--name", "AWO Kreisverband", "--kind", "wohlfahrtsverband"
    )
    assert "Up to date" in run(
        "add_organisation", "--short-name", "awo", "--name", "AWO Kreisverband", "--kind", "wohlfahrtsverband"
    )
    organisation = Organisation.objects.get()
    assert (organisation.short_name, organisation.name, organisation.kind) == (
        "awo",
        "AWO Kreisverband",
        "wohlfahrtsverband",
    )


@pytest.mark.django_db
def test_it_records_the_municipality_a_city_administers_and_keeps_it():
    run("add_municipality", "--ags", "08118048", "--name", "Ludwigsburg")
    city = ["add_organisation", "--short-name", "stadt-lb", "--name", "Stadt Ludwigsburg", "--kind", "gemeinde"]
    assert "Created" in run(*city, "--municipality", "08118048")
    assert "Up to date" in run(*city)
    assert Organisation.objects.values_list("municipality__name", flat=True).get() == "Ludwigsburg"


@pytest.mark.django_db
def test_it_refuses_an_unknown_municipality_of_an_organisation():
    with pytest.raises(CommandError, match="Unbekannter Gemeindeschlüssel \\(AGS\\) „08118999“"):
        run("add_organisation", "--short-name", "x", "--name", "X", "--kind", "gemeinde", "--municipality", "08118999")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_organisation_kind():
    with pytest.raises(CommandError, match="Unbekannte Organisationsart"):
        run("add_organisation", "--short-name", "x", "--name", "X", "--kind", "partei")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_bad_short_name():
    with pytest.raises(CommandError, match="Kurzname"):
        run("add_organisation", "--short-name", "mit leerzeichen", "--name", "X", "--kind", "verein")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_adds_a_municipality_once():
    run("add_municipality", "--ags", "08118048", "--name", "Ludwigsburg", "--county", "Landkreis Ludwigsburg")
    assert "Up to date" in run("add_municipality", "--ags", "08118048", "--name", "Ludwigsburg")
    municipality = Municipality.objects.get()
    assert (municipality.ags, municipality.name, municipality.county) == (
        "08118048",
        "Ludwigsburg",
        "Landkreis Ludwigsburg",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ags", ["0811804", "081180480", "99118048", "08A18048", ""])
def test_it_refuses_a_malformed_ags(ags):
    with pytest.raises(CommandError, match="Gemeindeschlüssel"):
        run("add_municipality", "--ags", ags, "--name", "Irgendwo")
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_it_adds_a_user_with_a_password_file(tmp_path, org_a):
    secret = tmp_path / "pw"
    secret.write_text("Neckar-Brücke-Abend-19\n", encoding="utf-8")
    run(
        "add_user",
        "--username",
        "mia",
        "--organisation",
        "org-a",
        "--role",
        "integrationsmanagement",
        "--role",
        "teamleitung",
        "--password-file",
        str(secret),
    )
    run(
        "add_user",
        "--username",
        "mia",
        "--organisation",
        "org-a",
        "--role",
        "integrationsmanagement",
        "--role",
        "teamleitung",
        "--password-file",
        str(secret),
    )
    user = User.objects.get(username="mia")
    assert user.organisation == org_a
    assert user.roles == [Role.INTEGRATIONSMANAGEMENT, Role.TEAMLEITUNG]
    assert user.check_password("Neckar-Brücke-Abend-19")
    assert User.objects.filter(username="mia").count() == 1


@pytest.mark.django_db
def test_it_adds_a_user_without_a_usable_password(org_a):
    run("add_user", "--username", "ohne", "--organisation", "org-a", "--role", "statistik")
    assert not User.objects.get(username="ohne").has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--organisation", "gibts-nicht", "--role", "statistik"],
            "keine Organisation mit dem Kurznamen „gibts-nicht“",
        ),
        (["--organisation", "org-a", "--role", "chef"], "Unbekannte Rolle"),
    ],
)
def test_it_refuses_bad_user_input(org_a, args, message):
    with pytest.raises(CommandError, match=message):
        run("add_user", "--username", "x", *args)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_password_from_the_file(tmp_path, org_a):
    secret = tmp_path / "pw"
    secret.write_text("12345678\n", encoding="utf-8")
    with pytest.raises(CommandError, match="zu kurz"):
        run(
            "add_user",
            "--username",
            "x",
            "--organisation",
            "org-a",
            "--role",
            "statistik",
            "--password-file",
            str(secret),
        )
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_it_names_the_command_in_the_change_history(org_a):
    from django.apps import apps

    run("add_user", "--username", "skript", "--organisation", "org-a", "--role", "statistik")
    user = User.objects.get(username="skript")
    event = apps.get_model("core", "UserEvent").objects.get(pgh_obj_id=user.pk, pgh_label="insert")
    assert event.pgh_context.metadata["command"] == "add_user"
