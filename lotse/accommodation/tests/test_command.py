"""manage.py unterbringung: exact JSON keys and values, German errors."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from lotse.accommodation import services
from lotse.accommodation.models import Shelter
from lotse.core.models import Municipality, Organisation
from lotse.people.models import Person


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("unterbringung", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_the_figures_as_json(
    county: Organisation, ludwigsburg: Municipality, county_shelter: Shelter, follow_up_shelter: Shelter
) -> None:
    people = [Person.objects.create(organisation=county, family_name=f"P{i}") for i in range(2)]
    services.move_in(acting_user=None, shelter=county_shelter, person=people[0], on=datetime.date(2024, 2, 1))
    services.record_assignment(
        acting_user=None, organisation=county, municipality=ludwigsburg, date=datetime.date(2024, 3, 1), persons=people
    )
    services.move_in(acting_user=None, shelter=follow_up_shelter, person=people[1], on=datetime.date(2024, 3, 1))
    services.set_intake_obligation(
        acting_user=None, organisation=county, municipality=ludwigsburg, year=2024, persons=3
    )

    result = json.loads(run("--stichtag", "2024-06-15", "--gemeinde", "08118048"))

    assert result == {
        "stichtag": "2024-06-15",
        "von": "2024-03-01",
        "gemeinde": "08118048",
        "gefluechtete_gesamt": 2,
        "vorlaeufige_unterbringung": 1,
        "zugewiesen_wohnhaft": 1,
        "zugewiesen_in_anschlussunterbringung": 1,
        "privater_wohnraum": 0,
        "zugewiesen_andere_wohnsituation": 0,
        "unbegleitete_minderjaehrige": 0,
        "zugewiesen": 2,
        "zugewiesen_in_vorlaeufiger_unterbringung": 1,
        "ausgezogen_oder_zurueckgekehrt": 0,
        "auszugsgruende": {
            "privater_mietvertrag": 0,
            "umzug_andere_unterkunft": 0,
            "wegzug": 0,
            "rueckkehr": 0,
            "verstorben": 0,
            "sonstiges": 0,
            "unbekannt": 0,
        },
        "nicht_als_zugewiesen_gezaehlt": 0,
        "plaetze_vu": 10,
        "belegt_vu": 1,
        "frei_vu": 9,
        "plaetze_au": 4,
        "belegt_au": 1,
        "frei_au": 3,
        "aufnahmeverpflichtung": 3,
        "zugewiesen_im_jahr": 2,
        "erfuellung": 66.7,
    }
    later = json.loads(run("--stichtag", "2024-06-15", "--gemeinde", "08118048", "--von", "2024-03-02"))
    assert (later["von"], later["zugewiesen"], later["erfuellung"]) == ("2024-03-02", 0, 66.7)


def test_it_prints_a_table(ludwigsburg: Municipality, county_shelter: Shelter) -> None:
    output = run("--stichtag", "2024-06-15", "--gemeinde", "08118048", "--format", "table")

    assert "Ludwigsburg (08118048)" in output
    assert "15.06.2024" in output
    assert "Plätze der vorläufigen Unterbringung" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--stichtag", "15.06.2024", "--gemeinde", "08118048"), "--stichtag: „15.06.2024“ ist kein Datum"),
        (("--stichtag", "2024-06-15", "--gemeinde", "08118999"), "Unbekannter Gemeindeschlüssel (AGS) „08118999“."),
        (
            ("--stichtag", "2024-06-15", "--gemeinde", "08118048", "--von", "2024-06-16"),
            "Der Beginn des Zeitraums (--von) liegt nach dem Stichtag (--stichtag).",
        ),
    ],
)
def test_it_refuses_bad_input_in_german(ludwigsburg: Municipality, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as error:
        run(*args)

    assert message in str(error.value)
