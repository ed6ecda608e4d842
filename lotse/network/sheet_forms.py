"""Forms of the info sheets: raw input in, domain values out (the sheet services check the rest)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, VersionedForm
from lotse.core.models import Municipality
from lotse.network.choices import direction
from lotse.network.forms import TEXT_MAX_LENGTH
from lotse.network.models import Actor
from lotse.network.sheet_services import HEADING_MAX_LENGTH


class SheetCreateForm(BootstrapMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Municipality"),
        help_text=_("Municipalities that have no info sheet yet."),
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class SheetActorsForm(VersionedForm):
    """The actors listed on a sheet: published ones, and those listed already (an unpublished one may stay)."""

    actors = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Actors listed")
    )

    def __init__(self, *args: Any, choosable: QuerySet[Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actors"].queryset = choosable  # type: ignore[attr-defined]
        self.fields["actors"].error_messages["invalid_choice"] = _(
            "An actor chosen is not published or was deleted in the meantime. Reload the page and choose again."
        )


class TextForm(VersionedForm):
    """A block's heading and text in one language."""

    heading = forms.CharField(label=_("Heading"), max_length=HEADING_MAX_LENGTH, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter the text of the block.")},
    )


class TranslationForm(TextForm):
    """A translation: checked against the version of the German text the translator saw."""

    master_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(
        label=_("I checked the translation: it matches the current German text."),
        required=False,
        help_text=_("Needed to save an outdated translation unchanged; it is then current again."),
    )

    def __init__(self, *args: Any, language: str, outdated: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not outdated:
            del self.fields["confirmed"]
        # Typed in the translation's own script and direction.
        for name in ("heading", "body"):
            self.fields[name].widget.attrs.update(lang=language, dir=direction(language))
