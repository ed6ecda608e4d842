"""The accommodation sheets of the workbook: Unterkünfte, Plätze, Belegungen, Zuweisungen."""

from __future__ import annotations

import copy
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.utils.translation import gettext as _

from lotse.accommodation.choices import Accessibility, MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.models import AssignedPerson, Assignment, Occupancy, Place, Shelter, Unit
from lotse.arrivals.choices import ArrivalState
from lotse.arrivals.models import Arrival
from lotse.arrivals.services import create_responsibility
from lotse.cases.tests.factories import events_of
from lotse.core.models import Municipality, Organisation
from lotse.imports.export import export_workbook
from lotse.imports.tests.builders import (
    Sheets,
    counts_of,
    good_sheets,
    notices,
    problems,
    read_xlsx,
    record_counts,
    run,
    snapshot,
    xlsx,
)
from lotse.imports.workbook import ASSIGNMENTS, CASES, PERSONS, PLACES, SHEETS, SHELTERS, STAYS
from lotse.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _places(municipalities):
    return municipalities


def history_count() -> int:
    models: tuple[Any, ...] = (Shelter, Unit, Place, Occupancy, Assignment, AssignedPerson)
    return sum(model.pgh_event_model.objects.count() for model in models)


def shelter_in_lotse(organisation: Organisation, name: str, external_id: str = "") -> Shelter:
    return Shelter.objects.create(
        organisation=organisation,
        municipality=Municipality.objects.get(ags="08118048"),
        name=name,
        kind=ShelterKind.NOTUNTERKUNFT,
        external_id=external_id,
    )


D = datetime.date

ACCOMMODATION: Sheets = {
    SHELTERS.name: [
        SHELTERS.headers,
        [
            "U-1",
            "GU Schlossstraße",
            "gu_vorlaeufig",
            "08118048",
            "Schlossstraße 3",
            "71634",
            "org-a",
            "teilweise",
            "01.01.2016",
            "",
        ],
        ["U-2", "Wohnungen Kornwestheim", "Anschlussunterbringung", "8118046", "", "", "", "", "", ""],
    ],
    PLACES.name: [
        PLACES.headers,
        ["U-1", "Zimmer 1", 1, "01.01.2016", ""],
        ["U-1", "Zimmer 1", 2, "01.01.2016", ""],
        ["U-1", "Zimmer 2", 3, "01.01.2016", "31.12.2023"],
        ["U-2", "", 1, "01.01.2020", ""],
        ["U-2", "", 2, "01.01.2020", ""],
    ],
    STAYS.name: [
        STAYS.headers,
        ["P-1", "U-1", "Zimmer 1", 1, "01.02.2023", "01.03.2024", "umzug_andere_unterkunft", "zuweisung"],
        ["P-2", "U-1", "", 2, "01.02.2023", "01.03.2024", "umzug_andere_unterkunft", ""],
        ["P-1", "U-2", "", "", "01.03.2024", "", "", ""],
        ["P-2", "U-2", "", "", "01.03.2024", "", "", "familiennachzug"],
        ["P-3", "U-1", "Zimmer 2", 3, "01.05.2022", "31.12.2023", "privater_mietvertrag", ""],
    ],
    ASSIGNMENTS.name: [
        ASSIGNMENTS.headers,
        ["Z-1", "15.02.2024", "08118046", "LRA 2024/17", "P-1", "01.03.2024", "U-2", "Wohnung 1"],
        ["Z-1", "15.02.2024", "08118046", "LRA 2024/17", "P-2", "01.03.2024", "U-2", "Wohnung 1"],
        ["Z-2", "01.04.2022", "08118048", "", "P-3"],
        ["Z-3", "01.06.2025", "08118048", "ohne Personen", ""],
    ],
}


def sheets(*names: str) -> Sheets:
    """The persons of the good workbook and the accommodation sheets (all, or the ones named)."""
    result = good_sheets(PERSONS.name)
    result.update({name: copy.deepcopy(rows) for name, rows in ACCOMMODATION.items() if not names or name in names})
    return result


def imported(organisation: Organisation, user: Any, workbook: Sheets, *, commit: bool = True):
    return run(organisation, user, ("mappe.xlsx", xlsx(workbook)), commit=commit)


def stay(ext: str, move_in: datetime.date) -> Occupancy:
    return Occupancy.objects.select_related("place__shelter", "place__unit").get(
        person__external_id=ext, move_in=move_in
    )


def test_it_imports_shelters_places_stays_and_assignments(org_a, org_admin_a, municipalities):
    report = imported(org_a, org_admin_a, sheets())

    assert problems(report) == []
    assert report.committed is True
    assert counts_of(report, SHELTERS.name) == (2, 0, 0)
    assert counts_of(report, PLACES.name) == (5, 0, 0)
    assert counts_of(report, STAYS.name) == (5, 0, 0)
    assert counts_of(report, ASSIGNMENTS.name) == (4, 0, 0)

    gu = Shelter.objects.get(external_id="U-1")
    assert (gu.organisation, gu.name, gu.kind, gu.municipality, gu.street, gu.postal_code) == (
        org_a,
        "GU Schlossstraße",
        ShelterKind.GU_VORLAEUFIG,
        municipalities["08118048"],
        "Schlossstraße 3",
        "71634",
    )
    assert (gu.accessibility, gu.in_operation_from, gu.in_operation_to) == (
        Accessibility.TEILWEISE,
        D(2016, 1, 1),
        None,
    )
    au = Shelter.objects.get(external_id="U-2")
    assert (au.organisation, au.kind, au.municipality, au.accessibility) == (
        org_a,
        ShelterKind.ANSCHLUSSUNTERBRINGUNG,
        municipalities["08118046"],
        Accessibility.UNBEKANNT,
    )
    assert sorted(Unit.objects.values_list("shelter__external_id", "name")) == [
        ("U-1", "Zimmer 1"),
        ("U-1", "Zimmer 2"),
    ]
    assert sorted(
        Place.objects.values_list("shelter__external_id", "unit__name", "number", "available_from", "available_to")
    ) == [
        ("U-1", "Zimmer 1", 1, D(2016, 1, 1), None),
        ("U-1", "Zimmer 1", 2, D(2016, 1, 1), None),
        ("U-1", "Zimmer 2", 3, D(2016, 1, 1), D(2023, 12, 31)),
        ("U-2", None, 1, D(2020, 1, 1), None),
        ("U-2", None, 2, D(2020, 1, 1), None),
    ]
    first = stay("P-1", D(2023, 2, 1))
    assert (first.place.shelter, first.place.number, first.move_out, first.move_out_reason, first.basis) == (
        gu,
        1,
        D(2024, 3, 1),
        MoveOutReason.UMZUG_ANDERE_UNTERKUNFT,
        ResidenceBasis.ZUWEISUNG,
    )
    assert first.recorded_by == org_admin_a
    # Without a place number: the lowest-numbered free place, in the order of the rows.
    assert (stay("P-1", D(2024, 3, 1)).place.shelter, stay("P-1", D(2024, 3, 1)).place.number) == (au, 1)
    assert stay("P-2", D(2024, 3, 1)).place.number == 2
    assert stay("P-2", D(2024, 3, 1)).basis == ResidenceBasis.FAMILIENNACHZUG
    assert stay("P-1", D(2024, 3, 1)).move_out is None
    assignment = Assignment.objects.get(external_id="Z-1")
    assert (assignment.organisation, assignment.date, assignment.municipality, assignment.reference) == (
        org_a,
        D(2024, 2, 15),
        municipalities["08118046"],
        "LRA 2024/17",
    )
    assert assignment.created_by == org_admin_a
    assert (assignment.planned_arrival, assignment.future_shelter, assignment.future_address) == (
        D(2024, 3, 1),
        au,
        "Wohnung 1",
    )
    z2 = Assignment.objects.get(external_id="Z-2")
    assert (z2.planned_arrival, z2.future_shelter, z2.future_address) == (None, None, "")
    assert sorted(assignment.persons.values_list("external_id", flat=True)) == ["P-1", "P-2"]
    assert list(Assignment.objects.get(external_id="Z-3").persons.all()) == []
    assert AssignedPerson.objects.count() == 3


def test_the_dry_run_writes_nothing_and_counts_what_the_import_would_do(org_a, org_admin_a):
    report = imported(org_a, org_admin_a, sheets(), commit=False)

    assert problems(report) == []
    assert report.committed is False
    assert counts_of(report, STAYS.name) == (5, 0, 0)
    assert all(count == 0 for count in record_counts().values())


def test_a_workbook_without_the_accommodation_sheets_imports_as_before(org_a, org_admin_a):
    report = imported(org_a, org_admin_a, good_sheets())

    assert problems(report) == []
    assert not set(report.counts) & {SHELTERS.name, PLACES.name, STAYS.name, ASSIGNMENTS.name}
    assert not Shelter.objects.exists() and not Occupancy.objects.exists() and not Assignment.objects.exists()


def test_the_same_workbook_imported_again_changes_nothing(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    events = history_count()

    report = imported(org_a, org_admin_a, sheets())

    assert problems(report) == []
    for sheet in (SHELTERS.name, PLACES.name, STAYS.name, ASSIGNMENTS.name):
        created, updated, _unchanged = counts_of(report, sheet)
        assert (created, updated) == (0, 0), sheet
    assert snapshot(org_a) == before
    assert history_count() == events


def test_a_changed_row_updates_exactly_its_record(org_a, org_admin_a, municipalities):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    workbook = sheets()
    workbook[SHELTERS.name][2][1] = "Wohnungen Bahnhofstraße"
    workbook[PLACES.name][5][4] = "30.06.2025"  # U-2 place 2 given up
    workbook[STAYS.name][4][5:7] = ["01.05.2025", "privater_mietvertrag"]  # P-2 moves out of U-2
    workbook[ASSIGNMENTS.name][3][3] = "LRA 2022/3"
    workbook[ASSIGNMENTS.name].append(
        ["Z-1", "15.02.2024", "08118046", "LRA 2024/17", "P-3", "01.03.2024", "U-2", "Wohnung 1"]
    )

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    assert counts_of(report, SHELTERS.name) == (0, 1, 1)
    assert counts_of(report, PLACES.name) == (0, 1, 4)
    assert counts_of(report, STAYS.name) == (0, 1, 4)
    assert counts_of(report, ASSIGNMENTS.name) == (1, 1, 3)
    assert Shelter.objects.get(external_id="U-2").name == "Wohnungen Bahnhofstraße"
    assert Shelter.objects.get(external_id="U-2").version == 2
    moved = stay("P-2", D(2024, 3, 1))
    assert (moved.move_out, moved.move_out_reason, moved.version) == (
        D(2025, 5, 1),
        MoveOutReason.PRIVATER_MIETVERTRAG,
        2,
    )
    assert Assignment.objects.get(external_id="Z-2").reference == "LRA 2022/3"
    assert sorted(Assignment.objects.get(external_id="Z-1").persons.values_list("external_id", flat=True)) == [
        "P-1",
        "P-2",
        "P-3",
    ]
    after = snapshot(org_a)
    assert after["stays"][0] == before["stays"][0]
    assert after["shelters"][0] == before["shelters"][0]


def test_the_history_names_the_import_and_records_only_what_changed(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())

    context = {"user": org_admin_a.pk, "import_into": "org-a"}
    records = [
        *Shelter.objects.all(),
        *Unit.objects.all(),
        *Place.objects.all(),
        *Occupancy.objects.all(),
        *Assignment.objects.all(),
        *AssignedPerson.objects.all(),
    ]
    assert len(records) == 2 + 2 + 5 + 5 + 3 + 3
    for record in records:
        (event,) = events_of(record)
        assert (event.pgh_label, event.pgh_context.metadata) == ("insert", context)

    workbook = sheets()
    workbook[STAYS.name][4][5:7] = ["01.05.2025", "privater_mietvertrag"]
    imported(org_a, org_admin_a, workbook)

    moved = stay("P-2", D(2024, 3, 1))
    assert [(e.pgh_label, e.move_out) for e in events_of(moved)] == [("insert", None), ("update", D(2025, 5, 1))]
    assert [len(events_of(o)) for o in Occupancy.objects.exclude(pk=moved.pk)] == [1, 1, 1, 1]


def test_imported_records_belong_to_the_importing_organisation(org_a, org_b, org_admin_a, org_admin_b):
    imported(org_a, org_admin_a, sheets())
    workbook = sheets()
    workbook[SHELTERS.name][1][6] = "org-b"
    report = imported(org_b, org_admin_b, workbook)

    assert problems(report) == []
    assert counts_of(report, SHELTERS.name) == (2, 0, 0)
    assert counts_of(report, STAYS.name) == (5, 0, 0)
    for organisation in (org_a, org_b):
        assert Shelter.objects.filter(organisation=organisation).count() == 2
        assert Assignment.objects.filter(organisation=organisation).count() == 3
        assert (
            Occupancy.objects.filter(person__organisation=organisation, place__shelter__organisation=organisation)
            .values("pk")
            .count()
            == 5
        )
        assert not AssignedPerson.objects.filter(assignment__organisation=organisation).exclude(
            person__organisation=organisation
        )


def test_a_shelter_id_of_another_organisation_is_unknown(org_a, org_b, org_admin_a, org_admin_b):
    imported(org_b, org_admin_b, sheets())
    before = record_counts()
    workbook = sheets(STAYS.name)

    report = imported(org_a, org_admin_a, workbook)

    message = _("No shelter has this ID, neither in the sheet Unterkünfte nor in Lotse.")
    assert problems(report)[0] == (STAYS.name, 2, "Unterkunfts-ID", "U-1", message)
    assert report.committed is False
    assert record_counts() == before


def test_a_stay_may_refer_to_a_shelter_and_place_already_in_lotse(org_a, org_admin_a):
    shelter = shelter_in_lotse(org_a, "Notunterkunft Halle", "U-9")
    Place.objects.create(shelter=shelter, number=7, available_from=D(2020, 1, 1))
    workbook = good_sheets(PERSONS.name)
    workbook[STAYS.name] = [STAYS.headers, ["P-1", "U-9", "", 7, "01.01.2024", "", "", ""]]

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    assert stay("P-1", D(2024, 1, 1)).place.shelter == shelter


# The checks: each names sheet, row, column and value, in German, and nothing is written.


def spoil(sheet: str, row: int, column: str, value: Any):
    def change(workbook: Sheets) -> None:
        workbook[sheet][row][workbook[sheet][0].index(column)] = value

    return change


def add(sheet: str, *values: Any):
    def change(workbook: Sheets) -> None:
        workbook[sheet].append(list(values))

    return change


CHECKS: list[tuple[str, Any, tuple[str, int, str, str, str]]] = [
    (
        "duplicate shelter ID",
        add(SHELTERS.name, "U-1", "GU Neu", "notunterkunft", "08118048", "", "", "", "", "", ""),
        (
            SHELTERS.name,
            4,
            "Unterkunfts-ID",
            "U-1",
            "Diese Unterkunfts-ID kommt mehrfach vor (zuerst in Zeile 2).",
        ),
    ),
    (
        "two shelters of one name",
        spoil(SHELTERS.name, 2, "Name", "GU Schlossstraße"),
        (
            SHELTERS.name,
            3,
            "Name",
            "GU Schlossstraße",
            "Eine andere Unterkunft dieses Tabellenblatts hat diesen Namen (Zeile 2).",
        ),
    ),
    (
        "unknown kind",
        spoil(SHELTERS.name, 1, "Art", "Zelt"),
        (
            SHELTERS.name,
            2,
            "Art",
            "Zelt",
            "Unbekannter Code. Zulässig: gu_vorlaeufig, anschlussunterbringung, notunterkunft, angemietete_wohnung, "
            "staedtische_wohnung, wohnungsunternehmen.",
        ),
    ),
    (
        "shelter of another organisation",
        spoil(SHELTERS.name, 1, "Träger", "org-b"),
        (
            SHELTERS.name,
            2,
            "Träger",
            "org-b",
            "Unterkünfte können nur für die importierende Organisation „org-a“ importiert werden.",
        ),
    ),
    (
        "end of operation before its start",
        spoil(SHELTERS.name, 1, "in Betrieb bis", "31.12.2015"),
        (
            SHELTERS.name,
            2,
            "in Betrieb bis",
            "31.12.2015",
            "Das Ende des Betriebs kann nicht vor seinem Beginn liegen.",
        ),
    ),
    (
        "bad postal code",
        spoil(SHELTERS.name, 1, "PLZ", "7163"),
        (SHELTERS.name, 2, "PLZ", "7163", "Eine Postleitzahl hat 5 Ziffern."),
    ),
    (
        "place of an unknown shelter",
        add(PLACES.name, "U-7", "", 1, "01.01.2020", ""),
        (
            PLACES.name,
            7,
            "Unterkunfts-ID",
            "U-7",
            "Keine Unterkunft hat diese ID, weder im Tabellenblatt Unterkünfte noch in Lotse.",
        ),
    ),
    (
        "place number twice",
        add(PLACES.name, "U-1", "Zimmer 2", 1, "01.01.2020", ""),
        (
            PLACES.name,
            7,
            "Platz",
            "1",
            "Diese Unterkunft hat schon einen Platz mit dieser Nummer (Zeile 2).",
        ),
    ),
    (
        "place given up before it became available",
        spoil(PLACES.name, 1, "verfügbar bis", "01.01.2016"),
        (
            PLACES.name,
            2,
            "verfügbar bis",
            "01.01.2016",
            "Ein Platz wird nach dem Tag aufgegeben, an dem er verfügbar wurde.",
        ),
    ),
    (
        "stay of an unknown person",
        spoil(STAYS.name, 5, "Personen-ID", "P-9"),
        (
            STAYS.name,
            6,
            "Personen-ID",
            "P-9",
            "Keine Person hat diese ID, weder im Tabellenblatt Personen noch in Lotse.",
        ),
    ),
    (
        "move-out before move-in",
        spoil(STAYS.name, 1, "Auszug", "01.01.2023"),
        (STAYS.name, 2, "Auszug", "01.01.2023", "Der Auszug muss nach dem Einzug liegen."),
    ),
    (
        "move-out without reason",
        spoil(STAYS.name, 1, "Auszugsgrund", ""),
        (STAYS.name, 2, "Auszugsgrund", "", "Ein Aufenthalt mit Auszug braucht einen Auszugsgrund."),
    ),
    (
        "reason without move-out",
        spoil(STAYS.name, 3, "Auszugsgrund", "wegzug"),
        (STAYS.name, 4, "Auszug", "", "Ein Auszugsgrund ist angegeben, aber kein Auszug."),
    ),
    (
        "unknown basis",
        spoil(STAYS.name, 3, "Grundlage", "Amtshilfe"),
        (
            STAYS.name,
            4,
            "Grundlage",
            "Amtshilfe",
            "Unbekannter Code. Zulässig: zuweisung, geburt, familiennachzug, obdachlosigkeit, sonstiges.",
        ),
    ),
    (
        "move-in in the future",
        spoil(STAYS.name, 3, "Einzug", "01.01.2030"),
        (STAYS.name, 4, "Einzug", "01.01.2030", "Das Datum darf nicht in der Zukunft liegen."),
    ),
    (
        "unknown place number",
        spoil(STAYS.name, 1, "Platz", 9),
        (
            STAYS.name,
            2,
            "Platz",
            "9",
            "Die Unterkunft hat keinen Platz mit dieser Nummer, weder im Tabellenblatt Plätze noch in Lotse.",
        ),
    ),
    (
        "place in another unit",
        spoil(STAYS.name, 1, "Wohneinheit", "Zimmer 2"),
        (STAYS.name, 2, "Wohneinheit", "Zimmer 2", "Dieser Platz gehört zur Wohneinheit „Zimmer 1“."),
    ),
    (
        "overlapping stays of one person",
        add(STAYS.name, "P-1", "U-1", "", 2, "01.04.2024", "", "", ""),
        (
            STAYS.name,
            7,
            "Einzug",
            "01.04.2024",
            "Die Person hat zu dieser Zeit einen anderen Aufenthalt (Zeile 4).",
        ),
    ),
    (
        "a place taken twice",
        add(STAYS.name, "P-3", "U-1", "", 1, "01.01.2024", "01.02.2024", "sonstiges", ""),
        (
            STAYS.name,
            7,
            "Platz",
            "01.01.2024",
            "Der Platz ist zu dieser Zeit durch den Aufenthalt in Zeile 2 belegt.",
        ),
    ),
    (
        "a stay on a place not available",
        add(STAYS.name, "P-3", "U-2", "", 1, "01.05.2019", "01.06.2019", "sonstiges", ""),
        (
            STAYS.name,
            7,
            "Einzug",
            "01.05.2019",
            "Der Platz ist nicht für den ganzen Aufenthalt verfügbar (verfügbar 01.01.2020 – …).",
        ),
    ),
    (
        "no free place",
        add(STAYS.name, "P-3", "U-2", "", "", "01.06.2024", "", "", ""),
        (
            STAYS.name,
            7,
            "Platz",
            "",
            "Kein Platz dieser Unterkunft (oder Wohneinheit) ist für den ganzen Aufenthalt verfügbar und frei; "
            "geben Sie die Platznummer an.",
        ),
    ),
    (
        "two stays of a person moving in on one day",
        add(STAYS.name, "P-1", "U-2", "", 2, "01.02.2023", "01.03.2023", "sonstiges", ""),
        (
            STAYS.name,
            7,
            "Einzug",
            "01.02.2023",
            "Diese Person hat schon einen Aufenthalt mit diesem Einzug (Zeile 2).",
        ),
    ),
    (
        "assignment rows that disagree",
        spoil(ASSIGNMENTS.name, 2, "Datum", "16.02.2024"),
        (
            ASSIGNMENTS.name,
            3,
            "Zuweisungs-ID",
            "Z-1",
            "Die Zeilen dieser Zuweisung unterscheiden sich in Datum, Gemeinde, Aktenzeichen, geplanter Ankunft, "
            "künftiger Unterkunft oder künftiger Anschrift (erste Zeile 2).",
        ),
    ),
    (
        "assignment rows that disagree in the future home",
        spoil(ASSIGNMENTS.name, 2, "künftige Anschrift", "Wohnung 2"),
        (
            ASSIGNMENTS.name,
            3,
            "Zuweisungs-ID",
            "Z-1",
            "Die Zeilen dieser Zuweisung unterscheiden sich in Datum, Gemeinde, Aktenzeichen, geplanter Ankunft, "
            "künftiger Unterkunft oder künftiger Anschrift (erste Zeile 2).",
        ),
    ),
    (
        "planned arrival no date",
        add(ASSIGNMENTS.name, "Z-4", "01.06.2025", "08118048", "", "", "31.06.2025"),
        (ASSIGNMENTS.name, 6, "geplante Ankunft", "31.06.2025", "Dieses Datum gibt es nicht."),
    ),
    (
        "planned arrival before the assignment",
        add(ASSIGNMENTS.name, "Z-4", "01.06.2025", "08118048", "", "", "31.05.2025"),
        (
            ASSIGNMENTS.name,
            6,
            "geplante Ankunft",
            "31.05.2025",
            "Die geplante Ankunft kann nicht vor dem Datum der Zuweisung liegen.",
        ),
    ),
    (
        "unknown future shelter",
        add(ASSIGNMENTS.name, "Z-4", "01.06.2025", "08118048", "", "", "", "U-7", ""),
        (
            ASSIGNMENTS.name,
            6,
            "künftige Unterkunfts-ID",
            "U-7",
            "Keine Unterkunft hat diese ID, weder im Tabellenblatt Unterkünfte noch in Lotse.",
        ),
    ),
    (
        "future shelter in another municipality",
        add(ASSIGNMENTS.name, "Z-4", "01.06.2025", "08118048", "", "", "", "U-2", ""),
        (
            ASSIGNMENTS.name,
            6,
            "künftige Unterkunfts-ID",
            "U-2",
            "Diese Unterkunft liegt nicht in der Gemeinde der Zuweisung, sondern in Kornwestheim.",
        ),
    ),
    (
        "future address too long",
        add(ASSIGNMENTS.name, "Z-4", "01.06.2025", "08118048", "", "", "", "", "x" * 201),
        (ASSIGNMENTS.name, 6, "künftige Anschrift", "x" * 201, "Höchstens 200 Zeichen sind erlaubt."),
    ),
    (
        "a person twice in an assignment",
        spoil(ASSIGNMENTS.name, 2, "Personen-ID", "P-1"),
        (
            ASSIGNMENTS.name,
            3,
            "Personen-ID",
            "P-1",
            "Diese Person ist in dieser Zuweisung zweimal genannt (zuerst in Zeile 2).",
        ),
    ),
    (
        "assignment of an unknown person",
        spoil(ASSIGNMENTS.name, 3, "Personen-ID", "P-8"),
        (
            ASSIGNMENTS.name,
            4,
            "Personen-ID",
            "P-8",
            "Keine Person hat diese ID, weder im Tabellenblatt Personen noch in Lotse.",
        ),
    ),
    (
        "assignment without municipality",
        spoil(ASSIGNMENTS.name, 4, "Gemeinde", ""),
        (ASSIGNMENTS.name, 5, "Gemeinde", "", "Diese Zelle darf nicht leer sein."),
    ),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _n, c, e in CHECKS], ids=[n for n, _c, _e in CHECKS])
def test_each_check_names_the_bad_cell_in_german_and_nothing_is_written(change, expected, org_a, org_admin_a):
    workbook = sheets()
    change(workbook)

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [expected]
    assert report.committed is False
    assert all(count == 0 for count in record_counts().values())


def test_a_stay_overlapping_one_in_lotse_is_refused_and_nothing_changes(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    workbook = sheets(STAYS.name)
    # P-3 moved in a day later: a new stay (the key is person and move-in) overlapping the one in Lotse.
    workbook[STAYS.name][5][4] = "02.05.2022"

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            STAYS.name,
            6,
            "Einzug",
            "02.05.2022",
            "Die Person hat zu dieser Zeit einen anderen Aufenthalt in Lotse (01.05.2022 – 31.12.2023).",
        ),
    ]
    assert snapshot(org_a) == before


def test_a_place_given_up_before_a_stay_in_lotse_ends_is_refused(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    workbook = sheets(PLACES.name)
    workbook[PLACES.name][1][4] = "01.01.2024"  # U-1 place 1: P-1 lived there until 01.03.2024

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            PLACES.name,
            2,
            "verfügbar ab",
            "01.01.2016",
            "Ein Aufenthalt in Lotse auf diesem Platz (01.02.2023 – 01.03.2024) liegt außerhalb der Zeit, "
            "in der er verfügbar ist.",
        )
    ]
    assert snapshot(org_a) == before


def test_a_shelter_name_taken_in_lotse_is_refused(org_a, org_admin_a):
    shelter_in_lotse(org_a, "GU Schlossstraße")

    report = imported(org_a, org_admin_a, sheets(SHELTERS.name))

    assert problems(report) == [
        (
            SHELTERS.name,
            2,
            "Name",
            "GU Schlossstraße",
            "Eine andere Unterkunft Ihrer Organisation in Lotse trägt diesen Namen.",
        )
    ]
    assert Shelter.objects.count() == 1 and not Person.objects.exists()


def test_a_stay_without_place_number_keeps_its_place_in_lotse(org_a, org_admin_a):
    workbook = sheets()
    workbook[STAYS.name][3][3] = 2  # P-1 on U-2 place 2, P-2 (no number) gets place 1
    imported(org_a, org_admin_a, workbook)
    assert (stay("P-1", D(2024, 3, 1)).place.number, stay("P-2", D(2024, 3, 1)).place.number) == (2, 1)
    before = snapshot(org_a)
    workbook[STAYS.name][3][3] = ""  # now both without number, P-1's row first

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    assert counts_of(report, STAYS.name) == (0, 0, 5)
    assert snapshot(org_a) == before


def test_a_place_taken_by_a_stay_in_lotse_is_refused(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    workbook = good_sheets(PERSONS.name)
    workbook[STAYS.name] = [STAYS.headers, ["P-3", "U-1", "", 1, "01.01.2024", "01.02.2024", "sonstiges", ""]]

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            STAYS.name,
            2,
            "Platz",
            "01.01.2024",
            "Der Platz ist zu dieser Zeit durch einen Aufenthalt in Lotse belegt (01.02.2023 – 01.03.2024).",
        )
    ]
    assert snapshot(org_a) == before


# The future home of an assignment: planned arrival, future shelter, future address.


def future_home(ext: str) -> tuple[Any, ...]:
    assignment = Assignment.objects.select_related("future_shelter").get(external_id=ext)
    shelter = assignment.future_shelter
    return (
        assignment.planned_arrival,
        (shelter.organisation.short_name, shelter.external_id) if shelter else None,
        assignment.future_address,
    )


def without_columns(workbook: Sheets, *headers: str) -> Sheets:
    rows = workbook[ASSIGNMENTS.name]
    keep = [index for index, header in enumerate(rows[0]) if header not in headers]
    workbook[ASSIGNMENTS.name] = [[row[i] for i in keep if i < len(row)] for row in rows]
    return workbook


def test_an_empty_cell_empties_the_future_home_and_a_left_out_column_keeps_it(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    assert future_home("Z-1") == (D(2024, 3, 1), ("org-a", "U-2"), "Wohnung 1")

    report = imported(org_a, org_admin_a, without_columns(sheets(), *ASSIGNMENTS.headers[5:]))

    assert problems(report) == []
    assert counts_of(report, ASSIGNMENTS.name) == (0, 0, 4)
    assert future_home("Z-1") == (D(2024, 3, 1), ("org-a", "U-2"), "Wohnung 1")

    workbook = sheets()
    for row in workbook[ASSIGNMENTS.name][1:3]:
        row[5:8] = ["", "", ""]
    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    assert counts_of(report, ASSIGNMENTS.name) == (0, 2, 2)
    assert future_home("Z-1") == (None, None, "")
    assert Assignment.objects.get(external_id="Z-1").version == 2


def test_a_future_shelter_of_another_organisation_in_the_municipality_is_found_by_its_id(
    org_a, org_b, org_admin_a, municipalities
):
    city = Shelter.objects.create(
        organisation=org_b,
        municipality=municipalities["08118046"],
        name="AU Bahnhofstraße",
        kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG,
        external_id="U-2",
    )
    workbook = sheets(ASSIGNMENTS.name)
    for row in workbook[ASSIGNMENTS.name][1:3]:
        row[6] = "U-2"  # the sheet Unterkünfte is left out: org-a has no shelter U-2

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    assert Assignment.objects.get(external_id="Z-1").future_shelter == city
    # Another organisation's shelter elsewhere is not found; the organisation's own comes first.
    workbook[ASSIGNMENTS.name].append(["Z-4", "01.06.2025", "08118079", "", "", "", "U-2", ""])
    report = imported(org_a, org_admin_a, workbook)
    assert problems(report) == [
        (
            ASSIGNMENTS.name,
            6,
            "künftige Unterkunfts-ID",
            "U-2",
            "Keine Unterkunft hat diese ID, weder im Tabellenblatt Unterkünfte noch in Lotse.",
        )
    ]
    imported(org_a, org_admin_a, sheets(SHELTERS.name, PLACES.name))
    report = imported(org_a, org_admin_a, sheets(ASSIGNMENTS.name))
    assert problems(report) == []
    assert future_home("Z-1")[1] == ("org-a", "U-2")


def test_two_shelters_of_other_organisations_with_the_id_are_refused(org_a, org_b, org_admin_a, municipalities):
    third = Organisation.objects.create(short_name="org-c", name="Stadt Kornwestheim", kind="gemeinde")
    for owner in (org_b, third):
        Shelter.objects.create(
            organisation=owner,
            municipality=municipalities["08118046"],
            name="AU Bahnhofstraße",
            kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG,
            external_id="AU-1",
        )
    workbook = sheets(ASSIGNMENTS.name)
    workbook[ASSIGNMENTS.name][1][6] = workbook[ASSIGNMENTS.name][2][6] = "AU-1"

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            ASSIGNMENTS.name,
            row,
            "künftige Unterkunfts-ID",
            "AU-1",
            "Mehrere Unterkünfte anderer Organisationen in dieser Gemeinde haben diese ID.",
        )
        for row in (2, 3)
    ]
    assert not Assignment.objects.exists()


def test_values_in_lotse_a_sheet_leaves_out_must_fit_its_date_and_municipality(org_a, org_admin_a):
    imported(org_a, org_admin_a, sheets())
    before = snapshot(org_a)
    workbook = without_columns(sheets(), "geplante Ankunft", "künftige Unterkunfts-ID")
    for row in workbook[ASSIGNMENTS.name][1:3]:
        row[1] = "02.03.2024"  # after the planned arrival in Lotse (01.03.2024)
        row[2] = "08118048"  # the future shelter in Lotse (U-2) is in Kornwestheim

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            ASSIGNMENTS.name,
            2,
            "Datum",
            "02.03.2024",
            "In Lotse hat diese Zuweisung die geplante Ankunft 01.03.2024, vor diesem Datum der Zuweisung.",
        ),
        (
            ASSIGNMENTS.name,
            3,
            "Datum",
            "02.03.2024",
            "In Lotse hat diese Zuweisung die geplante Ankunft 01.03.2024, vor diesem Datum der Zuweisung.",
        ),
    ]
    assert snapshot(org_a) == before
    workbook = without_columns(sheets(), "künftige Unterkunfts-ID")
    for row in workbook[ASSIGNMENTS.name][1:3]:
        row[2] = "08118048"

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == [
        (
            ASSIGNMENTS.name,
            row,
            "Gemeinde",
            "08118048",
            "In Lotse ist die künftige Unterkunft dieser Zuweisung Wohnungen Kornwestheim, die nicht in dieser "
            "Gemeinde liegt.",
        )
        for row in (2, 3)
    ]
    assert snapshot(org_a) == before


# The round trip: the export writes the four sheets in the import's format.


def export_of(organisation: Organisation, acting_user: Any) -> bytes:
    buffer = io.BytesIO()
    export_workbook(organisation, acting_user, buffer)
    return buffer.getvalue()


def with_carrier(data: bytes, carrier: str) -> bytes:
    """The exported workbook with the shelters' and cases' carrier set to ``carrier``."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet_name, column in ((SHELTERS.name, 7), (CASES.name, 3)):
        for (cell,) in workbook[sheet_name].iter_rows(min_row=2, min_col=column, max_col=column):
            cell.value = carrier
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ACCOMMODATION_SHEETS = (SHELTERS.name, PLACES.name, STAYS.name, ASSIGNMENTS.name)


@pytest.mark.django_db(transaction=True)
def test_export_and_import_give_the_same_accommodation_records(org_a, org_b, org_admin_a, org_admin_b):
    assert imported(org_a, org_admin_a, sheets()).committed is True
    # Records made in Lotse (no import ID yet) get their IDs when exported.
    made_in_lotse = shelter_in_lotse(org_a, "Notunterkunft Sporthalle")
    Place.objects.create(shelter=made_in_lotse, number=1, available_from=D(2024, 1, 1), available_to=D(2025, 1, 1))
    lina = Person.objects.get(organisation=org_a, external_id="P-2")
    Occupancy.objects.create(
        person=Person.objects.get(organisation=org_a, external_id="P-3"),
        place=made_in_lotse.places.get(),
        move_in=D(2024, 2, 1),
        move_out=D(2024, 6, 1),
        move_out_reason=MoveOutReason.SONSTIGES,
        basis=ResidenceBasis.OBDACHLOSIGKEIT,
    )
    # Assigned to Freiberg, into a shelter the town runs (made in Lotse: it has no import ID either).
    freiberg = Municipality.objects.get(ags="08118079")
    town = Organisation.objects.create(short_name="stadt-fr", name="Stadt Freiberg", kind="gemeinde")
    town_shelter = Shelter.objects.create(
        organisation=town, municipality=freiberg, name="AU Ringstraße", kind=ShelterKind.ANSCHLUSSUNTERBRINGUNG
    )
    assignment = Assignment.objects.create(
        organisation=org_a,
        municipality=freiberg,
        date=D(2025, 2, 1),
        planned_arrival=D(2025, 2, 20),
        future_shelter=town_shelter,
        future_address="Ringstraße 4, Wohnung 2",
    )
    AssignedPerson.objects.create(assignment=assignment, person=lina)

    exported = export_of(org_a, org_admin_a)
    rows_a = read_xlsx(exported)

    made_in_lotse.refresh_from_db()
    assignment.refresh_from_db()
    town_shelter.refresh_from_db()
    assert made_in_lotse.external_id == f"U-{made_in_lotse.pk:06d}"
    assert assignment.external_id == f"Z-{assignment.pk:06d}"
    assert town_shelter.external_id == f"U-{town_shelter.pk:06d}"
    for name in ACCOMMODATION_SHEETS:
        assert rows_a[name][0] == tuple(next(spec for spec in SHEETS if spec.name == name).headers)
    assert (made_in_lotse.external_id, "Notunterkunft Sporthalle", "notunterkunft", "08118048") in [
        row[:4] for row in rows_a[SHELTERS.name]
    ]
    assert (made_in_lotse.external_id, "", 1, D(2024, 1, 1), D(2025, 1, 1)) in rows_a[PLACES.name]
    assert ("P-3", made_in_lotse.external_id, "", 1, D(2024, 2, 1), D(2024, 6, 1), "sonstiges", "obdachlosigkeit") in (
        rows_a[STAYS.name]
    )
    assert ("P-1", "U-2", "", 1, D(2024, 3, 1), "", "", "zuweisung") in rows_a[STAYS.name]
    assert (
        assignment.external_id,
        D(2025, 2, 1),
        "08118079",
        "",
        "P-2",
        D(2025, 2, 20),
        town_shelter.external_id,
        "Ringstraße 4, Wohnung 2",
    ) in rows_a[ASSIGNMENTS.name]
    assert ("Z-1", D(2024, 2, 15), "08118046", "LRA 2024/17", "P-1", D(2024, 3, 1), "U-2", "Wohnung 1") in rows_a[
        ASSIGNMENTS.name
    ]
    assert ("Z-3", D(2025, 6, 1), "08118048", "ohne Personen") in rows_a[ASSIGNMENTS.name]
    assert len(rows_a[STAYS.name]) == 1 + 6 and len(rows_a[ASSIGNMENTS.name]) == 1 + 5

    # Imported again into the same organisation: nothing changes.
    before = snapshot(org_a)
    back = run(org_a, org_admin_a, ("export.xlsx", exported))
    assert problems(back) == []
    assert all(counts["created"] == counts["updated"] == 0 for counts in back.counts.values())
    assert snapshot(org_a) == before

    # Into an empty organisation: the same records, and the same export apart from the carrier.
    into_b = run(org_b, org_admin_b, ("export.xlsx", with_carrier(exported, "org-b")))
    assert problems(into_b) == []
    assert counts_of(into_b, STAYS.name) == (6, 0, 0)
    rows_b = read_xlsx(export_of(org_b, org_admin_b))
    for name in ACCOMMODATION_SHEETS:
        wanted = [row[:6] + row[7:] if name == SHELTERS.name else row for row in rows_a[name]]
        found = [row[:6] + row[7:] if name == SHELTERS.name else row for row in rows_b[name]]
        assert sorted(found, key=repr) == sorted(wanted, key=repr), name
    assert Shelter.objects.filter(organisation=org_b).count() == 3
    assert not Occupancy.objects.filter(person__organisation=org_b).exclude(place__shelter__organisation=org_b)

    def assignments_of(organisation: Organisation) -> list[tuple[Any, ...]]:
        """Each assignment's values, its future shelter as (own?, import ID) or the other operator's short name."""
        return sorted(
            (
                a.external_id,
                a.date,
                a.municipality.ags,
                a.reference,
                a.planned_arrival,
                None
                if a.future_shelter is None
                else (a.future_shelter.organisation == organisation, a.future_shelter.external_id)
                if a.future_shelter.organisation in (org_a, org_b)
                else a.future_shelter.organisation.short_name,
                a.future_address,
            )
            for a in Assignment.objects.filter(organisation=organisation).select_related(
                "municipality", "future_shelter__organisation"
            )
        )

    assert assignments_of(org_b) == assignments_of(org_a)
    assert (
        assignment.external_id,
        D(2025, 2, 1),
        "08118079",
        "",
        D(2025, 2, 20),
        "stadt-fr",
        "Ringstraße 4, Wohnung 2",
    ) in assignments_of(org_b)
    assert ("Z-1", D(2024, 2, 15), "08118046", "LRA 2024/17", D(2024, 3, 1), (True, "U-2"), "Wohnung 1") in (
        assignments_of(org_b)
    )


@pytest.mark.django_db(transaction=True)
def test_the_export_leaves_out_stays_and_assigned_persons_of_other_organisations(
    org_a, org_b, org_admin_a, org_admin_b
):
    assert imported(org_a, org_admin_a, sheets()).committed is True
    workbook = good_sheets(PERSONS.name)
    for row in workbook[PERSONS.name][1:]:
        row[0] = "B" + row[0]
        row[1] = "B" + row[1] if row[1] else ""
    assert imported(org_b, org_admin_b, workbook).committed is True
    outsider = Person.objects.get(organisation=org_b, external_id="BP-1")
    place = Place.objects.get(shelter__external_id="U-1", number=3)
    Occupancy.objects.create(
        person=outsider, place=place, move_in=D(2024, 1, 10), move_out=D(2024, 2, 1), move_out_reason="sonstiges"
    )
    AssignedPerson.objects.create(assignment=Assignment.objects.get(external_id="Z-3"), person=outsider)

    rows = read_xlsx(export_of(org_a, org_admin_a))

    assert {row[0] for row in rows[STAYS.name][1:]} == {"P-1", "P-2", "P-3"}
    assert {(*row, "")[4] for row in rows[ASSIGNMENTS.name][1:]} == {"P-1", "P-2", "P-3", ""}
    assert [row for row in rows[ASSIGNMENTS.name] if row[0] == "Z-3"] == [
        ("Z-3", D(2025, 6, 1), "08118048", "ohne Personen")
    ]


def test_recent_new_assignments_reach_the_responsible_integration_management_as_new_arrivals(
    org_a, org_admin_a, org_b, municipalities
):
    """As an assignment recorded in Lotse does; older ones are history and reach nobody (TODAY is 16.06.2025)."""
    create_responsibility(
        acting_user=None, municipality=municipalities["08118046"], organisation=org_b, valid_from=D(2020, 1, 1)
    )
    workbook = sheets()
    workbook[ASSIGNMENTS.name] += [
        ["Z-4", "10.06.2025", "08118046", "LRA 2025/88", "P-3", "", "", ""],  # recent, where org-b is responsible
        ["Z-5", "01.04.2025", "08118048", "", "P-1", "01.06.2025", "", ""],  # arrives lately, nobody responsible
    ]

    report = imported(org_a, org_admin_a, workbook)

    assert problems(report) == []
    arrival = Arrival.objects.select_related("assignment").get()
    assert (arrival.organisation, arrival.assignment.external_id, arrival.state) == (org_b, "Z-4", ArrivalState.NEW)
    assert list(arrival.steps.values_list("to_state", "on")) == [(ArrivalState.NEW, D(2025, 6, 10))]
    assert (
        ASSIGNMENTS.name,
        None,
        "",
        "",
        _(
            "New arrivals for the integration management responsible, from the new assignments whose household "
            "arrives from %(date)s on: %(arrivals)s."
        )
        % {"date": "19.05.2025", "arrivals": 1},
    ) in notices(report)
    # Z-1 (arrived 01.03.2024) is history: nothing for org-b. Imported again, nothing new arrives.
    again = imported(org_a, org_admin_a, workbook)
    assert again.committed is True
    assert Arrival.objects.count() == 1
