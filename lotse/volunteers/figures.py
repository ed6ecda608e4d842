"""Figures of volunteering (Zahlen Ehrenamt) at a reference date D for a period V to D.

Everything is counted by aggregation in PostgreSQL, in one statement; no volunteer and no newcomer is loaded
into Python. The definitions (also on the figures page, in the export's sheet of definitions and in
``docs/ehrenamt.md``):

- a volunteer's status on D is the status of the latest recorded version of the volunteer (its history events,
  then the current row) whose ``status_since`` is on or before D; before the first such version the volunteer
  does not count;
- a sponsorship's state on D is that of its latest step dated on or before D; its request date counts as the
  step "requested" and its current state (from ``state_since``) as the last step, so a sponsorship without
  recorded steps still has a state;
- a sponsorship *reaches* its newcomers in the period when on some day from V to D it was getting to know each
  other or active; the newcomers are the members it names, or else the persons who belonged to the household
  on some day of the reached days within the period;
- a child is under 18 on D (the stored date of birth is the first possible day of a partial one);
- interpreter requests count by the local date of their appointment, from V to D, in their current state.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.core.export import BOLD, add_sheet, append_row, append_table, fit_columns, new_workbook, workbook_bytes
from lotse.core.models import Organisation
from lotse.people.choices import STATELESS, UNRESOLVED
from lotse.people.models import HouseholdMembership, Person
from lotse.people.vocabulary import language_name, nationality_name
from lotse.reports.figures import share
from lotse.volunteers.choices import (
    BookingState,
    EndReason,
    InterpretingState,
    RequirementKind,
    SponsorshipState,
    VolunteerStatus,
)
from lotse.volunteers.models import (
    InterpreterBooking,
    InterpreterPool,
    InterpreterRequest,
    Participation,
    Programme,
    Requirement,
    Sponsorship,
    SponsorshipStep,
    Volunteer,
)

CHILD_AGE = 18
# Nationality codes that name no country of origin.
NO_COUNTRY = (STATELESS, UNRESOLVED)
REACHING_STATES = (SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ACTIVE)

# The keys of the figures, in the order of the definitions (and of the JSON output).
FIGURE_KEYS = (
    "ehrenamtliche_aktiv",
    "ehrenamtliche_nach_status",
    "paten_aktiv",
    "paten_im_zeitraum",
    "paten_geschult",
    "paten_mit_migrationserfahrung",
    "paten_ohne_migrationserfahrung",
    "paten_migrationserfahrung_unbekannt",
    "anteil_migrationserfahrung",
    "neuzugewanderte",
    "neuzugewanderte_kinder",
    "neuzugewanderte_alter_unbekannt",
    "herkunftslaender",
    "herkunft_unbekannt",
    "staatsangehoerigkeiten",
    "patenschaften_nach_stand",
    "patenschaften_beendet_nach_grund",
    "dolmetschanfragen",
    "dolmetschanfragen_durchgefuehrt",
    "dolmetschanfragen_ausgefallen",
    "anteil_erfuellt",
    "median_vorlauf_tage",
    "dolmetschanfragen_nach_sprache",
    "dolmetschstunden",
    "dolmetschstunden_nach_monat",
)


@dataclass
class VolunteerFigures:
    stichtag: datetime.date
    von: datetime.date
    # The organisation counted; None: every organisation.
    organisation: Organisation | None
    ehrenamtliche_nach_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VolunteerStatus.values, 0))
    paten_aktiv: int = 0
    paten_im_zeitraum: int = 0
    paten_geschult: int = 0
    paten_mit_migrationserfahrung: int = 0
    paten_ohne_migrationserfahrung: int = 0
    paten_migrationserfahrung_unbekannt: int = 0
    neuzugewanderte: int = 0
    neuzugewanderte_kinder: int = 0
    neuzugewanderte_alter_unbekannt: int = 0
    herkunft_unbekannt: int = 0
    # Nationality code -> newcomers holding it, most frequent first.
    staatsangehoerigkeiten: dict[str, int] = field(default_factory=dict)
    patenschaften_nach_stand: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SponsorshipState.values, 0))
    patenschaften_beendet_nach_grund: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EndReason.values, 0))
    dolmetschanfragen: int = 0
    dolmetschanfragen_durchgefuehrt: int = 0
    dolmetschanfragen_ausgefallen: int = 0
    median_vorlauf_tage: Decimal | None = None
    # Language code -> requests, most frequent first.
    dolmetschanfragen_nach_sprache: dict[str, int] = field(default_factory=dict)
    # "YYYY-MM" -> hours, every month of the period.
    dolmetschstunden_nach_monat: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ehrenamtliche_aktiv(self) -> int:
        return self.ehrenamtliche_nach_status[VolunteerStatus.ACTIVE]

    @property
    def anteil_migrationserfahrung(self) -> Decimal | None:
        """Percent of the sponsors whose migration experience is recorded (unknown leaves the whole)."""
        known = self.paten_mit_migrationserfahrung + self.paten_ohne_migrationserfahrung
        return share(self.paten_mit_migrationserfahrung, known)

    @property
    def herkunftslaender(self) -> int:
        return sum(1 for code in self.staatsangehoerigkeiten if code not in NO_COUNTRY)

    @property
    def anteil_erfuellt(self) -> Decimal | None:
        """Held, in percent of the requests whose appointment was not called off."""
        return share(self.dolmetschanfragen_durchgefuehrt, self.dolmetschanfragen - self.dolmetschanfragen_ausgefallen)

    @property
    def dolmetschstunden(self) -> Decimal:
        return sum(self.dolmetschstunden_nach_monat.values(), Decimal("0.0"))

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "stichtag": self.stichtag.isoformat(),
            "von": self.von.isoformat(),
            "organisation": self.organisation.short_name if self.organisation else None,
        }
        for key in FIGURE_KEYS:
            value = getattr(self, key)
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, dict):
                value = {k: float(v) if isinstance(v, Decimal) else v for k, v in value.items()}
            result[key] = value
        return result


def default_period_start(day: datetime.date, organisation: Organisation | None) -> datetime.date:
    """The earliest start of a programme counted (on or before ``day``), else 1 January of ``day``'s year."""
    programmes = Programme.objects.filter(started_on__lte=day)
    if organisation is not None:
        programmes = programmes.filter(organisation=organisation)
    earliest: datetime.date | None = programmes.aggregate(earliest=Min("started_on"))["earliest"]
    return earliest or datetime.date(day.year, 1, 1)


def volunteer_figures(
    day: datetime.date, von: datetime.date | None = None, organisation: Organisation | None = None
) -> VolunteerFigures:
    """The figures of ``organisation`` (None: every organisation) at ``day`` for the period ``von`` to ``day``
    (default: :func:`default_period_start`). One statement (two without ``von``)."""
    if von is None:
        von = default_period_start(day, organisation)
    if von > day:
        raise ValueError("period start after the reference date")
    figures = VolunteerFigures(stichtag=day, von=von, organisation=organisation)
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(**_TABLES), _params(day, von, organisation))
        row = cursor.fetchone()
    (
        by_status,
        figures.paten_aktiv,
        figures.paten_im_zeitraum,
        figures.paten_geschult,
        figures.paten_mit_migrationserfahrung,
        figures.paten_ohne_migrationserfahrung,
        figures.paten_migrationserfahrung_unbekannt,
        figures.neuzugewanderte,
        figures.neuzugewanderte_kinder,
        figures.neuzugewanderte_alter_unbekannt,
        figures.herkunft_unbekannt,
        nationalities,
        by_state,
        by_reason,
        figures.dolmetschanfragen,
        figures.dolmetschanfragen_durchgefuehrt,
        figures.dolmetschanfragen_ausgefallen,
        median_seconds,
        by_language,
        minutes_by_month,
    ) = row
    figures.ehrenamtliche_nach_status.update(_counts(by_status))
    figures.patenschaften_nach_stand.update(_counts(by_state))
    figures.patenschaften_beendet_nach_grund.update(_counts(by_reason))
    figures.staatsangehoerigkeiten = _most_first(_counts(nationalities))
    figures.dolmetschanfragen_nach_sprache = _most_first(_counts(by_language))
    if median_seconds is not None:
        figures.median_vorlauf_tage = _one_decimal(Decimal(str(median_seconds)) / 86400)
    figures.dolmetschstunden_nach_monat = {
        month: _one_decimal(Decimal(str(minutes)) / 60) for month, minutes in _counts(minutes_by_month).items()
    }
    return figures


def _counts(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value or {})


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_TABLES = {
    "volunteer": Volunteer._meta.db_table,
    "volunteer_event": Volunteer.pgh_event_model._meta.db_table,  # type: ignore[attr-defined]
    "requirement": Requirement._meta.db_table,
    "participation": Participation._meta.db_table,
    "sponsorship": Sponsorship._meta.db_table,
    "sponsors": Sponsorship.sponsors.through._meta.db_table,
    "members": Sponsorship.members.through._meta.db_table,
    "step": SponsorshipStep._meta.db_table,
    "membership": HouseholdMembership._meta.db_table,
    "person": Person._meta.db_table,
    "pool": InterpreterPool._meta.db_table,
    "request": InterpreterRequest._meta.db_table,
    "booking": InterpreterBooking._meta.db_table,
}


def _params(day: datetime.date, von: datetime.date, organisation: Organisation | None) -> dict[str, Any]:
    return {
        "org": organisation.pk if organisation is not None else None,
        "day": day,
        "von": von,
        "tz": settings.TIME_ZONE,
        "child_age": CHILD_AGE,
        "reaching": list(REACHING_STATES),
        "requested": SponsorshipState.REQUESTED.value,
        "ended": SponsorshipState.ENDED.value,
        "active_sponsorship": SponsorshipState.ACTIVE.value,
        "training": RequirementKind.TRAINING.value,
        "held": InterpretingState.HELD.value,
        "called_off": InterpretingState.CANCELLED.value,
        "held_booking": BookingState.HELD.value,
    }


# Doubled braces are literal ones (str.format fills in the table names).
_SQL = """
WITH
vol AS (
    SELECT v.id, v.status, v.status_since, v.migration_experience FROM {volunteer} v
    WHERE %(org)s::bigint IS NULL OR v.organisation_id = %(org)s::bigint
),
-- Every recorded version of a volunteer (insert and update events in the order recorded), the current row last.
versions AS (
    SELECT e.pgh_obj_id AS volunteer_id, e.pgh_id::bigint AS seq, e.status, e.status_since
    FROM {volunteer_event} e JOIN vol ON vol.id = e.pgh_obj_id
    WHERE e.pgh_label <> 'delete'
    UNION ALL
    SELECT vol.id, 9223372036854775807, vol.status, vol.status_since FROM vol
),
status_on AS (
    SELECT DISTINCT ON (volunteer_id) volunteer_id, status FROM versions
    WHERE status_since <= %(day)s::date
    ORDER BY volunteer_id, seq DESC
),
sp AS (
    SELECT s.id, s.participation_id, s.requested_on, s.state, s.state_since, s.ended_on, s.end_reason
    FROM {sponsorship} s WHERE %(org)s::bigint IS NULL OR s.organisation_id = %(org)s::bigint
),
-- The life cycle: the request, the recorded steps, the current state; ordered by day, then in that order.
steps AS (
    SELECT sp.id AS sponsorship_id, %(requested)s::text AS state, sp.requested_on AS on_day, 0 AS rank, 0::bigint AS seq
    FROM sp
    UNION ALL
    SELECT st.sponsorship_id, st.state, st.on, 1, st.id FROM {step} st JOIN sp ON sp.id = st.sponsorship_id
    UNION ALL
    SELECT sp.id, sp.state, sp.state_since, 2, 0 FROM sp
),
state_on AS (
    SELECT DISTINCT ON (sponsorship_id) sponsorship_id, state FROM steps
    WHERE on_day <= %(day)s::date
    ORDER BY sponsorship_id, on_day DESC, rank DESC, seq DESC
),
-- Each state from its day up to (not including) the next step's day; the last one open.
spans AS (
    SELECT sponsorship_id, state, on_day AS s,
        lead(on_day) OVER (PARTITION BY sponsorship_id ORDER BY on_day, rank, seq) AS e
    FROM steps
),
-- The days from V to D on which the sponsorship was getting to know each other or active (their hull).
reached AS (
    SELECT sponsorship_id,
        greatest(%(von)s::date, min(s)) AS f,
        least(%(day)s::date, max(coalesce(e - 1, %(day)s::date))) AS t
    FROM spans
    WHERE state = ANY(%(reaching)s) AND (e IS NULL OR e > s)
        AND s <= %(day)s::date AND (e IS NULL OR e > %(von)s::date)
    GROUP BY sponsorship_id
),
newcomers AS (
    SELECT m.person_id FROM reached r JOIN {members} m ON m.sponsorship_id = r.sponsorship_id
    UNION
    SELECT hm.person_id
    FROM reached r
    JOIN sp ON sp.id = r.sponsorship_id
    JOIN {participation} pa ON pa.id = sp.participation_id
    JOIN {membership} hm ON hm.household_id = pa.household_id
    WHERE NOT EXISTS (SELECT 1 FROM {members} m WHERE m.sponsorship_id = r.sponsorship_id)
        AND hm.valid_from <= r.t AND (hm.valid_to IS NULL OR hm.valid_to > r.f)
),
newcomer_persons AS (
    SELECT p.id, p.birth_date, p.nationalities FROM newcomers n JOIN {person} p ON p.id = n.person_id
),
period_sponsors AS (
    SELECT DISTINCT ss.volunteer_id FROM reached r JOIN {sponsors} ss ON ss.sponsorship_id = r.sponsorship_id
),
sponsor_counts AS (
    SELECT count(*) AS sponsors,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM {requirement} q
            WHERE q.volunteer_id = ps.volunteer_id AND q.kind = %(training)s AND q.met_on <= %(day)s::date
        )) AS trained,
        count(*) FILTER (WHERE v.migration_experience) AS with_experience,
        count(*) FILTER (WHERE NOT v.migration_experience) AS without_experience,
        count(*) FILTER (WHERE v.migration_experience IS NULL) AS unknown_experience
    FROM period_sponsors ps JOIN {volunteer} v ON v.id = ps.volunteer_id
),
requests AS (
    SELECT r.id, r.language, r.state, r.starts_at, r.created_at
    FROM {request} r JOIN {pool} pl ON pl.id = r.pool_id
    WHERE (%(org)s::bigint IS NULL OR pl.organisation_id = %(org)s::bigint)
        AND (r.starts_at AT TIME ZONE %(tz)s)::date BETWEEN %(von)s::date AND %(day)s::date
),
months AS (
    SELECT to_char(m, 'YYYY-MM') AS month
    FROM generate_series(date_trunc('month', %(von)s::date), date_trunc('month', %(day)s::date), '1 month') AS m
),
held_minutes AS (
    SELECT to_char(b.starts_at AT TIME ZONE %(tz)s, 'YYYY-MM') AS month,
        sum(coalesce(b.actual_minutes, extract(epoch FROM b.ends_at - b.starts_at) / 60)) AS minutes
    FROM {booking} b JOIN requests rq ON rq.id = b.request_id
    WHERE b.state = %(held_booking)s
    GROUP BY 1
)
SELECT
    (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM status_on GROUP BY status) x),
    (SELECT count(DISTINCT ss.volunteer_id) FROM state_on so JOIN {sponsors} ss ON ss.sponsorship_id = so.sponsorship_id
        WHERE so.state = %(active_sponsorship)s),
    sc.sponsors, sc.trained, sc.with_experience, sc.without_experience, sc.unknown_experience,
    (SELECT count(*) FROM newcomer_persons),
    (SELECT count(*) FROM newcomer_persons
        WHERE birth_date > %(day)s::date - make_interval(years => %(child_age)s)),
    (SELECT count(*) FROM newcomer_persons WHERE birth_date IS NULL),
    (SELECT count(*) FROM newcomer_persons WHERE cardinality(nationalities) = 0),
    (SELECT jsonb_object_agg(code, n) FROM (
        SELECT code, count(DISTINCT np.id) AS n FROM newcomer_persons np, unnest(np.nationalities) AS code GROUP BY code
    ) x),
    (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM state_on GROUP BY state) x),
    (SELECT jsonb_object_agg(end_reason, n) FROM (
        SELECT end_reason, count(*) AS n FROM sp
        WHERE sp.state = %(ended)s AND sp.ended_on BETWEEN %(von)s::date AND %(day)s::date GROUP BY end_reason
    ) x),
    (SELECT count(*) FROM requests),
    (SELECT count(*) FROM requests WHERE state = %(held)s),
    (SELECT count(*) FROM requests WHERE state = %(called_off)s),
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM starts_at - created_at))
        FROM requests WHERE created_at <= starts_at),
    (SELECT jsonb_object_agg(language, n) FROM (SELECT language, count(*) AS n FROM requests GROUP BY language) x),
    (SELECT jsonb_object_agg(mo.month, coalesce(hm.minutes, 0) ORDER BY mo.month)
        FROM months mo LEFT JOIN held_minutes hm ON hm.month = mo.month)
FROM sponsor_counts sc
"""


# --- labels, definitions and the export -----------------------------------------------------------------------

FIGURE_LABELS: dict[str, Promise] = {
    "ehrenamtliche_aktiv": gettext_lazy("active volunteers"),
    "ehrenamtliche_nach_status": gettext_lazy("volunteers by status"),
    "paten_aktiv": gettext_lazy("active sponsors"),
    "paten_im_zeitraum": gettext_lazy("sponsors in the period"),
    "paten_geschult": gettext_lazy("of them trained"),
    "paten_mit_migrationserfahrung": gettext_lazy("of them with own migration experience"),
    "paten_ohne_migrationserfahrung": gettext_lazy("of them without own migration experience"),
    "paten_migrationserfahrung_unbekannt": gettext_lazy("of them migration experience not recorded"),
    "anteil_migrationserfahrung": gettext_lazy("share of sponsors with own migration experience (percent)"),
    "neuzugewanderte": gettext_lazy("newcomers reached"),
    "neuzugewanderte_kinder": gettext_lazy("of them children"),
    "neuzugewanderte_alter_unbekannt": gettext_lazy("of them age unknown"),
    "herkunftslaender": gettext_lazy("countries of origin"),
    "herkunft_unbekannt": gettext_lazy("newcomers without a recorded nationality"),
    "staatsangehoerigkeiten": gettext_lazy("newcomers by nationality"),
    "patenschaften_nach_stand": gettext_lazy("sponsorships by state on the reference date"),
    "patenschaften_beendet_nach_grund": gettext_lazy("sponsorships ended in the period, by reason"),
    "dolmetschanfragen": gettext_lazy("interpreter requests"),
    "dolmetschanfragen_durchgefuehrt": gettext_lazy("of them held"),
    "dolmetschanfragen_ausgefallen": gettext_lazy("of them did not take place"),
    "anteil_erfuellt": gettext_lazy("share of requests fulfilled (percent)"),
    "median_vorlauf_tage": gettext_lazy("median lead time (days)"),
    "dolmetschanfragen_nach_sprache": gettext_lazy("interpreter requests by language"),
    "dolmetschstunden": gettext_lazy("interpreting hours"),
    "dolmetschstunden_nach_monat": gettext_lazy("interpreting hours by month"),
}

FIGURE_DEFINITIONS: dict[str, Promise] = {
    "ehrenamtliche_aktiv": gettext_lazy(
        "Volunteers whose status on the reference date is “active”. The status on a day is the one of the latest "
        "recorded version of the volunteer whose “status since” lies on or before that day; a later correction "
        "of the status replaces the earlier one from its own date on. Before the first such date a volunteer "
        "does not count."
    ),
    "paten_aktiv": gettext_lazy(
        "Volunteers who are sponsors in a sponsorship that is active on the reference date. A sponsorship's "
        "state on a day is that of its latest step dated on or before that day (its request date counts as the "
        "step “requested”)."
    ),
    "paten_im_zeitraum": gettext_lazy(
        "Volunteers who are sponsors in a sponsorship that was getting to know each other or active on at least "
        "one day of the period; each volunteer counts once. Trained: with a training attended on or before the "
        "reference date."
    ),
    "anteil_migrationserfahrung": gettext_lazy(
        "Sponsors in the period with own migration experience, in percent of those for whom it is recorded (yes "
        "or no), with one decimal; sponsors without an answer are shown separately and left out of the share."
    ),
    "neuzugewanderte": gettext_lazy(
        "Persons reached by a sponsorship in the period (getting to know each other or active on at least one "
        "day of it): the members the sponsorship names, or, when it names none, everyone who belonged to the "
        "household on one of those days. Each person counts once. Children: under 18 on the reference date; "
        "without a date of birth a person is counted as age unknown."
    ),
    "herkunftslaender": gettext_lazy(
        "Different nationalities of the newcomers reached (stateless and unresolved are no country). A person "
        "with two nationalities counts under both."
    ),
    "patenschaften_nach_stand": gettext_lazy(
        "Sponsorships requested on or before the reference date, by their state on that day. Ended by reason: "
        "sponsorships with an end date from the period start to the reference date (both included)."
    ),
    "dolmetschanfragen": gettext_lazy(
        "Interpreter requests to the pool whose appointment falls on a day (local time) from the period start to "
        "the reference date, in their current state, by language."
    ),
    "anteil_erfuellt": gettext_lazy(
        "Requests held, in percent of the requests of the period minus those that did not take place (called "
        "off by the requesting side or the client). Declined requests and requests still open, asked or "
        "confirmed count as not fulfilled."
    ),
    "median_vorlauf_tage": gettext_lazy(
        "Median of the time from recording the request to the start of the appointment, in days with one "
        "decimal; requests recorded after their appointment began are left out."
    ),
    "dolmetschstunden": gettext_lazy(
        "Actual duration of the held bookings (the booked duration where none was recorded), in hours with one "
        "decimal, by the month of the appointment."
    ),
}


def state_label(code: str) -> str:
    return str(SponsorshipState(code).label) if code in SponsorshipState.values else code


def reason_label(code: str) -> str:
    return str(EndReason(code).label) if code in EndReason.values else code


def status_label(code: str) -> str:
    return str(VolunteerStatus(code).label) if code in VolunteerStatus.values else code


def month_label(month: str) -> str:
    return date_format(datetime.date.fromisoformat(f"{month}-01"), "YEAR_MONTH_FORMAT")


# Keys whose value is a breakdown, with how each code is named.
BREAKDOWNS: dict[str, Any] = {
    "ehrenamtliche_nach_status": status_label,
    "staatsangehoerigkeiten": nationality_name,
    "patenschaften_nach_stand": state_label,
    "patenschaften_beendet_nach_grund": reason_label,
    "dolmetschanfragen_nach_sprache": language_name,
    "dolmetschstunden_nach_monat": month_label,
}

# The single figures in the order the page, the export and the command show them (sub-figures indented).
SUMMARY_ROWS: tuple[tuple[str, int], ...] = (
    ("ehrenamtliche_aktiv", 0),
    ("paten_aktiv", 0),
    ("paten_im_zeitraum", 0),
    ("paten_geschult", 1),
    ("paten_mit_migrationserfahrung", 1),
    ("paten_ohne_migrationserfahrung", 1),
    ("paten_migrationserfahrung_unbekannt", 1),
    ("anteil_migrationserfahrung", 0),
    ("neuzugewanderte", 0),
    ("neuzugewanderte_kinder", 1),
    ("neuzugewanderte_alter_unbekannt", 1),
    ("herkunftslaender", 0),
    ("herkunft_unbekannt", 0),
    ("dolmetschanfragen", 0),
    ("dolmetschanfragen_durchgefuehrt", 1),
    ("dolmetschanfragen_ausgefallen", 1),
    ("anteil_erfuellt", 0),
    ("median_vorlauf_tage", 0),
    ("dolmetschstunden", 0),
)


def summary_rows(figures: VolunteerFigures) -> list[tuple[int, str, str, Any]]:
    """The single figures as (depth, key, label, value)."""
    return [(level, key, str(FIGURE_LABELS[key]), figures.value(key)) for key, level in SUMMARY_ROWS]


def breakdowns(figures: VolunteerFigures) -> list[tuple[str, str, list[tuple[str, str, Any]]]]:
    """Each breakdown as (key, label, [(code, name, value)])."""
    return [
        (key, str(FIGURE_LABELS[key]), [(code, namer(code), value) for code, value in figures.value(key).items()])
        for key, namer in BREAKDOWNS.items()
    ]


def definitions() -> list[tuple[str, str]]:
    return [(str(FIGURE_LABELS[key]), str(text)) for key, text in FIGURE_DEFINITIONS.items()]


def scope_label(organisation: Organisation | None) -> str:
    return organisation.name if organisation is not None else _("every organisation")


def figures_xlsx(figures: VolunteerFigures) -> bytes:
    """The figures on one sheet (the single figures, then each breakdown), and a sheet of definitions."""
    workbook, sheet = new_workbook(_("Figures"))
    append_row(sheet, [_("Figures of volunteering")], font=BOLD)
    append_row(sheet, [_("Organisation"), scope_label(figures.organisation)])
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


def figure_table_rows(figures: VolunteerFigures) -> Sequence[tuple[str, Any]]:
    """The single figures and the breakdowns as (label, value) rows for the command's table."""
    rows: list[tuple[str, Any]] = [
        (f"{'  ' * level}{label}", value) for level, _k, label, value in summary_rows(figures)
    ]
    for _key, label, items in breakdowns(figures):
        rows.append((label, ""))
        rows.extend((f"  {name}", value) for _code, name, value in items)
    return rows
