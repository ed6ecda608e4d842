"""manage.py kennzahlen: one JSON object with exactly the documented keys, or a table; German errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lotse.cases.models import Case

KEYS = {
    "stichtag",
    "von",
    "traeger",
    "gemeinde",
    "klienten",
    "minderjaehrige",
    "erwachsene",
    "alter_unbekannt",
    "erwachsene_b1_plus",
    "erwachsene_beschaeftigt",
    "erwachsene_ausbildung",
    "anteil_b1_plus",
    "anteil_beschaeftigt",
    "anteil_ausbildung",
    "faelle_aktiv",
    "beendet_personen",
    "beendet_mit_mietvertrag",
    "beendet_erstmals_privat",
    "abschlussgruende",
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("kennzahlen", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_exactly_the_documented_keys(figures_data: dict[str, Case]) -> None:
    data = json.loads(run("--stichtag", "2025-06-30", "--format", "json"))
    assert set(data) == KEYS
    assert data["stichtag"] == "2025-06-30"
    assert data["von"] == "2024-01-10"  # the earliest case start
    assert data["traeger"] is None and data["gemeinde"] is None
    assert (data["klienten"], data["minderjaehrige"], data["erwachsene"], data["alter_unbekannt"]) == (3, 1, 2, 0)
    assert (data["erwachsene_b1_plus"], data["erwachsene_beschaeftigt"], data["erwachsene_ausbildung"]) == (1, 1, 0)
    assert (data["anteil_b1_plus"], data["anteil_beschaeftigt"], data["anteil_ausbildung"]) == (50.0, 50.0, 0.0)
    assert (data["faelle_aktiv"], data["beendet_personen"], data["beendet_mit_mietvertrag"]) == (2, 1, 1)
    assert data["beendet_erstmals_privat"] == 1
    assert data["abschlussgruende"] == {
        "ziele_erreicht": 0,
        "eigener_wohnraum": 1,
        "wegzug": 0,
        "rueckkehr": 0,
        "kontaktabbruch": 0,
        "uebergabe": 0,
        "hoechstdauer": 0,
        "verstorben": 0,
        "sonstiges": 0,
    }


@pytest.mark.django_db
def test_it_applies_and_names_the_filters(figures_data: dict[str, Case]) -> None:
    data = json.loads(
        run("--stichtag", "2025-06-30", "--von", "2025-04-01", "--traeger", "org-a", "--gemeinde", "08118048")
    )
    assert (data["traeger"], data["gemeinde"], data["von"]) == ("org-a", "08118048", "2025-04-01")
    assert (data["klienten"], data["faelle_aktiv"], data["beendet_personen"]) == (2, 1, 0)
    data = json.loads(run("--stichtag", "2025-06-30", "--von", "2025-04-01"))
    assert data["beendet_personen"] == 0  # the case ended on 31.03.2025, before the period
    assert data["anteil_b1_plus"] == 50.0


@pytest.mark.django_db
def test_it_gives_null_shares_without_adults(figures_data: dict[str, Case]) -> None:
    data = json.loads(run("--stichtag", "2023-01-01"))
    assert data["klienten"] == 0
    assert data["anteil_b1_plus"] is None
    assert data["von"] == "2024-01-10"


@pytest.mark.django_db
def test_it_prints_a_table(figures_data: dict[str, Case]) -> None:
    lines = run("--stichtag", "2025-06-30", "--format", "table").splitlines()
    assert lines[0].split() == ["Stichtag", "30.06.2025"]
    assert any(line.split() == ["Klient:innen", "3"] for line in lines)
    assert any(line.split()[-1] == "50,0" and line.startswith("Anteil der Erwachsenen mit B1") for line in lines)
    assert any(line.strip().startswith("in eigenen Wohnraum gezogen") and line.endswith(" 1") for line in lines)
    assert any(line.split() == ["davon", "im", "ersten", "eigenen", "Mietverhältnis", "1"] for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stichtag", "30.06.2025"], "--stichtag: „30.06.2025“ ist kein Datum; bitte JJJJ-MM-TT angeben."),
        (["--stichtag", "2025-06-30", "--von", "2025-07-01"], "Der Beginn des Zeitraums (--von) liegt nach dem"),
        (["--stichtag", "2025-06-30", "--traeger", "gibt-es-nicht"], "Unbekannte Organisation „gibt-es-nicht“."),
        (["--stichtag", "2025-06-30", "--gemeinde", "08999999"], "Unbekannter Gemeindeschlüssel (AGS) „08999999“."),
    ],
)
def test_it_stops_with_a_german_message(figures_data: dict[str, Case], args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)


@pytest.mark.django_db
def test_it_defaults_to_today(figures_data: dict[str, Case]) -> None:
    data = json.loads(run())
    assert data["stichtag"] == timezone.localdate().isoformat()
