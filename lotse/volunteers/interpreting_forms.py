"""The forms of the interpreter pool: its settings, a request, the outcome of an appointment, the filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotse.core.forms import BootstrapMixin, DateField, DecimalField, FilterForm, VersionedForm
from lotse.core.models import Municipality
from lotse.core.submissions import OnceForm
from lotse.core.widgets import MULTICHOICE_HELP, LongSelect, LongSelectMultiple
from lotse.people.vocabulary import language_choices
from lotse.volunteers.choices import GenderPreference, InterpretingPlace, InterpretingState, Sensitivity
from lotse.volunteers.models import InterpreterPool


class PoolForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        widget=LongSelectMultiple,
        help_text=MULTICHOICE_HELP,
    )
    requesters_may_book = forms.BooleanField(
        label=_("Requesting staff may book an interpreter themselves"),
        required=False,
        help_text=_("Otherwise only the coordination books."),
    )


class RequestForm(OnceForm, BootstrapMixin, forms.Form):
    pool = forms.ModelChoiceField(
        label=_("Interpreter pool"), queryset=InterpreterPool.objects.order_by("name"), empty_label=None
    )
    language = forms.ChoiceField(label=_("Language"), widget=LongSelect)
    date = DateField(label=_("Date"))
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), input_formats=["%H:%M"]
    )
    duration_minutes = forms.IntegerField(
        label=_("Expected duration (minutes)"), min_value=15, max_value=600, initial=60
    )
    place_kind = forms.ChoiceField(label=pgettext_lazy("appointment", "Place"), choices=InterpretingPlace.choices)
    place_address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Street, number and town; needed for every place but your office."),
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity of the topic"),
        choices=Sensitivity.choices,
        initial=Sensitivity.NORMAL,
        help_text=_("Sensitive: health, violence, the asylum procedure, family matters."),
    )
    preferred_gender = forms.ChoiceField(
        label=_("Interpreter preferably"), choices=GenderPreference.choices, required=False
    )
    client_first_name = forms.CharField(
        label=_("Client's first name"),
        max_length=100,
        required=False,
        help_text=_("Only the first name: the interpreter learns nothing else about the client."),
    )
    note = forms.CharField(
        label=_("Note for the interpreter"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("No names, no case details."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *language_choices()]  # type: ignore[attr-defined]

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The appointment cannot lie in the past."))
        return day

    def request_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        starts_at = datetime.datetime.combine(data.pop("date"), data.pop("time"), timezone.get_current_timezone())
        return {**data, "starts_at": starts_at}


class OutcomeForm(BootstrapMixin, forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the appointment take place?"),
        choices=[("1", _("yes, it was held")), ("0", _("no, it did not take place"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    actual_minutes = forms.IntegerField(
        label=_("Actual duration (minutes)"), min_value=1, max_value=720, required=False
    )
    travel_minutes = forms.IntegerField(label=_("Travel time (minutes)"), min_value=0, max_value=600, required=False)
    travel_km = DecimalField(
        label=_("Distance travelled (km)"), min_value=0, max_value=9999, decimal_places=1, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("held") and not cleaned.get("actual_minutes"):
            self.add_error("actual_minutes", _("Give the actual duration of the appointment."))
        return cleaned


class RequestFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("all")), *InterpretingState.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    since = DateField(label=_("From date"), required=False)
    until = DateField(label=_("Until date"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("all")), *language_choices()]  # type: ignore[attr-defined]
        self.style_small()


class MonthForm(FilterForm):
    month = DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Enter a month such as 2026-11.")},
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_small()

    def chosen_month(self) -> datetime.date:
        chosen: datetime.date | None = self.values().get("month") if self.is_bound else None
        if chosen is None:
            today = timezone.localdate()
            # The statement is made after the month: the month before, unless asked for another.
            return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return chosen.replace(day=1)
