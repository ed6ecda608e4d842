"""Figures of housing acquisition (Zahlen Wohnraum) at a reference date D for a period V to D.

Everything is counted by aggregation in PostgreSQL, in one statement; no landlord, offer address or household is
loaded into Python. The definitions (also on the figures page, in the export's sheet of definitions and in
``docs/wohnraum.md``):

- the period runs from V (default: 1 January of D's year) to D, both included;
- an offer's status on D is the status of the latest recorded version of the offer (its history events, then the
  current row) whose ``status_since`` is on or before D; a placement's state on D likewise by ``state_since``,
  a search's status on D likewise by ``status_since``; a later correction replaces the earlier version from its
  own date on, a change dated after D leaves D as it was;
- a household's size on D is adults plus children of the latest version of its search recorded by the end of D
  (of the first version recorded, when the search was entered later with earlier dates);
- an offer is *placed* in the period when a lease for it was signed in the period: its placement's state on D is
  "lease signed" and the lease's date lies from V to D (the offer's own status "placed" follows from the lease);
- offers, placements, leases and guarantees count for the organisation that acquired the offer (keeps the
  landlord) and the offer's municipality; searches count for the organisation that keeps the case and for the
  organisations the household's consent "Wohnungssuche" named on D, and for the case's municipality.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Case, Consent
from lotse.core.export import BOLD, add_sheet, append_row, append_table, fit_columns, new_workbook, workbook_bytes
from lotse.core.models import Municipality, Organisation
from lotse.housing.choices import OPEN_OFFER_STATES, OfferStatus, PlacementState, SearchStatus, SupportKind
from lotse.housing.models import FlatOffer, Landlord, LandlordSupport, Placement, SearchProfile

# The keys of the figures, in the order of the definitions (and of the JSON output).
FIGURE_KEYS = (
    "angebote_akquiriert",
    "angebote_vermittelt",
    "wohnungen_offen",
    "angebote_nach_status",
    "suchende_haushalte",
    "suchende_nach_groesse",
    "median_tage_bis_mietvertrag",
    "mietvertraege_nach_gemeinde",
    "mietausfallgarantien",
    "mietausfallgarantien_summe",
)


@dataclass
class HousingFigures:
    stichtag: datetime.date
    von: datetime.date
    # The organisation counted; None: every organisation.
    organisation: Organisation | None
    # The municipality counted; None: every municipality.
    municipality: Municipality | None
    angebote_akquiriert: int = 0
    angebote_vermittelt: int = 0
    # Offer status -> offers acquired by D in that status on D.
    angebote_nach_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OfferStatus.values, 0))
    # Household size ("1", "2", ...) -> households searching on D, smallest first.
    suchende_nach_groesse: dict[str, int] = field(default_factory=dict)
    median_tage_bis_mietvertrag: Decimal | None = None
    # AGS -> leases signed in the period, most first; the municipalities' names beside.
    mietvertraege_nach_gemeinde: dict[str, int] = field(default_factory=dict)
    gemeindenamen: dict[str, str] = field(default_factory=dict)
    mietausfallgarantien: int = 0
    mietausfallgarantien_summe: Decimal = Decimal("0.00")

    @property
    def wohnungen_offen(self) -> int:
        return sum(self.angebote_nach_status[status] for status in OPEN_OFFER_STATES)

    @property
    def suchende_haushalte(self) -> int:
        return sum(self.suchende_nach_groesse.values())

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "stichtag": self.stichtag.isoformat(),
            "von": self.von.isoformat(),
            "organisation": self.organisation.short_name if self.organisation else None,
            "gemeinde": self.municipality.ags if self.municipality else None,
        }
        for key in FIGURE_KEYS:
            value = getattr(self, key)
            if isinstance(value, Decimal):
                value = float(value)
            result[key] = value
        result["gemeindenamen"] = self.gemeindenamen
        return result


def default_period_start(day: datetime.date) -> datetime.date:
    """1 January of ``day``'s year."""
    return datetime.date(day.year, 1, 1)


def housing_figures(
    day: datetime.date,
    von: datetime.date | None = None,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
) -> HousingFigures:
    """The figures of ``organisation`` (None: every organisation) in ``municipality`` (None: every one) at ``day``
    for the period ``von`` (default: :func:`default_period_start`) to ``day``. One statement."""
    if von is None:
        von = default_period_start(day)
    if von > day:
        raise ValueError("period start after the reference date")
    figures = HousingFigures(stichtag=day, von=von, organisation=organisation, municipality=municipality)
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(**_TABLES), _params(day, von, organisation, municipality))
        row = cursor.fetchone()
    (
        figures.angebote_akquiriert,
        by_status,
        figures.angebote_vermittelt,
        by_size,
        median_days,
        by_municipality,
        figures.mietausfallgarantien,
        guaranteed,
    ) = row
    figures.angebote_nach_status.update(_counts(by_status))
    figures.suchende_nach_groesse = {
        size: count for size, count in sorted(_counts(by_size).items(), key=lambda item: int(item[0]))
    }
    if median_days is not None:
        figures.median_tage_bis_mietvertrag = _one_decimal(Decimal(str(median_days)))
    leases = _counts(by_municipality)
    for ags, (name, count) in sorted(leases.items(), key=lambda item: (-item[1][1], item[1][0], item[0])):
        figures.mietvertraege_nach_gemeinde[ags] = count
        figures.gemeindenamen[ags] = name
    figures.mietausfallgarantien_summe = Decimal(guaranteed).quantize(Decimal("0.01"))
    return figures


def _counts(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value or {})


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_TABLES = {
    "offer": FlatOffer._meta.db_table,
    "offer_event": FlatOffer.pgh_event_model._meta.db_table,  # type: ignore[attr-defined]
    "placement": Placement._meta.db_table,
    "placement_event": Placement.pgh_event_model._meta.db_table,  # type: ignore[attr-defined]
    "profile": SearchProfile._meta.db_table,
    "profile_event": SearchProfile.pgh_event_model._meta.db_table,  # type: ignore[attr-defined]
    "case": Case._meta.db_table,
    "consent": Consent._meta.db_table,
    "support": LandlordSupport._meta.db_table,
    "landlord": Landlord._meta.db_table,
    "municipality": Municipality._meta.db_table,
}


def _params(
    day: datetime.date, von: datetime.date, organisation: Organisation | None, municipality: Municipality | None
) -> dict[str, Any]:
    return {
        "org": organisation.pk if organisation is not None else None,
        "mun": municipality.pk if municipality is not None else None,
        "day": day,
        "von": von,
        "tz": settings.TIME_ZONE,
        "lease": PlacementState.LEASE.value,
        "searching": SearchStatus.SEARCHING.value,
        "housing_search": ConsentPurpose.HOUSING_SEARCH.value,
        "guarantee": SupportKind.RENT_GUARANTEE.value,
    }


# Doubled braces are literal ones (str.format fills in the table names). The current row of a record counts as
# its last version (sequence number beyond every event's), recorded now.
_SQL = """
WITH
offer AS (
    SELECT o.id, o.municipality_id, o.acquired_on, o.status, o.status_since FROM {offer} o
    WHERE (%(org)s::bigint IS NULL OR o.organisation_id = %(org)s::bigint)
        AND (%(mun)s::bigint IS NULL OR o.municipality_id = %(mun)s::bigint)
),
offer_versions AS (
    SELECT e.pgh_obj_id AS offer_id, e.pgh_id::bigint AS seq, e.status, e.status_since
    FROM {offer_event} e JOIN offer ON offer.id = e.pgh_obj_id
    WHERE e.pgh_label <> 'delete'
    UNION ALL
    SELECT offer.id, 9223372036854775807, offer.status, offer.status_since FROM offer
),
offer_status_on AS (
    SELECT DISTINCT ON (offer_id) offer_id, status FROM offer_versions
    WHERE status_since <= %(day)s::date
    ORDER BY offer_id, seq DESC
),
placement AS (
    SELECT p.id, p.offer_id, p.profile_id, p.state, p.state_since, p.lease_signed_on
    FROM {placement} p JOIN offer ON offer.id = p.offer_id
),
placement_versions AS (
    SELECT e.pgh_obj_id AS placement_id, e.pgh_id::bigint AS seq, e.state, e.state_since, e.lease_signed_on
    FROM {placement_event} e JOIN placement ON placement.id = e.pgh_obj_id
    WHERE e.pgh_label <> 'delete'
    UNION ALL
    SELECT placement.id, 9223372036854775807, placement.state, placement.state_since, placement.lease_signed_on
    FROM placement
),
placement_state_on AS (
    SELECT DISTINCT ON (placement_id) placement_id, state, lease_signed_on FROM placement_versions
    WHERE state_since <= %(day)s::date
    ORDER BY placement_id, seq DESC
),
leases AS (
    SELECT pl.offer_id, pl.profile_id, so.lease_signed_on
    FROM placement_state_on so JOIN placement pl ON pl.id = so.placement_id
    WHERE so.state = %(lease)s AND so.lease_signed_on BETWEEN %(von)s::date AND %(day)s::date
),
profile AS (
    SELECT s.id, s.status, s.status_since, s.adults + s.children AS size, s.search_started_on
    FROM {profile} s JOIN {case} c ON c.id = s.case_id
    WHERE (%(mun)s::bigint IS NULL OR c.municipality_id = %(mun)s::bigint)
        AND (%(org)s::bigint IS NULL OR s.organisation_id = %(org)s::bigint OR EXISTS (
            SELECT 1 FROM {consent} k
            WHERE k.case_id = s.case_id AND k.purpose = %(housing_search)s
                AND k.recipient_organisation_id = %(org)s::bigint
                AND k.given_on <= %(day)s::date AND (k.withdrawn_on IS NULL OR k.withdrawn_on > %(day)s::date)
        ))
),
profile_versions AS (
    SELECT e.pgh_obj_id AS profile_id, e.pgh_id::bigint AS seq, e.pgh_created_at AS recorded_at,
        e.status, e.status_since, e.adults + e.children AS size
    FROM {profile_event} e JOIN profile ON profile.id = e.pgh_obj_id
    WHERE e.pgh_label <> 'delete'
    UNION ALL
    SELECT profile.id, 9223372036854775807, now(), profile.status, profile.status_since, profile.size FROM profile
),
search_status_on AS (
    SELECT DISTINCT ON (profile_id) profile_id, status FROM profile_versions
    WHERE status_since <= %(day)s::date
    ORDER BY profile_id, seq DESC
),
-- The latest version recorded by the end of D, else the first one recorded.
search_size_on AS (
    SELECT DISTINCT ON (profile_id) profile_id, size FROM (
        SELECT profile_id, seq, size,
            recorded_at < ((%(day)s::date + 1)::timestamp AT TIME ZONE %(tz)s) AS known
        FROM profile_versions WHERE status_since <= %(day)s::date
    ) v
    ORDER BY profile_id, known DESC, CASE WHEN known THEN seq END DESC, seq
),
guarantee AS (
    SELECT g.amount FROM {support} g
    JOIN {landlord} l ON l.id = g.landlord_id
    LEFT JOIN {offer} o ON o.id = g.offer_id
    WHERE g.kind = %(guarantee)s AND g.agreed_on <= %(day)s::date
        AND (g.ends_on IS NULL OR g.ends_on >= %(day)s::date)
        AND (%(org)s::bigint IS NULL OR l.organisation_id = %(org)s::bigint)
        AND (%(mun)s::bigint IS NULL OR o.municipality_id = %(mun)s::bigint)
)
SELECT
    (SELECT count(*) FROM offer WHERE acquired_on BETWEEN %(von)s::date AND %(day)s::date),
    (SELECT jsonb_object_agg(status, n) FROM (
        SELECT so.status, count(*) AS n FROM offer_status_on so JOIN offer ON offer.id = so.offer_id
        WHERE offer.acquired_on <= %(day)s::date GROUP BY so.status
    ) x),
    (SELECT count(DISTINCT offer_id) FROM leases),
    (SELECT jsonb_object_agg(size::text, n) FROM (
        SELECT z.size, count(*) AS n
        FROM search_status_on st
        JOIN search_size_on z ON z.profile_id = st.profile_id
        JOIN profile p ON p.id = st.profile_id
        WHERE st.status = %(searching)s AND p.search_started_on <= %(day)s::date
        GROUP BY z.size
    ) x),
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l.lease_signed_on - s.search_started_on)
        FROM leases l JOIN {profile} s ON s.id = l.profile_id
        WHERE s.search_started_on <= l.lease_signed_on),
    (SELECT jsonb_object_agg(m.ags, jsonb_build_array(m.name, x.n)) FROM (
        SELECT o.municipality_id, count(*) AS n FROM leases l JOIN offer o ON o.id = l.offer_id GROUP BY 1
    ) x JOIN {municipality} m ON m.id = x.municipality_id),
    (SELECT count(*) FROM guarantee),
    (SELECT coalesce(sum(amount), 0) FROM guarantee)
"""


# --- labels, definitions and the export -----------------------------------------------------------------------

FIGURE_LABELS: dict[str, Promise] = {
    "angebote_akquiriert": gettext_lazy("flat offers acquired in the period"),
    "angebote_vermittelt": gettext_lazy("flat offers placed in the period"),
    "wohnungen_offen": gettext_lazy("flats still open on the reference date"),
    "angebote_nach_status": gettext_lazy("flat offers by status on the reference date"),
    "suchende_haushalte": gettext_lazy("households searching on the reference date"),
    "suchende_nach_groesse": gettext_lazy("households searching, by household size (persons)"),
    "median_tage_bis_mietvertrag": gettext_lazy("median days from the start of the search to the lease"),
    "mietvertraege_nach_gemeinde": gettext_lazy("leases signed in the period, by municipality"),
    "mietausfallgarantien": gettext_lazy("rent-default guarantees in force on the reference date"),
    "mietausfallgarantien_summe": gettext_lazy("guaranteed amount in force (EUR)"),
}

FIGURE_DEFINITIONS: dict[str, Promise] = {
    "angebote_akquiriert": gettext_lazy(
        "Flat offers whose acquisition date (“acquired on”) lies from the period start to the reference date, both "
        "included, whatever their status today. They count for the organisation that acquired them and the "
        "municipality the flat lies in. A deleted offer (recorded by mistake) does not count."
    ),
    "angebote_vermittelt": gettext_lazy(
        "Flat offers for which a lease was signed in the period: the placement's state on the reference date is "
        "“lease signed” and the date of signing lies from the period start to the reference date. A lease undone "
        "after the reference date still counts there; each offer counts once."
    ),
    "wohnungen_offen": gettext_lazy(
        "Flat offers acquired on or before the reference date whose status on that day is new, checked or "
        "reserved. The status on a day is the one of the latest recorded version of the offer whose “status "
        "since” lies on or before that day; a later correction replaces the earlier status from its own date on, "
        "a change dated after the reference date leaves it as it was. Before its first such date an offer does "
        "not count."
    ),
    "angebote_nach_status": gettext_lazy(
        "Flat offers acquired on or before the reference date, by their status on that day (as for the open flats)."
    ),
    "suchende_haushalte": gettext_lazy(
        "Searches for a flat whose status on the reference date is “searching” (paused, housed and ended "
        "searches do not count) and which began on or before that day, one per household. An organisation counts "
        "the searches of the cases it keeps and those the household's consent “Wohnungssuche” passed on to it on "
        "that day (given on or before, not withdrawn by then); the municipality is the case's. The household size "
        "is adults plus children as recorded by the end of the reference date (as first recorded, when the search "
        "was entered later)."
    ),
    "median_tage_bis_mietvertrag": gettext_lazy(
        "For the leases signed in the period (as for the offers placed): the median number of days from the day "
        "the household's search began to the day the lease was signed, with one decimal. Leases signed before the "
        "recorded start of the search are left out."
    ),
    "mietvertraege_nach_gemeinde": gettext_lazy(
        "The leases signed in the period (as for the offers placed), by the municipality the flat lies in."
    ),
    "mietausfallgarantien": gettext_lazy(
        "Support of the kind “rent-default guarantee” agreed with a landlord of the organisation on or before the "
        "reference date and running on that day (no end date, or an end date on or after it), with the total of "
        "their amounts (a guarantee without an amount counts but adds nothing). With a municipality chosen, only "
        "guarantees for a flat in that municipality count."
    ),
}


def status_label(code: str) -> str:
    return str(OfferStatus(code).label) if code in OfferStatus.values else code


def size_label(size: str) -> str:
    count = int(size)
    return ngettext("%(count)d person", "%(count)d persons", count) % {"count": count}


# The single figures in the order the page, the export and the command show them (sub-figures indented).
SUMMARY_ROWS: tuple[tuple[str, int], ...] = (
    ("angebote_akquiriert", 0),
    ("angebote_vermittelt", 0),
    ("wohnungen_offen", 0),
    ("suchende_haushalte", 0),
    ("median_tage_bis_mietvertrag", 0),
    ("mietausfallgarantien", 0),
    ("mietausfallgarantien_summe", 1),
)


def summary_rows(figures: HousingFigures) -> list[tuple[int, str, str, Any]]:
    """The single figures as (depth, key, label, value)."""
    return [(level, key, str(FIGURE_LABELS[key]), figures.value(key)) for key, level in SUMMARY_ROWS]


def breakdowns(figures: HousingFigures) -> list[tuple[str, str, list[tuple[str, str, Any]]]]:
    """Each breakdown as (key, label, [(code, name, value)])."""
    return [
        (
            "angebote_nach_status",
            str(FIGURE_LABELS["angebote_nach_status"]),
            [(code, status_label(code), count) for code, count in figures.angebote_nach_status.items()],
        ),
        (
            "suchende_nach_groesse",
            str(FIGURE_LABELS["suchende_nach_groesse"]),
            [(size, size_label(size), count) for size, count in figures.suchende_nach_groesse.items()],
        ),
        (
            "mietvertraege_nach_gemeinde",
            str(FIGURE_LABELS["mietvertraege_nach_gemeinde"]),
            [(ags, figures.gemeindenamen[ags], count) for ags, count in figures.mietvertraege_nach_gemeinde.items()],
        ),
    ]


def definitions() -> list[tuple[str, str]]:
    return [(str(FIGURE_LABELS[key]), str(text)) for key, text in FIGURE_DEFINITIONS.items()]


def scope_label(organisation: Organisation | None) -> str:
    return organisation.name if organisation is not None else _("every organisation")


def municipality_label(municipality: Municipality | None) -> str:
    return municipality.name if municipality is not None else _("every municipality")


def figures_xlsx(figures: HousingFigures) -> bytes:
    """The figures on one sheet (the single figures, then each breakdown), and a sheet of definitions."""
    workbook, sheet = new_workbook(_("Figures"))
    append_row(sheet, [_("Figures of housing acquisition")], font=BOLD)
    append_row(sheet, [_("Organisation"), scope_label(figures.organisation)])
    append_row(sheet, [_("Municipality"), municipality_label(figures.municipality)])
    append_row(sheet, [_("Reference date"), figures.stichtag])
    append_row(sheet, [_("Period from"), figures.von])
    sheet.append([])
    append_table(
        sheet,
        [_("Figure"), _("Value")],
        ([f"{'  ' * level}{label}", value] for level, _key, label, value in summary_rows(figures)),
    )
    for _key, label, rows in breakdowns(figures):
        sheet.append([])
        append_table(sheet, [label, _("Value")], ([name, value] for _code, name, value in rows))
    fit_columns(sheet)
    sheet_of_definitions = add_sheet(workbook, _("Definitions"))
    append_table(sheet_of_definitions, [_("Figure"), _("Definition")], definitions())
    fit_columns(sheet_of_definitions)
    return workbook_bytes(workbook)


def figure_table_rows(figures: HousingFigures) -> list[tuple[str, Any]]:
    """The single figures and the breakdowns as (label, value) rows for the command's table."""
    rows: list[tuple[str, Any]] = [
        (f"{'  ' * level}{label}", value) for level, _k, label, value in summary_rows(figures)
    ]
    for _key, label, items in breakdowns(figures):
        rows.append((label, ""))
        rows.extend((f"  {name}", value) for _code, name, value in items)
    return rows
