"""The page ehrenamt/zahlen/, its export and the command ``ehrenamt``: who sees what, German errors, no names."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from lotse.conftest import client_for
from lotse.core.models import Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.volunteers.models import Volunteer
from lotse.volunteers.tests.figures_world import World, build, volunteer

PERIOD = "stichtag=2024-06-30&von=2024-01-01"


def _url(query: str = PERIOD, name: str = "volunteers:figures") -> str:
    return f"{reverse(name)}?{query}"


def _figure(html: str, key: str) -> str:
    """The value shown in the summary row of ``key``."""
    row = html.split(f'data-figure="{key}"', 1)[1].split("</tr>", 1)[0]
    return row.rsplit('<td class="text-end">', 1)[1].split("</td>", 1)[0]


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation) -> World:
    return build(org_a, org_b)


def test_it_shows_the_coordination_its_own_figures_without_names(world: World, volunteer_coordinator_a: User) -> None:
    response = client_for(volunteer_coordinator_a).get(_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zahlen Ehrenamt" in html
    assert (
        "Vom 01.01.2024 bis 30.06.2024 erreichten 5 Pat:innen 8 Neuzugewanderte, davon 3 Kinder, aus 5 Ländern." in html
    )
    assert "50,0 % der Pat:innen mit erfasster Angabe bringen eigene Migrationserfahrung mit." in html
    assert _figure(html, "ehrenamtliche_aktiv") == "3"
    assert _figure(html, "dolmetschanfragen") == "5"
    assert "So zählt Lotse" in html
    assert 'name="organisation"' not in html  # the coordination cannot choose another organisation
    names = [v.family_name for v in world.volunteers.values()] + [p.family_name for p in world.persons.values()]
    assert not [name for name in names if name in html]


def test_it_shows_the_coordination_of_b_only_b(world: World, volunteer_coordinator_b: User) -> None:
    # Even when asking for A's figures: the organisation is not the coordination's to choose.
    html = client_for(volunteer_coordinator_b).get(_url(PERIOD + "&organisation=org-a")).content.decode()

    assert _figure(html, "ehrenamtliche_aktiv") == "1"
    assert _figure(html, "neuzugewanderte") == "1"
    assert _figure(html, "dolmetschanfragen") == "1"
    assert "AWO Testkreis, 30.06.2024" in html


def test_it_shows_statistics_every_organisation_or_one_chosen(world: World, statistician: User, sysadmin: User) -> None:
    everyone = client_for(statistician).get(_url()).content.decode()
    chosen = client_for(sysadmin).get(_url(PERIOD + "&organisation=org-a")).content.decode()

    assert _figure(everyone, "ehrenamtliche_aktiv") == "4"
    assert _figure(everyone, "neuzugewanderte") == "9"
    assert "Alle Organisationen, 30.06.2024" in everyone
    assert _figure(chosen, "ehrenamtliche_aktiv") == "3"
    assert "Caritas Testkreis, 30.06.2024" in chosen


def test_it_refuses_everyone_else(world: World, caseworker_a: User, housing_officer: User) -> None:
    assert client_for(caseworker_a).get(_url()).status_code == 403
    assert client_for(housing_officer).get(_url(name="volunteers:figures_xlsx")).status_code == 403


def test_it_answers_bad_dates_in_german_and_counts_nothing(volunteer_coordinator_a: User) -> None:
    after = client_for(volunteer_coordinator_a).get(_url("stichtag=2024-06-30&von=2024-07-01"))
    assert after.status_code == 200
    assert "Der Beginn des Zeitraums liegt nach dem Stichtag." in after.content.decode()
    bad = client_for(volunteer_coordinator_a).get(_url("stichtag=gestern", name="volunteers:figures_xlsx"))
    assert bad.status_code == 200
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in bad.content.decode()


def test_it_exports_the_figures_as_on_the_page(world: World, volunteer_coordinator_a: User) -> None:
    response = client_for(volunteer_coordinator_a).get(_url(name="volunteers:figures_xlsx"))

    assert response.status_code == 200
    assert "ehrenamt-org-a-2024-06-30.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    rows = {row[0]: row[1] for row in workbook["Zahlen"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Organisation"] == "Caritas Testkreis"
    assert rows["aktive Ehrenamtliche"] == 3
    assert rows["erreichte Neuzugewanderte"] == 8
    assert rows["  davon Kinder"] == 3
    assert rows["Herkunftsländer"] == 5
    assert rows["Syrien"] == 3
    assert rows["Arabisch"] == 3
    assert rows["weggezogen"] == 1
    assert float(rows["Dolmetschstunden"]) == 2.5
    assert workbook["Definitionen"].max_row > 5


def test_it_exports_a_stored_organisation_name_as_inert_text(
    org_a: Organisation, volunteer_coordinator_a: User
) -> None:
    Organisation.objects.filter(pk=org_a.pk).update(name='=HYPERLINK("http://evil.example/","x")')

    response = client_for(volunteer_coordinator_a).get(_url(name="volunteers:figures_xlsx"))

    cell = load_workbook(io.BytesIO(response.content))["Zahlen"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example/","x")', "s")


def test_it_runs_as_many_queries_with_many_records_as_with_few(
    org_a: Organisation, org_b: Organisation, volunteer_coordinator_a: User, statistician: User
) -> None:
    client = client_for(volunteer_coordinator_a)
    stats = client_for(statistician)
    few = queries_of(client, _url("stichtag=2024-06-30"))
    few_stats = queries_of(stats, _url("stichtag=2024-06-30&organisation=org-a"))
    build(org_a, org_b)
    for number in range(20):
        volunteer(org_a, f"Weitere {number}", "aktiv", "2024-01-01")
    assert_same_queries(few, queries_of(client, _url("stichtag=2024-06-30")))
    assert_same_queries(few_stats, queries_of(stats, _url("stichtag=2024-06-30&organisation=org-a")))
    assert Volunteer.objects.count() > 20


def test_the_command_prints_json_and_a_table(world: World, org_a: Organisation) -> None:
    out = io.StringIO()
    call_command("ehrenamt", "--stichtag", "2024-06-30", "--von", "2024-01-01", "--organisation", "org-a", stdout=out)
    data = json.loads(out.getvalue())

    assert data["stichtag"] == "2024-06-30"
    assert data["von"] == "2024-01-01"
    assert data["organisation"] == "org-a"
    assert data["ehrenamtliche_aktiv"] == 3
    assert data["paten_aktiv"] == 3
    assert data["paten_im_zeitraum"] == 5
    assert data["neuzugewanderte"] == 8
    assert data["neuzugewanderte_kinder"] == 3
    assert data["herkunftslaender"] == 5
    assert data["anteil_migrationserfahrung"] == 50.0
    assert data["patenschaften_nach_stand"] == {"angefragt": 2, "kennenlernen": 1, "aktiv": 3, "beendet": 3}
    assert data["dolmetschanfragen_nach_sprache"] == {"ara": 3, "prs": 1, "tir": 1}
    assert data["anteil_erfuellt"] == 50.0
    assert data["median_vorlauf_tage"] == 3.5
    assert data["dolmetschstunden_nach_monat"]["2024-01"] == 1.5

    table = io.StringIO()
    call_command("ehrenamt", "--stichtag", "2024-06-30", "--von", "2024-01-01", "--format", "table", stdout=table)
    lines = table.getvalue().splitlines()
    assert lines[0].split() == ["Stichtag", "30.06.2024"]
    assert any(line.split()[-1] == "4" and line.startswith("aktive Ehrenamtliche") for line in lines)
    assert any(
        line.startswith("Anteil erfüllter Anfragen (Prozent)") and line.endswith("60,0") for line in lines
    )  # R1, R2, RB of 5
    assert any(line.strip().startswith("Tigrinya") for line in lines)


def test_the_command_refuses_an_unknown_organisation_and_a_bad_period(db: None) -> None:
    with pytest.raises(CommandError, match=r"Unbekannte Organisation „nirgends“\."):
        call_command("ehrenamt", "--organisation", "nirgends")
    with pytest.raises(CommandError, match="liegt nach dem Stichtag"):
        call_command("ehrenamt", "--stichtag", "2024-01-01", "--von", "2024-02-01")
    with pytest.raises(CommandError, match="ist kein Datum"):
        call_command("ehrenamt", "--stichtag", "morgen")
