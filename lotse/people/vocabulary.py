"""Nationalities (ISO 3166-1 alpha-2) and languages (ISO 639-3), named in the user's language.

pycountry carries the country list and its translations. The languages are the
ones with an ISO 639-1 code, written with their ISO 639-3 code, and the
languages refugees in Germany speak that ISO 639-1 lacks (Dari, Kurmanji,
Sorani, dialects of Arabic, ...). Their names come from CLDR (babel) in every
language Lotse shows, with a small table for the few CLDR does not name. The
names follow the active Django language and are sorted for its readers.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lotse.people.choices import STATELESS, UNRESOLVED
from lotse.people.iso639 import ISO_639_1_TO_3

# Spoken by refugees and newcomers in Germany, without an ISO 639-1 code (ISO 639-3 individual languages).
REFUGEE_LANGUAGES = (
    "prs",  # Dari
    "kmr",  # Kurmanji (Northern Kurdish)
    "ckb",  # Sorani (Central Kurdish)
    "sdh",  # Southern Kurdish
    "zza",  # Zazaki
    "haz",  # Hazaragi
    "apc",  # Levantine Arabic
    "acm",  # Mesopotamian (Iraqi) Arabic
    "arz",  # Egyptian Arabic
    "apd",  # Sudanese Arabic
    "ary",  # Moroccan Arabic
    "aii",  # Assyrian Neo-Aramaic
    "syr",  # Syriac
    "tig",  # Tigre
    "bej",  # Beja
    "rhg",  # Rohingya
    "bal",  # Baluchi
    "glk",  # Gilaki
    "mzn",  # Mazanderani
    "kab",  # Kabyle
    "tzm",  # Central Atlas Tamazight
    "kri",  # Krio
    "pcm",  # Nigerian Pidgin
    "mnk",  # Mandinka
    "sus",  # Susu
    "din",  # Dinka
    "nus",  # Nuer
    "rom",  # Romani
)

# Where CLDR keeps a language under another key than its ISO 639-3 code.
_CLDR_KEYS = {"prs": "fa_AF"}

# The names CLDR lacks, and the names caseworkers use where CLDR's differ ("Zentralkurdisch" is Sorani to them).
# Other languages fall back to the English name.
_OWN_NAMES: dict[str, dict[str, str]] = {
    "kmr": {"de": "Kurmandschi (Nordkurdisch)", "en": "Kurmanji (Northern Kurdish)"},
    "ckb": {"de": "Sorani (Zentralkurdisch)", "en": "Sorani (Central Kurdish)"},
    "haz": {"de": "Hazaragi", "en": "Hazaragi"},
    "apc": {"de": "Levantinisches Arabisch", "en": "Levantine Arabic"},
    "acm": {"de": "Irakisches Arabisch", "en": "Iraqi Arabic"},
    "apd": {"de": "Sudanesisches Arabisch", "en": "Sudanese Arabic"},
    "aii": {"de": "Assyrisch-Neuaramäisch", "en": "Assyrian Neo-Aramaic"},
    "mnk": {"de": "Mandinka", "en": "Mandinka"},
}

LANGUAGE_CODES = frozenset(ISO_639_1_TO_3.values()) | frozenset(REFUGEE_LANGUAGES)
_ISO_639_3_TO_1 = {three: one for one, three in ISO_639_1_TO_3.items()}

COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)
NATIONALITY_CODES = COUNTRY_CODES | {STATELESS, UNRESOLVED}


def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _language_code() -> str:
    return (get_language() or "de").split("-")[0]


def sort_key(name: str) -> str:
    """Alphabetical as readers expect it: "Ägyptisches Arabisch" among the A."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    names = _catalogue("iso3166-1", language)
    pairs = [
        (country.alpha_2, names.gettext(getattr(country, "common_name", country.name)))
        for country in pycountry.countries
    ]
    return tuple(sorted(pairs, key=lambda pair: sort_key(pair[1])))


def _cldr_names(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).languages)
    except (UnknownLocaleError, ValueError):
        return dict(Locale("en").languages)


def _english_name(code: str) -> str:
    found = pycountry.languages.get(alpha_3=code)
    return str(found.name) if found is not None else code


@lru_cache(maxsize=16)
def language_names(language: str) -> dict[str, str]:
    """ISO 639-3 code -> the language's name in ``language`` (a locale code such as "de" or "ar")."""
    cldr = _cldr_names(language)
    names = {}
    for code in LANGUAGE_CODES:
        own = _OWN_NAMES.get(code, {})
        key = _CLDR_KEYS.get(code) or _ISO_639_3_TO_1.get(code) or code
        name = own.get(language) or cldr.get(key) or own.get("en") or _english_name(code)
        names[code] = name[:1].upper() + name[1:] if language in {"de", "en"} else name
    return names


@lru_cache(maxsize=16)
def _languages(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(language_names(language).items(), key=lambda pair: sort_key(pair[1])))


def language_code(raw: str) -> str | None:
    """The ISO 639-3 code of a code as given (ISO 639-3, or the ISO 639-1 code Lotse stored before); None if unknown."""
    code = raw.strip().lower()
    code = ISO_639_1_TO_3.get(code, code)
    return code if code in LANGUAGE_CODES else None


def nationality_choices() -> list[tuple[str, str]]:
    return [(STATELESS, _("stateless")), (UNRESOLVED, _("unresolved")), *_countries(_language_code())]


def language_choices() -> list[tuple[str, str]]:
    return list(_languages(_language_code()))


def nationality_name(code: str) -> str:
    return dict(nationality_choices()).get(code, code)


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language ``code`` in ``language`` (default: the active one); old two-letter codes too."""
    names = language_names(language or _language_code())
    return names.get(language_code(code) or code, code)


# Spellings lists and caseworkers write that are no language's name in CLDR.
_ALIASES = {
    "Farsi": "fas",
    "Afghanisch": "prs",
    "Kurmanci": "kmr",
    "Kurmanji": "kmr",
    "Sorani": "ckb",
    "Paschto": "pus",
    "Tigrinja": "tir",
    "Griechisch": "ell",
    "Kastilisch": "spa",
}


@lru_cache(maxsize=1)
def language_spellings() -> dict[str, str]:
    """How a cell or a list may name a language -> its ISO 639-3 code.

    English and German names (with and without a qualifier in brackets, and the qualifier alone:
    "Kurmandschi (Nordkurdisch)", "Kurmandschi", "Nordkurdisch"), ISO 639-1 and ISO 639-3 codes.
    German names win over English ones, codes over names.
    """
    spellings: dict[str, str] = {}
    for language in ("en", "de"):
        for code, name in language_names(language).items():
            spellings[name] = code
            if "(" in name and name.endswith(")"):
                outer, inner = name[:-1].split("(", 1)
                spellings.setdefault(outer.strip(), code)
                spellings.setdefault(inner.strip(), code)
    spellings.update(_ALIASES)
    spellings.update(ISO_639_1_TO_3)
    spellings.update({code: code for code in LANGUAGE_CODES})
    return spellings
