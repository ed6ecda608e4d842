"""Nationalities (ISO 3166-1 alpha-2) and languages (ISO 639-1), named in the user's language.

pycountry carries the ISO lists and their translations; the names follow the
active Django language and are sorted for that language's readers.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotse.people.choices import STATELESS, UNRESOLVED


def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _language_code() -> str:
    return (get_language() or "de").split("-")[0]


@lru_cache(maxsize=16)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    names = _catalogue("iso3166-1", language)
    pairs = [
        (country.alpha_2, names.gettext(getattr(country, "common_name", country.name)))
        for country in pycountry.countries
    ]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


@lru_cache(maxsize=16)
def _languages(language: str) -> tuple[tuple[str, str], ...]:
    names = _catalogue("iso639-3", language)
    pairs = [(lang.alpha_2, names.gettext(lang.name)) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)
NATIONALITY_CODES = COUNTRY_CODES | {STATELESS, UNRESOLVED}
LANGUAGE_CODES = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def nationality_choices() -> list[tuple[str, str]]:
    return [(STATELESS, _("stateless")), (UNRESOLVED, _("unresolved")), *_countries(_language_code())]


def language_choices() -> list[tuple[str, str]]:
    return list(_languages(_language_code()))


def nationality_name(code: str) -> str:
    return dict(nationality_choices()).get(code, code)


def language_name(code: str) -> str:
    return dict(_languages(_language_code())).get(code, code)
