"""Languages as ISO 639-3 codes, named from CLDR; the move of stored ISO 639-1 codes to them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from lotse.cases.choices import ContactForm, InterpreterKind
from lotse.cases.models import Contact
from lotse.cases.services import record_contact
from lotse.cases.tests.factories import open_case_for
from lotse.people.iso639 import recode_array, recode_column
from lotse.people.models import Person
from lotse.people.vocabulary import (
    LANGUAGE_CODES,
    language_choices,
    language_code,
    language_name,
    language_spellings,
)


def test_it_offers_the_languages_refugees_speak_with_iso_639_3_codes() -> None:
    assert {"prs", "kmr", "ckb", "pus", "tir", "orm", "ara", "fas", "ukr", "rus", "tur", "deu", "eng"} <= LANGUAGE_CODES
    assert all(len(code) == 3 for code in LANGUAGE_CODES)
    assert not {"ar", "fa", "de"} & LANGUAGE_CODES


@pytest.mark.parametrize(
    ("code", "german", "english"),
    [
        ("prs", "Dari", "Dari"),
        ("kmr", "Kurmandschi (Nordkurdisch)", "Kurmanji (Northern Kurdish)"),
        ("ckb", "Sorani (Zentralkurdisch)", "Sorani (Central Kurdish)"),
        ("tir", "Tigrinya", "Tigrinya"),
        ("pus", "Paschtu", "Pashto"),
        ("orm", "Oromo", "Oromo"),
        ("fas", "Persisch", "Persian"),
        ("ara", "Arabisch", "Arabic"),
        ("apc", "Levantinisches Arabisch", "Levantine Arabic"),
    ],
)
def test_it_names_languages_in_german_and_english(code: str, german: str, english: str) -> None:
    assert language_name(code, "de") == german
    assert language_name(code, "en") == english
    with translation.override("de"):
        assert (code, german) in language_choices()


def test_it_names_languages_in_every_public_language_from_cldr() -> None:
    assert language_name("prs", "ar") == "الدارية"
    assert language_name("prs", "fa") == "دری"
    assert language_name("ukr", "uk") == "українська"
    assert language_name("tir", "ru") == "тигринья"
    assert language_name("tur", "tr") == "Türkçe"


def test_it_sorts_the_choices_for_german_readers() -> None:
    with translation.override("de"):
        names = [name for _code, name in language_choices()]
    assert names.index("Ägyptisches Arabisch") < names.index("Akan") < names.index("Zulu")


def test_it_reads_old_two_letter_codes_and_names() -> None:
    assert language_code("ar") == "ara"
    assert language_code(" FA ") == "fas"
    assert language_code("prs") == "prs"
    assert language_code("xx") is None
    assert language_name("ar", "de") == "Arabisch"  # history entries written before the move
    spellings = language_spellings()
    assert spellings["Dari"] == "prs"
    assert spellings["Kurmandschi"] == "kmr"
    assert spellings["Sorani"] == "ckb"
    assert spellings["Farsi"] == "fas"
    assert spellings["Arabic"] == spellings["Arabisch"] == spellings["ar"] == "ara"


@pytest.mark.django_db
def test_it_moves_stored_two_letter_codes_to_iso_639_3_keeping_their_order(caseworker_a) -> None:
    open_case_for(caseworker_a, languages=["ara"])
    person = Person.objects.get(family_name="Haddad")
    Person.objects.filter(pk=person.pk).update(languages=["ku", "ar", "de"])
    Person.objects.exclude(pk=person.pk).update(languages=[])

    with connection.cursor() as cursor:
        recode_array(cursor, Person._meta.db_table, "languages")
    person.refresh_from_db()
    assert person.languages == ["kur", "ara", "deu"]

    with connection.cursor() as cursor:
        recode_array(cursor, Person._meta.db_table, "languages")  # a second run changes nothing
    person.refresh_from_db()
    assert person.languages == ["kur", "ara", "deu"]

    with connection.cursor() as cursor:
        recode_array(cursor, Person._meta.db_table, "languages", backwards=True)
    person.refresh_from_db()
    assert person.languages == ["ku", "ar", "de"]


@pytest.mark.django_db
def test_it_moves_a_stored_interpreted_language_to_iso_639_3(caseworker_a) -> None:
    case = open_case_for(caseworker_a)
    contact = record_contact(
        acting_user=caseworker_a,
        case=case,
        date=case.start_date,
        duration_minutes=30,
        form=ContactForm.OFFICE,
        fields_of_action=[],
        interpreter_kind=InterpreterKind.PROFESSIONAL,
        interpreter_language="fas",
    )
    Contact.objects.filter(pk=contact.pk).update(interpreter_language="fa")

    with connection.cursor() as cursor:
        recode_column(cursor, Contact._meta.db_table, "interpreter_language")
    contact.refresh_from_db()
    assert contact.interpreter_language == "fas"
