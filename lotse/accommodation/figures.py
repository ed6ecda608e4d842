"""Accommodation figures of a municipality at a reference date, as the city pages report them.

Everything is counted by aggregation in PostgreSQL, in one statement grouped
by municipality; no person is loaded into Python. The definitions (also on the
figures page and in ``docs/unterbringung.md``), for a municipality M, a
reference date D and a period start S:

- a stay is active on D when ``move_in <= D`` and (no move-out or ``move_out > D``);
- a shelter is in M when its municipality is M; VU are the kinds of
  ``PRELIMINARY_KINDS``, AU those of ``FOLLOW_UP_KINDS``;
- the housing situation on D is the person's latest housing record dated on or before D (looked up only
  for the persons assigned to M or placed in youth welfare there, the only ones it counts for);
- S defaults to the date of the earliest assignment to M (D when there is none).

Each person counts in at most one row below "refugees in the municipality" and each assigned person in exactly
one row below "assigned": the rows are the branches of one ``CASE`` per person, so the sub-rows add up to
their parent row by construction (a person has at most one stay at a time, ``occupancy_one_stay_per_person``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from lotse.accommodation.choices import FOLLOW_UP_KINDS, PRELIMINARY_KINDS, MoveOutReason
from lotse.accommodation.models import AssignedPerson, Assignment, IntakeObligation, Occupancy, Place, Shelter
from lotse.core.models import Municipality
from lotse.people.choices import YOUTH_WELFARE_HOUSING, HousingSituation
from lotse.people.models import HousingRecord, Person
from lotse.reports.figures import share

UNKNOWN_REASON = "unbekannt"
REASON_KEYS = (*MoveOutReason.values, UNKNOWN_REASON)

# The keys of one set of figures, in the order of the definitions (and of the JSON output).
FIGURE_KEYS = (
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
    "auszugsgruende",
    "nicht_als_zugewiesen_gezaehlt",
    "plaetze_vu",
    "belegt_vu",
    "frei_vu",
    "plaetze_au",
    "belegt_au",
    "frei_au",
    "aufnahmeverpflichtung",
    "zugewiesen_im_jahr",
    "erfuellung",
)

# Persons under this age on the reference date count as unaccompanied minors (docs/unterbringung.md).
MINOR_AGE = 18


@dataclass
class MunicipalityFigures:
    """The counted rows; the totals are sums of their rows (properties), so they add up by construction."""

    municipality: Municipality
    stichtag: datetime.date
    von: datetime.date
    vorlaeufige_unterbringung: int = 0
    unbegleitete_minderjaehrige: int = 0
    zugewiesen: int = 0
    zugewiesen_in_anschlussunterbringung: int = 0
    privater_wohnraum: int = 0
    zugewiesen_andere_wohnsituation: int = 0
    zugewiesen_in_vorlaeufiger_unterbringung: int = 0
    auszugsgruende: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASON_KEYS, 0))
    nicht_als_zugewiesen_gezaehlt: int = 0
    plaetze_vu: int = 0
    belegt_vu: int = 0
    plaetze_au: int = 0
    belegt_au: int = 0
    aufnahmeverpflichtung: int | None = None
    zugewiesen_im_jahr: int = 0

    @property
    def zugewiesen_wohnhaft(self) -> int:
        return self.zugewiesen_in_anschlussunterbringung + self.privater_wohnraum + self.zugewiesen_andere_wohnsituation

    @property
    def gefluechtete_gesamt(self) -> int:
        return self.vorlaeufige_unterbringung + self.zugewiesen_wohnhaft + self.unbegleitete_minderjaehrige

    @property
    def ausgezogen_oder_zurueckgekehrt(self) -> int:
        """The assigned who neither live in M nor are still in VU (counted by reason in ``auszugsgruende``)."""
        return self.zugewiesen - self.zugewiesen_wohnhaft - self.zugewiesen_in_vorlaeufiger_unterbringung

    @property
    def frei_vu(self) -> int:
        return self.plaetze_vu - self.belegt_vu

    @property
    def frei_au(self) -> int:
        return self.plaetze_au - self.belegt_au

    @property
    def erfuellung(self) -> Decimal | None:
        return share(self.zugewiesen_im_jahr, self.aufnahmeverpflichtung)

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def as_json(self) -> dict[str, Any]:
        """``stichtag``, ``von``, ``gemeinde`` (AGS) and the figures as JSON values."""
        result: dict[str, Any] = {
            "stichtag": self.stichtag.isoformat(),
            "von": self.von.isoformat(),
            "gemeinde": self.municipality.ags,
        }
        for key in FIGURE_KEYS:
            value = getattr(self, key)
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, dict):
                value = dict(value)
            result[key] = value
        return result


def municipality_figures(
    municipality: Municipality, day: datetime.date, von: datetime.date | None = None
) -> MunicipalityFigures:
    """The figures of one municipality at ``day`` (period from ``von``, default: its earliest assignment)."""
    return compute(day, von, [municipality])[0]


def figures_overview(day: datetime.date, von: datetime.date | None = None) -> list[MunicipalityFigures]:
    """The figures of every municipality that has shelters or assignments, ordered by name (one statement)."""
    return compute(day, von, None)


def compute(
    day: datetime.date, von: datetime.date | None, municipalities: list[Municipality] | None
) -> list[MunicipalityFigures]:
    """One row per municipality: the given ones (in that order), or all with shelters or assignments."""
    t = {
        "municipality": Municipality._meta.db_table,
        "shelter": Shelter._meta.db_table,
        "place": Place._meta.db_table,
        "occupancy": Occupancy._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "assigned": AssignedPerson._meta.db_table,
        "housing": HousingRecord._meta.db_table,
        "person": Person._meta.db_table,
        "obligation": IntakeObligation._meta.db_table,
    }
    ids = None if municipalities is None else [m.pk for m in municipalities]
    sql = f"""
        WITH munis AS (
            SELECT m.id FROM {t["municipality"]} m
            WHERE CASE WHEN %(ids)s::bigint[] IS NULL
                THEN EXISTS (SELECT 1 FROM {t["shelter"]} s WHERE s.municipality_id = m.id)
                  OR EXISTS (SELECT 1 FROM {t["assignment"]} a WHERE a.municipality_id = m.id)
                ELSE m.id = ANY(%(ids)s::bigint[]) END
        ),
        periods AS (
            SELECT mu.id AS m, coalesce(
                %(von)s::date,
                (SELECT min(a.date) FROM {t["assignment"]} a WHERE a.municipality_id = mu.id),
                %(day)s::date
            ) AS von
            FROM munis mu
        ),
        active AS (
            SELECT o.person_id, o.place_id, o.basis, p.available_from, p.available_to,
                   s.municipality_id AS m, s.kind, s.in_operation_from, s.in_operation_to
            FROM {t["occupancy"]} o
            JOIN {t["place"]} p ON p.id = o.place_id
            JOIN {t["shelter"]} s ON s.id = p.shelter_id
            WHERE o.move_in <= %(day)s AND (o.move_out IS NULL OR o.move_out > %(day)s)
        ),
        assigned AS (
            SELECT DISTINCT a.municipality_id AS m, ap.person_id
            FROM {t["assignment"]} a
            JOIN {t["assigned"]} ap ON ap.assignment_id = a.id
            JOIN periods pe ON pe.m = a.municipality_id
            WHERE a.date >= pe.von AND a.date <= %(day)s
        ),
        -- Only these persons' housing situation counts: the assigned, and who was ever placed in youth
        -- welfare (a facility or a foster family) in one of the municipalities (a minor's latest record is
        -- such a record). Their latest records are looked up one by one through the index, not for every
        -- person of the installation.
        housed AS (
            SELECT person_id FROM assigned
            UNION
            SELECT h.person_id FROM {t["housing"]} h
            WHERE h.situation = ANY(%(youth)s) AND h.valid_from <= %(day)s
                AND h.municipality_id IN (SELECT id FROM munis)
        ),
        housing AS (
            SELECT hd.person_id, latest.situation, latest.hm
            FROM housed hd
            CROSS JOIN LATERAL (
                SELECT h.situation, h.municipality_id AS hm FROM {t["housing"]} h
                WHERE h.person_id = hd.person_id AND h.valid_from <= %(day)s
                ORDER BY h.valid_from DESC LIMIT 1  -- one record per person and day (housing_one_per_day)
            ) latest
        ),
        -- Every stay active on D, anywhere (a person has at most one at a time).
        residents AS (
            SELECT a.m,
                count(DISTINCT a.person_id) FILTER (WHERE a.kind = ANY(%(vu)s)) AS vu,
                count(DISTINCT a.person_id) FILTER (
                    WHERE a.kind = ANY(%(au)s)
                      AND NOT EXISTS (SELECT 1 FROM assigned ag WHERE ag.m = a.m AND ag.person_id = a.person_id)
                ) AS not_counted
            FROM active a WHERE a.m IN (SELECT id FROM munis) GROUP BY a.m
        ),
        -- Unaccompanied minors: under 18 on D, in youth welfare or a foster family in M, without a stay on D
        -- and not assigned to M (an assigned person counts in the rows of the assigned).
        minors AS (
            SELECT h.hm AS m, count(*) AS persons
            FROM housing h JOIN {t["person"]} pp ON pp.id = h.person_id
            WHERE h.situation = ANY(%(youth)s) AND h.hm IN (SELECT id FROM munis)
              AND pp.birth_date > %(day)s::date - make_interval(years => %(minor_age)s)
              AND NOT EXISTS (SELECT 1 FROM active a WHERE a.person_id = h.person_id)
              AND NOT EXISTS (SELECT 1 FROM assigned ag WHERE ag.m = h.hm AND ag.person_id = h.person_id)
            GROUP BY h.hm
        ),
        -- Each assigned person in exactly one row (the first branch that holds).
        classified AS (
            SELECT ag.m, ag.person_id,
                CASE
                    WHEN st.kind = ANY(%(au)s) AND st.m = ag.m THEN 'au'
                    WHEN st.kind = ANY(%(vu)s) THEN 'vu'
                    WHEN st.person_id IS NOT NULL THEN 'gone'
                    WHEN h.hm = ag.m AND h.situation = %(own)s THEN 'private'
                    WHEN h.hm = ag.m THEN 'other'
                    ELSE 'gone'
                END AS bucket
            FROM assigned ag
            LEFT JOIN active st ON st.person_id = ag.person_id
            LEFT JOIN housing h ON h.person_id = ag.person_id
        ),
        assigned_counts AS (
            SELECT c.m, count(*) AS assigned,
                count(*) FILTER (WHERE c.bucket = 'au') AS in_au,
                count(*) FILTER (WHERE c.bucket = 'private') AS private,
                count(*) FILTER (WHERE c.bucket = 'other') AS other,
                count(*) FILTER (WHERE c.bucket = 'vu') AS in_vu
            FROM classified c GROUP BY c.m
        ),
        gone AS (
            SELECT c.m, coalesce(r.reason, %(unknown)s) AS reason
            FROM classified c
            LEFT JOIN LATERAL (
                SELECT nullif(o.move_out_reason, '') AS reason
                FROM {t["occupancy"]} o
                JOIN {t["place"]} p ON p.id = o.place_id
                JOIN {t["shelter"]} s ON s.id = p.shelter_id
                WHERE o.person_id = c.person_id AND s.municipality_id = c.m AND o.move_out <= %(day)s
                ORDER BY o.move_out DESC, o.id DESC LIMIT 1
            ) r ON TRUE
            WHERE c.bucket = 'gone'
        ),
        reasons AS (
            SELECT m, jsonb_object_agg(reason, persons) AS reasons
            FROM (SELECT m, reason, count(*) AS persons FROM gone GROUP BY m, reason) AS per_reason GROUP BY m
        ),
        places AS (
            SELECT s.municipality_id AS m,
                count(*) FILTER (WHERE s.kind = ANY(%(vu)s)) AS places_vu,
                count(*) FILTER (WHERE s.kind = ANY(%(au)s)) AS places_au
            FROM {t["place"]} p JOIN {t["shelter"]} s ON s.id = p.shelter_id
            WHERE s.municipality_id IN (SELECT id FROM munis)
              AND p.available_from <= %(day)s AND (p.available_to IS NULL OR p.available_to > %(day)s)
              AND (s.in_operation_from IS NULL OR s.in_operation_from <= %(day)s)
              AND (s.in_operation_to IS NULL OR s.in_operation_to >= %(day)s)
            GROUP BY s.municipality_id
        ),
        occupied AS (
            SELECT a.m,
                count(*) FILTER (WHERE a.kind = ANY(%(vu)s)) AS occupied_vu,
                count(*) FILTER (WHERE a.kind = ANY(%(au)s)) AS occupied_au
            FROM active a
            WHERE a.m IN (SELECT id FROM munis)
              AND a.available_from <= %(day)s AND (a.available_to IS NULL OR a.available_to > %(day)s)
              AND (a.in_operation_from IS NULL OR a.in_operation_from <= %(day)s)
              AND (a.in_operation_to IS NULL OR a.in_operation_to >= %(day)s)
            GROUP BY a.m
        ),
        this_year AS (
            SELECT a.municipality_id AS m, count(DISTINCT ap.person_id) AS persons
            FROM {t["assignment"]} a JOIN {t["assigned"]} ap ON ap.assignment_id = a.id
            WHERE a.municipality_id IN (SELECT id FROM munis)
              AND a.date >= make_date(extract(year FROM %(day)s::date)::int, 1, 1) AND a.date <= %(day)s
            GROUP BY a.municipality_id
        )
        SELECT pe.m, pe.von,
            coalesce(r.vu, 0), coalesce(mi.persons, 0), coalesce(ac.assigned, 0), coalesce(ac.in_au, 0),
            coalesce(ac.private, 0), coalesce(ac.other, 0), coalesce(ac.in_vu, 0),
            coalesce(rs.reasons, '{{}}'::jsonb), coalesce(r.not_counted, 0),
            coalesce(pl.places_vu, 0), coalesce(oc.occupied_vu, 0),
            coalesce(pl.places_au, 0), coalesce(oc.occupied_au, 0),
            ob.persons, coalesce(ty.persons, 0)
        FROM periods pe
        LEFT JOIN residents r ON r.m = pe.m
        LEFT JOIN minors mi ON mi.m = pe.m
        LEFT JOIN assigned_counts ac ON ac.m = pe.m
        LEFT JOIN reasons rs ON rs.m = pe.m
        LEFT JOIN places pl ON pl.m = pe.m
        LEFT JOIN occupied oc ON oc.m = pe.m
        LEFT JOIN this_year ty ON ty.m = pe.m
        LEFT JOIN {t["obligation"]} ob ON ob.municipality_id = pe.m AND ob.year = extract(year FROM %(day)s::date)
    """
    params = {
        "ids": ids,
        "von": von,
        "day": day,
        "vu": sorted(PRELIMINARY_KINDS),
        "au": sorted(FOLLOW_UP_KINDS),
        "minor_age": MINOR_AGE,
        "youth": sorted(YOUTH_WELFARE_HOUSING),
        "own": HousingSituation.PRIVATER_MIETVERTRAG.value,
        "unknown": UNKNOWN_REASON,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if municipalities is None:
        by_id = Municipality.objects.in_bulk([row[0] for row in rows])
    else:
        by_id = {m.pk: m for m in municipalities}
    result: dict[int, MunicipalityFigures] = {}
    for row in rows:
        (m_id, period_start, vu, minors, assigned, in_au, private, other, in_vu, reasons, not_counted) = row[:11]
        places_vu, occupied_vu, places_au, occupied_au, obligation, this_year = row[11:]
        figures = MunicipalityFigures(
            municipality=by_id[m_id],
            stichtag=day,
            von=period_start,
            vorlaeufige_unterbringung=vu,
            unbegleitete_minderjaehrige=minors,
            zugewiesen=assigned,
            zugewiesen_in_anschlussunterbringung=in_au,
            privater_wohnraum=private,
            zugewiesen_andere_wohnsituation=other,
            zugewiesen_in_vorlaeufiger_unterbringung=in_vu,
            nicht_als_zugewiesen_gezaehlt=not_counted,
            plaetze_vu=places_vu,
            belegt_vu=occupied_vu,
            plaetze_au=places_au,
            belegt_au=occupied_au,
            aufnahmeverpflichtung=obligation,
            zugewiesen_im_jahr=this_year,
        )
        if isinstance(reasons, str):
            reasons = json.loads(reasons)
        figures.auszugsgruende.update({str(code): int(count) for code, count in reasons.items()})
        result[m_id] = figures
    if municipalities is None:
        return sorted(result.values(), key=lambda f: (f.municipality.name, f.municipality.ags))
    return [result[m.pk] for m in municipalities]
