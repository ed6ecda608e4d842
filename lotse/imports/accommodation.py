"""The accommodation sheets of the workbook: shelters, places, stays and assignments.

Part of the import engine (``lotse.imports.engine``): the rows are staged
like those of the other sheets; here are the checks across rows and the
merge, set-based in SQL. Keys within the importing organisation:

- a shelter by its ``Unterkunfts-ID``,
- a place by (shelter, place number), its unit by (shelter, unit name),
- a stay by (person, move-in): one person has one stay at a time,
- an assignment by its ``Zuweisungs-ID``; its persons by (assignment, person).

A stay without a place number gets the lowest-numbered place of its shelter
(and unit) that is available and free for the whole stay, the rows taken in
the order of their move-in, so the same workbook always gives the same
places; a stay already in Lotse keeps its place.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from lotse.accommodation.models import Assignment
from lotse.arrivals.intake import create_arrivals
from lotse.imports.workbook import ASSIGNMENTS, PLACES, SHELTERS, STAYS, Problem

if TYPE_CHECKING:
    from lotse.imports.engine import _Importer

# "Available until" of a place without end, and "moved out" of a stay without end, when comparing.
_OPEN = datetime.date.max
# An assignment new to Lotse whose household arrives (planned arrival, else the date of the assignment) this many
# days before the import or later reaches the integration management responsible there as a new arrival, as one
# recorded in Lotse does; an older one is history.
RECENT_ARRIVAL_DAYS = 28
# A date range as the messages show it.
_RANGE = "to_char({start}, 'DD.MM.YYYY') || ' – ' || COALESCE(to_char({end}, 'DD.MM.YYYY'), '…')"


def _unknown_shelter(importer: _Importer, sheet: str) -> None:
    table = "imp_place" if sheet == PLACES.name else "imp_stay"
    found = importer._fetch(
        f"""SELECT row_no, shelter_ext, NULL FROM {table} s
            WHERE NOT EXISTS (SELECT 1 FROM imp_shelter u WHERE u.ext = s.shelter_ext)
            AND NOT EXISTS (
                SELECT 1 FROM accommodation_shelter t
                WHERE t.organisation_id = %(org)s AND t.external_id = s.shelter_ext
            ) ORDER BY row_no"""
    )
    importer._flag(
        sheet, found, "Unterkunfts-ID", _("No shelter has this ID, neither in the sheet Unterkünfte nor in Lotse.")
    )


def _unknown_person(importer: _Importer, sheet: str) -> None:
    table = "imp_stay" if sheet == STAYS.name else "imp_assignment"
    found = importer._fetch(
        f"""SELECT row_no, person_ext, NULL FROM {table} s
            WHERE s.person_ext <> ''
            AND NOT EXISTS (SELECT 1 FROM imp_person p WHERE p.ext = s.person_ext)
            AND NOT EXISTS (
                SELECT 1 FROM people_person p WHERE p.organisation_id = %(org)s AND p.external_id = s.person_ext
            ) ORDER BY row_no"""
    )
    importer._flag(sheet, found, "Personen-ID", _("No person has this ID, neither in the sheet Personen nor in Lotse."))


def check(importer: _Importer) -> None:
    """The checks across rows of the accommodation sheets (each problem leaves its row out)."""
    staged = importer.staged
    if not staged & {SHELTERS.name, PLACES.name, STAYS.name, ASSIGNMENTS.name}:
        return
    if SHELTERS.name in staged:
        _check_shelters(importer)
    if PLACES.name in staged:
        _unknown_shelter(importer, PLACES.name)
        importer._duplicates_of(
            PLACES.name,
            "shelter_ext, number",
            "number::text",
            "Platz",
            _("This shelter already has a place with this number (row %(first)s)."),
        )
    if STAYS.name in staged:
        _unknown_person(importer, STAYS.name)
        _unknown_shelter(importer, STAYS.name)
        importer._duplicates_of(
            STAYS.name,
            "person_ext, move_in",
            "to_char(move_in, 'DD.MM.YYYY')",
            "Einzug",
            _("This person already has a stay with this move-in (row %(first)s)."),
        )
    _effective_places(importer)
    if STAYS.name in staged:
        _check_stay_places(importer)
        _keep_places_of_stays_in_lotse(importer)
        _choose_free_places(importer)
    _effective_stays(importer)
    if STAYS.name in staged:
        _check_overlaps(importer)
        _check_availability(importer)
    if PLACES.name in staged:
        _check_stays_in_lotse_outside(importer)
    if ASSIGNMENTS.name in staged:
        _check_assignments(importer)
    importer._execute("DROP TABLE imp_eff_place")
    importer._execute("DROP TABLE imp_eff_stay")


def _check_shelters(importer: _Importer) -> None:
    importer._duplicates(
        SHELTERS.name,
        "ext",
        "Unterkunfts-ID",
        _("This shelter ID appears more than once (first in row %(first)s)."),
    )
    importer._duplicates_of(
        SHELTERS.name,
        "name",
        "name",
        "Name",
        _("Another shelter in this sheet has this name (row %(first)s)."),
    )
    # A name of another shelter of the organisation in Lotse, unless this workbook renames that shelter.
    found = importer._fetch(
        """SELECT s.row_no, s.name, NULL FROM imp_shelter s
           JOIN accommodation_shelter t ON t.organisation_id = %(org)s AND t.name = s.name
           WHERE NOT s.bad AND t.external_id IS DISTINCT FROM s.ext
           AND NOT EXISTS (SELECT 1 FROM imp_shelter o WHERE o.ext = t.external_id AND o.name <> t.name)
           ORDER BY s.row_no"""
    )
    importer._flag(SHELTERS.name, found, "Name", _("Another shelter of your organisation in Lotse has this name."))


def _effective_places(importer: _Importer) -> None:
    """The places after the import, keyed by (shelter ID, number): the sheet's, and Lotse's it leaves alone."""
    importer._execute(
        """CREATE TEMP TABLE imp_eff_place (
               shelter_ext text, number int, unit_name text, available_from date, available_to date, row_no int
           ) ON COMMIT DROP"""
    )
    if PLACES.name in importer.staged:
        importer._execute(
            """INSERT INTO imp_eff_place
               SELECT shelter_ext, number, unit_name, available_from, available_to, row_no
               FROM imp_place WHERE NOT bad"""
        )
    shelters = " UNION ".join(
        f"SELECT shelter_ext FROM {table}"
        for sheet, table in ((PLACES.name, "imp_place"), (STAYS.name, "imp_stay"))
        if sheet in importer.staged
    )
    if not shelters:
        return
    importer._execute(
        f"""INSERT INTO imp_eff_place
            SELECT t.external_id, l.number, COALESCE(u.name, ''), l.available_from, l.available_to, NULL
            FROM accommodation_place l
            JOIN accommodation_shelter t ON t.id = l.shelter_id
            LEFT JOIN accommodation_unit u ON u.id = l.unit_id
            WHERE t.organisation_id = %(org)s AND t.external_id IN ({shelters})
            AND NOT EXISTS (
                SELECT 1 FROM imp_eff_place e
                WHERE e.row_no IS NOT NULL AND e.shelter_ext = t.external_id AND e.number = l.number
            )"""
    )
    importer._execute("CREATE INDEX ON imp_eff_place (shelter_ext, number)")
    importer._execute("ANALYZE imp_eff_place")


def _check_stay_places(importer: _Importer) -> None:
    """A stay names a place the shelter has (in the sheet Plätze or in Lotse), in the unit it names."""
    found = importer._fetch(
        """SELECT s.row_no, s.number::text, NULL FROM imp_stay s
           WHERE NOT s.bad AND s.number IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM imp_place p WHERE p.shelter_ext = s.shelter_ext AND p.number = s.number)
           AND NOT EXISTS (SELECT 1 FROM imp_eff_place e WHERE e.shelter_ext = s.shelter_ext AND e.number = s.number)
           ORDER BY s.row_no"""
    )
    importer._flag(
        STAYS.name,
        found,
        "Platz",
        _("The shelter has no place with this number, neither in the sheet Plätze nor in Lotse."),
    )
    found = importer._fetch(
        """SELECT s.row_no, s.unit_name, CASE WHEN e.unit_name = '' THEN '–' ELSE e.unit_name END
           FROM imp_stay s JOIN imp_eff_place e ON e.shelter_ext = s.shelter_ext AND e.number = s.number
           WHERE NOT s.bad AND s.unit_name <> '' AND s.unit_name <> e.unit_name ORDER BY s.row_no"""
    )
    importer._flag(STAYS.name, found, "Wohneinheit", _("This place belongs to the unit “%(first)s”."))


def _keep_places_of_stays_in_lotse(importer: _Importer) -> None:
    """A stay without place number that is in Lotse already (same person and move-in) keeps its place."""
    importer._execute(
        """UPDATE imp_stay s SET number = l.number
           FROM accommodation_occupancy o
           JOIN people_person p ON p.id = o.person_id
           JOIN accommodation_place l ON l.id = o.place_id
           JOIN accommodation_shelter t ON t.id = l.shelter_id
           JOIN imp_eff_place e ON e.shelter_ext = t.external_id AND e.number = l.number
           WHERE s.number IS NULL AND NOT s.bad
           AND p.organisation_id = %(org)s AND p.external_id = s.person_ext AND o.move_in = s.move_in
           AND t.organisation_id = %(org)s AND t.external_id = s.shelter_ext
           AND (s.unit_name = '' OR s.unit_name = e.unit_name)"""
    )


def _choose_free_places(importer: _Importer) -> None:
    """Give each stay without place number the lowest-numbered place free for all of it, in move-in order."""
    wanted = importer._fetch(
        """SELECT row_no, shelter_ext, unit_name, move_in, move_out FROM imp_stay
           WHERE number IS NULL AND NOT bad ORDER BY shelter_ext, move_in, row_no"""
    )
    if not wanted:
        return
    shelters = sorted({row[1] for row in wanted})
    places: dict[str, list[tuple[int, str, datetime.date, datetime.date]]] = defaultdict(list)
    for shelter, number, unit, available_from, available_to in importer._fetch(
        """SELECT shelter_ext, number, unit_name, available_from, available_to FROM imp_eff_place
           WHERE shelter_ext = ANY(%(shelters)s::text[]) ORDER BY shelter_ext, number""",
        {"shelters": shelters},
    ):
        places[shelter].append((number, unit, available_from, available_to or _OPEN))
    busy: dict[tuple[str, int], list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for shelter, number, move_in, move_out in _stays_on(importer, shelters):
        busy[(shelter, number)].append((move_in, move_out or _OPEN))
    chosen: list[tuple[int, int]] = []
    full: list[tuple[int, str, None]] = []
    for row_no, shelter, unit, move_in, move_out in wanted:
        end = move_out or _OPEN
        for number, place_unit, available_from, available_to in places[shelter]:
            if unit and place_unit != unit:
                continue
            if not (available_from <= move_in and end <= available_to):
                continue
            if any(start < end and move_in < stop for start, stop in busy[(shelter, number)]):
                continue
            busy[(shelter, number)].append((move_in, end))
            chosen.append((row_no, number))
            break
        else:
            full.append((row_no, "", None))
    if chosen:
        importer._execute(
            """UPDATE imp_stay s SET number = v.number
               FROM unnest(%(rows)s::int[], %(numbers)s::int[]) AS v(row_no, number) WHERE s.row_no = v.row_no""",
            {"rows": [row for row, _number in chosen], "numbers": [number for _row, number in chosen]},
        )
    importer._flag(
        STAYS.name,
        full,
        "Platz",
        _("No place of this shelter (or unit) is available and free for the whole stay; give the place number."),
    )


def _stays_on(importer: _Importer, shelters: list[str]) -> list[tuple[str, int, datetime.date, datetime.date | None]]:
    """The stays with a place in these shelters: the sheet's, and Lotse's it does not replace."""
    return [
        (shelter, number, move_in, move_out)
        for shelter, number, move_in, move_out in importer._fetch(
            """SELECT shelter_ext, number, move_in, move_out FROM imp_stay
               WHERE NOT bad AND number IS NOT NULL AND shelter_ext = ANY(%(shelters)s::text[])
               UNION ALL
               SELECT t.external_id, l.number, o.move_in, o.move_out
               FROM accommodation_occupancy o
               JOIN accommodation_place l ON l.id = o.place_id
               JOIN accommodation_shelter t ON t.id = l.shelter_id
               JOIN people_person p ON p.id = o.person_id
               WHERE t.organisation_id = %(org)s AND t.external_id = ANY(%(shelters)s::text[])
               AND NOT (p.organisation_id = %(org)s AND EXISTS (
                   SELECT 1 FROM imp_stay s WHERE NOT s.bad AND s.person_ext = p.external_id AND s.move_in = o.move_in
               ))""",
            {"shelters": shelters},
        )
    ]


def _effective_stays(importer: _Importer) -> None:
    """The stays after the import that the checks compare: the sheet's, and Lotse's it leaves alone.

    Lotse's stays are those of the persons in the sheet (any shelter) and those on the places of the
    shelters in the workbook (any person); a stay of a person of another organisation has no person ID here.
    """
    importer._execute(
        """CREATE TEMP TABLE imp_eff_stay (
               row_no int, person_ext text, shelter_ext text, number int, move_in date, move_out date
           ) ON COMMIT DROP"""
    )
    if STAYS.name in importer.staged:
        importer._execute(
            """INSERT INTO imp_eff_stay
               SELECT row_no, person_ext, shelter_ext, number, move_in, move_out
               FROM imp_stay WHERE NOT bad AND number IS NOT NULL"""
        )
        persons = "SELECT o.id FROM accommodation_occupancy o JOIN people_person p ON p.id = o.person_id"
        persons += " WHERE p.organisation_id = %(org)s AND p.external_id IN (SELECT person_ext FROM imp_stay)"
    else:
        persons = ""
    shelters = " UNION ".join(
        f"SELECT shelter_ext FROM {table}"
        for sheet, table in ((PLACES.name, "imp_place"), (STAYS.name, "imp_stay"))
        if sheet in importer.staged
    )
    if not shelters:
        return
    on_places = f"""SELECT o.id FROM accommodation_occupancy o
        JOIN accommodation_place l ON l.id = o.place_id JOIN accommodation_shelter t ON t.id = l.shelter_id
        WHERE t.organisation_id = %(org)s AND t.external_id IN ({shelters})"""
    stays = f"{persons} UNION {on_places}" if persons else on_places
    importer._execute(
        f"""INSERT INTO imp_eff_stay
            SELECT NULL, CASE WHEN p.organisation_id = %(org)s AND p.external_id <> '' THEN p.external_id END,
                CASE WHEN t.organisation_id = %(org)s AND t.external_id <> '' THEN t.external_id END,
                l.number, o.move_in, o.move_out
            FROM ({stays}) k
            JOIN accommodation_occupancy o ON o.id = k.id
            JOIN people_person p ON p.id = o.person_id
            JOIN accommodation_place l ON l.id = o.place_id
            JOIN accommodation_shelter t ON t.id = l.shelter_id
            WHERE NOT (p.organisation_id = %(org)s AND EXISTS (
                SELECT 1 FROM imp_eff_stay s
                WHERE s.row_no IS NOT NULL AND s.person_ext = p.external_id AND s.move_in = o.move_in
            ))"""
    )
    importer._execute("CREATE INDEX ON imp_eff_stay (person_ext)")
    importer._execute("CREATE INDEX ON imp_eff_stay (shelter_ext, number)")
    importer._execute("ANALYZE imp_eff_stay")


_OVERLAP = "daterange(a.move_in, a.move_out, '[)') && daterange(b.move_in, b.move_out, '[)')"


def _check_overlaps(importer: _Importer) -> None:
    """One stay per person at a time, one person per place at a time: in the sheet and beside Lotse's."""
    for key, column in (("a.person_ext = b.person_ext", "Einzug"), ("a.shelter_ext = b.shelter_ext", "Platz")):
        if column == "Platz":
            key += " AND a.number = b.number"
            in_sheet = _("The place is taken at this time by the stay in row %(first)s.")
            in_lotse = _("The place is taken at this time by a stay in Lotse (%(first)s).")
        else:
            in_sheet = _("The person has another stay at this time (row %(first)s).")
            in_lotse = _("The person has another stay at this time in Lotse (%(first)s).")
        found = importer._fetch(
            f"""SELECT DISTINCT ON (a.row_no) a.row_no, to_char(a.move_in, 'DD.MM.YYYY'), b.row_no
                FROM imp_eff_stay a JOIN imp_eff_stay b ON {key}
                WHERE a.row_no IS NOT NULL AND b.row_no < a.row_no AND {_OVERLAP}
                AND NOT EXISTS (SELECT 1 FROM imp_stay s WHERE s.row_no = a.row_no AND s.bad)
                ORDER BY a.row_no, b.row_no"""
        )
        importer._flag(STAYS.name, found, column, in_sheet)
        found = importer._fetch(
            f"""SELECT DISTINCT ON (a.row_no) a.row_no, to_char(a.move_in, 'DD.MM.YYYY'),
                    {_RANGE.format(start="b.move_in", end="b.move_out")}
                FROM imp_eff_stay a JOIN imp_eff_stay b ON {key}
                WHERE a.row_no IS NOT NULL AND b.row_no IS NULL AND {_OVERLAP}
                AND NOT EXISTS (SELECT 1 FROM imp_stay s WHERE s.row_no = a.row_no AND s.bad)
                ORDER BY a.row_no, b.move_in"""
        )
        importer._flag(STAYS.name, found, column, in_lotse)


def _check_availability(importer: _Importer) -> None:
    """A stay lies within the time its place is available (from the sheet Plätze, or as in Lotse)."""
    found = importer._fetch(
        f"""SELECT s.row_no, to_char(s.move_in, 'DD.MM.YYYY'),
                {_RANGE.format(start="e.available_from", end="e.available_to")}
            FROM imp_eff_stay s JOIN imp_eff_place e ON e.shelter_ext = s.shelter_ext AND e.number = s.number
            WHERE s.row_no IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM imp_stay b WHERE b.row_no = s.row_no AND b.bad)
            AND NOT (e.available_from <= s.move_in
                     AND COALESCE(s.move_out, 'infinity') <= COALESCE(e.available_to, 'infinity'))
            ORDER BY s.row_no"""
    )
    importer._flag(
        STAYS.name, found, "Einzug", _("The place is not available for the whole stay (available %(first)s).")
    )


def _check_stays_in_lotse_outside(importer: _Importer) -> None:
    """A place's new availability leaves no stay in Lotse (that the sheet Belegungen keeps) outside it."""
    found = importer._fetch(
        f"""SELECT DISTINCT ON (e.row_no) e.row_no, to_char(e.available_from, 'DD.MM.YYYY'),
                {_RANGE.format(start="s.move_in", end="s.move_out")}
            FROM imp_eff_place e JOIN imp_eff_stay s ON s.shelter_ext = e.shelter_ext AND s.number = e.number
            WHERE e.row_no IS NOT NULL AND s.row_no IS NULL
            AND NOT (e.available_from <= s.move_in
                     AND COALESCE(s.move_out, 'infinity') <= COALESCE(e.available_to, 'infinity'))
            ORDER BY e.row_no, s.move_in"""
    )
    importer._flag(
        PLACES.name,
        found,
        "verfügbar ab",
        _("A stay in Lotse on this place (%(first)s) lies outside the time it is available."),
    )


# The values every row of an assignment repeats.
_ASSIGNMENT_HEAD = "date, municipality_id, reference, planned_arrival, shelter_ext, address"
# The shelters of the importing organisation after the import: the sheet's, and Lotse's the sheet leaves alone.
_OWN_SHELTERS = """SELECT ext, municipality_id, bad FROM imp_shelter
    UNION ALL
    SELECT t.external_id, t.municipality_id, false FROM accommodation_shelter t
    WHERE t.organisation_id = %(org)s AND t.external_id <> ''
    AND NOT EXISTS (SELECT 1 FROM imp_shelter u WHERE u.ext = t.external_id)"""
# Shelters of other organisations in the assigned municipality with the row's future shelter ID.
_FOREIGN_SHELTERS = """SELECT t.id FROM accommodation_shelter t
    WHERE t.organisation_id <> %(org)s AND t.external_id = s.shelter_ext AND t.municipality_id = s.municipality_id"""


def _check_assignments(importer: _Importer) -> None:
    _unknown_person(importer, ASSIGNMENTS.name)
    found = importer._fetch(
        f"""WITH head AS (
               SELECT DISTINCT ON (ext) ext, row_no, {_ASSIGNMENT_HEAD} FROM imp_assignment
               WHERE NOT bad ORDER BY ext, row_no
           )
           SELECT s.row_no, s.ext, h.row_no FROM imp_assignment s JOIN head h ON h.ext = s.ext
           WHERE NOT s.bad AND s.row_no > h.row_no
           AND ({", ".join(f"s.{name.strip()}" for name in _ASSIGNMENT_HEAD.split(","))})
               IS DISTINCT FROM ({", ".join(f"h.{name.strip()}" for name in _ASSIGNMENT_HEAD.split(","))})
           ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "Zuweisungs-ID",
        _(
            "The rows of this assignment differ in date, municipality, reference, planned arrival, future shelter "
            "or future address (first row %(first)s)."
        ),
    )
    _check_future_shelters(importer)
    _check_kept_values(importer)
    found = importer._fetch(
        """SELECT row_no, person_ext, first FROM (
               SELECT row_no, person_ext, min(row_no) OVER (PARTITION BY ext, person_ext) AS first
               FROM imp_assignment WHERE person_ext <> ''
           ) t WHERE row_no > first ORDER BY row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "Personen-ID",
        _("This person is named twice in this assignment (first in row %(first)s)."),
    )


def _check_future_shelters(importer: _Importer) -> None:
    """A future shelter is one of the organisation's (in the sheet Unterkünfte or in Lotse) in the assigned
    municipality, else the one shelter of another organisation there with this ID."""
    found = importer._fetch(
        f"""WITH own AS ({_OWN_SHELTERS})
            SELECT s.row_no, s.shelter_ext, NULL FROM imp_assignment s
            WHERE NOT s.bad AND s.shelter_ext <> ''
            AND NOT EXISTS (SELECT 1 FROM own o WHERE o.ext = s.shelter_ext)
            AND NOT EXISTS ({_FOREIGN_SHELTERS})
            ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "künftige Unterkunfts-ID",
        _("No shelter has this ID, neither in the sheet Unterkünfte nor in Lotse."),
    )
    found = importer._fetch(
        f"""WITH own AS ({_OWN_SHELTERS})
            SELECT DISTINCT ON (s.row_no) s.row_no, s.shelter_ext, m.name FROM imp_assignment s
            JOIN own o ON o.ext = s.shelter_ext AND NOT o.bad
            JOIN core_municipality m ON m.id = o.municipality_id
            WHERE NOT s.bad AND o.municipality_id <> s.municipality_id
            ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "künftige Unterkunfts-ID",
        _("This shelter is not in the municipality of the assignment but in %(first)s."),
    )
    found = importer._fetch(
        f"""WITH own AS ({_OWN_SHELTERS})
            SELECT s.row_no, s.shelter_ext, NULL FROM imp_assignment s
            WHERE NOT s.bad AND s.shelter_ext <> ''
            AND NOT EXISTS (SELECT 1 FROM own o WHERE o.ext = s.shelter_ext)
            AND (SELECT count(*) FROM ({_FOREIGN_SHELTERS}) f) > 1
            ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "künftige Unterkunfts-ID",
        _("Several shelters of other organisations in this municipality have this ID."),
    )


def _check_kept_values(importer: _Importer) -> None:
    """Where the sheet leaves out the planned arrival or the future shelter, Lotse's value stays: it must still
    fit the date and municipality the sheet gives."""
    found = importer._fetch(
        """SELECT DISTINCT ON (s.row_no) s.row_no, to_char(s.date, 'DD.MM.YYYY'),
               to_char(a.planned_arrival, 'DD.MM.YYYY')
           FROM imp_assignment s
           JOIN accommodation_assignment a ON a.organisation_id = %(org)s AND a.external_id = s.ext
           WHERE NOT s.bad AND NOT s.arrival_given AND a.planned_arrival < s.date
           ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "Datum",
        _("In Lotse this assignment has the planned arrival %(first)s, before this date of assignment."),
    )
    found = importer._fetch(
        """SELECT DISTINCT ON (s.row_no) s.row_no, m.ags, t.name
           FROM imp_assignment s
           JOIN accommodation_assignment a ON a.organisation_id = %(org)s AND a.external_id = s.ext
           JOIN accommodation_shelter t ON t.id = a.future_shelter_id
           JOIN core_municipality m ON m.id = s.municipality_id
           WHERE NOT s.bad AND s.shelter_ext IS NULL AND t.municipality_id <> s.municipality_id
           ORDER BY s.row_no"""
    )
    importer._flag(
        ASSIGNMENTS.name,
        found,
        "Gemeinde",
        _("In Lotse the future shelter of this assignment is %(first)s, which is not in this municipality."),
    )


# The merge


def merge(importer: _Importer) -> None:
    staged = importer.staged
    if SHELTERS.name in staged:
        _merge_shelters(importer)
    if PLACES.name in staged:
        _merge_places(importer)
    if STAYS.name in staged:
        _merge_stays(importer)
    if ASSIGNMENTS.name in staged:
        _merge_assignments(importer)


_SHELTER_VALUES = "name, kind, municipality_id, street, postal_code, accessibility, in_operation_from, in_operation_to"
_SHELTER_STAGED = (
    "s.name, s.kind, s.municipality_id, s.street, s.postal_code, s.accessibility, s.operating_from, s.operating_to"
)


def _merge_shelters(importer: _Importer) -> None:
    updated = importer._execute(
        f"""UPDATE accommodation_shelter t SET ({_SHELTER_VALUES}, version) = ({_SHELTER_STAGED}, t.version + 1)
            FROM imp_shelter s
            WHERE t.organisation_id = %(org)s AND t.external_id = s.ext
            AND ({", ".join(f"t.{name.strip()}" for name in _SHELTER_VALUES.split(","))})
                IS DISTINCT FROM ({_SHELTER_STAGED})"""
    )
    created = importer._execute(
        f"""INSERT INTO accommodation_shelter (version, organisation_id, external_id, {_SHELTER_VALUES}, notes,
                created_at)
            SELECT 1, %(org)s, s.ext, {_SHELTER_STAGED}, '', now() FROM imp_shelter s
            ON CONFLICT (organisation_id, external_id) WHERE NOT (external_id = '') DO NOTHING"""
    )
    importer._analyze("accommodation_shelter")
    importer._count(SHELTERS.name, created, updated)


def _merge_places(importer: _Importer) -> None:
    importer._execute(
        """CREATE TEMP TABLE imp_place_resolved ON COMMIT DROP AS
           SELECT s.*, t.id AS shelter_id FROM imp_place s
           JOIN accommodation_shelter t ON t.organisation_id = %(org)s AND t.external_id = s.shelter_ext"""
    )
    importer._execute(
        """INSERT INTO accommodation_unit (version, shelter_id, name, accessible, notes)
           SELECT DISTINCT 1, shelter_id, unit_name, false, '' FROM imp_place_resolved WHERE unit_name <> ''
           ON CONFLICT (shelter_id, name) DO NOTHING"""
    )
    importer._execute(
        """CREATE TEMP TABLE imp_place_target ON COMMIT DROP AS
           SELECT r.shelter_id, r.number, u.id AS unit_id, r.available_from, r.available_to, l.id AS place_id
           FROM imp_place_resolved r
           LEFT JOIN accommodation_unit u ON u.shelter_id = r.shelter_id AND u.name = r.unit_name
           LEFT JOIN accommodation_place l ON l.shelter_id = r.shelter_id AND l.number = r.number"""
    )
    importer._analyze("imp_place_target")
    updated = importer._execute(
        """UPDATE accommodation_place l SET (unit_id, available_from, available_to)
               = (r.unit_id, r.available_from, r.available_to)
           FROM imp_place_target r
           WHERE l.id = r.place_id
           AND (l.unit_id, l.available_from, l.available_to) IS DISTINCT FROM (r.unit_id, r.available_from,
                r.available_to)"""
    )
    created = importer._execute(
        """INSERT INTO accommodation_place (shelter_id, unit_id, number, available_from, available_to)
           SELECT shelter_id, unit_id, number, available_from, available_to FROM imp_place_target
           WHERE place_id IS NULL"""
    )
    importer._analyze("accommodation_place")
    importer._count(PLACES.name, created, updated)
    importer._execute("DROP TABLE imp_place_resolved")
    importer._execute("DROP TABLE imp_place_target")


def _merge_stays(importer: _Importer) -> None:
    importer._execute(
        """CREATE TEMP TABLE imp_stay_resolved ON COMMIT DROP AS
           SELECT s.row_no, p.id AS person_id, l.id AS place_id, s.move_in, s.move_out, s.reason, s.basis
           FROM imp_stay s
           JOIN people_person p ON p.organisation_id = %(org)s AND p.external_id = s.person_ext
           JOIN accommodation_shelter t ON t.organisation_id = %(org)s AND t.external_id = s.shelter_ext
           JOIN accommodation_place l ON l.shelter_id = t.id AND l.number = s.number"""
    )
    importer._analyze("imp_stay_resolved")
    # Found before the insert, so no insert reads the table it fills (see _merge_persons).
    importer._execute(
        """CREATE TEMP TABLE imp_stay_target ON COMMIT DROP AS
           SELECT r.*, o.id AS occupancy_id FROM imp_stay_resolved r
           LEFT JOIN accommodation_occupancy o ON o.person_id = r.person_id AND o.move_in = r.move_in"""
    )
    importer._analyze("imp_stay_target")
    values = "place_id, move_out, move_out_reason, basis"
    staged = "r.place_id, r.move_out, r.reason, r.basis"
    updated = importer._execute(
        f"""UPDATE accommodation_occupancy o SET ({values}, version) = ({staged}, o.version + 1)
            FROM imp_stay_target r
            WHERE o.id = r.occupancy_id
            AND (o.place_id, o.move_out, o.move_out_reason, o.basis) IS DISTINCT FROM ({staged})"""
    )
    created = importer._execute(
        """INSERT INTO accommodation_occupancy (version, person_id, place_id, move_in, move_out, move_out_reason,
               basis, notes, recorded_by_id, created_at)
           SELECT 1, r.person_id, r.place_id, r.move_in, r.move_out, r.reason, r.basis, '', %(by)s, now()
           FROM imp_stay_target r WHERE r.occupancy_id IS NULL ORDER BY r.row_no"""
    )
    importer._analyze("accommodation_occupancy")
    importer._count(STAYS.name, created, updated)
    importer._execute("DROP TABLE imp_stay_resolved")
    importer._execute("DROP TABLE imp_stay_target")


# The values an assignment takes from its rows; a column the sheet leaves out keeps Lotse's value.
_ASSIGNMENT_VALUES = "date, municipality_id, reference, planned_arrival, future_shelter_id, future_address"
_ASSIGNMENT_STAGED = (
    "h.date, h.municipality_id, h.reference,"
    " CASE WHEN h.arrival_given THEN h.planned_arrival ELSE a.planned_arrival END,"
    " CASE WHEN h.shelter_ext IS NULL THEN a.future_shelter_id ELSE h.shelter_id END,"
    " COALESCE(h.address, a.future_address)"
)


def _new_arrivals(importer: _Importer) -> None:
    """The recent assignments new to Lotse, as new arrivals of the organisations responsible (one query each)."""
    since = importer.params["today"] - datetime.timedelta(days=RECENT_ARRIVAL_DAYS)
    recent = [
        row[0]
        for row in importer._fetch(
            """SELECT DISTINCT t.assignment_id FROM imp_assigned_target t
               JOIN accommodation_assignment a ON a.id = t.assignment_id
               WHERE t.new_assignment AND COALESCE(a.planned_arrival, a.date) >= %(since)s
               AND EXISTS (SELECT 1 FROM arrivals_responsibility r WHERE r.municipality_id = a.municipality_id)""",
            {"since": since},
        )
    ]
    arrivals = sum(
        len(create_arrivals(acting_user=importer.acting_user, assignment=assignment))
        for assignment in Assignment.objects.filter(pk__in=recent).order_by("date", "pk")
    )
    if not arrivals:
        return  # none of them, or nobody is responsible where they go
    importer.report.notices.append(
        Problem(
            ASSIGNMENTS.name,
            None,
            "",
            "",
            _(
                "New arrivals for the integration management responsible, from the new assignments whose household "
                "arrives from %(date)s on: %(arrivals)s."
            )
            % {"date": since.strftime("%d.%m.%Y"), "arrivals": arrivals},
        )
    )


def _merge_assignments(importer: _Importer) -> None:
    # The future shelter: the organisation's with the ID (after the shelters are merged), else the one of another
    # organisation in the assigned municipality (the checks left no row with two).
    importer._execute(
        """CREATE TEMP TABLE imp_assignment_head ON COMMIT DROP AS
           SELECT DISTINCT ON (s.ext) s.ext, s.date, s.municipality_id, s.reference, s.planned_arrival,
               s.arrival_given, s.shelter_ext, s.address,
               COALESCE(own.id, (
                   SELECT t.id FROM accommodation_shelter t
                   WHERE t.organisation_id <> %(org)s AND t.external_id = s.shelter_ext AND s.shelter_ext <> ''
                   AND t.municipality_id = s.municipality_id
               )) AS shelter_id,
               a.id AS assignment_id
           FROM imp_assignment s
           LEFT JOIN accommodation_shelter own
               ON own.organisation_id = %(org)s AND own.external_id = s.shelter_ext AND s.shelter_ext <> ''
           LEFT JOIN accommodation_assignment a ON a.organisation_id = %(org)s AND a.external_id = s.ext
           ORDER BY s.ext, s.row_no"""
    )
    importer._analyze("imp_assignment_head")
    changed = {
        row[0]
        for row in importer._fetch(
            f"""UPDATE accommodation_assignment a SET ({_ASSIGNMENT_VALUES}, version)
                   = ({_ASSIGNMENT_STAGED}, a.version + 1)
               FROM imp_assignment_head h
               WHERE a.id = h.assignment_id
               AND ({", ".join(f"a.{name.strip()}" for name in _ASSIGNMENT_VALUES.split(","))})
                   IS DISTINCT FROM ({_ASSIGNMENT_STAGED})
               RETURNING a.external_id"""
        )
    }
    importer._execute(
        """INSERT INTO accommodation_assignment (version, organisation_id, external_id, municipality_id, date,
               reference, notes, planned_arrival, future_shelter_id, future_address, created_by_id, created_at)
           SELECT 1, %(org)s, h.ext, h.municipality_id, h.date, h.reference, '', h.planned_arrival, h.shelter_id,
               COALESCE(h.address, ''), %(by)s, now()
           FROM imp_assignment_head h WHERE h.assignment_id IS NULL ORDER BY h.ext"""
    )
    importer._analyze("accommodation_assignment")
    importer._execute(
        """CREATE TEMP TABLE imp_assigned_target ON COMMIT DROP AS
           SELECT s.row_no, s.ext, a.id AS assignment_id, p.id AS person_id, h.assignment_id IS NULL AS new_assignment
           FROM imp_assignment s
           JOIN imp_assignment_head h ON h.ext = s.ext
           JOIN accommodation_assignment a ON a.organisation_id = %(org)s AND a.external_id = s.ext
           LEFT JOIN people_person p ON p.organisation_id = %(org)s AND p.external_id = s.person_ext
               AND s.person_ext <> ''"""
    )
    linked = {
        row[0]
        for row in importer._fetch(
            """WITH linked AS (
                   INSERT INTO accommodation_assignedperson (assignment_id, person_id)
                   SELECT assignment_id, person_id FROM imp_assigned_target WHERE person_id IS NOT NULL
                   ON CONFLICT (assignment_id, person_id) DO NOTHING
                   RETURNING assignment_id, person_id
               )
               SELECT t.row_no FROM imp_assigned_target t
               JOIN linked l ON l.assignment_id = t.assignment_id AND l.person_id = t.person_id"""
        )
    }
    _new_arrivals(importer)
    created, updated = importer._fetch(
        """SELECT count(*) FILTER (WHERE created),
               count(*) FILTER (WHERE NOT created AND ext = ANY(%(changed)s::text[]))
           FROM (
               SELECT ext, new_assignment OR row_no = ANY(%(linked)s::int[]) AS created FROM imp_assigned_target
           ) t""",
        {"linked": sorted(linked), "changed": sorted(changed)},
    )[0]
    importer._count(ASSIGNMENTS.name, created, updated)
    importer._execute("DROP TABLE imp_assignment_head")
    importer._execute("DROP TABLE imp_assigned_target")
