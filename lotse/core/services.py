"""Every state change of the core domain: one transaction, one audit trail.

Changes to tracked models are recorded by pghistory's triggers; the
``audit_context`` names who did it (the signed-in user, or the management
command for scripted set-up) so the history always says who changed what.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pghistory
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.access import Capability, can, holds, require
from lotse.core.choices import AccessAction, OrganisationKind, Role
from lotse.core.models import AccessLogEntry, Municipality, Organisation, User, UserSession, VersionedModel
from lotse.core.transactions import atomic

V = TypeVar("V", bound=VersionedModel)


class ConcurrentEditError(Exception):
    """Someone else saved the record since it was loaded into the form."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This record was changed by someone else in the meantime, so your changes were not saved "
                "and nothing was overwritten. Your input is still in the form: compare it with the current "
                "values and save again."
            )
        )


@contextmanager
def audit_context(acting_user: User | None = None, **extra: Any) -> Iterator[None]:
    """Name the acting user of the changes made inside (merged with the request's context)."""
    context: dict[str, Any] = dict(extra)
    if acting_user is not None:
        context["user"] = acting_user.pk
    with pghistory.context(**context):
        yield


def save_versioned(instance: V, expected_version: int, fields: Iterable[str]) -> V:
    """Save ``fields`` of ``instance`` only if nobody saved it since ``expected_version``.

    Runs inside the caller's transaction: the row is updated with a
    ``WHERE version = expected`` guard, so of two concurrent saves only the
    first succeeds and the second gets ConcurrentEditError.
    """
    names = list(fields)
    model = type(instance)
    values = {name: getattr(instance, name) for name in names}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError
    instance.version = expected_version + 1
    return instance


# Organisations and municipalities (scripted set-up and system administration)


def ensure_organisation(
    *,
    short_name: str,
    name: str,
    kind: str,
    acting_user: User | None = None,
    municipality: Municipality | None = None,
) -> tuple[Organisation, bool]:
    """Create the organisation, or update its name and kind: idempotent.

    ``municipality`` (the town whose administration it is) is set when given and kept otherwise.
    """
    if kind not in OrganisationKind.values:
        raise ValidationError(
            _("Unknown organisation kind “%(kind)s”. Allowed: %(allowed)s.")
            % {"kind": kind, "allowed": ", ".join(OrganisationKind.values)}
        )
    with atomic(), audit_context(acting_user):
        organisation = Organisation.objects.select_for_update().filter(short_name=short_name).first()
        if organisation is None:
            organisation = Organisation(short_name=short_name, name=name, kind=kind, municipality=municipality)
            organisation.full_clean()
            organisation.save()
            return organisation, True
        wanted = municipality.pk if municipality is not None else organisation.municipality_id
        if organisation.name != name or organisation.kind != kind or organisation.municipality_id != wanted:
            organisation.name, organisation.kind, organisation.municipality_id = name, kind, wanted
            organisation.full_clean()
            save_versioned(organisation, organisation.version, ["name", "kind", "municipality"])
        return organisation, False


def ensure_municipality(
    *, ags: str, name: str, county: str = "", acting_user: User | None = None
) -> tuple[Municipality, bool]:
    with atomic(), audit_context(acting_user):
        municipality = Municipality.objects.select_for_update().filter(ags=ags).first()
        if municipality is None:
            municipality = Municipality(ags=ags, name=name, county=county)
            municipality.full_clean()
            municipality.save()
            return municipality, True
        if municipality.name != name or (county and municipality.county != county):
            municipality.name = name
            municipality.county = county or municipality.county
            municipality.full_clean()
            save_versioned(municipality, municipality.version, ["name", "county"])
        return municipality, False


# Users


def _validate_roles(roles: Iterable[str]) -> list[str]:
    chosen = [r for r in Role.values if r in set(roles)]
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(
            _("Unknown role “%(role)s”. Allowed: %(allowed)s.")
            % {"role": ", ".join(sorted(unknown)), "allowed": ", ".join(Role.values)},
            code="unknown_role",
        )
    if not chosen:
        raise ValidationError(_("A user needs at least one role."), code="no_role")
    return chosen


def _check_may_administer(
    acting_user: User | None, organisation: Organisation, roles: Iterable[str], subject: User | None = None
) -> None:
    """Organisation admins manage their own organisation only; system administration stays with sysadmins.

    They can neither hand out the role nor change a user (``subject``) who holds it.
    """
    if acting_user is None or can(acting_user, Capability.ADMINISTER_INSTALLATION):
        return
    require(
        acting_user,
        Capability.ADMINISTER_USERS,
        organisation_id=organisation.pk,
        message=_("You may only manage users of your own organisation."),
        code="foreign_org",
    )
    # A system administrator's account, even a deactivated one, is kept by system administrators only.
    if subject is not None and holds(subject.roles, Capability.ADMINISTER_INSTALLATION):
        raise ValidationError(_("Only system administrators may change a system administrator."), code="sysadmin_user")
    if Role.SYSTEMADMINISTRATION in set(roles):
        raise ValidationError(
            _("Only system administrators may grant the role “System administration”."), code="sysadmin_role"
        )


def create_user(
    *,
    acting_user: User | None,
    organisation: Organisation,
    username: str,
    roles: Iterable[str],
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "de",
    encoded_password: str | None = None,
) -> User:
    """A user of ``organisation``; ``password`` is checked against the password rules and hashed.

    ``encoded_password``: instead of ``password``, a password already hashed by one of the configured
    hashers (``make_password``), for a script creating many users with the same password (the demo).
    """
    chosen = _validate_roles(roles)
    _check_may_administer(acting_user, organisation, chosen)
    if encoded_password is not None:
        if password:
            raise TypeError("give either password or encoded_password")
        try:
            identify_hasher(encoded_password)
        except ValueError:
            raise ValueError("encoded_password is not a hash of a configured password hasher") from None
    with atomic(), audit_context(acting_user):
        user = User(
            organisation=organisation,
            username=username,
            roles=chosen,
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
            is_staff=Role.SYSTEMADMINISTRATION in chosen,
            is_superuser=Role.SYSTEMADMINISTRATION in chosen,
        )
        if encoded_password is not None:
            user.password = encoded_password
        elif password:
            validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        return user


def invite_user(
    *,
    acting_user: User | None,
    organisation: Organisation,
    username: str,
    roles: Iterable[str],
    first_name: str,
    last_name: str,
    email: str,
    language: str = "de",
    site_url: str,
) -> User:
    """Create a user without a password and send them the invitation to choose one."""
    if not email.strip():
        raise ValidationError(_("An invitation needs an e-mail address."), code="no_email")
    with atomic():
        user = create_user(
            acting_user=acting_user,
            organisation=organisation,
            username=username,
            roles=roles,
            password=None,
            first_name=first_name,
            last_name=last_name,
            email=email.strip(),
            language=language,
        )
        send_invitation(acting_user=acting_user, user=user, site_url=site_url)
        return user


def send_invitation(*, acting_user: User | None, user: User, site_url: str) -> User:
    """Send (again) the link to choose a first password; only while the user has none.

    The mail leaves once the transaction is committed, so a refused change sends nothing.
    """
    from lotse.core.invitations import invitation_mail
    from lotse.core.password_reset import deliver

    _check_may_administer(acting_user, user.organisation, [], subject=user)
    if user.has_usable_password():
        raise ValidationError(_("“%(username)s” has already chosen a password.") % {"username": user.username})
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot be invited."), code="inactive")
    if not user.email:
        raise ValidationError(_("An invitation needs an e-mail address."), code="no_email")
    with atomic(), audit_context(acting_user, invitation=True):
        user.invited_at = timezone.now()
        user.save(update_fields=["invited_at"])
        message = invitation_mail(user, site_url)
        transaction.on_commit(lambda: deliver(message, user.pk))
        return user


def accept_invitation(*, user: User, password: str) -> User:
    """The invited user chose their first password (the link's token is checked by the view)."""
    if user.has_usable_password() or not user.is_active:
        raise ValidationError(_("This invitation link is invalid or has expired."), code="invalid_invitation")
    validate_password(password, user)
    with atomic(), audit_context(user):
        user.set_password(password)
        user.save(update_fields=["password"])
        return user


def update_user(
    *,
    acting_user: User | None,
    user: User,
    expected_version: int,
    roles: Iterable[str],
    first_name: str,
    last_name: str,
    email: str,
) -> User:
    chosen = _validate_roles(roles)
    _check_may_administer(acting_user, user.organisation, chosen, subject=user)
    if (
        acting_user is not None
        and acting_user.pk == user.pk
        and not holds(chosen, Capability.ADMINISTER_USERS)
        and can(acting_user, Capability.ADMINISTER_USERS)
    ):
        raise ValidationError(_("You cannot remove your own administration role."), code="own_admin_role")
    with atomic(), audit_context(acting_user):
        user.roles = chosen
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.is_staff = user.is_superuser = Role.SYSTEMADMINISTRATION in chosen
        user.full_clean(exclude=["password"])
        save_versioned(
            user, expected_version, ["roles", "first_name", "last_name", "email", "is_staff", "is_superuser"]
        )
        return user


def set_user_active(*, acting_user: User | None, user: User, active: bool, expected_version: int) -> User:
    """Activate or deactivate a user; deactivation ends all of their sessions at once."""
    _check_may_administer(acting_user, user.organisation, [], subject=user)
    if acting_user is not None and acting_user.pk == user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."), code="self_deactivate")
    with atomic(), audit_context(acting_user):
        user.is_active = active
        save_versioned(user, expected_version, ["is_active"])
        if not active:
            UserSession.objects.filter(user=user).delete()
        return user


def set_user_password(*, acting_user: User | None, user: User, password: str) -> User:
    _check_may_administer(acting_user, user.organisation, [], subject=user)
    validate_password(password, user)
    with atomic(), audit_context(acting_user):
        user.set_password(password)
        user.save(update_fields=["password"])
        # A new password ends every session that was signed in with the old one.
        UserSession.objects.filter(user=user).delete()
        return user


# Access log


def record_organisation_id(record: models.Model) -> int | None:
    """The organisation that keeps ``record``, whose administrators read who accessed it.

    An organisation keeps itself; a record with an ``organisation`` is kept by
    it; a record kept through another (a goal through its plan's case, a stay
    through its shelter) names its keeper in an ``access_log_organisation_id``
    property. Records no organisation keeps (an info sheet) have none.
    """
    if isinstance(record, Organisation):
        return int(record.pk)
    keeper = getattr(record, "access_log_organisation_id", None)
    if keeper is None:
        keeper = getattr(record, "organisation_id", None)
    return int(keeper) if keeper is not None else None


def log_access(
    *, acting_user: User, action: str, record: models.Model, request: HttpRequest | None = None
) -> AccessLogEntry | None:
    """Record that ``acting_user`` viewed, printed or exported ``record``.

    Filed under the reader's organisation and the organisation that keeps the
    record, so that both organisations' administrators see who read it (a
    case shared by consent is read by another organisation). A HEAD request
    shows no data (only the headers, which name no person), so it writes no
    row and returns None.
    """
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    if request is not None and request.method == "HEAD":
        return None
    return AccessLogEntry.objects.create(
        by=acting_user,
        organisation_id=acting_user.organisation_id,
        record_organisation_id=record_organisation_id(record),
        action=action,
        record_type=record._meta.label_lower,
        record_id=str(record.pk),
        path=(request.get_full_path()[:500] if request is not None else ""),
    )


def log_accesses(
    *, acting_user: User, action: str, records: Iterable[models.Model], request: HttpRequest | None = None
) -> list[AccessLogEntry]:
    """Record that ``acting_user`` viewed, printed or exported each of ``records`` (a list page, an export of
    persons): one row per record as :func:`log_access` writes it, inserted in one query. A record named twice
    (two follow-ups of one case on a list) gets one row."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    if request is not None and request.method == "HEAD":
        return []
    path = request.get_full_path()[:500] if request is not None else ""
    unique = {(record._meta.label_lower, record.pk): record for record in records}
    return AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            by=acting_user,
            organisation_id=acting_user.organisation_id,
            record_organisation_id=record_organisation_id(record),
            action=action,
            record_type=record._meta.label_lower,
            record_id=str(record.pk),
            path=path,
        )
        for record in unique.values()
    )
