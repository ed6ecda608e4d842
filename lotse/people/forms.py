"""Forms of a person's own data, used by casework and accommodation alike."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from lotse.core.forms import BootstrapMixin, VersionedForm
from lotse.core.models import Municipality
from lotse.core.widgets import MULTICHOICE_HELP, LongSelectMultiple
from lotse.people.choices import Gender
from lotse.people.dates import format_partial_date, parse_partial_date
from lotse.people.models import Person
from lotse.people.vocabulary import language_choices, nationality_choices


class PersonForm(BootstrapMixin, forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    original_script_name = forms.CharField(label=_("Name in original script"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Spelling variants and aliases"),
        required=False,
        help_text=_("Other spellings of the name in documents, separated by commas."),
    )
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("DD.MM.YYYY, or MM.YYYY or only the year when the exact date is not known."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        required=False,
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=MULTICHOICE_HELP,
    )
    languages = forms.MultipleChoiceField(
        label=_("Spoken languages"),
        required=False,
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=MULTICHOICE_HELP,
    )
    # Not named "municipality": the intake form also has the case's municipality.
    residence_municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(), label=_("Municipality of residence"), required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The chosen values come first, so a short list box shows what is selected.
        for name, choices in (("nationalities", nationality_choices()), ("languages", language_choices())):
            chosen = set(self._chosen(name))
            ordered = [c for c in choices if c[0] in chosen] + [c for c in choices if c[0] not in chosen]
            self.fields[name].choices = ordered  # type: ignore[attr-defined]

    def _chosen(self, name: str) -> list[str]:
        if not self.is_bound:
            return list(self.initial.get(name) or [])
        data = self.data
        return list(data.getlist(name)) if hasattr(data, "getlist") else list(data.get(name) or [])

    def clean_birth_date(self) -> tuple[datetime.date | None, str]:
        return parse_partial_date(self.cleaned_data.get("birth_date") or "")

    def clean_aliases(self) -> list[str]:
        text = self.cleaned_data.get("aliases") or ""
        return [alias.strip() for alias in text.replace(";", ",").split(",") if alias.strip()]

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        birth_date, precision = data["birth_date"]
        return {
            "family_name": data["family_name"].strip(),
            "given_names": data["given_names"].strip(),
            "original_script_name": data["original_script_name"].strip(),
            "aliases": data["aliases"],
            "birth_date": birth_date,
            "birth_date_precision": precision,
            "gender": data["gender"],
            "nationalities": data["nationalities"],
            "languages": data["languages"],
            "municipality": data["residence_municipality"],
            "phone": data["phone"].strip(),
            "email": data["email"],
            "notes": data["notes"].strip(),
        }

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "family_name": person.family_name,
            "given_names": person.given_names,
            "original_script_name": person.original_script_name,
            "aliases": ", ".join(person.aliases),
            "birth_date": format_partial_date(person.birth_date, person.birth_date_precision),
            "gender": person.gender,
            "nationalities": person.nationalities,
            "languages": person.languages,
            "residence_municipality": person.municipality_id,
            "phone": person.phone,
            "email": person.email,
            "notes": person.notes,
            "version": person.version,
        }


class PersonEditForm(VersionedForm, PersonForm):
    """A person's data as edited on the person page; ``version`` detects concurrent edits."""


class _NotRendered(forms.HiddenInput):
    """A value sent by buttons and a checkbox of the duplicates panel (people/_duplicates.html), not by an input
    of its own."""

    def render(self, *args: Any, **kwargs: Any) -> SafeString:
        return SafeString("")


class DuplicateChoiceMixin(forms.Form):
    """The answer to "Possible duplicate": take an existing person (``existing_person``) or create anyway."""

    existing_person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=_NotRendered,
        error_messages={"invalid_choice": _("The chosen person cannot be taken over here.")},
    )
    confirm_new = forms.BooleanField(required=False, widget=_NotRendered)

    def offer_persons(self, persons: QuerySet[Person]) -> None:
        """The persons that may be taken over instead of creating a new one."""
        self.fields["existing_person"].queryset = persons  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The field has no input of its own: its error is the form's.
        if "existing_person" in self.errors:
            self.add_error(None, self.errors.pop("existing_person"))
        return cleaned

    def duplicate_choice_made(self) -> bool:
        return self.existing() is not None or bool(self.cleaned_data.get("confirm_new"))

    def existing(self) -> Person | None:
        person: Person | None = self.cleaned_data.get("existing_person")
        return person
