"""Forms of the network directory: raw input in, domain values out (the services check the rest)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core.forms import FilterForm, VersionedForm, _style
from lotse.core.models import Municipality
from lotse.core.widgets import MULTICHOICE_HELP, LongSelectMultiple
from lotse.network.choices import (
    MASTER_LANGUAGE,
    PUBLIC_LANGUAGES,
    Accessibility,
    OrganisationType,
    TargetGroup,
    direction,
)
from lotse.network.models import ActorCategory, slug_validator
from lotse.people.vocabulary import language_choices, language_name

# Long enough for any description of an actor; the full-text index refuses texts of a megabyte.
TEXT_MAX_LENGTH = 5000


class CoordinateField(forms.DecimalField):
    """Degrees as pasted from a map (48.8975) or typed the German way (48,8975)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ActorForm(VersionedForm):
    """Create or edit an actor. The import checks each row of a list with this form, too."""

    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ModelChoiceField(queryset=ActorCategory.objects.all(), label=_("Category"))
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=OrganisationType.choices, initial=OrganisationType.SONSTIGE
    )
    services = forms.CharField(
        label=_("Services offered"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of counselling"),
        choices=language_choices,
        required=False,
        help_text=MULTICHOICE_HELP,
        widget=LongSelectMultiple(attrs={"size": 6}),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    town = forms.CharField(label=_("Town"), max_length=100, required=False)
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all(), label=_("Municipality"))
    latitude = CoordinateField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=6,
        min_value=Decimal(-90),
        max_value=Decimal(90),
    )
    longitude = CoordinateField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal(-180),
        max_value=Decimal(180),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")
    accessibility = forms.ChoiceField(
        label=_("Accessibility"), choices=Accessibility.choices, initial=Accessibility.UNBEKANNT
    )
    appointment_needed = forms.BooleanField(label=_("Appointment needed"), required=False)
    is_public = forms.BooleanField(
        label=_("Show publicly on the city map and info sheets"),
        required=False,
        help_text=_("Publish only what the actor agreed to: its name, address, opening hours and published contact."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned

    def actor_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        text = ("name", "services", "street", "town", "opening_hours", "contact_person", "phone", "email", "website")
        fields: dict[str, Any] = {name: data[name].strip() for name in text}
        fields.update(
            category=data["category"],
            organisation_type=data["organisation_type"],
            target_groups=[code for code in TargetGroup.values if code in data["target_groups"]],
            languages=sorted(data["languages"]),
            postcode=data["postcode"] or "",
            municipality=data["municipality"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            accessibility=data["accessibility"],
            appointment_needed=data["appointment_needed"],
            is_public=data["is_public"],
        )
        return fields

    @staticmethod
    def initial_for(actor: Any) -> dict[str, Any]:
        from lotse.network.services import ACTOR_FIELDS

        initial = {name: getattr(actor, name) for name in ACTOR_FIELDS}
        initial["version"] = actor.version
        return initial


class ActorFilterForm(FilterForm):
    """Search and filters of the directory and of the public city map (GET; invalid values are ignored)."""

    q = forms.CharField(label=pgettext_lazy("public", "Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        queryset=ActorCategory.objects.all(),
        label=pgettext_lazy("public", "Category"),
        required=False,
        to_field_name="slug",
        empty_label=pgettext_lazy("public", "all categories"),
    )
    language = forms.ChoiceField(label=pgettext_lazy("public", "Language of counselling"), required=False)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=pgettext_lazy("public", "Municipality"),
        required=False,
        to_field_name="ags",
        empty_label=pgettext_lazy("public", "all municipalities"),
    )

    @classmethod
    def for_actors(cls, data: Any, actors: Any, **kwargs: Any) -> Any:
        """The form over ``actors``: it offers only the municipalities and languages they have."""
        municipalities = Municipality.objects.filter(pk__in=actors.values("municipality_id")).order_by("name")
        languages = sorted(
            ((code, language_name(code)) for code in actors.languages_in_use()), key=lambda pair: pair[1].casefold()
        )
        return cls(data, municipalities=municipalities, languages=languages, **kwargs)

    def __init__(
        self, *args: Any, municipalities: QuerySet[Municipality], languages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", pgettext_lazy("public", "all languages")), *languages]  # type: ignore[attr-defined]
        self.style_small()

    def apply(self, actors: Any) -> Any:
        """The actors matching the valid filters."""
        values = self.values()
        if "q" in values:
            actors = actors.search(values["q"])
        if "category" in values:
            actors = actors.filter(category=values["category"])
        if "language" in values:
            actors = actors.speaking(values["language"])
        if "municipality" in values:
            actors = actors.filter(municipality=values["municipality"])
        return actors


class PublicActorFilterForm(ActorFilterForm):
    """The directory's filter with categories and municipalities named for the public."""

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda category: category.label(language)  # type: ignore[attr-defined]
        self.fields["municipality"].label_from_instance = lambda municipality: municipality.name  # type: ignore[attr-defined]


class CategoryForm(VersionedForm):
    """A category of the directory, named in German and in the other public languages."""

    name = forms.CharField(label=_("Name (German)"), max_length=100)
    slug = forms.CharField(
        label=_("Code"),
        validators=[slug_validator],
        max_length=40,
        help_text=_("Used in the address of the city map's filter, e.g. “sprache-bildung”."),
    )
    position = forms.IntegerField(label=_("Position in lists"), min_value=0, max_value=1000, initial=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name, _rtl in PUBLIC_LANGUAGES:
            if code == MASTER_LANGUAGE:
                continue
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": name},
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"lang": code, "dir": direction(code)}),
            )
        for code, _name, _rtl in PUBLIC_LANGUAGES:
            if code != MASTER_LANGUAGE:
                _style(self.fields[f"name_{code}"])

    def category_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        translations = {
            code: data[f"name_{code}"].strip()
            for code, _name, _rtl in PUBLIC_LANGUAGES
            if code != MASTER_LANGUAGE and data.get(f"name_{code}", "").strip()
        }
        return {
            "name": data["name"].strip(),
            "slug": data["slug"],
            "position": data["position"],
            "translations": translations,
        }

    @staticmethod
    def initial_for(category: ActorCategory) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": category.name,
            "slug": category.slug,
            "position": category.position,
            "version": category.version,
        }
        for code, text in (category.translations or {}).items():
            initial[f"name_{code}"] = text
        return initial
