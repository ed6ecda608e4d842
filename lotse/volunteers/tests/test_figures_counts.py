"""The figures of volunteering against hand counts on a small world (``figures_world``).

D = 30.06.2024, V = 01.01.2024. Each expectation names the records that make it up.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lotse.core.models import Organisation
from lotse.core.testing import assert_queries
from lotse.volunteers.figures import volunteer_figures
from lotse.volunteers.tests.figures_world import D, V, World, build


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation) -> World:
    return build(org_a, org_b)


def test_it_counts_the_volunteers_by_their_status_on_the_reference_date(world: World, org_a: Organisation) -> None:
    figures = volunteer_figures(D, V, org_a)

    # v1 active; v4 active since D itself; v6 active (its pause was corrected away); v2 only active after D;
    # v3 left on D; v5 recorded only from 01.07.2024 (not counted at all).
    assert figures.ehrenamtliche_aktiv == 3
    assert figures.ehrenamtliche_nach_status == {"interessiert": 1, "aktiv": 3, "pausiert": 0, "ausgeschieden": 1}


def test_it_reads_a_past_status_from_the_recorded_versions(world: World, org_a: Organisation) -> None:
    # On 01.04.2024: v1, v3 and v6 active (v6's "paused since 01.03.2024" was replaced by "active since
    # 01.01.2023"); v4 is not yet recorded as anything, v2 interested.
    april = volunteer_figures(datetime.date(2024, 4, 1), V, org_a)
    assert april.ehrenamtliche_nach_status == {"interessiert": 1, "aktiv": 3, "pausiert": 0, "ausgeschieden": 0}
    # The day before v3 left it was still active; on 15.07.2024 v2 is active, v3 gone, v5 active.
    assert volunteer_figures(datetime.date(2024, 6, 29), V, org_a).ehrenamtliche_aktiv == 3
    july = volunteer_figures(datetime.date(2024, 7, 15), V, org_a)
    assert july.ehrenamtliche_nach_status == {"interessiert": 0, "aktiv": 5, "pausiert": 0, "ausgeschieden": 1}


def test_it_counts_sponsorships_by_state_on_the_reference_date_and_ended_ones_by_reason(
    world: World, org_a: Organisation
) -> None:
    figures = volunteer_figures(D, V, org_a)

    # active: S1, S3 (active from D), S8 (no steps: its current state since 01.04.2024); ended: S2 (on D), S5, S9;
    # requested: S4, S7 (getting to know only from 01.07.2024); getting to know: S6.
    assert figures.patenschaften_nach_stand == {"angefragt": 2, "kennenlernen": 1, "aktiv": 3, "beendet": 3}
    # Ended from V to D: S2 on D (goal reached), S5 on V (moved); S9 ended the day before V.
    assert figures.patenschaften_beendet_nach_grund == {
        "ziel_erreicht": 1,
        "umzug": 1,
        "kein_bedarf": 0,
        "abbruch_pate": 0,
        "abbruch_neuzugewanderte": 0,
        "sonstiges": 0,
    }
    # Active sponsors on D: v1 (S1, S8), v2 (S1), v4 (S3).
    assert figures.paten_aktiv == 3


def test_it_counts_the_newcomers_reached_in_the_period(world: World, org_a: Organisation) -> None:
    figures = volunteer_figures(D, V, org_a)

    # Reached: S1 (p1, p2, p3; p12 left the household before V), S2 (p4, p5), S3 (only its member p6),
    # S6 (p10, getting to know from D), S8 (p13). Not: S4, S7 (never beyond requested by D), S5 (its last
    # active day was 31.12.2023), S9.
    assert figures.neuzugewanderte == 8
    # p2 (2010), p3 (18 only on 01.07.2024), p13 (2012); p5 has no date of birth.
    assert figures.neuzugewanderte_kinder == 3
    assert figures.neuzugewanderte_alter_unbekannt == 1
    assert figures.staatsangehoerigkeiten == {"SY": 3, "IQ": 1, "RU": 1, "TR": 1, "UA": 1, "ungeklaert": 1}
    assert figures.herkunftslaender == 5
    assert figures.herkunft_unbekannt == 1


def test_it_counts_the_sponsors_of_the_period_and_their_migration_experience(world: World, org_a: Organisation) -> None:
    figures = volunteer_figures(D, V, org_a)

    # Sponsors of the reached sponsorships: v1, v2 (S1), v3 (S2), v4 (S3), v6 (S6).
    assert figures.paten_im_zeitraum == 5
    # Trained on or before D: v1 (2023), v3 (on D); v4 only on 01.07.2024.
    assert figures.paten_geschult == 2
    # With: v1, v4; without: v2, v6; not recorded: v3 (left out of the share).
    assert (
        figures.paten_mit_migrationserfahrung,
        figures.paten_ohne_migrationserfahrung,
        figures.paten_migrationserfahrung_unbekannt,
    ) == (2, 2, 1)
    assert figures.anteil_migrationserfahrung == Decimal("50.0")


def test_it_counts_the_interpreter_requests_of_the_period(world: World, org_a: Organisation) -> None:
    figures = volunteer_figures(D, V, org_a)

    # R1 (00:30 on 01.01.2024 Berlin, 31.12.2023 in UTC), R2, R3, R4 (23:30 on D), R6; not R5 (00:15 on
    # 01.07.2024), not RB (pool B).
    assert figures.dolmetschanfragen == 5
    assert figures.dolmetschanfragen_nach_sprache == {"ara": 3, "prs": 1, "tir": 1}
    assert (figures.dolmetschanfragen_durchgefuehrt, figures.dolmetschanfragen_ausgefallen) == (2, 1)
    # Held R1, R2 of the 4 not called off (R3 did not take place).
    assert figures.anteil_erfuellt == Decimal("50.0")
    # Lead times 5 (R1), 2 (R2), 1 (R3), 10 (R4) days; R6 was recorded after its appointment.
    assert figures.median_vorlauf_tage == Decimal("3.5")
    # R1 90 minutes in January; R2 its booked hour in March (no actual duration recorded).
    assert figures.dolmetschstunden_nach_monat == {
        "2024-01": Decimal("1.5"),
        "2024-02": Decimal("0.0"),
        "2024-03": Decimal("1.0"),
        "2024-04": Decimal("0.0"),
        "2024-05": Decimal("0.0"),
        "2024-06": Decimal("0.0"),
    }
    assert figures.dolmetschstunden == Decimal("2.5")


def test_it_counts_every_organisation_together_or_one_alone(
    world: World, org_a: Organisation, org_b: Organisation
) -> None:
    everyone = volunteer_figures(D, V)
    b = volunteer_figures(D, V, org_b)

    assert (b.ehrenamtliche_aktiv, b.paten_aktiv, b.neuzugewanderte, b.dolmetschanfragen) == (1, 1, 1, 1)
    assert b.staatsangehoerigkeiten == {"FR": 1}
    assert b.neuzugewanderte_kinder == 1
    assert b.dolmetschstunden == Decimal("2.0")
    assert (everyone.ehrenamtliche_aktiv, everyone.paten_aktiv, everyone.paten_im_zeitraum) == (4, 4, 6)
    assert (everyone.neuzugewanderte, everyone.neuzugewanderte_kinder, everyone.herkunftslaender) == (9, 4, 6)
    assert everyone.dolmetschanfragen_nach_sprache == {"ara": 4, "prs": 1, "tir": 1}


def test_it_narrows_the_period(world: World, org_a: Organisation) -> None:
    # From 01.06.2024: S1 (p1-p3), S2 (p4, p5, ended on D), S3 (p6), S6 (p10), S8 (p13) were all still
    # reached in June; from 01.07.2024 to 15.07.2024 S2 has ended and S7 gets to know each other (p11).
    assert volunteer_figures(D, datetime.date(2024, 6, 1), org_a).neuzugewanderte == 8
    july = volunteer_figures(datetime.date(2024, 7, 15), datetime.date(2024, 7, 1), org_a)
    assert july.neuzugewanderte == 7  # p1-p3, p6, p10, p11, p13
    assert july.patenschaften_beendet_nach_grund["ziel_erreicht"] == 0
    assert july.dolmetschanfragen == 1  # R5
    assert july.dolmetschstunden == Decimal("0.5")


def test_it_counts_in_one_statement(world: World, org_a: Organisation) -> None:
    with assert_queries(1):
        volunteer_figures(D, V, org_a)
    # Without a period start, the earliest programme start (01.01.2023) is looked up first.
    with assert_queries(2):
        figures = volunteer_figures(D, None, org_a)
    assert figures.von == datetime.date(2023, 1, 1)


def test_it_answers_zero_without_any_records(org_a: Organisation) -> None:
    figures = volunteer_figures(D, V, org_a)

    assert figures.ehrenamtliche_aktiv == 0
    assert figures.neuzugewanderte == 0
    assert figures.anteil_migrationserfahrung is None
    assert figures.anteil_erfuellt is None
    assert figures.median_vorlauf_tage is None
    assert figures.von == V
    assert volunteer_figures(D, None, org_a).von == datetime.date(2024, 1, 1)
