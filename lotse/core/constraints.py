"""Records validated in few queries: check constraints in one, foreign keys already in hand in none.

Django's ``Model.validate_constraints`` asks the database about every
``CheckConstraint`` on its own: a query wrapped in a savepoint, three
statements per constraint (nine for a person, one of which, the conditional
unique external ID, is asked even when the person has no external ID).
``ValidatedInFewQueries`` evaluates the same conditions (the same ``COALESCE(condition, true)`` Django
uses) as the columns of one ``SELECT`` in one savepoint (none inside a batch step, whose own savepoint
undoes the step on a database error) and raises the same
errors with the same messages and codes.  The same query asks whether the
condition of each conditional unique constraint holds; Django's own query for
such a constraint (another savepoint and SELECT) runs only when it does.

``clean_fields`` asks for the row of every foreign key as well.  When the
service set the related record itself (loaded from the database, so it
exists), that question is not asked again; the database's foreign key still
guards the INSERT.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, F, Q, UniqueConstraint, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

from lotse.core.transactions import in_batch_step

_logger = logging.getLogger(__name__)


def referenced_fields(condition: Any) -> set[str]:
    """The names of the fields a condition refers to (in lookups and in F() expressions)."""
    names: set[str] = set()
    for node in condition.flatten():
        if isinstance(node, Q):
            names.update(child[0].split(LOOKUP_SEP, 1)[0] for child in node.children if isinstance(child, tuple))
        elif isinstance(node, F):
            names.add(node.name.split(LOOKUP_SEP, 1)[0])
    return names


def failed_conditions(
    instance: Any, meta: Any, conditions: Sequence[Any], exclude: Collection[str] | None, using: str
) -> list[bool] | None:
    """Whether each condition fails (is false) for the instance's values, asked in one query.

    A condition is evaluated as ``Q.check`` does (``COALESCE(condition, true)``);
    one that refers to an excluded field is not asked and counts as holding.
    None when the database refused the query (the caller then validates as Django does).
    """
    if not conditions:
        return []
    names = set().union(*(referenced_fields(condition) for condition in conditions))
    against = instance._get_field_expression_map(meta=meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        if name in names:
            try:
                query.add_annotation(
                    value if hasattr(value, "resolve_expression") else Value(value), name, select=False
                )
            except FieldError:
                continue  # an expression Django's constraint validation skips as well
    asked: list[int] = []
    for index, condition in enumerate(conditions):
        try:
            query.add_annotation(Coalesce(Q(condition), Value(True), output_field=BooleanField()), f"_check_{index}")
        except FieldError:
            continue  # refers to an excluded field: Django's constraints skip it too
        asked.append(index)
    failed = [False] * len(conditions)
    if not asked:
        return failed
    connection = connections[using]
    # Inside a batch step the step's savepoint is the one to undo (lotse.core.transactions): the query gets no
    # savepoint of its own, and a database error undoes the step instead of falling back to Django's checks.
    batch = connection.in_atomic_block and in_batch_step()
    atomic = transaction.atomic(using=using) if connection.in_atomic_block and not batch else nullcontext()
    try:
        with atomic:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        if batch:
            raise
        _logger.warning("Got a database error checking %r together: %s", conditions, error)
        return None  # the caller asks Django, one constraint at a time
    for index, holds in zip(asked, row, strict=True):
        failed[index] = not holds
    return failed


class ValidatedInFewQueries:
    """Model mixin: ``full_clean`` checks all of the record's check constraints in one query, and does
    not ask again for the rows of foreign keys the caller handed over as loaded records."""

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        held = {
            field.name
            for field in self._meta.concrete_fields  # type: ignore[attr-defined]
            if field.many_to_one
            and not field.remote_field.limit_choices_to
            and field.is_cached(self)
            and getattr(self, field.name) is not None
            and getattr(self, field.name).pk is not None
        }
        super().clean_fields(exclude={*(exclude or ()), *held})  # type: ignore[misc]

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        using = router.db_for_write(type(self), instance=self)  # type: ignore[arg-type]
        errors: dict[str, list[ValidationError]] = {}
        for model_class, model_constraints in self.get_constraints():  # type: ignore[attr-defined]
            checks = [c for c in model_constraints if isinstance(c, CheckConstraint)]
            # A unique constraint with a condition is only asked about when its condition holds.
            gated = [c for c in model_constraints if isinstance(c, UniqueConstraint) and c.condition is not None]
            failed = failed_conditions(self, model_class._meta, [c.condition for c in checks + gated], exclude, using)
            if failed is None:
                super().validate_constraints(exclude)  # type: ignore[misc]
                return
            outside = {id(c) for c, fails in zip(gated, failed[len(checks) :], strict=True) if fails}
            for constraint, fails in zip(checks, failed, strict=False):
                if fails:
                    error = ValidationError(
                        constraint.get_violation_error_message(), code=constraint.violation_error_code
                    )
                    errors = error.update_error_dict(errors)
            for constraint in model_constraints:
                if isinstance(constraint, CheckConstraint) or id(constraint) in outside:
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
