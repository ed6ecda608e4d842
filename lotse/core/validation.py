"""Turning a ValidationError into one readable sentence for the command line."""

from __future__ import annotations

import contextlib

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model


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
