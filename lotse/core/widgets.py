"""Select widgets for long option lists, rendered as one string.

Django renders every option of a select through its own template; the 250
nationalities and 184 languages of a person form cost the person page about
half of its time.  These widgets write the same HTML (name, attributes,
``selected``) in one pass; the options are escaped as Django escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


def _options(choices: Iterable[tuple[Any, Any]], selected: set[str]) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) in selected else "", label) for value, label in choices),
    )


class _OnePass:
    """Renders the select and its options in one pass (``multiple`` where the widget allows several)."""

    attrs: dict[str, Any]
    choices: Any
    allow_multiple_selected: bool

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = self.format_value(value)  # type: ignore[attr-defined]
        own = {"name": name, **({"multiple": True} if self.allow_multiple_selected else {})}
        final = self.build_attrs(self.attrs, {**(attrs or {}), **own})  # type: ignore[attr-defined]
        return format_html("<select{}>{}</select>", flatatt(final), _options(self.choices, set(chosen)))


class LongSelect(_OnePass, forms.Select):
    """A select of many options (the interpreter's language, say)."""


# The help text of a field with this widget: it says how to choose with and without JavaScript.
MULTICHOICE_HELP = _("Type to search and choose several; in the plain list, hold Ctrl (Mac: Cmd).")


class LongSelectMultiple(_OnePass, forms.SelectMultiple):
    """A multiple select of many options (nationalities, languages).

    multichoice.js turns it into a searchable choice that shows the chosen entries as removable chips;
    without JavaScript it stays the plain select. The texts the script shows come from here, translated.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        enhanced = {
            "data-multichoice": True,
            # Translators: %s is the name of a chosen entry, e.g. a language.
            "data-remove-label": _("Remove: %s"),
            "data-placeholder": _("Type to search …"),
            "data-empty-text": _("No match"),
        }
        super().__init__({**enhanced, **(attrs or {})}, choices)
