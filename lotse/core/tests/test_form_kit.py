"""The form kit's fields: what a refused value tells the user (the number input sends "2.5", whatever the language)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import translation

from lotse.core.forms import DecimalField


class _Rooms(forms.Form):
    rooms = DecimalField(min_value=Decimal("0.5"), max_value=Decimal("20"), max_digits=3, decimal_places=1)


def test_a_decimal_field_names_its_bounds_as_german_numbers_are_written() -> None:
    with translation.override("de"):
        assert _Rooms({"rooms": "0"}).errors["rooms"] == ["Dieser Wert muss größer oder gleich 0,5 sein."]
        assert _Rooms({"rooms": "20.5"}).errors["rooms"] == ["Dieser Wert muss kleiner oder gleich 20 sein."]
        valid = _Rooms({"rooms": "2.5"})
        assert valid.is_valid() and valid.cleaned_data == {"rooms": Decimal("2.5")}
