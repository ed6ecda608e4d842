"""The long selects write the HTML Django's own select widgets write."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from lotse.core.widgets import LongSelect, LongSelectMultiple

CHOICES = [("", "—"), ("ar", "Arabisch"), ("fa", 'Persisch <Farsi> & "Dari"'), ("uk", "Ukrainisch")]


@pytest.mark.parametrize(
    ("ours", "django", "value"),
    [
        (LongSelect, forms.Select, "fa"),
        (LongSelect, forms.Select, None),
        (LongSelectMultiple, forms.SelectMultiple, ["ar", "uk"]),
        (LongSelectMultiple, forms.SelectMultiple, []),
    ],
)
def test_it_renders_what_django_renders(ours, django, value) -> None:
    attrs = {"id": "id_languages", "class": "form-select", "aria-invalid": "true", "size": 6}
    expected = django(attrs=ours().attrs, choices=CHOICES).render("languages", value, attrs=attrs)
    rendered = ours(choices=CHOICES).render("languages", value, attrs=attrs)
    assert parse_html(rendered) == parse_html(expected)
    assert "&lt;Farsi&gt; &amp; &quot;Dari&quot;" in rendered
