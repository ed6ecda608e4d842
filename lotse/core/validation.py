"""Turning a ValidationError into one readable sentence for the command line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model

from lotse.core.constraints import referenced_fields


def error_text(error: ValidationError, model: type[Model] | None = None) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        label = field
        if model is not None and field != "__all__":
            with contextlib.suppress(FieldDoesNotExist):
                label = str(getattr(model._meta.get_field(field), "verbose_name", field))
        text = " ".join(messages)
        parts.append(text if field == "__all__" else f"{label}: {text}")
    return " ".join(parts)


def clean_changed(instance: Model, changed: Iterable[str]) -> None:
    """``full_clean`` of what an edit changed, as a ModelForm validates only its own fields.

    Fields the edit left alone were valid when they were saved; validating
    them again costs a query per foreign key and per check constraint.  A
    field that shares a constraint with a changed field is validated again,
    so a constraint over several fields still sees the edit.
    """
    names = set(changed)
    for constraint in instance._meta.constraints:
        condition = getattr(constraint, "condition", None)
        fields = {*getattr(constraint, "fields", ())}
        if condition is not None:
            fields |= referenced_fields(condition)
        if fields & names:
            names |= fields
    instance.full_clean(exclude=[field.name for field in instance._meta.fields if field.name not in names])
