"""Records named for reading: "Fall F-000157" instead of "cases.case #157", linked where the reader may open them.

The change history and the access log store records by model and primary
key. Each app registers, for the models it keeps, a *namer*: given the
reader and a batch of primary keys it answers the records' names and, where
the reader may open them (the model's ``visible_to``), their addresses, in
a fixed number of queries. Core cannot import the domain apps, so they
register in their ``AppConfig.ready()``; a model nobody registered is named
by ``str()`` of its row, without a link.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse

from lotse.core.access import Capability, can
from lotse.core.models import Municipality, Organisation, User


@dataclass(frozen=True)
class RecordName:
    """How a record reads: its name and, if the reader may open it, its address."""

    text: str
    url: str = ""


# The context a page gives the namers: ``case`` on a case's history, so a person is linked on that case.
NamingContext = Mapping[str, Any]
Namer = Callable[[User, Collection[str], NamingContext], dict[str, RecordName]]

_NAMERS: dict[str, Namer] = {}


def names_records(model_label: str) -> Callable[[Namer], Namer]:
    """Register the namer of a model (by ``app_label.model_name``, lower case)."""

    def register(namer: Namer) -> Namer:
        _NAMERS[model_label] = namer
        return namer

    return register


def name_records(
    user: User, wanted: Mapping[str, Collection[Any]], context: NamingContext | None = None
) -> dict[tuple[str, str], RecordName]:
    """Names of the records in ``wanted`` (model label → primary keys), one batch (a query or two) per model.

    Records that do not exist any more are missing from the answer.
    """
    named: dict[tuple[str, str], RecordName] = {}
    for label, pks in wanted.items():
        keys = {str(pk) for pk in pks if pk not in (None, "")}
        if not keys:
            continue
        namer = _NAMERS.get(label)
        try:
            found = namer(user, keys, context or {}) if namer else _name_by_str(label, keys)
        except (LookupError, ValueError):  # a model that is gone from the code
            continue
        named.update({(label, pk): name for pk, name in found.items()})
    return named


def _name_by_str(label: str, pks: Collection[str]) -> dict[str, RecordName]:
    """A model without a namer: its rows' ``str()``, the required relations joined (so one query)."""
    model = apps.get_model(label)
    rows = model._default_manager.filter(pk__in=_valid_pks(model, pks)).select_related()
    return {str(row.pk): RecordName(str(row)) for row in rows}


def _valid_pks(model: type[models.Model], pks: Collection[str]) -> list[Any]:
    """The keys that fit the model's primary key (a text key of an integer model would be a database error)."""
    field = model._meta.pk
    assert field is not None
    valid = []
    for pk in pks:
        try:
            valid.append(field.to_python(pk))
        except Exception:  # noqa: S112 - a key that cannot be the model's names no record
            continue
    return valid


def pks_of(model: type[models.Model], pks: Collection[str]) -> list[Any]:
    """The keys of ``pks`` that fit ``model``'s primary key, for the namers of the apps."""
    return _valid_pks(model, pks)


@names_records("core.user")
def _users(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = User.objects.filter(pk__in=pks_of(User, pks)).only("first_name", "last_name", "username", "organisation_id")
    may_open = can(user, Capability.ADMINISTER_USERS)
    visible = set(User.objects.visible_to(user).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
    return {
        str(row.pk): RecordName(
            row.get_full_name() or row.username,
            reverse("core:user_detail", args=[row.pk]) if may_open and row.pk in visible else "",
        )
        for row in rows
    }


@names_records("core.organisation")
def _organisations(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = Organisation.objects.filter(pk__in=pks_of(Organisation, pks)).only("name")
    return {str(row.pk): RecordName(row.name) for row in rows}


@names_records("core.municipality")
def _municipalities(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = Municipality.objects.filter(pk__in=pks_of(Municipality, pks)).only("name")
    return {str(row.pk): RecordName(row.name) for row in rows}


@dataclass(frozen=True)
class PersonAccess:
    """A person whose access log an administrator reads: their name and the log rows that show their data."""

    name: str
    rows: Q
    record: models.Model


# Answers None for a person the reader may not audit (or that does not exist): the page is then a 404.
PersonAccessFinder = Callable[[User, int], "PersonAccess | None"]
_PERSON_ACCESS: list[PersonAccessFinder] = []


def finds_person_access(finder: PersonAccessFinder) -> PersonAccessFinder:
    """Register the app that knows persons and the records that show their data (lotse.cases)."""
    _PERSON_ACCESS.append(finder)
    return finder


def person_access(user: User, person_id: int) -> PersonAccess | None:
    """The person ``person_id`` as the access log's filter, if ``user`` may read who saw their data."""
    for finder in _PERSON_ACCESS:
        found = finder(user, person_id)
        if found is not None:
            return found
    return None
