"""The VU monitor: who lives in the county's preliminary accommodation (VU), for how long, and who is due to move on.

People move from the county's preliminary accommodation to the municipalities' follow-up accommodation (AU)
"when their asylum procedure is decided or at the latest after 24 months in VU" (the seeds: the Ludwigsburg
city page). The monitor lists every person in a VU shelter of the Landratsamt on a reference date (Stichtag)
with the months since the start of the continuous VU stay, the asylum procedure, the municipality of
assignment, and one flag: decision taken, 24 months reached, or reaching 24 months within the next months.

The rules (``docs/unterbringung.md``, section "VU-Monitor"):

- The continuous VU stay is the chain of the person's stays in the Landratsamt's VU shelters in which each
  stay begins on the day the one before ended (a move between VU shelters). A day without such a stay
  (a stay in AU, moving away, a gap) ends the chain; a later VU stay starts a new one.
- Months in VU are whole months from the start of that stay to the Stichtag: ``n`` months are complete on
  the day with the start's day number ``n`` months later (the month's last day where the month is shorter).
- A decision is taken when the person's asylum stage on the Stichtag is the decision (Bescheid) or a later
  one (appeal, final); it was taken on the first day of that run of stages.

Everything is computed in a fixed number of queries, whatever the number of persons.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lotse.accommodation.models import (
    AssignedPerson,
    Assignment,
    Occupancy,
    Shelter,
    monitors_for_county,
)
from lotse.core.access import CAPABILITIES, Capability
from lotse.core.forms import DateField, FilterForm
from lotse.core.models import Municipality, User
from lotse.people.choices import AsylumStage
from lotse.people.models import AsylumRecord, HouseholdMembership, Person

# People move on to follow-up accommodation at the latest after this many months in VU.
MONTHS_LIMIT = 24
# The warning ahead of the 24 months, in months (the page's default; 1 to 12 may be chosen).
DEFAULT_WARNING_MONTHS = 3
MAX_WARNING_MONTHS = 12
ROWS_PER_PAGE = 50
# The stages at which the asylum application has been decided (the decision itself and what follows it).
DECIDED_STAGES = frozenset({AsylumStage.BESCHEID, AsylumStage.KLAGE, AsylumStage.RECHTSKRAEFTIG})
# The filter value of persons without an assignment (municipalities are chosen by their 8-digit AGS).
NOT_ASSIGNED = "offen"


class Flag:
    """The point at which the person moves on to AU, as far as reached (codes in the URL, labels translated)."""

    DECISION = "entscheidung"
    REACHED = "24-monate"
    SOON = "bald"
    NONE = "keiner"

    ORDER = (DECISION, REACHED, SOON, NONE)
    LABELS = {
        DECISION: gettext_lazy("decision taken"),
        REACHED: gettext_lazy("24 months reached"),
        SOON: gettext_lazy("reaches 24 months soon"),
        NONE: gettext_lazy("no flag"),
    }


# --- the rules -------------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The day with ``day``'s number ``months`` later (the month's last day where the month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: datetime.date, day: datetime.date) -> int:
    """Whole months from ``start`` to ``day``: ``n`` months are complete on ``add_months(start, n)``."""
    if day < start:
        return 0
    months = (day.year - start.year) * 12 + day.month - start.month
    if add_months(start, months) > day:
        months -= 1
    return months


def continuous_start(stays: Iterable[Any], current: Any) -> datetime.date:
    """The first day of the unbroken chain of ``stays`` (``move_in``/``move_out``) that ends with ``current``:
    each stay of the chain begins on the day the one before ended."""
    ended_on = {stay.move_out: stay for stay in stays if stay.move_out is not None}
    start = current.move_in
    seen = {id(current)}
    while (before := ended_on.get(start)) is not None and id(before) not in seen:
        seen.add(id(before))
        start = before.move_in
    return start


def decided_on(records: Sequence[Any]) -> datetime.date | None:
    """The day the decision was taken, if the last of ``records`` (asylum stages, oldest first) is the
    decision or a later stage: the first day of that run of decided stages."""
    since = None
    for record in records:
        since = (since or record.valid_from) if record.stage in DECIDED_STAGES else None
    return since


def flag_of(
    since: datetime.date, decision: datetime.date | None, day: datetime.date, warning_months: int
) -> tuple[str, datetime.date | None]:
    """The flag on ``day`` of a VU stay that began on ``since``, and the day it refers to.

    ``decision`` is the day of a decision taken on or before ``day`` (else None). Of the decision and the
    24 months, the one reached first counts (a decision on the very day the 24 months are complete counts as
    the decision); before either, a stay that completes 24 months within the next ``warning_months`` months
    is flagged with that day.
    """
    limit = add_months(since, MONTHS_LIMIT)
    if decision is not None and decision <= limit:
        return Flag.DECISION, decision
    if limit <= day:
        return Flag.REACHED, limit
    if limit <= add_months(day, warning_months):
        return Flag.SOON, limit
    return Flag.NONE, None


# --- the filters -----------------------------------------------------------------------------------------


class MonitorForm(FilterForm):
    """The monitor's reference date, warning and filters (GET); an invalid value is dropped, never an error page."""

    stichtag = DateField(label=gettext_lazy("Reference date"), required=False)
    monate = forms.IntegerField(
        label=gettext_lazy("Warning ahead of 24 months (months)"),
        min_value=1,
        max_value=MAX_WARNING_MONTHS,
        required=False,
    )
    unterkunft = forms.TypedChoiceField(label=gettext_lazy("Shelter"), coerce=int, required=False, empty_value=None)
    gemeinde = forms.ChoiceField(label=gettext_lazy("Municipality of assignment"), required=False)
    hinweis = forms.ChoiceField(label=gettext_lazy("Flag"), required=False)

    def __init__(self, *args: Any, shelters: Sequence[Shelter], municipalities: Sequence[Municipality], **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unterkunft"].choices = [("", _("all shelters")), *((s.pk, s.name) for s in shelters)]
        fields["gemeinde"].choices = [
            ("", _("all")),
            (NOT_ASSIGNED, _("not yet assigned")),
            *((m.ags, m.name) for m in municipalities),
        ]
        fields["hinweis"].choices = [("", _("all")), *((code, Flag.LABELS[code]) for code in Flag.ORDER)]
        self.style_small()

    def clean_stichtag(self) -> datetime.date | None:
        day = self.cleaned_data.get("stichtag")
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("The reference date cannot lie in the future."), code="future")
        return day


# --- the rows --------------------------------------------------------------------------------------------


@dataclass
class MonitorRow:
    """One person in VU on the reference date."""

    stay: Occupancy
    since: datetime.date
    months: int
    limit: datetime.date
    age: int | None
    household_size: int | None
    stage: AsylumRecord | None
    decision: AsylumRecord | None
    assignment: Assignment | None
    flag: str
    flag_day: datetime.date | None

    @property
    def person(self) -> Person:
        return self.stay.person

    @property
    def shelter(self) -> Shelter:
        return self.stay.place.shelter

    @property
    def flag_label(self) -> str:
        return str(Flag.LABELS[self.flag])

    @property
    def municipality_name(self) -> str:
        return self.assignment.municipality.name if self.assignment else _("not yet assigned")


@dataclass
class FlagCount:
    code: str
    label: str
    count: int


@dataclass
class Monitor:
    day: datetime.date
    warning_months: int
    rows: list[MonitorRow]
    counts: list[FlagCount]
    total: int
    description: str


def _household_sizes(person_ids: list[int], day: datetime.date) -> dict[int, int]:
    """The size on ``day`` of each person's household (persons without a recorded household are missing)."""

    def holding(memberships: QuerySet[HouseholdMembership]) -> QuerySet[HouseholdMembership]:
        return memberships.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))

    members = (
        holding(HouseholdMembership.objects.filter(household_id=OuterRef("household_id")))
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return dict(
        holding(HouseholdMembership.objects.filter(person_id__in=person_ids))
        .annotate(size=Coalesce(Subquery(members, output_field=IntegerField()), 1))
        .values_list("person_id", "size")
    )


def _asylum_records(person_ids: list[int], day: datetime.date) -> dict[int, list[AsylumRecord]]:
    """Each person's asylum stages dated on or before ``day``, oldest first."""
    records: dict[int, list[AsylumRecord]] = {}
    for record in AsylumRecord.objects.filter(person_id__in=person_ids, valid_from__lte=day).order_by(
        "person_id", "valid_from", "pk"
    ):
        records.setdefault(record.person_id, []).append(record)
    return records


def _assignments(user: User, person_ids: list[int], day: datetime.date) -> dict[int, list[Assignment]]:
    """The assignments of each person the user sees, dated on or before ``day``, oldest first."""
    assigned: dict[int, list[Assignment]] = {}
    for link in (
        AssignedPerson.objects.filter(
            person_id__in=person_ids, assignment__in=Assignment.objects.visible_to(user), assignment__date__lte=day
        )
        .select_related("assignment__municipality")
        .order_by("assignment__date", "assignment_id")
    ):
        assigned.setdefault(link.person_id, []).append(link.assignment)
    return assigned


def vu_shelters(user: User) -> list[Shelter]:
    """The Landratsamt's VU shelters (those the user's organisation operates), by name."""
    return list(Shelter.objects.managed_by(user).in_group("vu").order_by("name", "pk"))


def monitor_rows(user: User, day: datetime.date, warning_months: int, shelters: list[Shelter]) -> list[MonitorRow]:
    """Every person in one of ``shelters`` on ``day``, by months in VU (most first), in five queries."""
    shelter_ids = [shelter.pk for shelter in shelters]
    in_vu = Occupancy.objects.filter(place__shelter_id__in=shelter_ids)
    present = in_vu.on(day).values("person_id")
    stays = list(
        in_vu.filter(move_in__lte=day, person_id__in=present)
        .select_related("person", "place__shelter")
        .order_by("person_id", "move_in", "pk")
    )
    by_person: dict[int, list[Occupancy]] = {}
    for stay in stays:
        by_person.setdefault(stay.person_id, []).append(stay)
    person_ids = list(by_person)
    sizes = _household_sizes(person_ids, day)
    asylum = _asylum_records(person_ids, day)
    assigned = _assignments(user, person_ids, day)
    rows = []
    for person_id, own in by_person.items():
        current = next(s for s in own if s.move_in <= day and (s.move_out is None or s.move_out > day))
        since = continuous_start(own, current)
        records = asylum.get(person_id, [])
        decisions = [r for r in records if r.stage == AsylumStage.BESCHEID]
        # An assignment before the continuous stay began belongs to an earlier stay.
        assignments = [a for a in assigned.get(person_id, []) if a.date >= since]
        flag, flag_day = flag_of(since, decided_on(records), day, warning_months)
        rows.append(
            MonitorRow(
                stay=current,
                since=since,
                months=whole_months(since, day),
                limit=add_months(since, MONTHS_LIMIT),
                age=current.person.age_on(day),
                household_size=sizes.get(person_id),
                stage=records[-1] if records else None,
                decision=decisions[-1] if decisions else None,
                assignment=assignments[-1] if assignments else None,
                flag=flag,
                flag_day=flag_day,
            )
        )
    rows.sort(key=lambda r: (-r.months, r.since, r.person.family_name.casefold(), r.person.given_names, r.person.pk))
    return rows


def check_monitors(user: User) -> None:
    """Only the accommodation staff of a Landratsamt read the monitor."""
    if not monitors_for_county(user):
        raise ValidationError(
            str(CAPABILITIES[Capability.MONITOR_PRELIMINARY_ACCOMMODATION].refusal), code="not_county"
        )


def vu_monitor(user: User, data: QueryDict) -> tuple[Monitor, MonitorForm]:
    """The monitor on the chosen reference date (default today), filtered; the counts per flag are those of the
    shelter and municipality chosen, over every flag."""
    check_monitors(user)
    shelters = vu_shelters(user)
    municipalities = list(Municipality.objects.order_by("name", "ags"))
    today = timezone.localdate()
    # The form shows the reference date and warning in use: today and 3 months unless chosen.
    values = data.copy()
    if not values.get("stichtag"):
        values["stichtag"] = today.isoformat()
    if not values.get("monate"):
        values["monate"] = str(DEFAULT_WARNING_MONTHS)
    form = MonitorForm(values, shelters=shelters, municipalities=municipalities)
    filters = form.values()
    day = filters.get("stichtag") or today
    warning = filters.get("monate") or DEFAULT_WARNING_MONTHS
    # The start of a stay is found across every VU shelter, also when one shelter is chosen.
    rows = monitor_rows(user, day, warning, shelters)
    texts = []
    if shelter_id := filters.get("unterkunft"):
        rows = [r for r in rows if r.shelter.pk == shelter_id]
        texts += [s.name for s in shelters if s.pk == shelter_id]
    if municipality := filters.get("gemeinde"):
        if municipality == NOT_ASSIGNED:
            rows = [r for r in rows if r.assignment is None]
            texts.append(_("not yet assigned"))
        else:
            rows = [r for r in rows if r.assignment is not None and r.assignment.municipality.ags == municipality]
            texts += [m.name for m in municipalities if m.ags == municipality]
    counted = Counter(r.flag for r in rows)
    counts = [FlagCount(code, str(Flag.LABELS[code]), counted[code]) for code in Flag.ORDER]
    total = len(rows)
    if flag := filters.get("hinweis"):
        rows = [r for r in rows if r.flag == flag]
        texts.append(str(Flag.LABELS[flag]))
    monitor = Monitor(day, warning, rows, counts, total, ", ".join(texts))
    return monitor, form
