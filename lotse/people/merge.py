"""Merging two records of one person who was registered twice.

Every record that references the person removed moves to the person kept:
the relations are found generically (``Person._meta.related_objects``), so
a record type added later moves too. A moved record that would break a
uniqueness rule is either the same link twice (the same client of the same
case, the same household, a dated fact with the same content on the same
day: the removed person's copy is dropped, its history kept) or a
contradiction the team lead must settle first (two different facts on one
day, two stays at once): then nothing is merged. The removed person's
current household membership in another household ends on the day of the
merge (a person lives in one household at a time). The kept person keeps
their data; blanks are filled from the other, names become spelling
variants, nationalities and languages are joined, notes appended.

Everything runs in one transaction; its change history carries the merge
(kept id, the removed person's names and date of birth), and the removed
person's deletion keeps all of their data in the history.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import User
from lotse.core.services import ConcurrentEditError, audit_context, record_organisation_id, save_versioned
from lotse.core.transactions import atomic
from lotse.people.choices import Gender
from lotse.people.models import HouseholdMembership, Person

# Fields that say whether a moved record is a second copy of one the kept person has (beyond the person itself).
SAME_LINK_FIELDS: dict[str, tuple[str, ...]] = {
    "cases.caseclient": ("case",),
    "people.householdmembership": ("household",),
}
# Fields never compared: when or by whom a copy was recorded does not make it another record.
UNCOMPARED = frozenset({"id", "created_at", "recorded_by", "version"})


@dataclass(frozen=True)
class PersonRelation:
    model: type[models.Model]
    field: str  # the foreign key to Person

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass
class MergeResult:
    kept: Person
    moved: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    ended_memberships: int = 0


def person_relations() -> list[PersonRelation]:
    """Every foreign key to Person (many-to-many tables included), but the change history's own."""
    relations = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or getattr(model, "pgh_tracked_model", None) is not None:
            continue  # the history of the removed person stays theirs
        if rel.many_to_many:
            through = rel.through  # type: ignore[attr-defined]
            if through._meta.auto_created:
                relations.append(PersonRelation(through, rel.field.m2m_reverse_field_name()))  # type: ignore[attr-defined]
            continue  # an explicit through model has its own foreign key among the relations
        relations.append(PersonRelation(model, rel.field.name))
    return relations


def records_of(person: Person) -> dict[str, int]:
    """How many records of each kind reference the person."""
    return {
        relation.label: relation.model._default_manager.filter(**{relation.field: person}).count()
        for relation in person_relations()
    }


def _foreign_records(person: Person, organisation_id: int) -> list[str]:
    """The kinds of records of the person kept by another organisation (a stay in its shelter, its assignment)."""
    foreign = []
    for relation in person_relations():
        for record in relation.model._default_manager.filter(**{relation.field: person}):
            keeper = record_organisation_id(record)
            if keeper is not None and keeper != organisation_id:
                foreign.append(str(relation.model._meta.verbose_name))
                break
    return foreign


def _compared_fields(relation: PersonRelation) -> list[str]:
    if relation.label in SAME_LINK_FIELDS:
        return list(SAME_LINK_FIELDS[relation.label])
    return [
        f.attname
        for f in relation.model._meta.concrete_fields
        if f.name != relation.field and f.name not in UNCOMPARED and not f.primary_key
    ]


def _move(relation: PersonRelation, record: models.Model, kept: Person, result: MergeResult) -> None:
    manager = relation.model._default_manager
    try:
        with atomic():
            manager.filter(pk=record.pk).update(**{relation.field: kept})
    except IntegrityError:
        compared = {name: getattr(record, name) for name in _compared_fields(relation)}
        if manager.filter(**{relation.field: kept}, **compared).exists():
            record.delete()
            result.dropped[relation.label] += 1
            return
        raise ValidationError(
            _(
                "The persons cannot be merged: an entry “%(record)s” (%(kind)s) of the person removed contradicts "
                "an entry of the person kept. Correct or remove one of them first."
            )
            % {"record": record, "kind": relation.model._meta.verbose_name},
            code="merge_conflict",
        ) from None
    result.moved[relation.label] += 1


def _end_other_household(kept: Person, removed: Person, today: datetime.date, result: MergeResult) -> None:
    """One current household: the removed person's in another household than the kept person's ends today."""
    kept_current = HouseholdMembership.objects.filter(person=kept, valid_to__isnull=True).first()
    removed_current = HouseholdMembership.objects.filter(person=removed, valid_to__isnull=True).first()
    if kept_current is None or removed_current is None or kept_current.household_id == removed_current.household_id:
        return
    removed_current.valid_to = max(today, removed_current.valid_from)
    removed_current.save(update_fields=["valid_to"])
    result.ended_memberships += 1


def _merged_fields(kept: Person, removed: Person) -> dict[str, Any]:
    """The kept person's data, blanks filled from the removed one, names and lists joined."""
    fields: dict[str, Any] = {}
    for name in ("given_names", "original_script_name", "phone", "email", "external_id"):
        if not getattr(kept, name) and getattr(removed, name):
            fields[name] = getattr(removed, name)
    if kept.municipality_id is None and removed.municipality_id is not None:
        fields["municipality_id"] = removed.municipality_id
    if kept.birth_date is None and removed.birth_date is not None:
        fields["birth_date"] = removed.birth_date
        fields["birth_date_precision"] = removed.birth_date_precision
    if kept.gender == Gender.UNKNOWN and removed.gender != Gender.UNKNOWN:
        fields["gender"] = removed.gender
    for name in ("nationalities", "languages"):
        joined = list(dict.fromkeys([*getattr(kept, name), *getattr(removed, name)]))
        if joined != getattr(kept, name):
            fields[name] = joined
    spellings = [removed.full_name, removed.original_script_name, *removed.aliases]
    known = {kept.full_name.casefold(), kept.original_script_name.casefold()} - {""}
    aliases = list(kept.aliases)
    for spelling in spellings:
        if spelling and spelling.casefold() not in known and spelling.casefold() not in {a.casefold() for a in aliases}:
            aliases.append(spelling)
    if aliases != kept.aliases:
        fields["aliases"] = aliases
    if removed.notes and removed.notes not in kept.notes:
        fields["notes"] = f"{kept.notes}\n\n{removed.notes}".strip()
    return fields


def merge_persons(
    *, acting_user: User | None, kept: Person, removed: Person, kept_version: int, removed_version: int
) -> MergeResult:
    """Make ``removed`` and ``kept`` one person, ``kept``; everything of ``removed`` moves to it."""
    require(acting_user, Capability.MERGE_PERSONS, organisation_id=kept.organisation_id, code="not_owner")
    if kept.pk == removed.pk:
        raise ValidationError(_("Choose two different persons."), code="same_person")
    if removed.organisation_id != kept.organisation_id:
        raise ValidationError(_("Only persons of the same organisation can be merged."), code="foreign")
    with atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, removed.pk])}
        if len(locked) != 2:
            raise ConcurrentEditError
        kept, removed = locked[kept.pk], locked[removed.pk]
        if removed.version != removed_version:
            raise ConcurrentEditError
        for person in (kept, removed):
            foreign = _foreign_records(person, kept.organisation_id)
            if foreign:
                raise ValidationError(
                    _(
                        "“%(name)s” has records kept by another organisation (%(kinds)s), so the persons cannot be "
                        "merged here."
                    )
                    % {"name": person.full_name, "kinds": ", ".join(foreign)},
                    code="foreign_records",
                )
        merge = {
            "kept": kept.pk,
            "removed": removed.pk,
            "removed_name": removed.full_name,
            "removed_birth_date": removed.birth_date_display,
        }
        result = MergeResult(kept=kept)
        with audit_context(acting_user, merge=merge):
            _end_other_household(kept, removed, timezone.localdate(), result)
            for relation in person_relations():
                for record in relation.model._default_manager.filter(**{relation.field: removed}).order_by("pk"):
                    _move(relation, record, kept, result)
            fields = _merged_fields(kept, removed)
            removed.delete()
            for name, value in fields.items():
                setattr(kept, name, value)
            kept.refresh_search_texts()
            # Saved even without a changed field: the kept person's history then says what was merged into it.
            save_versioned(kept, kept_version, [*fields, "search_text", "search_key"])
        return result
