"""Read models of the arrival journey: who is responsible for whom, and the page of responsibilities."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import formats
from django.utils.translation import gettext as _

from lotse.accommodation.models import AssignedPerson, Assignment
from lotse.arrivals.choices import TRANSITIONS, HandoverSheetStatus, PresentItemKind
from lotse.arrivals.models import Arrival, HandoverSheet, HandoverSheetPerson, Responsibility
from lotse.core.choices import OrganisationKind
from lotse.core.models import Municipality, Organisation, User
from lotse.network.choices import MASTER_LANGUAGE, READS_PUBLIC_LANGUAGE, SheetLanguage
from lotse.network.models import InfoSheet
from lotse.people.choices import BirthDatePrecision, Relationship
from lotse.people.models import HouseholdMembership
from lotse.people.vocabulary import language_name, nationality_name


def _rank(responsibility: Responsibility) -> tuple[bool, bool]:
    """How specific an entry is: one for a district beats one for a status, which beats the whole municipality."""
    return (responsibility.district != "", responsibility.residence_status != "")


def responsibilities_on(municipality: Municipality | int, on_date: datetime.date) -> list[Responsibility]:
    """The entries of ``municipality`` in force on ``on_date``, with their organisations (one query): what
    ``responsible_organisations`` and ``assignment_district`` ask about, for a caller that needs both."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    entries = Responsibility.objects.select_related("organisation").filter(municipality_id=municipality_id)
    return list(entries.on(on_date))


def responsible_organisations(
    municipality: Municipality | int,
    on_date: datetime.date,
    district: str = "",
    residence_status: str = "",
    *,
    entries: Sequence[Responsibility] | None = None,
) -> list[Organisation]:
    """The organisations responsible on ``on_date`` for a person of ``municipality`` (in one query).

    An entry applies when it is in force on the date (both ends included), its
    district is empty or the person's (compared without regard to case and
    surrounding spaces) and its residence status is empty or the person's. Of
    the entries that apply only the most specific count: district and status
    before district alone, before status alone, before the whole municipality.
    Several organisations at the same level are all responsible (sorted by
    name); none is an empty list. ``entries``: those of ``responsibilities_on`` for the same municipality and
    date, when the caller has them already (no query then).
    """
    wanted_district = district.strip().casefold()
    applying = [
        entry
        for entry in (responsibilities_on(municipality, on_date) if entries is None else entries)
        if entry.district.casefold() in ("", wanted_district) and entry.residence_status in ("", residence_status)
    ]
    if not applying:
        return []
    best = max(_rank(entry) for entry in applying)
    organisations = {entry.organisation_id: entry.organisation for entry in applying if _rank(entry) == best}
    return sorted(organisations.values(), key=lambda organisation: (organisation.name, organisation.pk))


def _names_of(district: str) -> list[str]:
    """How a text may name ``district``: its whole name, and each part of a compound name of parts joined by a
    dash or slash ("Grünbühl-Sonnenberg": also "Grünbühl" and "Sonnenberg"), all casefolded."""
    whole = district.strip().casefold()
    parts = [part.strip() for part in re.split(r"[-/]", whole)]
    return [whole, *(part for part in parts if len(part) >= 3 and part != whole)]


def named_district(text: str, districts: Iterable[str]) -> str:
    """The one of ``districts`` that ``text`` names as a word of its own (not inside a longer word: "Grünbühler
    Straße" names no "Grünbühl"), compared without regard to case; "" if it names none or more than one."""
    folded = text.casefold()
    found = {
        district.strip().casefold(): district.strip()
        for district in districts
        if district.strip()
        and any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in _names_of(district))
    }
    return next(iter(found.values())) if len(found) == 1 else ""


def assignment_district(
    assignment: Assignment, on_date: datetime.date, *, entries: Sequence[Responsibility] | None = None
) -> str:
    """The district of the assigned municipality the household will live in, as far as the assignment tells it:
    of the districts that have a responsibility of their own on ``on_date``, the one the future shelter's name or
    street names, else the one the future address names; "" (the whole municipality) otherwise (one query, none
    with the ``entries`` of ``responsibilities_on`` for the assigned municipality and the date)."""
    if entries is None:
        districts = list(
            Responsibility.objects.filter(municipality_id=assignment.municipality_id)
            .exclude(district="")
            .on(on_date)
            .values_list("district", flat=True)
            .distinct()
        )
    else:
        districts = list(dict.fromkeys(entry.district for entry in entries if entry.district))
    if not districts:
        return ""
    shelter = assignment.future_shelter
    texts = [f"{shelter.name}, {shelter.street}"] if shelter is not None else []
    texts.append(assignment.future_address)
    for text in texts:
        if district := named_district(text, districts):
            return district
    return ""


def shelter_district(shelter: Any, on_date: datetime.date) -> str:
    """The district of the shelter's municipality that has a responsibility of its own on ``on_date`` and that
    the shelter's name or street names; "" (the whole municipality) otherwise (one query)."""
    districts = list(
        Responsibility.objects.filter(municipality_id=shelter.municipality_id)
        .exclude(district="")
        .on(on_date)
        .values_list("district", flat=True)
        .distinct()
    )
    return named_district(f"{shelter.name}, {shelter.street}", districts) if districts else ""


@dataclass
class MunicipalityResponsibilities:
    municipality: Municipality
    entries: list[Responsibility] = field(default_factory=list)


def responsibility_page(*, today: datetime.date, show_all: bool) -> dict[str, Any]:
    """Every municipality of the installation with its responsibilities in force today (or all of them), in two
    queries; ``uncovered`` counts the municipalities without one today."""
    municipalities = {m.pk: MunicipalityResponsibilities(m) for m in Municipality.objects.order_by("name", "ags")}
    entries = Responsibility.objects.select_related("organisation").order_by(
        "district", "residence_status", "valid_from", "organisation__name", "pk"
    )
    if not show_all:
        entries = entries.on(today)
    covered = set()
    for entry in entries:
        row = municipalities.get(entry.municipality_id)
        if row is None:
            continue
        entry.municipality = row.municipality
        row.entries.append(entry)
        if entry.in_force_on(today):
            covered.add(entry.municipality_id)
    rows = list(municipalities.values())
    return {
        "rows": rows,
        "show_all": show_all,
        "today": today,
        "uncovered": sum(1 for row in rows if row.municipality.pk not in covered),
    }


# The handover sheet (Übergabebogen)

SHEET_LIST_LENGTH = 200


def _with_names(sheets: QuerySet[HandoverSheet]) -> QuerySet[HandoverSheet]:
    """Each sheet with the name of its first person, as the sheet names it (``household_name``)."""
    first = HandoverSheetPerson.objects.filter(sheet_id=OuterRef("pk")).order_by("position", "pk")
    return sheets.select_related("receiving_organisation", "sending_organisation", "shelter").annotate(
        household_name=Subquery(first.values("family_name")[:1]),
        household_given=Subquery(first.values("given_names")[:1]),
        person_count=Count("persons", distinct=True),
    )


def sent_sheet_list(user: User) -> list[HandoverSheet]:
    """The sheets of the user's organisation, drafts and handed over, newest first (one query)."""
    return list(_with_names(HandoverSheet.objects.sent_by(user)).order_by("-created_at", "-pk")[:SHEET_LIST_LENGTH])


def received_sheet_list(user: User) -> dict[str, list[HandoverSheet]]:
    """The sheets handed over to the user's organisation: those waiting for an answer, and those answered."""
    sheets = list(_with_names(HandoverSheet.objects.received_by(user)).order_by("-sent_at", "-pk")[:SHEET_LIST_LENGTH])
    return {
        "waiting": [sheet for sheet in sheets if sheet.status == HandoverSheetStatus.SENT],
        "answered": [sheet for sheet in sheets if sheet.status != HandoverSheetStatus.SENT],
    }


def waiting_sheets(user: User) -> list[HandoverSheet]:
    """The sheets waiting for an answer of the user's organisation, oldest first (for "Meine Arbeit")."""
    return list(
        _with_names(HandoverSheet.objects.received_by(user).filter(status=HandoverSheetStatus.SENT)).order_by(
            "sent_at", "pk"
        )
    )


def sheet_page(sheet: HandoverSheet) -> dict[str, Any]:
    """What the sheet says: its persons and rows (what it contains, nothing of the records behind it)."""
    persons: list[Any] = list(sheet.persons.order_by("position", "pk"))
    for person in persons:
        person.nationality_names = [nationality_name(code) for code in person.nationalities]
        person.language_names = [language_name(code) for code in person.languages]
    return {
        "sheet": sheet,
        "persons": persons,
        "consent_by": next((p for p in persons if p.pk == sheet.consent_given_by_id), None),
        "needs": list(sheet.needs.all()),
        "tasks": list(sheet.tasks.all()),
        "contacts": list(sheet.contacts.all()),
        "documents": [item for item in sheet.items.all() if item.kind == PresentItemKind.DOCUMENT],
        "consents": [item for item in sheet.items.all() if item.kind == PresentItemKind.CONSENT],
    }


def fetch_sheet(queryset: QuerySet[HandoverSheet], pk: int) -> HandoverSheet | None:
    return (
        queryset.select_related(
            "sending_organisation",
            "receiving_organisation",
            "shelter__municipality",
            "municipality",
            "created_by",
            "sent_by",
            "decided_by",
            "consent_recorded_by",
            "case",
        )
        .filter(pk=pk)
        .first()
    )


# New arrivals (Neuzugänge)

# The persons' fields the receiving organisation reads of an assignment, and nothing more (docs/ankommen.md):
# names, date of birth (with its precision), nationalities and languages; the gender only travels into the
# casework record when counselling begins, and is not shown.
MEMBER_FIELDS = (
    "person_id",
    "person__family_name",
    "person__given_names",
    "person__birth_date",
    "person__birth_date_precision",
    "person__gender",
    "person__nationalities",
    "person__languages",
    "person__organisation_id",
)
ARRIVALS_PER_PAGE = 25
# German and English are most often a newcomer's second or third language (as lotse.network.queries.client_language
# weighs them for a case's client).
SECOND_LANGUAGES = ("en", MASTER_LANGUAGE)


@dataclass
class ArrivalMember:
    """One assigned person as the receiving organisation reads them (not the accommodation record)."""

    person_id: int
    family_name: str
    given_names: str
    birth_date: datetime.date | None
    birth_date_precision: str
    gender: str
    nationalities: list[str]
    languages: list[str]
    # The organisation that keeps the accommodation record (to link the casework record with it; not shown).
    keeper_id: int = 0
    relationship: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.family_name}, {self.given_names}" if self.given_names else self.family_name

    @property
    def birth_date_display(self) -> str:
        if self.birth_date is None:
            return ""
        if self.birth_date_precision == BirthDatePrecision.YEAR:
            return str(self.birth_date.year)
        if self.birth_date_precision == BirthDatePrecision.MONTH:
            return f"{self.birth_date.month:02d}.{self.birth_date.year}"
        return formats.date_format(self.birth_date, "SHORT_DATE_FORMAT")

    @property
    def nationality_names(self) -> str:
        return ", ".join(nationality_name(code) for code in self.nationalities)

    @property
    def language_names(self) -> str:
        return ", ".join(language_name(code) for code in self.languages)

    def person_fields(self) -> dict[str, Any]:
        """The fields of the casework record made from this member (no retyping)."""
        return {
            "family_name": self.family_name,
            "given_names": self.given_names,
            "birth_date": self.birth_date,
            "birth_date_precision": self.birth_date_precision,
            "gender": self.gender,
            "nationalities": list(self.nationalities),
            "languages": list(self.languages),
        }


def arrival_members(assignment_ids: Iterable[int]) -> dict[int, list[ArrivalMember]]:
    """The assigned persons of each assignment, the head of household first, then by age (two queries).

    Read from the assignment's persons with the fields of ``MEMBER_FIELDS`` only, so the page cannot show
    more of the accommodation record than this read model selects.
    """
    ids = list(dict.fromkeys(assignment_ids))
    result: dict[int, list[ArrivalMember]] = {pk: [] for pk in ids}
    if not ids:
        return result
    rows = list(AssignedPerson.objects.filter(assignment_id__in=ids).values("assignment_id", *MEMBER_FIELDS))
    relationships = dict(
        HouseholdMembership.objects.current()
        .filter(person_id__in=[row["person_id"] for row in rows])
        .values_list("person_id", "relationship")
    )
    for row in rows:
        result[row["assignment_id"]].append(
            ArrivalMember(
                person_id=row["person_id"],
                family_name=row["person__family_name"],
                given_names=row["person__given_names"],
                birth_date=row["person__birth_date"],
                birth_date_precision=row["person__birth_date_precision"],
                gender=row["person__gender"],
                nationalities=list(row["person__nationalities"]),
                languages=list(row["person__languages"]),
                keeper_id=row["person__organisation_id"],
                relationship=relationships.get(row["person_id"], ""),
            )
        )
    for members in result.values():
        members.sort(
            key=lambda m: (
                m.relationship != Relationship.HEAD,
                m.birth_date or datetime.date.max,
                m.family_name,
                m.given_names,
                m.person_id,
            )
        )
    return result


def household_name() -> Any:
    """Annotation of an arrival: "Family, Given" of its head of household (else its eldest member)."""
    first = (
        AssignedPerson.objects.filter(assignment_id=OuterRef("assignment_id"))
        .annotate(
            is_head=Exists(
                HouseholdMembership.objects.current().filter(
                    person_id=OuterRef("person_id"), relationship=Relationship.HEAD
                )
            )
        )
        .order_by("-is_head", F("person__birth_date").asc(nulls_last=True), "person__family_name", "pk")
        .annotate(name=Concat("person__family_name", Value(", "), "person__given_names"))
        .values("name")[:1]
    )
    return Subquery(first)


def sheet_language_of(members: list[ArrivalMember]) -> str:
    """The info sheet language the household most likely reads best (the head's languages first); German if
    nobody speaks a sheet language."""
    spoken = [READS_PUBLIC_LANGUAGE[code] for m in members for code in m.languages if code in READS_PUBLIC_LANGUAGE]
    own = [code for code in spoken if code not in SECOND_LANGUAGES]
    if own:
        return own[0]
    return next((code for code in SECOND_LANGUAGES if code in spoken), MASTER_LANGUAGE)


def housing_organisations(assignment: Assignment) -> list[tuple[Organisation, str]]:
    """Who may be named in the client's consent to the data exchange, the likeliest first: the operator of the
    future shelter, the municipality's own administration, the assigning district office (one query)."""
    candidates: list[tuple[int | None, str]] = []
    shelter = assignment.future_shelter
    if shelter is not None:
        candidates.append((shelter.organisation_id, _("operates the future shelter")))
    own = (
        Organisation.objects.filter(municipality_id=assignment.municipality_id, kind=OrganisationKind.GEMEINDE)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    candidates.append((own, _("administration of the municipality")))
    candidates.append((assignment.organisation_id, _("assigned the household")))
    wanted = [pk for pk, _reason in candidates if pk is not None]
    by_pk = Organisation.objects.in_bulk(wanted)
    result: list[tuple[Organisation, str]] = []
    for pk, reason in candidates:
        if pk is not None and pk in by_pk and all(org.pk != pk for org, _r in result):
            result.append((by_pk[pk], reason))
    return result


def arrival_rows(user: User, filters: dict[str, Any]) -> QuerySet[Arrival]:
    """The user's organisation's new arrivals, newest assignment first, filtered by state and municipality."""
    arrivals = (
        Arrival.objects.visible_to(user)
        .select_related("assignment__municipality", "assignment__future_shelter", "responsible", "forwarded_to", "case")
        .annotate(household_size=Count("assignment__assigned_persons"))
        .order_by("-assignment__date", "-pk")
    )
    if filters.get("state"):
        arrivals = arrivals.filter(state=filters["state"])
    if filters.get("municipality") is not None:
        arrivals = arrivals.filter(assignment__municipality=filters["municipality"])
    return arrivals


def arrival_list_page(user: User, filters: dict[str, Any], page_number: str | None) -> Page[Arrival]:
    """One page of new arrivals with their members (four queries however many: count, page, members, their
    households)."""
    page: Page[Arrival] = Paginator(arrival_rows(user, filters), ARRIVALS_PER_PAGE).get_page(page_number)
    members = arrival_members(arrival.assignment_id for arrival in page.object_list)
    for arrival in page.object_list:
        arrival.members = members[arrival.assignment_id]
    return page


def arrival_page(arrival: Arrival, today: datetime.date) -> dict[str, Any]:
    """The entry page: the household, the steps, the prints, what may come next."""
    members = arrival_members([arrival.assignment_id])[arrival.assignment_id]
    steps = list(arrival.steps.select_related("by", "organisation").order_by("at", "pk"))
    prints = list(arrival.prints.select_related("printed_by").order_by("-printed_at", "-pk"))
    has_sheet = InfoSheet.objects.filter(municipality_id=arrival.assignment.municipality_id).exists()
    return {
        "arrival": arrival,
        "assignment": arrival.assignment,
        "members": members,
        "steps": steps,
        "prints": prints,
        "has_sheet": has_sheet,
        "sheet_language": sheet_language_of(members),
        "sheet_languages": SheetLanguage.choices,
        "next_states": TRANSITIONS[arrival.state],
        "today": today,
    }


def overdue_since(today: datetime.date) -> datetime.date:
    """Households that arrived on or before this day without a first contact are overdue."""
    return today - datetime.timedelta(days=settings.LOTSE_ARRIVAL_FIRST_CONTACT_DAYS)


def overdue_arrivals(user: User, today: datetime.date, *, responsible_ids: Iterable[int] | None = None) -> Any:
    """The user's organisation's arrivals without a first contact after the configured days, oldest first; of
    the caseworkers ``responsible_ids`` (None: every one, and those without)."""
    arrivals = (
        Arrival.objects.visible_to(user)
        .without_first_contact(overdue_since(today), today)
        .select_related("assignment__municipality", "responsible")
        .annotate(household=household_name())
        .order_by("assignment__date", "pk")
    )
    if responsible_ids is not None:
        arrivals = arrivals.filter(responsible_id__in=list(responsible_ids))
    return arrivals
