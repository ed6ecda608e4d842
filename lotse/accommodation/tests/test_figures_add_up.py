"""The persons' figures of a municipality add up: a small county where every row and sum is asserted at two
reference dates (docs/unterbringung.md, "Aufbau der Personenzahlen")."""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from lotse.accommodation import services
from lotse.accommodation.choices import MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.figures import REASON_KEYS, MunicipalityFigures, figures_overview, municipality_figures
from lotse.accommodation.models import Shelter
from lotse.conftest import client_for
from lotse.core.models import Municipality, Organisation, User
from lotse.people.choices import BirthDatePrecision, HousingSituation
from lotse.people.models import Person

ASSIGNED_ON = datetime.date(2024, 2, 1)
D1 = datetime.date(2024, 3, 31)
D2 = datetime.date(2024, 6, 30)


@dataclass
class County:
    ludwigsburg: Municipality
    asperg: Municipality
    people: dict[str, Person]


def _person(organisation: Organisation, name: str, born: datetime.date | None = None) -> Person:
    return Person.objects.create(
        organisation=organisation,
        family_name=name,
        given_names="Test",
        birth_date=born,
        birth_date_precision=BirthDatePrecision.DAY if born else "",
    )


@pytest.fixture
def small_county(
    county: Organisation,
    city: Organisation,
    ludwigsburg: Municipality,
    asperg: Municipality,
    county_shelter: Shelter,
    follow_up_shelter: Shelter,
) -> County:
    """Ludwigsburg with a VU (10 places) and an AU (4 places), Asperg with a VU; the persons' stories:

    - Wartend: in VU in Ludwigsburg, assigned to Ludwigsburg, moves into its AU on 1 May;
    - Amani: assigned, in AU from the assignment, moves into an own tenancy in Ludwigsburg on 1 June;
    - Privat: assigned, own tenancy in Ludwigsburg from 15 February, never in a shelter;
    - Rückkehr: assigned, in AU, returns to the country of origin on 15 April;
    - Jugendhilfe: assigned, aged 15, in youth welfare in Ludwigsburg (an assigned person, not an UMA);
    - Pflege: aged 14, not assigned, in a foster family in Ludwigsburg (UMA at both dates);
    - Volljährig: not assigned, in youth welfare in Ludwigsburg, turns 18 on D2 (UMA at D1 only);
    - Baby: born in the AU on 1 March, not counted as assigned;
    - Neu: in VU in Ludwigsburg, never assigned;
    - Fern: in VU in Asperg, assigned to Ludwigsburg on 1 June (still in VU at D2).
    """
    asperg_vu = services.create_shelter(
        acting_user=None,
        organisation=county,
        places=5,
        places_from=datetime.date(2020, 1, 1),
        name="GU Asperg",
        kind=ShelterKind.GU_VORLAEUFIG,
        municipality=asperg,
    )
    names = ("Wartend", "Amani", "Privat", "Rückkehr", "Neu", "Fern")
    people = {name: _person(county, name) for name in names}
    people["Jugendhilfe"] = _person(county, "Jugendhilfe", datetime.date(2009, 1, 20))
    people["Pflege"] = _person(county, "Pflege", datetime.date(2010, 1, 1))
    people["Volljährig"] = _person(county, "Volljährig", datetime.date(2006, 6, 30))
    people["Baby"] = _person(city, "Baby", datetime.date(2024, 3, 1))

    def stay(name: str, shelter: Shelter, on: datetime.date, basis: str = ResidenceBasis.ZUWEISUNG) -> None:
        services.move_in(acting_user=None, shelter=shelter, person=people[name], on=on, basis=basis)

    def housing(name: str, on: datetime.date, situation: str) -> None:
        services.record_housing(
            acting_user=None, person=people[name], on=on, situation=situation, municipality=ludwigsburg
        )

    def leave(name: str, on: datetime.date, reason: str) -> None:
        occupancy = people[name].occupancies.get(move_out__isnull=True)
        services.move_out(
            acting_user=None, occupancy=occupancy, on=on, reason=reason, expected_version=occupancy.version
        )

    stay("Wartend", county_shelter, datetime.date(2024, 1, 10))
    stay("Neu", county_shelter, datetime.date(2024, 3, 15))
    stay("Fern", asperg_vu, datetime.date(2024, 1, 5))
    services.record_assignment(
        acting_user=None,
        organisation=county,
        municipality=ludwigsburg,
        date=ASSIGNED_ON,
        persons=[people[name] for name in ("Wartend", "Amani", "Privat", "Rückkehr", "Jugendhilfe")],
    )
    stay("Amani", follow_up_shelter, ASSIGNED_ON)
    stay("Rückkehr", follow_up_shelter, ASSIGNED_ON)
    housing("Privat", datetime.date(2024, 2, 15), HousingSituation.PRIVATER_MIETVERTRAG)
    housing("Jugendhilfe", datetime.date(2024, 2, 10), HousingSituation.JUGENDHILFE)
    housing("Pflege", datetime.date(2023, 11, 1), HousingSituation.PFLEGEFAMILIE)
    housing("Volljährig", datetime.date(2023, 9, 1), HousingSituation.JUGENDHILFE)
    stay("Baby", follow_up_shelter, datetime.date(2024, 3, 1), basis=ResidenceBasis.GEBURT)
    leave("Rückkehr", datetime.date(2024, 4, 15), MoveOutReason.RUECKKEHR)
    stay("Wartend", follow_up_shelter, datetime.date(2024, 5, 1))
    leave("Amani", datetime.date(2024, 6, 1), MoveOutReason.PRIVATER_MIETVERTRAG)
    services.record_assignment(
        acting_user=None,
        organisation=county,
        municipality=ludwigsburg,
        date=datetime.date(2024, 6, 1),
        persons=[people["Fern"]],
    )
    return County(ludwigsburg, asperg, people)


def _persons(figures: MunicipalityFigures) -> dict[str, int]:
    keys = (
        "gefluechtete_gesamt",
        "vorlaeufige_unterbringung",
        "zugewiesen_wohnhaft",
        "zugewiesen_in_anschlussunterbringung",
        "privater_wohnraum",
        "zugewiesen_andere_wohnsituation",
        "unbegleitete_minderjaehrige",
        "zugewiesen",
        "zugewiesen_in_vorlaeufiger_unterbringung",
        "ausgezogen_oder_zurueckgekehrt",
        "nicht_als_zugewiesen_gezaehlt",
    )
    return {key: figures.value(key) for key in keys}


def _assert_adds_up(figures: MunicipalityFigures) -> None:
    assert figures.gefluechtete_gesamt == (
        figures.vorlaeufige_unterbringung + figures.zugewiesen_wohnhaft + figures.unbegleitete_minderjaehrige
    )
    assert figures.zugewiesen_wohnhaft == (
        figures.zugewiesen_in_anschlussunterbringung
        + figures.privater_wohnraum
        + figures.zugewiesen_andere_wohnsituation
    )
    assert figures.zugewiesen == (
        figures.zugewiesen_wohnhaft
        + figures.zugewiesen_in_vorlaeufiger_unterbringung
        + figures.ausgezogen_oder_zurueckgekehrt
    )
    # Counted in SQL separately from the total of the assigned: the reasons sum to the moved-out row.
    assert sum(figures.auszugsgruende.values()) == figures.ausgezogen_oder_zurueckgekehrt
    # The residents of follow-up accommodation are the assigned ones there plus the further residents.
    assert figures.belegt_au == figures.zugewiesen_in_anschlussunterbringung + figures.nicht_als_zugewiesen_gezaehlt


def test_every_row_at_the_first_reference_date(small_county: County) -> None:
    figures = municipality_figures(small_county.ludwigsburg, D1)

    assert figures.von == ASSIGNED_ON
    assert _persons(figures) == {
        "gefluechtete_gesamt": 8,
        "vorlaeufige_unterbringung": 2,  # Wartend (assigned, still in VU) and Neu
        "zugewiesen_wohnhaft": 4,
        "zugewiesen_in_anschlussunterbringung": 2,  # Amani, Rückkehr
        "privater_wohnraum": 1,  # Privat
        "zugewiesen_andere_wohnsituation": 1,  # Jugendhilfe
        "unbegleitete_minderjaehrige": 2,  # Pflege (foster family), Volljährig (17)
        "zugewiesen": 5,
        "zugewiesen_in_vorlaeufiger_unterbringung": 1,  # Wartend, not counted twice in the total
        "ausgezogen_oder_zurueckgekehrt": 0,
        "nicht_als_zugewiesen_gezaehlt": 1,  # Baby
    }
    assert figures.auszugsgruende == dict.fromkeys(REASON_KEYS, 0)
    assert (figures.plaetze_vu, figures.belegt_vu, figures.plaetze_au, figures.belegt_au) == (10, 2, 4, 3)
    _assert_adds_up(figures)


def test_every_row_at_the_second_reference_date(small_county: County) -> None:
    figures = municipality_figures(small_county.ludwigsburg, D2)

    assert _persons(figures) == {
        "gefluechtete_gesamt": 6,
        "vorlaeufige_unterbringung": 1,  # Neu
        "zugewiesen_wohnhaft": 4,
        "zugewiesen_in_anschlussunterbringung": 1,  # Wartend
        "privater_wohnraum": 2,  # Privat, Amani
        "zugewiesen_andere_wohnsituation": 1,  # Jugendhilfe
        "unbegleitete_minderjaehrige": 1,  # Pflege; Volljährig turns 18 on D2
        "zugewiesen": 6,
        "zugewiesen_in_vorlaeufiger_unterbringung": 1,  # Fern, in VU in Asperg
        "ausgezogen_oder_zurueckgekehrt": 1,  # Rückkehr
        "nicht_als_zugewiesen_gezaehlt": 1,  # Baby
    }
    assert figures.auszugsgruende == dict.fromkeys(REASON_KEYS, 0) | {"rueckkehr": 1}
    _assert_adds_up(figures)
    # The day before the 18th birthday the young person still counts.
    assert (
        municipality_figures(small_county.ludwigsburg, D2 - datetime.timedelta(days=1)).unbegleitete_minderjaehrige == 2
    )


def test_a_person_assigned_elsewhere_counts_once_in_the_totals_of_all_municipalities(small_county: County) -> None:
    for day in (D1, D2):
        overview = {f.municipality.name: f for f in figures_overview(day)}
        assert set(overview) == {"Asperg", "Ludwigsburg"}
        for figures in overview.values():
            _assert_adds_up(figures)
        # Fern lives in the VU in Asperg: in Asperg's total, never in Ludwigsburg's.
        assert overview["Asperg"].gefluechtete_gesamt == overview["Asperg"].vorlaeufige_unterbringung == 1
        assert overview["Ludwigsburg"].gefluechtete_gesamt == {D1: 8, D2: 6}[day]


def test_the_age_rule_takes_a_birthday_on_29_february_and_a_missing_date_of_birth(
    county: Organisation, ludwigsburg: Municipality
) -> None:
    leap, unknown = _person(county, "Schaltjahr", datetime.date(2008, 2, 29)), _person(county, "Ohne")
    for minor in (leap, unknown):
        services.record_housing(
            acting_user=None,
            person=minor,
            on=datetime.date(2025, 1, 1),
            situation=HousingSituation.PFLEGEFAMILIE,
            municipality=ludwigsburg,
        )

    assert municipality_figures(ludwigsburg, datetime.date(2026, 2, 28)).unbegleitete_minderjaehrige == 1
    assert municipality_figures(ludwigsburg, datetime.date(2026, 3, 1)).unbegleitete_minderjaehrige == 0


def _page_rows(html: str) -> dict[str, str]:
    """data-figure key → value of the persons' table (the first row of each key)."""
    rows: dict[str, str] = {}
    for chunk in html.split('data-figure="')[1:]:
        key = chunk.split('"', 1)[0]
        value = chunk.split('<td class="text-end">', 1)[1].split("</td>", 1)[0]
        rows.setdefault(key, value)
    return rows


def test_the_page_shows_the_rows_of_the_city_page_in_their_order(statistician: User, small_county: County) -> None:
    url = f"{reverse('accommodation:figures')}?stichtag=2024-03-31&gemeinde=08118048"

    response = client_for(statistician).get(url)

    text = response.content.decode()
    assert response.status_code == 200
    rows = _page_rows(text)
    assert list(rows)[:11] == [
        "gefluechtete_gesamt",
        "vorlaeufige_unterbringung",
        "zugewiesen_wohnhaft",
        "zugewiesen_in_anschlussunterbringung",
        "privater_wohnraum",
        "zugewiesen_andere_wohnsituation",
        "unbegleitete_minderjaehrige",
        "zugewiesen",
        "zugewiesen_in_vorlaeufiger_unterbringung",
        "ausgezogen_oder_zurueckgekehrt",
        "auszugsgruende.privater_mietvertrag",
    ]
    assert rows["gefluechtete_gesamt"] == "8"
    assert (rows["vorlaeufige_unterbringung"], rows["zugewiesen_wohnhaft"], rows["unbegleitete_minderjaehrige"]) == (
        "2",
        "4",
        "2",
    )
    assert rows["nicht_als_zugewiesen_gezaehlt"] == "1"
    assert "In Ludwigsburg lebten zum 31.3.2024 8 Geflüchtete, davon 2 in der vorläufigen Unterbringung" in text
    assert "1 sind noch in der vorläufigen Unterbringung" in text
    assert "Wartend" not in text


def test_the_export_and_the_command_follow_the_same_structure(statistician: User, small_county: County) -> None:
    response = client_for(statistician).get(
        reverse("accommodation:figures_xlsx") + "?stichtag=2024-06-30&gemeinde=08118048"
    )

    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row for row in workbook["Zahlen"].iter_rows(values_only=True) if row and row[0]]
    start = next(i for i, row in enumerate(rows) if row[0] == "Geflüchtete in der Gemeinde")
    assert rows[start : start + 11] == [
        ("Geflüchtete in der Gemeinde", 6),
        ("  in der vorläufigen Unterbringung (VU)", 1),
        ("  zugewiesene Personen, in der Gemeinde wohnhaft", 4),
        ("    in der Anschlussunterbringung (AU)", 1),
        ("    in privatem Wohnraum", 2),
        ("    in anderer Wohnsituation in der Gemeinde", 1),
        ("  unbegleitete Minderjährige (UMA)", 1),
        ("der Gemeinde zugewiesen", 6),
        ("  davon in der Gemeinde wohnhaft (wie oben)", 4),
        ("  davon noch in der vorläufigen Unterbringung", 1),
        ("  davon ausgezogen oder zurückgekehrt", 1),
    ]
    reasons = rows[start + 11 : start + 11 + len(REASON_KEYS)]
    assert all(label.startswith("    ") for label, _count in reasons)
    assert [count for _label, count in reasons] == [int(key == "rueckkehr") for key in REASON_KEYS]
    assert ("weitere Bewohner:innen der Anschlussunterbringung, nicht als zugewiesen gezählt", 1) in rows

    out = io.StringIO()
    call_command("unterbringung", "--stichtag", "2024-06-30", "--gemeinde", "08118048", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["gefluechtete_gesamt"], result["zugewiesen_wohnhaft"], result["zugewiesen"]) == (6, 4, 6)
    assert result["zugewiesen_in_vorlaeufiger_unterbringung"] == 1
    table = io.StringIO()
    call_command(
        "unterbringung", "--stichtag", "2024-06-30", "--gemeinde", "08118048", "--format", "table", stdout=table
    )
    lines = table.getvalue().splitlines()
    assert lines[3].split() == ["Geflüchtete", "in", "der", "Gemeinde", "6"]
    assert lines[4].startswith("  in der vorläufigen Unterbringung (VU)")
