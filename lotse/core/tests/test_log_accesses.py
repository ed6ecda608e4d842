"""Logging a list of records at once (``lotse.core.services.log_accesses``): one row each, in one query."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from lotse.core import services
from lotse.core.choices import AccessAction
from lotse.core.models import AccessLogEntry
from lotse.core.testing import assert_queries


@pytest.mark.django_db
def test_it_writes_one_row_per_record_in_one_query(org_admin_a, colleague_a, caseworker_a, org_a):
    request = RequestFactory().get("/verwaltung/benutzer/?seite=2")

    with assert_queries(1):
        rows = services.log_accesses(
            acting_user=org_admin_a, action=AccessAction.EXPORT, records=[colleague_a, caseworker_a], request=request
        )

    assert len(rows) == 2
    written = list(AccessLogEntry.objects.order_by("pk"))
    assert [(row.by, row.organisation, row.record_organisation, row.action) for row in written] == [
        (org_admin_a, org_a, org_a, AccessAction.EXPORT)
    ] * 2
    assert [(row.record_type, row.record_id) for row in written] == [
        ("core.user", str(colleague_a.pk)),
        ("core.user", str(caseworker_a.pk)),
    ]
    assert {row.path for row in written} == {"/verwaltung/benutzer/?seite=2"}
    assert all(row.at is not None for row in written)


@pytest.mark.django_db
def test_it_writes_nothing_for_a_head_request_or_no_records(org_admin_a, colleague_a):
    head = RequestFactory().head("/verwaltung/benutzer/")
    assert (
        services.log_accesses(acting_user=org_admin_a, action=AccessAction.VIEW, records=[colleague_a], request=head)
        == []
    )
    with assert_queries(0):
        assert services.log_accesses(acting_user=org_admin_a, action=AccessAction.VIEW, records=[]) == []
    assert not AccessLogEntry.objects.exists()
    with pytest.raises(ValueError, match="unknown access action"):
        services.log_accesses(acting_user=org_admin_a, action="gelesen", records=[colleague_a])
