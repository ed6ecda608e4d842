"""Every change to the network directory and the info sheets: one transaction, one audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from lotse.core.access import Capability, require
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.network.choices import Accessibility, OrganisationType, TargetGroup
from lotse.network.models import Actor, ActorCategory

if TYPE_CHECKING:
    from lotse.core.models import User

ACTOR_FIELDS = (
    "name",
    "category",
    "organisation_type",
    "services",
    "target_groups",
    "languages",
    "street",
    "postcode",
    "town",
    "municipality",
    "latitude",
    "longitude",
    "opening_hours",
    "contact_person",
    "phone",
    "email",
    "website",
    "accessibility",
    "appointment_needed",
    "is_public",
)
CATEGORY_FIELDS = ("slug", "name", "translations", "position")


def check_edits_network(acting_user: User | None) -> None:
    """Only network editors change actors and info sheets (None: a management command)."""
    require(
        acting_user,
        Capability.EDIT_NETWORK,
        message=_("Only system administration, volunteer coordination and network editors may change the directory."),
        code="not_network_editor",
    )


def check_keeps_categories(acting_user: User | None) -> None:
    """Only system administrators keep the categories (the views declare the same capability)."""
    require(acting_user, Capability.KEEP_CATEGORIES, code="not_category_keeper")


def _check_actor(actor: Actor) -> None:
    if actor.organisation_type not in OrganisationType.values:
        raise ValidationError(
            _("Unknown type of organisation “%(code)s”.") % {"code": actor.organisation_type}, code="type"
        )
    if actor.accessibility not in Accessibility.values:
        raise ValidationError(_("Unknown accessibility “%(code)s”.") % {"code": actor.accessibility}, code="access")
    unknown = set(actor.target_groups) - set(TargetGroup.values)
    if unknown:
        raise ValidationError(
            _("Unknown target group “%(code)s”.") % {"code": ", ".join(sorted(unknown))}, code="target_group"
        )
    if (actor.latitude is None) != (actor.longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."), code="coordinates_pair")
    duplicate = Actor.objects.filter(name=actor.name, municipality_id=actor.municipality_id).exclude(pk=actor.pk)
    if duplicate.exists():
        raise _duplicate(actor)


def _duplicate(actor: Actor) -> ValidationError:
    return ValidationError(
        _("The directory already lists “%(name)s” in this municipality.") % {"name": actor.name},
        code="duplicate_actor",
    )


def _save_unique(actor: Actor, save: Any) -> Any:
    """Run ``save``; a concurrent save of the same name in the same municipality is the duplicate message."""
    try:
        with atomic():
            return save()
    except IntegrityError as error:
        if "actor_unique_name_per_municipality" in str(error):
            raise _duplicate(actor) from error
        raise


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")


def create_actor(*, acting_user: User | None, **fields: Any) -> Actor:
    check_edits_network(acting_user)
    _unknown(fields, ACTOR_FIELDS)
    with atomic(), audit_context(acting_user):
        record = Actor(**fields)
        _check_actor(record)
        _save_unique(record, record.save)
        return record


def update_actor(*, acting_user: User | None, record: Actor, expected_version: int, **fields: Any) -> Actor:
    """Change ``fields`` of ``record``; ConcurrentEditError when someone saved it since ``expected_version``."""
    check_edits_network(acting_user)
    _unknown(fields, ACTOR_FIELDS)
    with atomic(), audit_context(acting_user):
        for name, value in fields.items():
            setattr(record, name, value)
        _check_actor(record)
        # ``updated_at`` is auto_now: save_versioned updates only the fields named.
        record.updated_at = record._meta.get_field("updated_at").pre_save(record, add=False)
        return _save_unique(record, lambda: save_versioned(record, expected_version, [*fields, "updated_at"]))


def delete_actor(*, acting_user: User | None, record: Actor) -> None:
    """Remove an actor from the directory; referrals to it keep the name they recorded."""
    check_edits_network(acting_user)
    with atomic(), audit_context(acting_user):
        record.delete()


def create_category(*, acting_user: User | None, **fields: Any) -> ActorCategory:
    check_keeps_categories(acting_user)
    _unknown(fields, CATEGORY_FIELDS)
    with atomic(), audit_context(acting_user):
        category = ActorCategory(**fields)
        category.full_clean()
        category.save()
        return category


def update_category(
    *, acting_user: User | None, category: ActorCategory, expected_version: int, **fields: Any
) -> ActorCategory:
    check_keeps_categories(acting_user)
    _unknown(fields, CATEGORY_FIELDS)
    with atomic(), audit_context(acting_user):
        for name, value in fields.items():
            setattr(category, name, value)
        category.full_clean(validate_unique=True)
        return save_versioned(category, expected_version, list(fields))


def delete_category(*, acting_user: User | None, category: ActorCategory) -> None:
    """Remove a category without actors (ProtectedError while actors are still in it)."""
    check_keeps_categories(acting_user)
    with atomic(), audit_context(acting_user):
        category.delete()
