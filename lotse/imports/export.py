"""Writing an organisation's records as a Lotse workbook, and the blank template.

The export is the import format: importing it into an empty installation
gives the same records. Records created in Lotse get their import ID
(P-000123, H-000045, F-000012, U-000007 for shelters, Z-000089 for
assignments) when they are first exported, so the IDs in
an exported workbook stay the keys of a later re-import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Model, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from lotse.accommodation.choices import Accessibility, MoveOutReason, ResidenceBasis, ShelterKind
from lotse.accommodation.models import Assignment, Occupancy, Place, Shelter
from lotse.cases.choices import ClosingReason, ContactForm, FieldOfAction
from lotse.cases.models import Case, Contact
from lotse.core.access import Capability
from lotse.core.choices import AccessAction
from lotse.core.downloads import DownloadKind
from lotse.core.downloads import register as register_download
from lotse.core.export import BOLD, add_sheet, append_row, save_workbook, streaming_workbook
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, log_access
from lotse.imports.workbook import (
    ASSIGNMENTS,
    CASES,
    CONTACTS,
    EVIDENCE_NAMES,
    HOUSING,
    LANGUAGE,
    NOTE_SHEETS,
    PERSONS,
    PLACES,
    RESIDENCE,
    SHEETS,
    SHELTERS,
    STAYS,
    WORK,
    SheetSpec,
)
from lotse.people.choices import (
    UNRESOLVED,
    Gender,
    HousingSituation,
    LanguageEvidence,
    LanguageLevel,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.dates import format_partial_date
from lotse.people.models import (
    Household,
    HouseholdMembership,
    HousingRecord,
    LanguageRecord,
    Person,
    ResidenceRecord,
    WorkRecord,
)

CHUNK = 5000
IMPORT_ID_PREFIXES: tuple[tuple[type[Model], str], ...] = (
    (Person, "P"),
    (Household, "H"),
    (Case, "F"),
    (Shelter, "U"),
    (Assignment, "Z"),
)


def assign_import_ids(organisation: Organisation) -> int:
    """Give every record of the organisation without an import ID one made from its number."""
    assigned = 0
    with connection.cursor() as cursor:
        for model, prefix in IMPORT_ID_PREFIXES:
            table = model._meta.db_table
            generated = f"'{prefix}-' || lpad(t.id::text, 6, '0')"
            cursor.execute(
                f"""UPDATE {table} t SET external_id = {generated}
                    WHERE t.organisation_id = %s AND t.external_id = ''
                    AND NOT EXISTS (
                        SELECT 1 FROM {table} o WHERE o.organisation_id = t.organisation_id
                        AND o.external_id = {generated}
                    )""",
                [organisation.pk],
            )
            assigned += cursor.rowcount
            # The rare record whose generated ID an imported list already uses.
            for pk in model._default_manager.filter(organisation=organisation, external_id="").values_list(
                "pk", flat=True
            ):
                suffix = 2
                while model._default_manager.filter(
                    organisation=organisation, external_id=f"{prefix}-{pk:06d}-{suffix}"
                ).exists():
                    suffix += 1
                model._default_manager.filter(pk=pk).update(external_id=f"{prefix}-{pk:06d}-{suffix}")
                assigned += 1
    return assigned + _name_future_shelters(organisation)


def _name_future_shelters(organisation: Organisation) -> int:
    """Give the future shelters of the organisation's assignments that another organisation runs, and that have
    no import ID yet, the ID their operator's export would give them: the sheet Zuweisungen names them by it."""
    foreign = Shelter.objects.filter(
        external_id="", pk__in=Assignment.objects.filter(organisation=organisation).values("future_shelter_id")
    ).exclude(organisation=organisation)
    named = 0
    for shelter in foreign.order_by("pk").only("pk", "organisation_id"):
        wanted, suffix = f"U-{shelter.pk:06d}", 1
        while Shelter.objects.filter(organisation_id=shelter.organisation_id, external_id=wanted).exists():
            suffix += 1
            wanted = f"U-{shelter.pk:06d}-{suffix}"
        Shelter.objects.filter(pk=shelter.pk).update(external_id=wanted)
        named += 1
    return named


def write_sheet(workbook: Workbook, spec: SheetSpec, rows: Iterable[Iterable[Any]]) -> None:
    """One sheet of a streaming workbook: the bold header row of ``spec`` (frozen), then the rows."""
    sheet = add_sheet(workbook, spec.name)
    sheet.freeze_panes = "A2"
    append_row(sheet, spec.headers, font=BOLD)
    for row in rows:
        append_row(sheet, row)


def _codes(values: Iterable[str]) -> str:
    return ", ".join("ungeklärt" if value == UNRESOLVED else value for value in values)


def _persons(organisation: Organisation) -> Iterator[list[Any]]:
    household = HouseholdMembership.objects.filter(person=OuterRef("pk"), valid_to__isnull=True).values(
        "household__external_id"
    )[:1]
    rows = (
        Person.objects.filter(organisation=organisation)
        .annotate(household_ext=Subquery(household))
        .order_by("pk")
        .values_list(
            "external_id",
            "household_ext",
            "family_name",
            "given_names",
            "birth_date",
            "birth_date_precision",
            "gender",
            "nationalities",
            "languages",
            "municipality__ags",
        )
    )
    for ext, household_ext, family, given, born, precision, gender, nationalities, languages, ags in rows.iterator(
        CHUNK
    ):
        yield [
            ext,
            household_ext or "",
            family,
            given,
            format_partial_date(born, precision),
            gender,
            _codes(nationalities),
            _codes(languages),
            ags or "",
        ]


def _cases(organisation: Organisation) -> Iterator[list[Any]]:
    rows = (
        Case.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list(
            "external_id",
            "household__external_id",
            "municipality__ags",
            "start_date",
            "end_date",
            "closing_reason",
            "responsible__username",
        )
    )
    for ext, household_ext, ags, start, end, reason, username in rows.iterator(CHUNK):
        yield [ext, household_ext, organisation.short_name, ags, start, end, reason, username or ""]


def _status(model: type[Model], organisation: Organisation, fields: list[str]) -> Iterator[list[Any]]:
    rows = (
        model._default_manager.filter(person__organisation=organisation)
        .order_by("person_id", "valid_from")
        .values_list("person__external_id", "valid_from", *fields)
    )
    for row in rows.iterator(CHUNK):
        values: list[Any] = ["" if value is None else value for value in row]
        if model is LanguageRecord:  # the Nachweis column is written as the format names it
            values[-1] = EVIDENCE_NAMES.get(values[-1], values[-1])
        yield values


def _contacts(organisation: Organisation) -> Iterator[list[Any]]:
    rows = (
        Contact.objects.filter(case__organisation=organisation)
        .order_by("case_id", "date", "pk")
        .values_list(
            "case__external_id",
            "date",
            "duration_minutes",
            "form",
            "fields_of_action",
            "interpreter_language",
            "note",
        )
    )
    for ext, day, minutes, form, fields, language, note in rows.iterator(CHUNK):
        yield [ext, day, minutes, form, ", ".join(fields), language, note]


def _shelters(organisation: Organisation) -> Iterator[list[Any]]:
    rows = (
        Shelter.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list(
            "external_id",
            "name",
            "kind",
            "municipality__ags",
            "street",
            "postal_code",
            "accessibility",
            "in_operation_from",
            "in_operation_to",
        )
    )
    for ext, name, kind, ags, street, postal_code, accessibility, operating_from, operating_to in rows.iterator(CHUNK):
        yield [
            ext,
            name,
            kind,
            ags,
            street,
            postal_code,
            organisation.short_name,
            accessibility,
            operating_from,
            operating_to,
        ]


def _places(organisation: Organisation) -> Iterator[list[Any]]:
    rows = (
        Place.objects.filter(shelter__organisation=organisation)
        .order_by("shelter_id", "number")
        .values_list("shelter__external_id", "unit__name", "number", "available_from", "available_to")
    )
    for shelter, unit, number, available_from, available_to in rows.iterator(CHUNK):
        yield [shelter, unit or "", number, available_from, available_to]


def _stays(organisation: Organisation) -> Iterator[list[Any]]:
    """Stays in the organisation's shelters of the organisation's persons (others' persons have no ID here)."""
    rows = (
        Occupancy.objects.filter(place__shelter__organisation=organisation, person__organisation=organisation)
        .order_by("person_id", "move_in")
        .values_list(
            "person__external_id",
            "place__shelter__external_id",
            "place__unit__name",
            "place__number",
            "move_in",
            "move_out",
            "move_out_reason",
            "basis",
        )
    )
    for person, shelter, unit, number, move_in, move_out, reason, basis in rows.iterator(CHUNK):
        yield [person, shelter, unit or "", number, move_in, move_out, reason, basis]


def _assignments(organisation: Organisation) -> Iterator[list[Any]]:
    """One row per assigned person of the organisation; an assignment without such a person has one row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.external_id, a.date, m.ags, a.reference, COALESCE(p.external_id, ''), a.planned_arrival,
                   COALESCE(t.external_id, ''), a.future_address
               FROM accommodation_assignment a
               JOIN core_municipality m ON m.id = a.municipality_id
               LEFT JOIN accommodation_shelter t ON t.id = a.future_shelter_id
               LEFT JOIN (
                   accommodation_assignedperson ap
                   JOIN people_person p ON p.id = ap.person_id AND p.organisation_id = %(org)s
               ) ON ap.assignment_id = a.id
               WHERE a.organisation_id = %(org)s
               ORDER BY a.id, ap.id""",
            {"org": organisation.pk},
        )
        while chunk := cursor.fetchmany(CHUNK):
            for row in chunk:
                yield list(row)


def export_workbook(organisation: Organisation, acting_user: User, stream: IO[bytes]) -> None:
    """Write all of the organisation's records as a Lotse workbook; the export is logged."""
    with transaction.atomic(), audit_context(acting_user, export_of=organisation.short_name):
        assign_import_ids(organisation)
        log_access(acting_user=acting_user, action=AccessAction.EXPORT, record=organisation)
    workbook = streaming_workbook()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # one snapshot for all sheets, unless the caller's transaction already runs
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        write_sheet(workbook, PERSONS, _persons(organisation))
        write_sheet(workbook, CASES, _cases(organisation))
        write_sheet(
            workbook, RESIDENCE, _status(ResidenceRecord, organisation, ["status", "legal_basis", "valid_until"])
        )
        write_sheet(workbook, LANGUAGE, _status(LanguageRecord, organisation, ["level", "evidence"]))
        write_sheet(workbook, WORK, _status(WorkRecord, organisation, ["situation"]))
        write_sheet(workbook, HOUSING, _status(HousingRecord, organisation, ["situation", "municipality__ags"]))
        write_sheet(workbook, CONTACTS, _contacts(organisation))
        write_sheet(workbook, SHELTERS, _shelters(organisation))
        write_sheet(workbook, PLACES, _places(organisation))
        write_sheet(workbook, STAYS, _stays(organisation))
        write_sheet(workbook, ASSIGNMENTS, _assignments(organisation))
    save_workbook(workbook, stream)


EXPORT = register_download(
    DownloadKind(
        name="arbeitsmappe",
        capability=Capability.IMPORT_WORKBOOKS,
        file_name=lambda organisation: f"lotse-{organisation.short_name}-{timezone.localdate():%Y-%m-%d}.xlsx",
        write=export_workbook,
        page_url="imports:export_page",
        status_url="imports:export_status",
        file_url="imports:export_file",
        back_url="imports:overview",
        title=gettext_lazy("Export"),
    )
)


# The blank template and its notes


def _notes() -> list[list[str]]:
    """The "Hinweise" sheet: how to fill in each sheet, and the codes."""
    rows: list[list[str]] = [
        [_("Lotse workbook: one sheet per kind of record. Headers exactly as given; column order is free.")],
        [_("Dates as DD.MM.YYYY (or Excel date cells). IDs are your own keys; they stay the same on re-import.")],
        [],
        [_("Sheet"), _("Columns")],
    ]
    rows += [[spec.name, ", ".join(spec.headers)] for spec in SHEETS]
    rows += [[], [_("Column"), _("Code"), _("Meaning")]]
    vocabularies: list[tuple[str, Iterable[tuple[str, Any]]]] = [
        ("Geschlecht", Gender.choices),
        ("Abschlussgrund", ClosingReason.choices),
        ("Aufenthalt: Status", ResidenceStatus.choices),
        ("Sprachstand: Niveau", LanguageLevel.choices),
        ("Sprachstand: Nachweis", [(EVIDENCE_NAMES[code], label) for code, label in LanguageEvidence.choices]),
        ("Erwerb: Situation", WorkSituation.choices),
        ("Wohnen: Situation", HousingSituation.choices),
        ("Kontakte: Form", ContactForm.choices),
        ("Kontakte: Themen", FieldOfAction.choices),
        ("Unterkünfte: Art", ShelterKind.choices),
        ("Unterkünfte: Barrierefreiheit", Accessibility.choices),
        ("Belegungen: Auszugsgrund", MoveOutReason.choices),
        ("Belegungen: Grundlage", ResidenceBasis.choices),
    ]
    for column, choices in vocabularies:
        rows += [[column, str(value), str(label)] for value, label in choices]
    rows += [
        ["Staatsangehörigkeit", "DE, SY, UA, …", _("ISO 3166 alpha-2, or staatenlos, ungeklärt; several: comma")],
        ["Sprachen, Dolmetschung", "ara, ukr, prs, …", _("ISO 639-3 or 639-1 code, or German name; several: comma")],
        ["Gemeinde", "08118048", _("official municipality key (AGS), 8 digits")],
    ]
    return rows


def template_workbook(stream: IO[bytes], examples: dict[str, list[list[Any]]] | None = None) -> None:
    """The blank workbook users fill in (with ``examples``: the documented example)."""
    workbook = streaming_workbook()
    for spec in SHEETS:
        write_sheet(workbook, spec, (examples or {}).get(spec.name, []))
    notes = add_sheet(workbook, NOTE_SHEETS[0])
    for row in _notes():
        append_row(notes, row)
    save_workbook(workbook, stream)


EXAMPLE: dict[str, list[list[Any]]] = {
    PERSONS.name: [
        ["P-1001", "H-100", "Haddad", "Rami", "12.03.1984", "m", "SY", "ara, kmr", "08118048"],
        ["P-1002", "H-100", "Haddad", "Lina", "1987", "w", "SY", "ara", "08118048"],
        ["P-1003", "H-100", "Haddad", "Omar", "05.2016", "m", "SY", "ara, deu", "08118048"],
        ["P-1004", "H-101", "Kovalenko", "Olha", "24.08.1979", "w", "UA", "ukr, rus", "08118046"],
        ["P-1005", "", "Ahmadi", "Farid", "", "m", "ungeklärt", "prs", "08118079"],
    ],
    CASES.name: [
        ["F-2001", "H-100", "caritas-lb", "08118048", "15.01.2024", "", "", ""],
        ["F-2002", "H-101", "caritas-lb", "08118046", "01.06.2023", "30.09.2025", "eigener_wohnraum", ""],
        ["F-2003", "P-1005", "caritas-lb", "08118079", "02.02.2025", "", "", ""],
    ],
    RESIDENCE.name: [
        ["P-1001", "10.11.2023", "aufenthaltserlaubnis", "§ 25 Abs. 2 AufenthG", "09.11.2026"],
        ["P-1004", "01.04.2022", "aufenthaltserlaubnis", "§ 24 AufenthG", "04.03.2027"],
        ["P-1005", "20.12.2024", "gestattung", "§ 55 AsylG", ""],
    ],
    LANGUAGE.name: [
        ["P-1001", "15.01.2024", "A1", "Einschätzung"],
        ["P-1001", "30.06.2025", "B1", "Zertifikat"],
        ["P-1004", "01.06.2023", "A2", "Zertifikat"],
    ],
    WORK.name: [
        ["P-1001", "15.01.2024", "sprachkurs"],
        ["P-1001", "01.09.2025", "beschaeftigt_svp"],
        ["P-1004", "01.02.2024", "ausbildung"],
    ],
    HOUSING.name: [
        ["P-1001", "15.01.2024", "anschlussunterbringung", "08118048"],
        ["P-1004", "01.06.2023", "anschlussunterbringung", "08118046"],
        ["P-1004", "15.09.2025", "privater_mietvertrag", "08118046"],
    ],
    CONTACTS.name: [
        [
            "F-2001",
            "15.01.2024",
            60,
            "buero",
            "sprache, aufenthalt",
            "ara",
            "Erstgespräch, Integrationsplan vereinbart",
        ],
        ["F-2001", "12.03.2024", 30, "telefonisch", "arbeit_ausbildung", "", ""],
        ["F-2002", "01.06.2023", 45, "hausbesuch", "wohnen", "ukr", "Wohnungssuche besprochen"],
    ],
    SHELTERS.name: [
        [
            "U-10",
            "Wohnungen Hoferstraße",
            "anschlussunterbringung",
            "08118048",
            "Hoferstraße 12",
            "71636",
            "caritas-lb",
            "teilweise",
            "01.01.2016",
            "",
        ],
    ],
    PLACES.name: [
        ["U-10", "Wohnung 1", 1, "01.01.2016", ""],
        ["U-10", "Wohnung 1", 2, "01.01.2016", ""],
        ["U-10", "Wohnung 1", 3, "01.01.2016", ""],
        ["U-10", "Wohnung 2", 4, "01.01.2016", "31.12.2025"],
    ],
    STAYS.name: [
        ["P-1001", "U-10", "Wohnung 1", 1, "15.01.2024", "", "", "zuweisung"],
        ["P-1002", "U-10", "Wohnung 1", 2, "15.01.2024", "", "", "zuweisung"],
        ["P-1003", "U-10", "Wohnung 1", "", "15.01.2024", "", "", ""],
        ["P-1004", "U-10", "Wohnung 2", 4, "01.06.2023", "15.09.2025", "privater_mietvertrag", "zuweisung"],
    ],
    ASSIGNMENTS.name: [
        ["Z-500", "10.01.2024", "08118048", "LRA 52.1-2024/017", "P-1001", "15.01.2024", "U-10", "Wohnung 1"],
        ["Z-500", "10.01.2024", "08118048", "LRA 52.1-2024/017", "P-1002", "15.01.2024", "U-10", "Wohnung 1"],
        ["Z-500", "10.01.2024", "08118048", "LRA 52.1-2024/017", "P-1003", "15.01.2024", "U-10", "Wohnung 1"],
        ["Z-501", "20.05.2023", "08118046", "", "P-1004", "", "", ""],
    ],
}
