"""Checking one data row of a sheet and turning it into a staging row.

Each parser returns the tuple that is copied into the sheet's staging table,
or records the row's problems (every bad cell, not only the first). A row
with problems is still staged with its ID and ``bad`` set, so rows that
refer to it are not reported a second time as referring to nothing.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.accommodation.choices import Accessibility, MoveOutReason, ResidenceBasis, ShelterKind
from lotse.cases.choices import ClosingReason, ContactForm, FieldOfAction
from lotse.core.access import Capability, roles_holding
from lotse.core.models import Municipality, Organisation, User
from lotse.imports import cells
from lotse.imports.cells import CellError, Memo
from lotse.imports.workbook import (
    ASSIGNMENTS,
    CASES,
    CONTACTS,
    EVIDENCE_NAMES,
    HOUSING,
    LANGUAGE,
    PERSONS,
    PLACES,
    RESIDENCE,
    SHELTERS,
    STAYS,
    WORK,
    Problem,
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
from lotse.people.search import search_texts
from lotse.people.vocabulary import LANGUAGE_CODES, NATIONALITY_CODES, language_spellings

GENDERS = cells.code_table(Gender.values)
NATIONALITIES = cells.code_table(NATIONALITY_CODES, **{"ungeklärt": UNRESOLVED})
# ISO 639-3 and ISO 639-1 codes and the languages' German and English names ("Dari", "Kurmandschi").
LANGUAGES = cells.code_table(LANGUAGE_CODES, **language_spellings())
CLOSING_REASONS = cells.code_table(ClosingReason.values)
RESIDENCE_STATUSES = cells.code_table(ResidenceStatus.values)
LEVELS = cells.code_table(LanguageLevel.values)
EVIDENCE = cells.code_table(LanguageEvidence.values)
WORK_SITUATIONS = cells.code_table(WorkSituation.values)
HOUSING_SITUATIONS = cells.code_table(HousingSituation.values)
CONTACT_FORMS = cells.code_table(ContactForm.values)
FIELDS_OF_ACTION = cells.code_table(FieldOfAction.values)
SHELTER_KINDS = cells.code_table(ShelterKind.values)
ACCESSIBILITIES = cells.code_table(Accessibility.values)
MOVE_OUT_REASONS = cells.code_table(MoveOutReason.values)
BASES = cells.code_table(ResidenceBasis.values)
# The codes named in a message; computed once (Django's .values builds a new list per call).
GENDER_CODES = list(Gender.values)
CLOSING_REASON_CODES = list(ClosingReason.values)
RESIDENCE_CODES = list(ResidenceStatus.values)
LEVEL_CODES = list(LanguageLevel.values)
WORK_CODES = list(WorkSituation.values)
HOUSING_CODES = list(HousingSituation.values)
CONTACT_FORM_CODES = list(ContactForm.values)
SHELTER_KIND_CODES = list(ShelterKind.values)
ACCESSIBILITY_CODES = list(Accessibility.values)
MOVE_OUT_REASON_CODES = list(MoveOutReason.values)
BASIS_CODES = list(ResidenceBasis.values)
# The highest place number a sheet may give.
MAX_PLACE_NUMBER = 99_999


# What a list of codes holds, named in its error message (translated when a message is shown, not per row).
WHAT_NATIONALITIES = gettext_lazy("nationality codes")
WHAT_LANGUAGES = gettext_lazy("language codes")
WHAT_FIELDS = gettext_lazy("fields of action")
EVIDENCE_CODES = list(EVIDENCE_NAMES.values())
# Cell parsers of one argument (Row.get); those of codes are memoised per import (Lookups.parsers).
TEXT_100 = functools.partial(cells.bounded_text, max_length=100)
TEXT_200 = functools.partial(cells.bounded_text, max_length=200)
DURATION = functools.partial(cells.integer, low=1, high=720)
PLACE_NUMBER = functools.partial(cells.integer, low=1, high=MAX_PLACE_NUMBER)
CODE_PARSERS: dict[str, Callable[[Any], Any]] = {
    "gender": functools.partial(cells.code, table=GENDERS, allowed=GENDER_CODES),
    "closing_reason": functools.partial(cells.code, table=CLOSING_REASONS, allowed=CLOSING_REASON_CODES),
    "residence_status": functools.partial(cells.code, table=RESIDENCE_STATUSES, allowed=RESIDENCE_CODES),
    "level": functools.partial(cells.code, table=LEVELS, allowed=LEVEL_CODES),
    "evidence": functools.partial(cells.code, table=EVIDENCE, allowed=EVIDENCE_CODES),
    "work_situation": functools.partial(cells.code, table=WORK_SITUATIONS, allowed=WORK_CODES),
    "housing_situation": functools.partial(cells.code, table=HOUSING_SITUATIONS, allowed=HOUSING_CODES),
    "contact_form": functools.partial(cells.code, table=CONTACT_FORMS, allowed=CONTACT_FORM_CODES),
    "shelter_kind": functools.partial(cells.code, table=SHELTER_KINDS, allowed=SHELTER_KIND_CODES),
    "accessibility": functools.partial(cells.code, table=ACCESSIBILITIES, allowed=ACCESSIBILITY_CODES),
    "move_out_reason": functools.partial(cells.code, table=MOVE_OUT_REASONS, allowed=MOVE_OUT_REASON_CODES),
    "basis": functools.partial(cells.code, table=BASES, allowed=BASIS_CODES),
    "nationalities": functools.partial(cells.code_list, table=NATIONALITIES, what=WHAT_NATIONALITIES),
    "languages": functools.partial(cells.code_list, table=LANGUAGES, what=WHAT_LANGUAGES),
    "fields_of_action": functools.partial(cells.code_list, table=FIELDS_OF_ACTION, what=WHAT_FIELDS),
}


@dataclass
class Lookups:
    """What rows are checked against: the importing organisation and the installation's vocabularies."""

    organisation: Organisation
    today: datetime.date
    municipalities: dict[str, int] = field(default_factory=dict)
    caseworkers: dict[str, int] = field(default_factory=dict)
    # The cell parsers of this import, each keeping the spellings it met (see cells.Memo).
    parsers: dict[str, Callable[[Any], Any]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        today = self.today
        self.parsers = {
            "date": Memo(functools.partial(cells.date, today=today)),
            "future_date": Memo(functools.partial(cells.date, today=today, future_allowed=True)),
            "birth_date": Memo(functools.partial(cells.birth_date, today=today)),
            "ags": Memo(cells.ags),
            **{name: Memo(parse) for name, parse in CODE_PARSERS.items()},
        }

    @classmethod
    def load(cls, organisation: Organisation, today: datetime.date) -> Lookups:
        caseworkers = User.objects.filter(
            organisation=organisation, is_active=True, roles__overlap=list(roles_holding(Capability.CASEWORK))
        ).values_list("username", "pk")
        return cls(
            organisation=organisation,
            today=today,
            municipalities=dict(Municipality.objects.values_list("ags", "pk")),
            caseworkers={username.casefold(): pk for username, pk in caseworkers},
        )


class Row:
    """One data row being checked; problems collect in ``problems``."""

    __slots__ = ("bad_headers", "number", "problems", "sheet", "values")

    def __init__(self, sheet: SheetSpec, number: int, values: dict[str, Any], problems: list[Problem]) -> None:
        self.sheet = sheet
        self.number = number
        self.values = values
        self.problems = problems
        self.bad_headers: set[str] = set()

    @property
    def bad(self) -> bool:
        return bool(self.bad_headers)

    def problem(self, header: str, message: str) -> None:
        self.bad_headers.add(header)
        self.problems.append(
            Problem(self.sheet.name, self.number, header, cells.display(self.values.get(header)), message)
        )

    def get(self, header: str, parse: Callable[[Any], Any]) -> Any:
        """The cell parsed by ``parse`` (a function of the cell's value), or None after a problem with it."""
        try:
            return parse(self.values.get(header))
        except CellError as error:
            self.problem(header, error.message)
            return None

    def required(self, header: str, parse: Callable[[Any], Any]) -> Any:
        value = self.get(header, parse)
        if value in (None, "") and header not in self.bad_headers:
            self.problem(header, _("This cell must not be empty."))
        return value

    def bad_cell(self, header: str) -> bool:
        return header in self.bad_headers

    def municipality(self, header: str, lookups: Lookups) -> int | None:
        if cells.text(self.values.get(header)) == "":
            return None
        ags = self.get(header, lookups.parsers["ags"])
        if ags is None:
            return None
        municipality_id = lookups.municipalities.get(ags)
        if municipality_id is None:
            self.problem(header, _("No municipality with this key (AGS) is known in Lotse."))
        return municipality_id


def array_literal(codes: list[str]) -> str:
    """A list of codes in PostgreSQL's array syntax, for a text[] column of a staging table (cheaper than a list,
    which psycopg adapts element by element in Python)."""
    return "{" + ",".join('"' + code.replace("\\", "\\\\").replace('"', '\\"') + '"' for code in codes) + "}"


def _id(row: Row, header: str) -> str | None:
    """The row's key; a row without one cannot be staged at all."""
    value = row.get(header, cells.identifier)
    if value == "":
        row.problem(header, _("The ID is missing."))
        return None
    return str(value) if value is not None else None


def parse_person(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    ext = _id(row, "Personen-ID")
    if ext is None:
        return None
    household = row.get("Haushalts-ID", cells.identifier) or ext  # alone: a household of one, keyed by the person
    family_name = row.required("Familienname", TEXT_200)
    given_names = row.get("Vorname", TEXT_200) or ""
    birth_date, precision = row.get("Geburtsdatum", lookups.parsers["birth_date"]) or (None, "")
    gender = row.get("Geschlecht", lookups.parsers["gender"]) if cells.text(row.values.get("Geschlecht")) else "u"
    nationalities = row.get("Staatsangehörigkeit", lookups.parsers["nationalities"])
    languages = row.get("Sprachen", lookups.parsers["languages"])
    municipality_id = row.municipality("Gemeinde", lookups)
    if row.bad:
        return (row.number, True, ext, household, *([None] * 10))
    search_text, search_key = search_texts([family_name, given_names])
    return (
        row.number,
        False,
        ext,
        household,
        family_name,
        given_names,
        birth_date,
        precision,
        gender,
        array_literal(nationalities),
        array_literal(languages),
        municipality_id,
        search_text,
        search_key,
    )


def _own_carrier(row: Row, lookups: Lookups, message: str) -> None:
    """The column Träger is empty or names the importing organisation."""
    carrier = cells.text(row.values.get("Träger"))
    if carrier and cells.fold_code(carrier) != cells.fold_code(lookups.organisation.short_name):
        row.problem("Träger", message % {"short_name": lookups.organisation.short_name})


def parse_case(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    ext = _id(row, "Fall-ID")
    if ext is None:
        return None
    household = row.required("Haushalts-ID", cells.identifier)
    _own_carrier(row, lookups, _("Cases can only be imported for the importing organisation “%(short_name)s”."))
    if cells.text(row.values.get("Gemeinde")) == "":
        row.problem("Gemeinde", _("This cell must not be empty."))
    municipality_id = row.municipality("Gemeinde", lookups)
    start = row.required("Beginn", lookups.parsers["date"])
    end = row.get("Ende", lookups.parsers["date"])
    reason = None
    if cells.text(row.values.get("Abschlussgrund")):
        reason = row.get("Abschlussgrund", lookups.parsers["closing_reason"])
    if end is not None and start is not None and end < start:
        row.problem("Ende", _("The end cannot be before the start."))
    if end is not None and reason is None and not row.bad_cell("Abschlussgrund"):
        row.problem("Abschlussgrund", _("A case with an end needs a closing reason."))
    if end is None and reason and not row.bad_cell("Ende"):
        row.problem("Ende", _("A closing reason is given, but no end."))
    responsible_id = None
    username = cells.text(row.values.get("Fallverantwortung"))
    if username:
        responsible_id = lookups.caseworkers.get(username.casefold())
        if responsible_id is None:
            row.problem(
                "Fallverantwortung",
                _("No active caseworker of %(short_name)s has this user name.")
                % {"short_name": lookups.organisation.short_name},
            )
    if row.bad:
        return (row.number, True, ext, household, *([None] * 5))
    return (row.number, False, ext, household, municipality_id, start, end, reason or "", responsible_id)


def _status_start(row: Row, header: str, lookups: Lookups) -> tuple[str | None, datetime.date | None]:
    person = row.required("Personen-ID", cells.identifier)
    valid_from = row.required(header, lookups.parsers["date"])
    return person, valid_from


def parse_residence(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    person, valid_from = _status_start(row, "gültig ab", lookups)
    status = row.required("Status", lookups.parsers["residence_status"])
    legal_basis = row.get("Rechtsgrundlage", TEXT_100)
    valid_until = row.get("gültig bis", lookups.parsers["future_date"])
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        row.problem("gültig bis", _("The expiry cannot be before the start."))
    if not person:
        return None
    if row.bad:
        return (row.number, True, person, None, None, None, None)
    return (row.number, False, person, valid_from, status, legal_basis or "", valid_until)


def parse_language(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    person, valid_from = _status_start(row, "Datum", lookups)
    level = row.required("Niveau", lookups.parsers["level"])
    evidence: str = LanguageEvidence.ESTIMATE.value
    if cells.text(row.values.get("Nachweis")):
        evidence = row.get("Nachweis", lookups.parsers["evidence"])
    if not person:
        return None
    if row.bad:
        return (row.number, True, person, None, None, None)
    return (row.number, False, person, valid_from, level, evidence)


def parse_work(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    person, valid_from = _status_start(row, "gültig ab", lookups)
    situation = row.required("Situation", lookups.parsers["work_situation"])
    if not person:
        return None
    if row.bad:
        return (row.number, True, person, None, None)
    return (row.number, False, person, valid_from, situation)


def parse_housing(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    person, valid_from = _status_start(row, "gültig ab", lookups)
    situation = row.required("Situation", lookups.parsers["housing_situation"])
    municipality_id = row.municipality("Gemeinde", lookups)
    if not person:
        return None
    if row.bad:
        return (row.number, True, person, None, None, None)
    return (row.number, False, person, valid_from, situation, municipality_id)


def parse_contact(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    case = row.required("Fall-ID", cells.identifier)
    day = row.required("Datum", lookups.parsers["date"])
    duration = row.required("Dauer (Minuten)", DURATION)
    form = row.required("Form", lookups.parsers["contact_form"])
    topics = row.get("Themen", lookups.parsers["fields_of_action"])
    interpreted = row.get("Dolmetschung", lookups.parsers["languages"])
    if interpreted and len(interpreted) > 1:
        row.problem("Dolmetschung", _("Name one language."))
    note = row.get("Notiz", cells.multiline_text)
    if not case:
        return None
    if row.bad:
        return (row.number, True, case, None, None, None, None, None, None)
    interpreter = interpreted[0] if interpreted else ""
    return (row.number, False, case, day, duration, form, array_literal(topics), interpreter, note or "")


def _postal_code(value: Any) -> str:
    """Five digits; Excel drops the leading zero of 01067 when the cell is a number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = cells.text(value)
    if isinstance(value, int) and 0 < len(raw) < 5:
        raw = raw.zfill(5)
    if raw and not (len(raw) == 5 and raw.isdigit()):
        raise CellError(_("A postal code has 5 digits."))
    return raw


def parse_shelter(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    ext = _id(row, "Unterkunfts-ID")
    if ext is None:
        return None
    name = row.required("Name", TEXT_200)
    kind = row.required("Art", lookups.parsers["shelter_kind"])
    if cells.text(row.values.get("Gemeinde")) == "":
        row.problem("Gemeinde", _("This cell must not be empty."))
    municipality_id = row.municipality("Gemeinde", lookups)
    street = row.get("Straße", TEXT_200)
    postal_code = row.get("PLZ", _postal_code)
    _own_carrier(row, lookups, _("Shelters can only be imported for the importing organisation “%(short_name)s”."))
    accessibility: str | None = Accessibility.UNBEKANNT.value
    if cells.text(row.values.get("Barrierefreiheit")):
        accessibility = row.get("Barrierefreiheit", lookups.parsers["accessibility"])
    operating_from = row.get("in Betrieb ab", lookups.parsers["future_date"])
    operating_to = row.get("in Betrieb bis", lookups.parsers["future_date"])
    if operating_from is not None and operating_to is not None and operating_to < operating_from:
        row.problem("in Betrieb bis", _("The end of operation cannot be before its start."))
    if row.bad:
        return (row.number, True, ext, *([None] * 8))
    return (
        row.number,
        False,
        ext,
        name,
        kind,
        municipality_id,
        street or "",
        postal_code or "",
        accessibility,
        operating_from,
        operating_to,
    )


def parse_place(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    shelter = row.required("Unterkunfts-ID", cells.identifier)
    unit = row.get("Wohneinheit", TEXT_100)
    number = row.required("Platz", PLACE_NUMBER)
    available_from = row.required("verfügbar ab", lookups.parsers["future_date"])
    available_to = row.get("verfügbar bis", lookups.parsers["future_date"])
    if available_from is not None and available_to is not None and available_to <= available_from:
        row.problem("verfügbar bis", _("A place is given up after the day it became available."))
    if not shelter:
        return None
    if row.bad:
        return (row.number, True, shelter, None, number, None, None)
    return (row.number, False, shelter, unit or "", number, available_from, available_to)


def parse_stay(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    person = row.required("Personen-ID", cells.identifier)
    shelter = row.required("Unterkunfts-ID", cells.identifier)
    unit = row.get("Wohneinheit", TEXT_100)
    number = row.get("Platz", PLACE_NUMBER)
    move_in = row.required("Einzug", lookups.parsers["date"])
    move_out = row.get("Auszug", lookups.parsers["date"])
    reason = ""
    if cells.text(row.values.get("Auszugsgrund")):
        reason = row.get("Auszugsgrund", lookups.parsers["move_out_reason"]) or ""
    basis: str | None = ResidenceBasis.ZUWEISUNG.value
    if cells.text(row.values.get("Grundlage")):
        basis = row.get("Grundlage", lookups.parsers["basis"])
    if move_in is not None and move_out is not None and move_out <= move_in:
        row.problem("Auszug", _("The move-out must be after the move-in."))
    if move_out is not None and not reason and not row.bad_cell("Auszugsgrund"):
        row.problem("Auszugsgrund", _("A stay with a move-out needs a reason for moving out."))
    if move_out is None and reason and not row.bad_cell("Auszug"):
        row.problem("Auszug", _("A reason for moving out is given, but no move-out."))
    if not person or not shelter:
        return None
    if row.bad:
        return (row.number, True, person, shelter, None, None, None, None, None, None)
    return (row.number, False, person, shelter, unit or "", number, move_in, move_out, reason, basis)


def parse_assignment(row: Row, lookups: Lookups) -> tuple[Any, ...] | None:
    ext = _id(row, "Zuweisungs-ID")
    if ext is None:
        return None
    day = row.required("Datum", lookups.parsers["date"])
    if cells.text(row.values.get("Gemeinde")) == "":
        row.problem("Gemeinde", _("This cell must not be empty."))
    municipality_id = row.municipality("Gemeinde", lookups)
    reference = row.get("Aktenzeichen", TEXT_100)
    person = row.get("Personen-ID", cells.identifier)
    # The three columns of the future home may be left out of the sheet: then Lotse's values stay (None here);
    # an empty cell of a column that is there empties the value.
    arrival_given = "geplante Ankunft" in row.values
    planned = row.get("geplante Ankunft", lookups.parsers["future_date"])
    if day is not None and planned is not None and planned < day:
        row.problem("geplante Ankunft", _("The planned arrival cannot be before the date of assignment."))
    shelter = None
    if "künftige Unterkunfts-ID" in row.values:
        shelter = row.get("künftige Unterkunfts-ID", cells.identifier)
    address = None
    if "künftige Anschrift" in row.values:
        address = row.get("künftige Anschrift", TEXT_200)
    if row.bad:
        return (row.number, True, ext, None, None, None, person or "", None, arrival_given, None, None)
    return (
        row.number,
        False,
        ext,
        day,
        municipality_id,
        reference or "",
        person or "",
        planned,
        arrival_given,
        shelter,
        address,
    )


PARSERS: dict[str, Callable[[Row, Lookups], tuple[Any, ...] | None]] = {
    PERSONS.name: parse_person,
    CASES.name: parse_case,
    RESIDENCE.name: parse_residence,
    LANGUAGE.name: parse_language,
    WORK.name: parse_work,
    HOUSING.name: parse_housing,
    CONTACTS.name: parse_contact,
    SHELTERS.name: parse_shelter,
    PLACES.name: parse_place,
    STAYS.name: parse_stay,
    ASSIGNMENTS.name: parse_assignment,
}
