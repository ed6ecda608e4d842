"""The page wohnraum/zahlen/, its export and the command ``wohnraum``: who sees what, German errors, no names."""

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
from lotse.housing.models import FlatOffer
from lotse.housing.tests.figures_world import World, build, landlord, offer, search

PERIOD = "stichtag=2024-06-30&von=2024-01-01"


def _url(query: str = PERIOD, name: str = "housing:figures") -> str:
    return f"{reverse(name)}?{query}"


def _figure(html: str, key: str) -> str:
    """The value shown in the summary row of ``key``."""
    row = html.split(f'data-figure="{key}"', 1)[1].split("</tr>", 1)[0]
    return row.rsplit('<td class="text-end">', 1)[1].split("</td>", 1)[0]


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation) -> World:
    return build(org_a, org_b)


def test_it_shows_the_housing_staff_their_own_figures_without_names(world: World, housing_staff_a: User) -> None:
    response = client_for(housing_staff_a).get(_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zahlen Wohnraum" in html
    assert "Caritas Testkreis, alle Gemeinden, 30.06.2024" in html
    assert (
        "Vom 01.01.2024 bis 30.06.2024 wurden 6 Wohnungsangebote akquiriert und 2 mit Mietvertrag vermittelt; "
        "am 30.06.2024 waren 4 Wohnungen noch offen und 3 Haushalte suchten." in html
    )
    assert _figure(html, "angebote_akquiriert") == "6"
    assert _figure(html, "median_tage_bis_mietvertrag") == "169,5"
    assert _figure(html, "mietausfallgarantien_summe") == "4500,00"
    assert "So zählt Lotse" in html
    assert 'name="organisation"' not in html  # the housing staff cannot choose another organisation
    assert 'data-chart="chart-suchende_nach_groesse"' in html
    names = [lord.name for lord in world.landlords.values()] + [o.street for o in world.offers.values()]
    assert not [name for name in names if name in html]


def test_it_shows_the_housing_staff_of_b_only_b(world: World, housing_staff_b: User) -> None:
    # Even when asking for A's figures: the organisation is not the housing staff's to choose.
    html = client_for(housing_staff_b).get(_url(PERIOD + "&organisation=org-a")).content.decode()

    assert _figure(html, "angebote_akquiriert") == "1"
    assert _figure(html, "suchende_haushalte") == "3"
    assert _figure(html, "mietausfallgarantien") == "1"
    assert "AWO Testkreis, alle Gemeinden, 30.06.2024" in html


def test_it_shows_statistics_every_organisation_or_one_chosen(world: World, statistician: User, sysadmin: User) -> None:
    everyone = client_for(statistician).get(_url()).content.decode()
    chosen = client_for(sysadmin).get(_url(PERIOD + "&organisation=org-a&gemeinde=08118079")).content.decode()

    assert _figure(everyone, "angebote_akquiriert") == "7"
    assert _figure(everyone, "suchende_haushalte") == "5"
    assert "Alle Organisationen, alle Gemeinden, 30.06.2024" in everyone
    assert _figure(chosen, "angebote_akquiriert") == "3"  # O2, O7, O8 in Tamm
    assert "Caritas Testkreis, Tamm, 30.06.2024" in chosen


def test_it_shows_the_team_lead_their_own_organisation(world: World, teamlead_b: User) -> None:
    html = client_for(teamlead_b).get(_url()).content.decode()

    assert 'name="organisation"' not in html
    assert _figure(html, "angebote_akquiriert") == "1"


def test_it_refuses_everyone_else(world: World, caseworker_a: User, volunteer_coordinator_a: User) -> None:
    assert client_for(caseworker_a).get(_url()).status_code == 403
    assert client_for(volunteer_coordinator_a).get(_url(name="housing:figures_xlsx")).status_code == 403
    assert client_for(caseworker_a).post(_url()).status_code in (403, 405)


def test_it_answers_bad_input_in_german_and_counts_nothing(housing_staff_a: User) -> None:
    client = client_for(housing_staff_a)
    after = client.get(_url("stichtag=2024-06-30&von=2024-07-01"))
    assert after.status_code == 200
    assert "Der Beginn des Zeitraums liegt nach dem Stichtag." in after.content.decode()
    bad = client.get(_url("stichtag=gestern", name="housing:figures_xlsx"))
    assert bad.status_code == 200
    assert "Bitte ein Datum wie 24.12.2026 eingeben." in bad.content.decode()
    unknown = client.get(_url(PERIOD + "&gemeinde=99999999"))
    assert unknown.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in unknown.content.decode()


def test_it_exports_the_figures_as_on_the_page(world: World, housing_staff_a: User) -> None:
    response = client_for(housing_staff_a).get(_url(PERIOD + "&gemeinde=08118079", name="housing:figures_xlsx"))

    assert response.status_code == 200
    assert "wohnraum-org-a-08118079-2024-06-30.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    rows = {row[0]: row[1] for row in workbook["Zahlen"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Organisation"] == "Caritas Testkreis"
    assert rows["Gemeinde"] == "Tamm"
    assert rows["im Zeitraum akquirierte Wohnungsangebote"] == 3
    assert rows["im Zeitraum vermittelte Wohnungsangebote"] == 1
    assert rows["am Stichtag noch offene Wohnungen"] == 3
    assert rows["3 Personen"] == 1  # SB1, passed on by consent
    assert rows["4 Personen"] == 1  # S2's household, with its size on D
    assert "2 Personen" not in rows  # S5 searches in Asperg
    assert rows["geprüft"] == 2
    assert float(rows["  garantierter Betrag (EUR)"]) == 3000.0
    definitions = [row[0] for row in workbook["Definitionen"].iter_rows(values_only=True)]
    assert "am Stichtag geltende Mietausfallgarantien" in definitions


def test_it_runs_as_many_queries_with_many_records_as_with_few(
    org_a: Organisation, org_b: Organisation, housing_staff_a: User, statistician: User
) -> None:
    client, stats = client_for(housing_staff_a), client_for(statistician)
    few = queries_of(client, _url())
    few_stats = queries_of(stats, _url(PERIOD + "&organisation=org-a"))
    world = build(org_a, org_b)
    owner = landlord(org_a, "Weitere")
    for number in range(15):
        offer(owner, world.asperg, "2024-03-01", f"Weitere Straße {number}")
        search(org_a, world.tamm, "2024-03-01", 1 + number % 4)
    assert_same_queries(few, queries_of(client, _url()))
    assert_same_queries(few_stats, queries_of(stats, _url(PERIOD + "&organisation=org-a")))
    assert FlatOffer.objects.count() > 20


def test_the_command_prints_json_and_a_table(world: World) -> None:
    out = io.StringIO()
    call_command("wohnraum", "--stichtag", "2024-06-30", "--von", "2024-01-01", "--organisation", "org-a", stdout=out)
    data = json.loads(out.getvalue())

    assert data["stichtag"] == "2024-06-30"
    assert data["von"] == "2024-01-01"
    assert data["organisation"] == "org-a"
    assert data["gemeinde"] is None
    assert data["angebote_akquiriert"] == 6
    assert data["angebote_vermittelt"] == 2
    assert data["wohnungen_offen"] == 4
    assert data["suchende_nach_groesse"] == {"2": 1, "3": 1, "4": 1}
    assert data["median_tage_bis_mietvertrag"] == 169.5
    assert data["mietvertraege_nach_gemeinde"] == {"08118003": 1, "08118079": 1}
    assert data["gemeindenamen"] == {"08118003": "Asperg", "08118079": "Tamm"}
    assert data["mietausfallgarantien"] == 3
    assert data["mietausfallgarantien_summe"] == 4500.0

    table = io.StringIO()
    call_command("wohnraum", "--stichtag", "2024-06-30", "--gemeinde", "08118079", "--format", "table", stdout=table)
    lines = table.getvalue().splitlines()
    assert lines[0].split() == ["Stichtag", "30.06.2024"]
    assert lines[1].split() == ["Zeitraum", "ab", "01.01.2024"]
    assert lines[3].split() == ["Gemeinde", "Tamm"]
    assert any(line.startswith("im Zeitraum akquirierte Wohnungsangebote") and line.endswith(" 4") for line in lines)
    assert any(line.strip().startswith("Tamm") and line.endswith(" 2") for line in lines)


def test_the_command_refuses_unknown_names_and_bad_dates(db: None) -> None:
    with pytest.raises(CommandError, match=r"Unbekannter Gemeindeschlüssel \(AGS\) „00000000“\."):
        call_command("wohnraum", "--gemeinde", "00000000")
    with pytest.raises(CommandError, match=r"Unbekannte Organisation „nirgends“\."):
        call_command("wohnraum", "--organisation", "nirgends")
    with pytest.raises(CommandError, match="liegt nach dem Stichtag"):
        call_command("wohnraum", "--stichtag", "2024-01-01", "--von", "2024-02-01")
    with pytest.raises(CommandError, match="ist kein Datum"):
        call_command("wohnraum", "--stichtag", "morgen")
