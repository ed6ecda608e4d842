"""Keeping the responsibilities (services) and asking who is responsible on a date (the query)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lotse.arrivals import services
from lotse.arrivals.models import Responsibility
from lotse.arrivals.queries import responsibilities_on, responsible_organisations
from lotse.arrivals.tests.factories import add
from lotse.cases.tests.factories import acting_user_of, events_of
from lotse.core.services import ConcurrentEditError
from lotse.core.testing import assert_queries
from lotse.people.choices import ResidenceStatus

pytestmark = pytest.mark.django_db

D = datetime.date


@contextmanager
def refused_in_german(message: str) -> Iterator[None]:
    """The block raises a ValidationError whose only message is ``message`` in German."""
    with translation.override("de"), pytest.raises(ValidationError) as info:
        yield
    assert info.value.messages == [message]


# --- the services -----------------------------------------------------------------------------------------


def test_it_lets_the_system_administrator_add_a_responsibility_with_the_history(sysadmin, ludwigsburg, org_a):
    responsibility = services.create_responsibility(
        acting_user=sysadmin,
        municipality=ludwigsburg,
        organisation=org_a,
        valid_from=D(2025, 1, 1),
        district="  Eglosheim ",
        residence_status=ResidenceStatus.DULDUNG,
        note="Sprechstunde im Rathaus",
    )
    stored = Responsibility.objects.get()
    assert (stored.pk, stored.district, stored.residence_status, stored.valid_until, stored.version) == (
        responsibility.pk,
        "Eglosheim",
        "duldung",
        None,
        1,
    )
    assert acting_user_of(events_of(stored).get()) == sysadmin.pk


@pytest.mark.parametrize("persona", ["caseworker_a", "teamlead_a", "org_admin_a", "housing_officer", "statistician"])
def test_it_refuses_everybody_but_the_system_administrators(persona, request, ludwigsburg, org_a):
    user = request.getfixturevalue(persona)
    with refused_in_german("Nur Systemadministrator:innen pflegen die Zuständigkeiten im Integrationsmanagement."):
        services.create_responsibility(
            acting_user=user, municipality=ludwigsburg, organisation=org_a, valid_from=D(2025, 1, 1)
        )
    assert not Responsibility.objects.exists()


def test_it_refuses_an_end_before_the_start(sysadmin, ludwigsburg, org_a):
    with refused_in_german("Die Zuständigkeit kann nicht enden, bevor sie beginnt."):
        services.create_responsibility(
            acting_user=sysadmin,
            municipality=ludwigsburg,
            organisation=org_a,
            valid_from=D(2025, 3, 1),
            valid_until=D(2025, 2, 28),
        )
    assert not Responsibility.objects.exists()


def test_it_allows_a_responsibility_of_a_single_day(ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a, D(2025, 3, 1), D(2025, 3, 1))
    assert responsibility.in_force_on(D(2025, 3, 1))


def test_it_guards_the_order_of_the_dates_in_the_database_too(ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a, D(2025, 3, 1))
    with pytest.raises(IntegrityError, match="responsibility_dates_ordered"), transaction.atomic():
        Responsibility.objects.filter(pk=responsibility.pk).update(valid_until=D(2025, 2, 1))


def test_it_refuses_an_organisation_without_integration_management(sysadmin, ludwigsburg, sports_club):
    with refused_in_german(
        "Sonstige Stelle leistet kein Integrationsmanagement: zuständig sein kann nur ein Landratsamt, "
        "eine Gemeinde, ein Wohlfahrtsverband oder ein Verein."
    ):
        services.create_responsibility(
            acting_user=sysadmin, municipality=ludwigsburg, organisation=sports_club, valid_from=D(2025, 1, 1)
        )
    assert not Responsibility.objects.exists()


def test_it_refuses_an_unknown_residence_status(sysadmin, ludwigsburg, org_a):
    with refused_in_german("Wählen Sie einen Aufenthaltsstatus aus der Liste."):
        services.create_responsibility(
            acting_user=sysadmin,
            municipality=ludwigsburg,
            organisation=org_a,
            valid_from=D(2025, 1, 1),
            residence_status="asyl",
        )
    assert not Responsibility.objects.exists()


def test_it_refuses_an_overlapping_period_of_the_same_responsibility(sysadmin, ludwigsburg, org_a):
    add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30))
    with refused_in_german(
        "Caritas Testkreis ist für Ludwigsburg mit demselben Ortsteil und Aufenthaltsstatus bereits zuständig "
        "(01.01.2025 bis 30.06.2025). Zeiträume derselben Zuständigkeit dürfen sich nicht überschneiden."
    ):
        # The last day of the earlier period is the first of the new one.
        services.create_responsibility(
            acting_user=sysadmin, municipality=ludwigsburg, organisation=org_a, valid_from=D(2025, 6, 30)
        )
    assert Responsibility.objects.count() == 1


def test_it_names_an_open_ended_period_in_the_refusal(sysadmin, ludwigsburg, org_a):
    add(ludwigsburg, org_a, D(2025, 7, 1))
    with refused_in_german(
        "Caritas Testkreis ist für Ludwigsburg mit demselben Ortsteil und Aufenthaltsstatus bereits zuständig "
        "(ab 01.07.2025, unbefristet). Zeiträume derselben Zuständigkeit dürfen sich nicht überschneiden."
    ):
        services.create_responsibility(
            acting_user=sysadmin,
            municipality=ludwigsburg,
            organisation=org_a,
            valid_from=D(2024, 1, 1),
            valid_until=D(2025, 7, 1),
        )


def test_it_takes_a_district_written_otherwise_for_the_same_district(sysadmin, ludwigsburg, org_a):
    add(ludwigsburg, org_a, district="Eglosheim")
    with pytest.raises(ValidationError):
        services.create_responsibility(
            acting_user=sysadmin,
            municipality=ludwigsburg,
            organisation=org_a,
            valid_from=D(2026, 1, 1),
            district=" EGLOSHEIM",
        )
    assert Responsibility.objects.count() == 1


def test_it_allows_periods_that_follow_each_other_and_other_scopes(ludwigsburg, asperg, org_a, org_b):
    add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30))
    add(ludwigsburg, org_a, D(2025, 7, 1))
    add(ludwigsburg, org_a, D(2025, 1, 1), district="Eglosheim")
    add(ludwigsburg, org_a, D(2025, 1, 1), residence_status=ResidenceStatus.GESTATTUNG)
    add(ludwigsburg, org_b, D(2025, 1, 1))
    add(asperg, org_a, D(2025, 1, 1))
    assert Responsibility.objects.count() == 6


def test_it_guards_against_overlaps_in_the_database_too(ludwigsburg, org_a):
    """Two concurrent saves pass the service's check each: the exclusion constraint refuses the second."""
    first = add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30))
    second = add(ludwigsburg, org_a, D(2025, 7, 1))
    with pytest.raises(IntegrityError, match="responsibility_no_overlap"), transaction.atomic():
        Responsibility.objects.filter(pk=second.pk).update(valid_from=first.valid_until)


def test_it_updates_with_the_version_and_refuses_a_stale_one(sysadmin, ludwigsburg, org_a, org_b):
    responsibility = add(ludwigsburg, org_a)
    services.update_responsibility(
        acting_user=sysadmin, responsibility=responsibility, expected_version=1, organisation=org_b, note="neu"
    )
    stale = Responsibility.objects.get()
    assert (stale.organisation, stale.note, stale.version) == (org_b, "neu", 2)
    with pytest.raises(ConcurrentEditError):
        services.update_responsibility(
            acting_user=sysadmin, responsibility=stale, expected_version=1, note="überschrieben"
        )
    assert Responsibility.objects.get().note == "neu"
    assert [acting_user_of(e) for e in events_of(stale)] == [None, sysadmin.pk]


def test_it_refuses_an_update_into_an_overlap(sysadmin, ludwigsburg, org_a):
    add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30))
    later = add(ludwigsburg, org_a, D(2025, 7, 1))
    with pytest.raises(ValidationError):
        services.update_responsibility(
            acting_user=sysadmin, responsibility=later, expected_version=1, valid_from=D(2025, 6, 1)
        )
    assert Responsibility.objects.get(pk=later.pk).valid_from == D(2025, 7, 1)


def test_it_ends_a_responsibility_and_refuses_an_end_before_its_start(sysadmin, ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a, D(2025, 1, 1))
    services.end_responsibility(
        acting_user=sysadmin, responsibility=responsibility, expected_version=1, valid_until=D(2025, 12, 31)
    )
    assert Responsibility.objects.get().valid_until == D(2025, 12, 31)
    with refused_in_german("Die Zuständigkeit kann nicht enden, bevor sie beginnt."):
        services.end_responsibility(
            acting_user=sysadmin, responsibility=responsibility, expected_version=2, valid_until=D(2024, 12, 31)
        )
    assert Responsibility.objects.get().valid_until == D(2025, 12, 31)


def test_it_deletes_only_at_the_loaded_version(sysadmin, caseworker_a, ludwigsburg, org_a):
    responsibility = add(ludwigsburg, org_a)
    with pytest.raises(ValidationError):
        services.delete_responsibility(acting_user=caseworker_a, responsibility=responsibility, expected_version=1)
    services.update_responsibility(acting_user=sysadmin, responsibility=responsibility, expected_version=1, note="x")
    with pytest.raises(ConcurrentEditError):
        services.delete_responsibility(acting_user=sysadmin, responsibility=responsibility, expected_version=1)
    assert Responsibility.objects.exists()
    services.delete_responsibility(acting_user=sysadmin, responsibility=responsibility, expected_version=2)
    assert not Responsibility.objects.exists()
    assert [e.pgh_label for e in events_of(Responsibility, responsibility.pk)] == ["insert", "update", "delete"]


# --- who is responsible on a date ---------------------------------------------------------------------------


def test_it_answers_nobody_where_nothing_is_entered(ludwigsburg):
    assert responsible_organisations(ludwigsburg, D(2025, 1, 1)) == []


def test_it_answers_the_organisation_in_force_on_the_boundary_days(ludwigsburg, org_a, org_b):
    add(ludwigsburg, org_a, D(2025, 1, 1), D(2025, 6, 30))
    add(ludwigsburg, org_b, D(2025, 7, 1))
    assert responsible_organisations(ludwigsburg, D(2024, 12, 31)) == []
    assert responsible_organisations(ludwigsburg, D(2025, 1, 1)) == [org_a]
    assert responsible_organisations(ludwigsburg, D(2025, 6, 30)) == [org_a]
    assert responsible_organisations(ludwigsburg, D(2025, 7, 1)) == [org_b]
    assert responsible_organisations(ludwigsburg.pk, D(2030, 1, 1)) == [org_b]


def test_it_answers_every_organisation_of_overlapping_entries_sorted_by_name(ludwigsburg, org_a, org_b, drk):
    add(ludwigsburg, org_a, D(2025, 1, 1))
    add(ludwigsburg, drk, D(2025, 3, 1), D(2025, 3, 31))
    add(ludwigsburg, org_b, D(2025, 3, 15))
    # AWO, Caritas, DRK
    assert responsible_organisations(ludwigsburg, D(2025, 3, 20)) == [org_b, org_a, drk]
    assert responsible_organisations(ludwigsburg, D(2025, 4, 1)) == [org_b, org_a]


def test_it_prefers_the_most_specific_entry(ludwigsburg, asperg, org_a, org_b, drk, county):
    add(ludwigsburg, county, D(2025, 1, 1))  # the whole town
    add(ludwigsburg, org_a, D(2025, 1, 1), district="Eglosheim")
    add(ludwigsburg, org_b, D(2025, 1, 1), residence_status=ResidenceStatus.DULDUNG)
    add(ludwigsburg, drk, D(2025, 1, 1), D(2025, 12, 31), district="Eglosheim", residence_status="duldung")
    day = D(2025, 6, 1)
    assert responsible_organisations(ludwigsburg, day) == [county]
    assert responsible_organisations(ludwigsburg, day, district="Oßweil") == [county]
    assert responsible_organisations(ludwigsburg, day, residence_status="gestattung") == [county]
    assert responsible_organisations(ludwigsburg, day, district=" eglosheim ") == [org_a]
    assert responsible_organisations(ludwigsburg, day, residence_status="duldung") == [org_b]
    assert responsible_organisations(ludwigsburg, day, district="Eglosheim", residence_status="duldung") == [drk]
    # After the district and status entry ends, the district entry wins over the status entry.
    later = D(2026, 1, 1)
    assert responsible_organisations(ludwigsburg, later, district="Eglosheim", residence_status="duldung") == [org_a]
    # Another municipality is not covered by Ludwigsburg's entries.
    assert responsible_organisations(asperg, day, district="Eglosheim") == []


def test_it_falls_back_to_the_whole_municipality_while_a_specific_entry_is_not_in_force(ludwigsburg, org_a, county):
    add(ludwigsburg, county, D(2025, 1, 1))
    add(ludwigsburg, org_a, D(2025, 4, 1), D(2025, 4, 30), district="Hoheneck")
    assert responsible_organisations(ludwigsburg, D(2025, 3, 31), district="Hoheneck") == [county]
    assert responsible_organisations(ludwigsburg, D(2025, 4, 1), district="Hoheneck") == [org_a]
    assert responsible_organisations(ludwigsburg, D(2025, 4, 30), district="Hoheneck") == [org_a]
    assert responsible_organisations(ludwigsburg, D(2025, 5, 1), district="Hoheneck") == [county]


def test_it_asks_one_query(ludwigsburg, org_a, org_b, county):
    add(ludwigsburg, county, D(2025, 1, 1))
    add(ludwigsburg, org_a, D(2025, 1, 1), district="Eglosheim")
    add(ludwigsburg, org_b, D(2025, 1, 1), district="Eglosheim", residence_status="duldung")
    with assert_queries(1):
        names = [o.name for o in responsible_organisations(ludwigsburg, D(2025, 2, 1), "Eglosheim", "duldung")]
    assert names == ["AWO Testkreis"]


def test_the_entries_asked_once_answer_as_the_query_does(ludwigsburg, asperg, org_a, org_b, drk, county):
    """create_arrivals asks for the municipality's entries once and hands them to both questions."""
    add(ludwigsburg, county, D(2025, 1, 1))
    add(ludwigsburg, org_a, D(2025, 1, 1), district="Eglosheim")
    add(ludwigsburg, org_b, D(2025, 1, 1), residence_status=ResidenceStatus.DULDUNG)
    add(ludwigsburg, drk, D(2025, 1, 1), D(2025, 12, 31), district="Eglosheim", residence_status="duldung")
    for municipality in (ludwigsburg, asperg):
        for day in (D(2024, 12, 31), D(2025, 6, 1), D(2026, 1, 1)):
            with assert_queries(1):
                entries = responsibilities_on(municipality, day)
            for district in ("", "Eglosheim", " eglosheim ", "Oßweil"):
                for status in ("", "duldung", "gestattung"):
                    with assert_queries(0):
                        given = responsible_organisations(municipality, day, district, status, entries=entries)
                    assert given == responsible_organisations(municipality, day, district, status)
