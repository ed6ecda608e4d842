"""The figures of housing acquisition on the hand-counted world of ``figures_world.py``, and at past dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.core.models import Organisation
from lotse.housing.choices import OfferStatus, SearchStatus
from lotse.housing.figures import housing_figures
from lotse.housing.tests.figures_world import (
    D,
    V,
    World,
    build,
    change,
    consent,
    lease,
    offer,
    search,
    support,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation) -> World:
    return build(org_a, org_b)


def test_it_counts_the_figures_of_one_organisation(world: World, org_a: Organisation) -> None:
    figures = housing_figures(D, V, org_a)

    assert figures.angebote_akquiriert == 6  # O2, O3, O4, O6, O7, O8; not O1 (2023) nor O5 (after D)
    assert figures.angebote_vermittelt == 2  # O1 (lease undone only after D), O6
    assert figures.angebote_nach_status == {
        "neu": 1,  # O8, acquired on D
        "geprueft": 2,  # O2, O7 (its withdrawal corrected)
        "reserviert": 1,  # O3, placed only after D
        "vermittelt": 2,
        "zurueckgezogen": 1,
    }
    assert figures.wohnungen_offen == 4
    # S2 (four persons on D, five since), S5, and B's SB1 passed on by consent; not SB2 (withdrawn), SB3 (later).
    assert figures.suchende_nach_groesse == {"2": 1, "3": 1, "4": 1}
    assert figures.suchende_haushalte == 3
    assert figures.median_tage_bis_mietvertrag == Decimal("169.5")  # 288 and 51 days
    assert figures.mietvertraege_nach_gemeinde == {"08118003": 1, "08118079": 1}
    assert figures.gemeindenamen == {"08118003": "Asperg", "08118079": "Tamm"}
    assert figures.mietausfallgarantien == 3  # G1, G3 (agreed on D), G6 (ends on D)
    assert figures.mietausfallgarantien_summe == Decimal("4500.00")


def test_it_counts_the_other_organisation_and_every_one(world: World, org_b: Organisation) -> None:
    b = housing_figures(D, V, org_b)
    everyone = housing_figures(D, V)

    assert (b.angebote_akquiriert, b.angebote_vermittelt, b.wohnungen_offen) == (1, 1, 0)
    assert b.suchende_nach_groesse == {"1": 1, "2": 1, "3": 1}
    assert b.median_tage_bis_mietvertrag == Decimal("96.0")
    assert (b.mietausfallgarantien, b.mietausfallgarantien_summe) == (1, Decimal("1000.00"))

    assert (everyone.angebote_akquiriert, everyone.angebote_vermittelt, everyone.wohnungen_offen) == (7, 3, 4)
    assert everyone.suchende_nach_groesse == {"1": 1, "2": 2, "3": 1, "4": 1}
    assert everyone.median_tage_bis_mietvertrag == Decimal("96.0")  # 51, 96, 288
    assert list(everyone.mietvertraege_nach_gemeinde.items()) == [("08118079", 2), ("08118003", 1)]  # most first
    assert (everyone.mietausfallgarantien, everyone.mietausfallgarantien_summe) == (4, Decimal("5500.00"))


def test_it_counts_one_municipality(world: World) -> None:
    tamm = housing_figures(D, V, municipality=world.tamm)

    assert tamm.angebote_akquiriert == 4  # O2, O7, O8, OB
    assert tamm.angebote_vermittelt == 2  # O1, OB
    assert tamm.wohnungen_offen == 3  # O2, O7, O8
    assert tamm.suchende_nach_groesse == {"2": 1, "3": 1, "4": 1}  # by the case's municipality: SB3, SB1, S2
    assert tamm.mietvertraege_nach_gemeinde == {"08118079": 2}
    # Only the guarantee for a flat in Tamm (G1); those without a flat have no municipality.
    assert (tamm.mietausfallgarantien, tamm.mietausfallgarantien_summe) == (1, Decimal("3000.00"))


def test_it_counts_an_earlier_reference_date_from_the_history(world: World, org_a: Organisation) -> None:
    march = housing_figures(datetime.date(2024, 3, 31), V, org_a)

    assert march.angebote_akquiriert == 3  # O2, O3, O6
    assert march.angebote_vermittelt == 1  # O6
    assert march.angebote_nach_status == {
        "neu": 1,
        "geprueft": 2,
        "reserviert": 0,
        "vermittelt": 1,
        "zurueckgezogen": 0,
    }
    # S1 (housed only in June), S2, S3 (paused only in May), S7, SB1 and SB2 (consent not yet withdrawn).
    assert march.suchende_nach_groesse == {"1": 3, "3": 2, "4": 1}
    assert march.median_tage_bis_mietvertrag == Decimal("51.0")
    assert (march.mietausfallgarantien, march.mietausfallgarantien_summe) == (3, Decimal("5000.00"))


def test_it_keeps_the_figures_at_a_past_date_when_later_things_happen(
    world: World, org_a: Organisation, org_b: Organisation
) -> None:
    before = [housing_figures(D, V, scope).as_json() for scope in (org_a, org_b, None)]
    o, s = world.offers, world.searches

    later = offer(world.landlords["LA"], world.tamm, "2024-08-01", "Neue Straße 1")
    change(o["O2"], status=OfferStatus.RESERVED, status_since="2024-07-15")
    change(o["O8"], status=OfferStatus.WITHDRAWN, status_since="2024-07-01")
    lease(o["O2"], s["S2"], "2024-07-20", "2024-09-01")
    lease(later, s["SB1"], "2024-08-05", "2024-08-20")
    change(s["SB2"], status=SearchStatus.ENDED, status_since="2024-07-01")
    change(s["SB3"], adults=3)
    fresh = search(org_a, world.asperg, "2024-09-01", 2)
    consent(fresh, org_b, "2024-09-01")
    consent(s["SB3"], org_a, "2024-01-01", withdrawn="2024-07-01")  # named A on D, withdrawn later
    support(world.landlords["LA"], "2024-08-01", "4000", flat=later)
    change(world.offers["O6"].support.get(), ends_on=datetime.date(2024, 12, 31))

    after = [housing_figures(D, V, scope).as_json() for scope in (org_a, org_b, None)]
    # SB3 counts for A from this back-dated consent on, a fact dated before D; everything else stays.
    assert after[0].pop("suchende_nach_groesse") == {"2": 2, "3": 1, "4": 1}
    assert before[0].pop("suchende_nach_groesse") == {"2": 1, "3": 1, "4": 1}
    after[0].pop("suchende_haushalte")
    before[0].pop("suchende_haushalte")
    assert after == before


def test_it_defaults_the_period_to_the_reference_years_start(world: World, org_a: Organisation) -> None:
    assert housing_figures(D, organisation=org_a).von == datetime.date(2024, 1, 1)
    with pytest.raises(ValueError):
        housing_figures(V, D)


def test_it_counts_in_one_statement(world: World, org_a: Organisation) -> None:
    with CaptureQueriesContext(connection) as queries:
        housing_figures(D, None, org_a, world.tamm)
    assert len(queries) == 1
