"""Every change to persons, households and their dated facts: one transaction, one audit trail."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.core.validation import clean_changed
from lotse.people.choices import Relationship
from lotse.people.dates import check_birth_date, not_in_future
from lotse.people.models import (
    STATUS_RECORD_MODELS,
    Household,
    HouseholdMembership,
    HousingRecord,
    Person,
    StatusRecord,
)
from lotse.people.signals import housing_recorded
from lotse.people.vocabulary import LANGUAGE_CODES, NATIONALITY_CODES

PERSON_FIELDS = (
    "family_name",
    "given_names",
    "original_script_name",
    "aliases",
    "birth_date",
    "birth_date_precision",
    "gender",
    "nationalities",
    "languages",
    "phone",
    "email",
    "notes",
    "municipality",
)


def clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("aliases", "nationalities", "languages"):
        if name in cleaned:
            cleaned[name] = list(dict.fromkeys(value.strip() for value in cleaned[name] if value and value.strip()))
    if bad := [code for code in cleaned.get("nationalities", []) if code not in NATIONALITY_CODES]:
        raise ValidationError(
            _("Unknown nationality “%(code)s”: use a two-letter ISO 3166 code, “staatenlos” or “ungeklaert”.")
            % {"code": bad[0]},
            code="unknown_nationality",
        )
    if bad := [code for code in cleaned.get("languages", []) if code not in LANGUAGE_CODES]:
        raise ValidationError(
            _("Unknown language “%(code)s”: use a three-letter ISO 639-3 code.") % {"code": bad[0]},
            code="unknown_language",
        )
    if cleaned.get("birth_date") is not None:
        check_birth_date(cleaned["birth_date"])
    return cleaned


def create_person(
    *, acting_user: User | None, organisation: Organisation, capability: Capability = Capability.CASEWORK, **fields: Any
) -> Person:
    """A person kept by ``organisation``. ``capability``: what the acting user needs (casework by default; the
    volunteer coordination registers the newcomers of its own programmes)."""
    require(acting_user, capability, organisation_id=organisation.pk, code="not_owner")
    cleaned = clean_person_fields(fields)
    with atomic(), audit_context(acting_user):
        person = Person(organisation=organisation, **cleaned)
        person.full_clean()
        person.save()
        return person


def update_person(*, acting_user: User | None, person: Person, expected_version: int, **fields: Any) -> Person:
    require(acting_user, Capability.CASEWORK, organisation_id=person.organisation_id, code="not_owner")
    cleaned = clean_person_fields(fields)
    with atomic(), audit_context(acting_user):
        for name, value in cleaned.items():
            setattr(person, name, value)
        clean_changed(person, cleaned)
        person.refresh_search_texts()
        return save_versioned(person, expected_version, [*cleaned, "search_text", "search_key"])


def create_household(
    *,
    acting_user: User | None,
    organisation: Organisation,
    external_id: str = "",
    capability: Capability = Capability.CASEWORK,
) -> Household:
    require(acting_user, capability, organisation_id=organisation.pk, code="not_owner")
    with atomic(), audit_context(acting_user):
        return Household.objects.create(organisation=organisation, external_id=external_id)


def join_household(
    *,
    acting_user: User | None,
    person: Person,
    household: Household,
    relationship: str,
    since: datetime.date,
    capability: Capability = Capability.CASEWORK,
) -> HouseholdMembership:
    """Move the person into ``household`` from ``since``; the previous membership ends that day.

    A person belongs to one household at a time; earlier memberships are kept.
    """
    require(acting_user, capability, organisation_id=household.organisation_id, code="not_owner")
    if person.organisation_id != household.organisation_id:
        raise ValidationError(_("The person and the household belong to different organisations."), code="foreign")
    if relationship not in Relationship.values:
        raise ValidationError(_("Unknown relationship “%(code)s”.") % {"code": relationship}, code="relationship")
    not_in_future(since, _("The date of moving in"))
    with atomic(), audit_context(acting_user):
        current = HouseholdMembership.objects.select_for_update().filter(person=person, valid_to__isnull=True).first()
        if current is not None:
            if current.household_id == household.pk:
                raise ValidationError(_("The person already lives in this household."), code="same_household")
            if since < current.valid_from:
                raise ValidationError(
                    _("The move cannot be dated before the person joined the current household (%(date)s).")
                    % {"date": current.valid_from.strftime("%d.%m.%Y")},
                    code="move_before_join",
                )
            current.valid_to = since
            current.save(update_fields=["valid_to"])
        return HouseholdMembership.objects.create(
            household=household, person=person, relationship=relationship, valid_from=since
        )


def set_relationship(*, acting_user: User | None, membership: HouseholdMembership, relationship: str) -> None:
    require(acting_user, Capability.CASEWORK, organisation_id=membership.household.organisation_id, code="not_owner")
    if relationship not in Relationship.values:
        raise ValidationError(_("Unknown relationship “%(code)s”.") % {"code": relationship}, code="relationship")
    with atomic(), audit_context(acting_user):
        membership.relationship = relationship
        membership.save(update_fields=["relationship"])


def add_status_record(*, acting_user: User | None, person: Person, kind: str, **fields: Any) -> StatusRecord:
    """Record a dated fact (residence, language, work, housing) about the person."""
    require(acting_user, Capability.CASEWORK, organisation_id=person.organisation_id, code="not_owner")
    model = STATUS_RECORD_MODELS[kind]
    valid_from = fields["valid_from"]
    not_in_future(valid_from, _("The date from which it holds"))
    with atomic(), audit_context(acting_user):
        record = model(person=person, recorded_by=acting_user, **fields)
        record.full_clean(validate_unique=False, validate_constraints=False)
        if model._default_manager.filter(person=person, valid_from=valid_from).exists():
            raise ValidationError(
                _("There is already an entry from %(date)s. Correct that entry instead of adding a second one.")
                % {"date": valid_from.strftime("%d.%m.%Y")},
                code="duplicate_day",
            )
        try:
            with atomic():
                record.save()
        except IntegrityError:
            raise ValidationError(
                _("The entry contradicts the stored data and was not saved."), code="integrity"
            ) from None
        if isinstance(record, HousingRecord):
            housing_recorded.send(HousingRecord, acting_user=acting_user, record=record)
        return record


def status_record_fields(kind: str) -> list[str]:
    """The fields of a dated fact of ``kind`` a caseworker records (and may correct)."""
    model = STATUS_RECORD_MODELS[kind]
    kept = {"id", "person", "recorded_by", "created_at", "version"}
    return [field.name for field in model._meta.concrete_fields if field.name not in kept]


def update_status_record(
    *, acting_user: User | None, record: StatusRecord, expected_version: int, **fields: Any
) -> StatusRecord:
    """Correct a dated fact in place; the change history keeps what it said before."""
    require(acting_user, Capability.CASEWORK, organisation_id=record.person.organisation_id, code="not_owner")
    kind = next(kind for kind, model in STATUS_RECORD_MODELS.items() if isinstance(record, model))
    allowed = status_record_fields(kind)
    if unknown := set(fields) - set(allowed):
        raise TypeError(f"unknown fields of a {kind} record: {sorted(unknown)}")
    model = type(record)
    valid_from = fields.get("valid_from", record.valid_from)
    not_in_future(valid_from, _("The date from which it holds"))
    with atomic(), audit_context(acting_user):
        for name, value in fields.items():
            setattr(record, name, value)
        record.full_clean(validate_unique=False, validate_constraints=False)
        if (
            model._default_manager.filter(person_id=record.person_id, valid_from=valid_from)
            .exclude(pk=record.pk)
            .exists()
        ):
            raise ValidationError(
                _("There is already another entry from %(date)s.") % {"date": valid_from.strftime("%d.%m.%Y")},
                code="duplicate_day",
            )
        try:
            with atomic():
                save_versioned(record, expected_version, list(fields))
        except IntegrityError:
            raise ValidationError(
                _("The entry contradicts the stored data and was not saved."), code="integrity"
            ) from None
        if isinstance(record, HousingRecord):
            housing_recorded.send(HousingRecord, acting_user=acting_user, record=record)
        return record


def delete_status_record(*, acting_user: User | None, record: StatusRecord) -> None:
    """Remove a wrongly recorded fact; the change history keeps what it said."""
    require(acting_user, Capability.CASEWORK, organisation_id=record.person.organisation_id, code="not_owner")
    with atomic(), audit_context(acting_user):
        if isinstance(record, HousingRecord):
            housing_recorded.send(HousingRecord, acting_user=acting_user, record=record, deleted=True)
        record.delete()
