"""Likely duplicates: is the person about to be registered already known?

Names reach German offices in many transliterations, so "Abud, Muhammad"
and "Aboud, Mohammed" must meet. Two persons are likely the same when their
family names have the same folded key (lotse.people.search.fold: vowels,
doubled letters and common consonant spellings unified), their given names
too (where both are known; where not, their years of birth must be known and
equal, since members of a family share the family name), and their years of
birth do not contradict each other. Equal years of birth and a shared nationality rank a candidate higher.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lotse.people.models import Person
from lotse.people.search import fold

if TYPE_CHECKING:
    from django.http import HttpRequest

    from lotse.core.models import User
    from lotse.people.forms import DuplicateChoiceMixin

# At most this many candidates are shown; more are read to rank them (names alone match many).
SHOWN = 5
CANDIDATES = 50


@dataclass
class LikelyDuplicate:
    person: Person
    score: int
    reasons: list[str]
    case_numbers: list[str] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return set(fold(text).split())


def _name_keys(person: Person) -> tuple[set[str], set[str]]:
    """The folded words of the person's family names (aliases included) and of their given names."""
    family = _words(person.family_name)
    given = _words(person.given_names)
    for alias in person.aliases:
        # An alias is written "Family, Given" or as one more spelling of the whole name.
        family_part, _comma, given_part = alias.partition(",")
        family |= _words(family_part)
        given |= _words(given_part) if given_part else _words(family_part)
    return family, given


def likely_duplicates(
    user: User,
    *,
    family_name: str,
    given_names: str = "",
    birth_date: datetime.date | None = None,
    nationalities: Iterable[str] = (),
    scope: QuerySet[Person] | None = None,
    exclude: Person | None = None,
) -> list[LikelyDuplicate]:
    """Persons in the user's scope (``scope``, by default the persons the user may read) who are likely the one
    described, best first: names with the same transliteration key, the year of birth not contradicting."""
    family_key = _words(family_name)
    if not family_key:
        return []
    given_key = _words(given_names)
    persons = Person.objects.visible_to(user) if scope is None else scope
    if exclude is not None:
        persons = persons.exclude(pk=exclude.pk)
    folded = fold(family_name)
    candidates = list(
        persons.filter(Q(search_key__contains=folded) | Q(search_key__trigram_word_similar=folded))
        .annotate(closeness=TrigramWordSimilarity(fold(f"{family_name} {given_names}"), "search_key"))
        .select_related("municipality")
        .order_by("-closeness", "pk")[:CANDIDATES]
    )
    wanted_nationalities = set(nationalities)
    found = []
    for person in candidates:
        family, given = _name_keys(person)
        if not family_key & family:
            continue
        both_given = bool(given_key and given)
        if both_given and not given_key & given:
            continue
        years_known = birth_date is not None and person.birth_date is not None
        # A family name alone is no evidence: families share it. Without both given names, the year must agree.
        if not both_given and not years_known:
            continue
        reasons = [_("name in another spelling") if fold(person.family_name) != fold(family_name) else _("same name")]
        score = 4 + (2 if given_key & given else 0)
        if years_known:
            assert birth_date is not None and person.birth_date is not None
            if birth_date.year != person.birth_date.year:
                continue
            score += 3
            reasons.append(_("same year of birth"))
            if birth_date == person.birth_date and person.birth_date_precision == "day":
                score += 1
        if wanted_nationalities & set(person.nationalities):
            score += 1
            reasons.append(_("same nationality"))
        found.append(LikelyDuplicate(person=person, score=score, reasons=reasons))
    found.sort(key=lambda hit: (-hit.score, hit.person.family_name, hit.person.given_names, hit.person.pk))
    shown = found[:SHOWN]
    _add_case_numbers(user, shown)
    return shown


def _add_case_numbers(user: User, hits: list[LikelyDuplicate]) -> None:
    """The numbers of the cases the user may read that the persons are clients of (one query)."""
    if not hits:
        return
    from lotse.cases.models import CaseClient

    numbers: dict[int, list[str]] = defaultdict(list)
    links = (
        CaseClient.objects.filter(person_id__in=[hit.person.pk for hit in hits], case__in=_readable_cases(user))
        .select_related("case")
        .order_by("case__start_date", "case_id")
    )
    for link in links:
        numbers[link.person_id].append(link.case.number)
    for hit in hits:
        hit.case_numbers = numbers.get(hit.person.pk, [])


def _readable_cases(user: User) -> QuerySet[Any]:
    from lotse.cases.models import Case

    return Case.objects.visible_to(user).values("pk")


def duplicates_to_confirm(
    request: HttpRequest,
    user: User,
    form: DuplicateChoiceMixin,
    fields: dict[str, object] | None,
    *,
    scope: QuerySet[Person] | None = None,
) -> list[LikelyDuplicate]:
    """For a valid POST that chose neither an existing person nor "create anyway": the likely duplicates of the
    person about to be created (``fields``, the person's fields; None when no new person is created).

    Showing them is a view of their data, written to the access log.
    """
    from lotse.core.choices import AccessAction
    from lotse.core.services import log_access

    if request.method != "POST" or fields is None or not form.is_valid() or form.duplicate_choice_made():
        return []
    birth_date = fields.get("birth_date")
    hits = likely_duplicates(
        user,
        family_name=str(fields.get("family_name") or ""),
        given_names=str(fields.get("given_names") or ""),
        birth_date=birth_date if isinstance(birth_date, datetime.date) else None,
        nationalities=list(fields.get("nationalities") or []),  # type: ignore[call-overload]
        scope=scope,
    )
    for hit in hits:
        log_access(acting_user=user, action=AccessAction.VIEW, record=hit.person, request=request)
    return hits


def own_persons(user: User) -> QuerySet[Person]:
    """The persons a caseworker may take over into a case of their own organisation: those it keeps."""
    return Person.objects.visible_to(user).filter(organisation_id=user.organisation_id)


def duplicates_context(duplicates: list[LikelyDuplicate], *, organisation_id: int | None) -> dict[str, Any]:
    """What people/_duplicates.html needs: the duplicates, and which of them may be taken over (those the
    organisation keeps; every one shown where ``organisation_id`` is None)."""
    takeable = {hit.person.pk for hit in duplicates if organisation_id in (None, hit.person.organisation_id)}
    return {"duplicates": duplicates, "takeable": takeable}
