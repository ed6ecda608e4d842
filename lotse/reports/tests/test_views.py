"""The key figures page, its exports and who may see what."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lotse.cases import services as case_services
from lotse.cases.models import Case
from lotse.conftest import client_for
from lotse.core.models import Municipality, Organisation, User
from lotse.core.testing import assert_same_queries, queries_of
from lotse.people import services as people_services
from lotse.reports.tests.conftest import make_case

DAY = datetime.date(2025, 6, 30)
QUERY = {"stichtag": DAY.isoformat()}
# Rows of the key figures sheet and the CSV.
ENDED = "Personen mit beendeter Beratung"
OWN_TENANCY = "davon mit eigenem Mietvertrag"
FIRST_TENANCY = "davon im ersten eigenen Mietverhältnis"
TOTAL = "Gesamt (jede Person einmal)"


def _figures(response: Any) -> dict[str, Any]:
    figures: dict[str, Any] = response.context["report"].figures.as_json()
    return figures


@pytest.mark.django_db
def test_it_shows_the_installation_figures_to_the_statistician(
    statistician: User, figures_data: dict[str, Case]
) -> None:
    response = client_for(statistician).get("/kennzahlen/", QUERY)
    assert response.status_code == 200
    figures = _figures(response)
    assert {key: figures[key] for key in ("klienten", "minderjaehrige", "erwachsene", "faelle_aktiv")} == {
        "klienten": 3,
        "minderjaehrige": 1,
        "erwachsene": 2,
        "faelle_aktiv": 2,
    }
    assert figures["erwachsene_b1_plus"] == 1
    assert figures["anteil_b1_plus"] == 50.0
    assert figures["beendet_personen"] == 1
    assert figures["beendet_mit_mietvertrag"] == 1
    assert figures["beendet_erstmals_privat"] == 1
    assert figures["abschlussgruende"]["eigener_wohnraum"] == 1
    html = response.content.decode()
    assert "Kennzahlen des Integrationsmanagements" in html
    assert "So zählt Lotse" in html
    assert "Ein Fall ist aktiv, wenn er am oder vor dem Stichtag begonnen hat" in html
    # Aggregates only: no name, no link to a person or case.
    for name in ("Haddad", "Rahimi", "Kovalenko", "Lina"):
        assert name not in html
    assert "/cases/" not in html and "/persons/" not in html


@pytest.mark.django_db
def test_it_draws_every_chart_with_its_table(statistician: User, figures_data: dict[str, Case]) -> None:
    response = client_for(statistician).get("/kennzahlen/", QUERY)
    html = response.content.decode()
    canvases = re.findall(r'<canvas data-chart="([^"]+)" role="img"', html)
    assert len(canvases) == 6
    for element_id in canvases:
        match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
        assert match is not None
        data = json.loads(match.group(1))
        assert data["labels"]
    assert html.count("Zahlen zum Diagramm") == 6
    report = response.context["report"]
    assert len(report.series) == 24
    assert report.series[-1].stichtag == DAY
    assert report.series[0].stichtag == datetime.date(2023, 7, 31)
    assert [figures.klienten for figures in report.series][-1] == 3
    assert "vendor/chartjs/chart.umd.min.js" in html


@pytest.mark.django_db
def test_it_breaks_the_figures_down_by_municipality_and_organisation(
    statistician: User, figures_data: dict[str, Case]
) -> None:
    report = client_for(statistician).get("/kennzahlen/", QUERY).context["report"]
    by_municipality = {m.name: f.klienten for m, f in report.by_municipality}
    assert by_municipality == {"Asperg": 0, "Ludwigsburg": 3}
    assert {m.name: f.beendet_personen for m, f in report.by_municipality} == {"Asperg": 1, "Ludwigsburg": 0}
    assert {o.short_name: f.klienten for o, f in report.by_organisation} == {"org-a": 2, "org-b": 1}


@pytest.mark.django_db
def test_it_filters_by_organisation_and_municipality(statistician: User, figures_data: dict[str, Case]) -> None:
    client = client_for(statistician)
    figures = _figures(client.get("/kennzahlen/", {**QUERY, "traeger": "org-b"}))
    assert (figures["klienten"], figures["faelle_aktiv"], figures["beendet_personen"]) == (1, 1, 0)
    figures = _figures(client.get("/kennzahlen/", {**QUERY, "gemeinde": "08118003"}))
    assert (figures["klienten"], figures["faelle_aktiv"], figures["beendet_personen"]) == (0, 0, 1)
    assert figures["anteil_b1_plus"] is None


@pytest.mark.django_db
def test_it_limits_a_team_lead_to_her_own_organisation(teamlead_a: User, figures_data: dict[str, Case]) -> None:
    client = client_for(teamlead_a)
    response = client.get("/kennzahlen/", QUERY)
    assert response.status_code == 200
    assert response.context["report"].scope.organisation.short_name == "org-a"
    assert _figures(response)["klienten"] == 2
    assert {o.short_name for o, _f in response.context["report"].by_organisation} == {"org-a"}
    response = client.get("/kennzahlen/", {**QUERY, "traeger": "org-b"})
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert response.context["report"] is None
    assert client.get("/kennzahlen/kennzahlen.csv", {**QUERY, "traeger": "org-b"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"stichtag": "2025-13-01"}, "Bitte ein Datum wie 24.12.2026 eingeben."),
        ({"stichtag": "30.06.2025", "von": "01.07.2025"}, "Der Beginn des Zeitraums liegt nach dem Stichtag."),
        ({"stichtag": "30.06.2025", "verlauf_von": "2025-07-01"}, "Der Monatsverlauf muss am oder vor dem Stichtag"),
        ({"stichtag": "30.06.2025", "verlauf_von": "2010-01-01"}, "höchstens 120 Monate umfassen."),
        ({"gemeinde": "99999999"}, "Bitte eine gültige Auswahl treffen"),
    ],
)
def test_it_answers_bad_choices_with_a_german_message(
    statistician: User, figures_data: dict[str, Case], query: dict[str, str], message: str
) -> None:
    client = client_for(statistician)
    for url in ("/kennzahlen/", "/kennzahlen/kennzahlen.xlsx", "/kennzahlen/bericht.pdf"):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


@pytest.mark.django_db
def test_it_accepts_german_dates_and_keeps_them_in_the_downloads(
    statistician: User, figures_data: dict[str, Case]
) -> None:
    response = client_for(statistician).get("/kennzahlen/", {"stichtag": "30.06.2025", "unterdrueckt": "on"})
    assert response.status_code == 200
    assert response.context["report"].stichtag == DAY
    assert response.context["downloads"]["csv"] == "/kennzahlen/kennzahlen.csv?stichtag=30.06.2025&unterdrueckt=on"


@pytest.mark.django_db
def test_it_suppresses_small_numbers_everywhere_when_asked(statistician: User, figures_data: dict[str, Case]) -> None:
    client = client_for(statistician)
    plain = client.get("/kennzahlen/", QUERY)
    assert plain.context["report"].cells["klienten"].text == "3"
    suppressed = client.get("/kennzahlen/", {**QUERY, "unterdrueckt": "on"})
    report = suppressed.context["report"]
    # Asperg has no client on the day (hidden): beside Ludwigsburg's 3, a total of 3 would give its 0 away.
    assert report.cells["klienten"].text == "x"
    assert report.cells["minderjaehrige"].text == "< 3"
    assert report.cells["anteil_b1_plus"].text == "–"
    html = suppressed.content.decode()
    assert "&lt; 3" in html
    assert "Zahlen unter 3 unterdrückt" in html
    # The charts get no number the tables hide.
    chart = next(chart for chart in suppressed.context["charts"] if chart["key"] == "klienten")
    assert chart["data"]["datasets"][1]["data"][-1] is None
    # The exact figures stay exact underneath; only what is shown changes.
    assert report.figures.minderjaehrige == 1


@pytest.mark.django_db
def test_it_exports_what_the_page_shows_as_xlsx(statistician: User, figures_data: dict[str, Case]) -> None:
    response = client_for(statistician).get("/kennzahlen/kennzahlen.xlsx", QUERY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kennzahlen-2025-06-30.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Kennzahlen",
        "Abschlussgründe",
        "Monatsverlauf",
        "Nach Gemeinde des Falls",
        "Nach Träger",
        "Definitionen",
    ]
    rows = {row[0]: row[1] for row in workbook["Kennzahlen"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Stichtag"] == "30.06.2025"
    assert rows["Klient:innen"] == 3
    assert rows["davon minderjährig"] == 1
    assert rows["Anteil der Erwachsenen mit B1 oder höher (%)"] == 50.0
    municipalities = [row for row in workbook["Nach Gemeinde des Falls"].iter_rows(values_only=True) if row[0]]
    assert municipalities[-3][:2] == ("Ludwigsburg", 3)
    assert municipalities[-2][0] == "Gesamt (jede Person einmal)"


@pytest.mark.django_db
def test_it_exports_suppressed_cells_as_text(statistician: User, figures_data: dict[str, Case]) -> None:
    response = client_for(statistician).get("/kennzahlen/kennzahlen.xlsx", {**QUERY, "unterdrueckt": "on"})
    rows = {
        row[0]: row[1] for row in load_workbook(io.BytesIO(response.content))["Kennzahlen"].iter_rows(values_only=True)
    }
    assert rows["Klient:innen"] == "x"
    assert rows["davon minderjährig"] == "< 3"
    assert rows["Anteil der Erwachsenen mit B1 oder höher (%)"] == "–"


@pytest.mark.django_db
def test_it_exports_csv_for_german_spreadsheets(statistician: User, figures_data: dict[str, Case]) -> None:
    client = client_for(statistician)
    response = client.get("/kennzahlen/kennzahlen.csv", {**QUERY, "traeger": "org-a"})
    assert response["Content-Disposition"] == 'attachment; filename="kennzahlen-2025-06-30-org-a.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Stichtag", "30.06.2025"] in rows
    assert ["Klient:innen", "2"] in rows
    assert ["Anteil der Erwachsenen mit B1 oder höher (%)", "100,0"] in rows
    assert ["in eigenen Wohnraum gezogen", "1"] in rows
    suppressed = client.get("/kennzahlen/kennzahlen.csv", {**QUERY, "unterdrueckt": "on"})
    rows = list(csv.reader(io.StringIO(suppressed.content.decode("utf-8-sig")), delimiter=";"))
    assert ["in eigenen Wohnraum gezogen", "< 3"] in rows
    assert ["Klient:innen", "x"] in rows


@pytest.fixture
def second_tenancy(org_a: Organisation, places: tuple[Municipality, Municipality]) -> Case:
    """A case of org A in Ludwigsburg that ended on 30.04.2025 with its client back in an own tenancy: she had
    one from 2023 and lost it in 2024, so it is not her first (own tenancy: yes; first own tenancy: no)."""
    case = make_case(org_a, places[0], datetime.date(2023, 1, 2), "Said", datetime.date(1988, 3, 3))
    client = case.clients.get()
    for day, situation in (
        (datetime.date(2023, 2, 1), "privater_mietvertrag"),
        (datetime.date(2024, 6, 1), "sonstiges"),
    ):
        people_services.add_status_record(
            acting_user=None, person=client, kind="housing", valid_from=day, situation=situation
        )
    # Closing with "eigener Wohnraum" records the tenancy of the closing day in the same step.
    return case_services.change_status(
        acting_user=None,
        case=case,
        expected_version=case.version,
        to_status="abgeschlossen",
        on=datetime.date(2025, 4, 30),
        closing_reason="eigener_wohnraum",
        tenancy_for=[client],
    )


@pytest.mark.django_db
def test_it_exports_the_ended_in_a_first_own_tenancy(
    statistician: User, figures_data: dict[str, Case], second_tenancy: Case
) -> None:
    # Two persons' cases ended in the period, both in an own tenancy; only Rahimi's (Asperg) is her first.
    client = client_for(statistician)
    figures = _figures(client.get("/kennzahlen/", QUERY))
    ended = ("beendet_personen", "beendet_mit_mietvertrag", "beendet_erstmals_privat")
    assert tuple(figures[key] for key in ended) == (2, 2, 1)

    workbook = load_workbook(io.BytesIO(client.get("/kennzahlen/kennzahlen.xlsx", QUERY).content))
    rows = {row[0]: row[1] for row in workbook["Kennzahlen"].iter_rows(values_only=True) if row and row[0]}
    assert (rows[ENDED], rows[OWN_TENANCY], rows[FIRST_TENANCY]) == (2, 2, 1)
    # The wide tables: the columns "Beendet", "…, eigener Mietvertrag", "…, erster eigener Mietvertrag" per row.
    columns = ("Beendet", "Beendet, eigener Mietvertrag", "Beendet, erster eigener Mietvertrag")
    for sheet, expected in (
        (
            "Monatsverlauf",
            {"28.02.2025": (0, 0, 0), "31.03.2025": (1, 1, 1), "30.04.2025": (2, 2, 1), "30.06.2025": (2, 2, 1)},
        ),
        ("Nach Gemeinde des Falls", {"Asperg": (1, 1, 1), "Ludwigsburg": (1, 1, 0), TOTAL: (2, 2, 1)}),
        ("Nach Träger", {"AWO Testkreis": (0, 0, 0), "Caritas Testkreis": (2, 2, 1), TOTAL: (2, 2, 1)}),
    ):
        table = [row for row in workbook[sheet].iter_rows(values_only=True) if row and row[0]]
        header = next(row for row in table if columns[-1] in row)
        at = [header.index(name) for name in columns]
        by_label = {row[0]: tuple(row[index] for index in at) for row in table}
        assert {label: by_label[label] for label in expected} == expected, sheet
    definitions = {row[0]: row[1] for row in workbook["Definitionen"].iter_rows(values_only=True) if row and row[0]}
    assert definitions[FIRST_TENANCY].startswith(
        "Davon Personen, die am Enddatum ihres Falls in ihrem ersten eigenen Mietverhältnis wohnten"
    )

    response = client.get("/kennzahlen/kennzahlen.csv", QUERY)
    csv_rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [ENDED, "2"] in csv_rows
    assert [OWN_TENANCY, "2"] in csv_rows
    assert [FIRST_TENANCY, "1"] in csv_rows


@pytest.mark.django_db
def test_it_prints_a_pdf_report_for_the_council(statistician: User, figures_data: dict[str, Case]) -> None:
    response = client_for(statistician).get("/kennzahlen/bericht.pdf", {**QUERY, "unterdrueckt": "on"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Kennzahlen des Integrationsmanagements" in text
    assert "Stichtag 30.06.2025" in text
    assert "Zahlen unter 3 unterdrückt" in text
    assert "Nach Gemeinde des Falls" in text
    assert "So zählt Lotse" in text
    assert "< 3" in text
    assert "Haddad" not in text


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(
    statistician: User, figures_data: dict[str, Case], org_a: Organisation, places: tuple[Municipality, Municipality]
) -> None:
    client = client_for(statistician)
    url = f"/kennzahlen/?{urlencode(QUERY)}"
    # With the closed months still to be counted (and kept), and with them kept.
    counting = queries_of(client, url)
    kept = queries_of(client, url)
    for number in range(5):
        make_case(
            org_a, places[number % 2], datetime.date(2024, 5, 1 + number), f"Neu{number}", datetime.date(1999, 1, 1)
        )
    assert_same_queries(counting, queries_of(client, url))
    assert_same_queries(kept, queries_of(client, url))


@pytest.mark.django_db
def test_it_shows_the_menu_item_only_to_reporting_roles(
    statistician: User, teamlead_a: User, caseworker_a: User, org_admin_a: User
) -> None:
    assert "/kennzahlen/" in client_for(statistician).get("/").content.decode()
    assert "/kennzahlen/" in client_for(teamlead_a).get("/").content.decode()
    assert "/kennzahlen/" not in client_for(caseworker_a).get("/").content.decode()
    assert client_for(caseworker_a).get("/kennzahlen/").status_code == 403
    assert client_for(org_admin_a).get("/kennzahlen/kennzahlen.csv").status_code == 403


@pytest.mark.django_db
def test_it_never_lets_the_statistician_reach_a_person(statistician: User, figures_data: dict[str, Case]) -> None:
    client = client_for(statistician)
    case = figures_data["family"]
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    assert client.get("/cases/").status_code == 403


@pytest.mark.django_db
def test_it_answers_only_reading_requests(statistician: User) -> None:
    client = client_for(statistician)
    for url in ("/kennzahlen/", "/kennzahlen/kennzahlen.xlsx", "/kennzahlen/kennzahlen.csv", "/kennzahlen/bericht.pdf"):
        assert client.post(url, QUERY).status_code == 405, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"stichtag": "01.01.0001"}, "Bitte ein Datum ab 1900 wählen."),
        ({"stichtag": "31.12.9999"}, "Bitte ein Datum bis Ende 2100 wählen."),
        ({"stichtag": "01.06.2025", "verlauf_von": "01.01.0001"}, "Bitte ein Datum ab 1900 wählen."),
    ],
)
def test_it_refuses_a_date_out_of_range_with_a_message(statistician: User, query: dict[str, str], message: str) -> None:
    response = client_for(statistician).get("/kennzahlen/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
