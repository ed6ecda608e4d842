"""Change history (pghistory) and the append-only access log."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, transaction
from django.urls import reverse

from lotse.conftest import client_for
from lotse.core import services
from lotse.core.choices import AccessAction, Role
from lotse.core.models import AccessLogEntry, User
from lotse.core.records import RecordName
from lotse.core.testing import assert_same_queries, queries_of


def events_of(user: User):
    from django.apps import apps

    return apps.get_model("core", "UserEvent").objects.filter(pgh_obj_id=user.pk).order_by("pgh_id")


@pytest.mark.django_db
def test_it_records_who_changed_a_user(org_admin_a, colleague_a):
    services.update_user(
        acting_user=org_admin_a,
        user=colleague_a,
        expected_version=colleague_a.version,
        roles=[Role.TEAMLEITUNG],
        first_name="Erika",
        last_name="Neuname",
        email="erika@example.org",
    )
    event = events_of(colleague_a).last()
    assert event.pgh_label == "update"
    assert event.last_name == "Neuname"
    assert event.roles == [Role.TEAMLEITUNG]
    assert event.pgh_context.metadata["user"] == org_admin_a.pk


@pytest.mark.django_db
def test_it_catches_bulk_updates_in_the_history(caseworker_a, colleague_a):
    before = events_of(caseworker_a).count()
    User.objects.filter(organisation=caseworker_a.organisation).update(last_name="Massenänderung")
    assert events_of(caseworker_a).count() == before + 1
    assert events_of(colleague_a).last().last_name == "Massenänderung"


@pytest.mark.django_db
def test_it_keeps_passwords_out_of_the_history(caseworker_a):
    before = events_of(caseworker_a).count()
    services.set_user_password(acting_user=None, user=caseworker_a, password="Ein-ganz-neues-Passwort-7")
    assert events_of(caseworker_a).count() == before
    assert not hasattr(events_of(caseworker_a).last(), "password")


@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_the_history(caseworker_a):
    event = events_of(caseworker_a).last()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        type(event).objects.filter(pk=event.pk).update(last_name="gefälscht")
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        type(event).objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_it_logs_who_viewed_a_user_record(org_admin_a, colleague_a):
    client_for(org_admin_a).get(reverse("core:user_detail", args=[colleague_a.pk]))
    entry = AccessLogEntry.objects.get()
    assert (entry.by, entry.organisation, entry.action) == (org_admin_a, org_admin_a.organisation, AccessAction.VIEW)
    assert (entry.record_type, entry.record_id) == ("core.user", str(colleague_a.pk))
    assert entry.path == reverse("core:user_detail", args=[colleague_a.pk])


@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_the_access_log(org_admin_a, colleague_a):
    entry = services.log_access(acting_user=org_admin_a, action=AccessAction.EXPORT, record=colleague_a)
    assert entry is not None
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(action=AccessAction.VIEW)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        entry.delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).action == AccessAction.EXPORT


@pytest.mark.django_db
def test_it_shows_an_org_admin_the_access_log_of_their_organisation_only(
    org_admin_a, org_admin_b, colleague_a, caseworker_b
):
    mine = services.log_access(acting_user=org_admin_a, action=AccessAction.VIEW, record=colleague_a)
    theirs = services.log_access(acting_user=org_admin_b, action=AccessAction.VIEW, record=caseworker_b)
    assert list(AccessLogEntry.objects.visible_to(org_admin_a)) == [mine]
    response = client_for(org_admin_a).get(reverse("core:access_log"))
    entries = list(response.context["page"].object_list)
    assert entries == [mine]
    assert theirs not in entries


@pytest.mark.django_db
def test_it_shows_an_org_admin_the_history_of_their_organisation_only(org_admin_a, colleague_a, caseworker_b):
    old_name = colleague_a.last_name
    services.update_user(
        acting_user=org_admin_a,
        user=colleague_a,
        expected_version=colleague_a.version,
        roles=[Role.INTEGRATIONSMANAGEMENT],
        first_name="Eva",
        last_name="Sichtbar",
        email="",
    )
    User.objects.filter(pk=caseworker_b.pk).update(last_name="Unsichtbar")
    response = client_for(org_admin_a).get(reverse("core:history"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sichtbar" in body
    assert "Unsichtbar" not in body
    assert "caseworker-b" not in body
    row = next(r for r in response.context["rows"] if r["record"].text == "Eva Sichtbar" and r["label"] == "update")
    assert row["by"] == RecordName(org_admin_a.get_full_name(), reverse("core:user_detail", args=[org_admin_a.pk]))
    assert row["record"].url == reverse("core:user_detail", args=[colleague_a.pk])
    assert {"field": "Nachname", "before": old_name, "after": "Sichtbar"} in [
        {"field": str(c["field"]), "before": c["before"].text, "after": c["after"].text} for c in row["changes"]
    ]


@pytest.mark.django_db
def test_it_hides_history_and_access_log_from_caseworkers(caseworker_a):
    assert not AccessLogEntry.objects.visible_to(caseworker_a).exists()
    client = client_for(caseworker_a)
    assert client.get(reverse("core:history")).status_code == 403
    assert client.get(reverse("core:access_log")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["core:history", "core:access_log"])
def test_it_runs_a_fixed_number_of_queries_for_the_audit_lists(url_name, org_admin_a, colleague_a):
    from lotse.core.tests.factories import UserFactory

    def record_work(acting_user, subject):
        services.log_access(acting_user=acting_user, action=AccessAction.VIEW, record=subject)
        services.update_user(
            acting_user=acting_user,
            user=subject,
            expected_version=subject.version,
            roles=subject.roles,
            first_name=subject.first_name,
            last_name=subject.last_name + "x",
            email=subject.email,
        )

    client = client_for(org_admin_a)
    record_work(org_admin_a, colleague_a)
    few = queries_of(client, reverse(url_name))
    for user in UserFactory.create_batch(
        20, organisation=org_admin_a.organisation, roles=["organisationsadministration"]
    ):
        record_work(user, colleague_a)
    assert_same_queries(few, queries_of(client, reverse(url_name)))


@pytest.mark.django_db
def test_it_answers_only_reading_requests_on_the_lists(org_admin_a):
    client = client_for(org_admin_a)
    for url_name in ("core:history", "core:access_log", "core:user_list", "core:start"):
        assert client.post(reverse(url_name)).status_code == 405, url_name


@pytest.mark.django_db
def test_it_filters_the_organisations_history_by_user_kind_and_day(org_admin_a, colleague_a, caseworker_a):
    import datetime

    from django.utils import timezone

    for editor, subject in ((org_admin_a, colleague_a), (org_admin_a, caseworker_a)):
        subject.refresh_from_db()
        services.update_user(
            acting_user=editor,
            user=subject,
            expected_version=subject.version,
            roles=subject.roles,
            first_name=subject.first_name,
            last_name=subject.last_name + "x",
            email=subject.email,
        )
    client = client_for(org_admin_a)
    url = reverse("core:history")
    users = client.get(f"{url}?kind=core.user&user={org_admin_a.pk}").context["rows"]
    assert {row["record"].text for row in users} == {colleague_a.get_full_name(), caseworker_a.get_full_name()}
    assert client.get(f"{url}?kind=core.organisation&user={org_admin_a.pk}").context["rows"] == []
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert client.get(f"{url}?until={yesterday:%d.%m.%Y}").context["rows"] == []
    response = client.get(f"{url}?since=morgen&kind=nichts")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in body
    assert response.context["rows"]  # the invalid filters are not applied


@pytest.mark.django_db
@pytest.mark.parametrize("until", ["9999-12-31", "31.12.1899"])
def test_a_day_outside_the_calendars_range_is_refused_with_a_message(org_admin_a, until):
    response = client_for(org_admin_a).get(reverse("core:history"), {"until": until})
    assert response.status_code == 200
    assert response.context["form"].errors == {"until": ["Geben Sie ein Datum zwischen 1900 und 2200 ein."]}
