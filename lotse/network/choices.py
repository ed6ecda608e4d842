"""Vocabularies of the network directory. Codes are stable; labels are translated.

Labels shown on the public pages (city map, actor page, info sheet) carry the
message context "public": those strings are translated into every language
of ``PUBLIC_LANGUAGES``, and a test holds every catalogue to that.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Languages of the public pages and info sheets (code, name in that language, right-to-left).
PUBLIC_LANGUAGES: list[tuple[str, str, bool]] = [
    ("de", "Deutsch", False),
    ("en", "English", False),
    ("ar", "العربية", True),
    ("fa", "فارسی", True),
    ("uk", "Українська", False),
    ("ru", "Русский", False),
    ("tr", "Türkçe", False),
]
PUBLIC_LANGUAGE_CODES = [code for code, _name, _rtl in PUBLIC_LANGUAGES]
RTL_LANGUAGES = frozenset(code for code, _name, rtl in PUBLIC_LANGUAGES if rtl)
# Each public language named in itself ("العربية"), for language switchers and choices.
NATIVE_NAMES = {code: name for code, name, _rtl in PUBLIC_LANGUAGES}
# The public language a speaker of a spoken language (ISO 639-3) reads: Dari speakers read Persian,
# speakers of a dialect of Arabic read Standard Arabic.
READS_PUBLIC_LANGUAGE = {
    "deu": "de",
    "eng": "en",
    "ara": "ar",
    "arb": "ar",
    "apc": "ar",
    "acm": "ar",
    "arz": "ar",
    "apd": "ar",
    "ary": "ar",
    "fas": "fa",
    "pes": "fa",
    "prs": "fa",
    "rus": "ru",
    "tur": "tr",
    "ukr": "uk",
}
# The master language of every text written in Lotse: translations are checked against it.
MASTER_LANGUAGE = "de"


def direction(language: str) -> str:
    """The value of the ``dir`` attribute for text in ``language``."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def list_separator(language: str) -> str:
    """What separates the items of a list: Arabic script has its own comma."""
    return "، " if language in RTL_LANGUAGES else ", "


class SheetLanguage(models.TextChoices):
    """Languages an info sheet's text blocks are written in (the public languages)."""

    DE = "de", _("German")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    FA = "fa", _("Farsi")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    TR = "tr", _("Turkish")


class OrganisationType(models.TextChoices):
    BEHOERDE = "behoerde", pgettext_lazy("public", "Public authority")
    WOHLFAHRTSVERBAND = "wohlfahrtsverband", pgettext_lazy("public", "Welfare association")
    VEREIN = "verein", pgettext_lazy("public", "Association")
    BILDUNG = "bildung", pgettext_lazy("public", "School or educational institution")
    ARBEITSMARKT = "arbeitsmarkt", pgettext_lazy("public", "Employment agency, job centre or chamber")
    GESUNDHEIT = "gesundheit", pgettext_lazy("public", "Health care")
    RELIGION = "religion", pgettext_lazy("public", "Religious community")
    MIGRANTENORGANISATION = "migrantenorganisation", pgettext_lazy("public", "Migrant organisation")
    KULTUR = "kultur", pgettext_lazy("public", "Culture")
    UNTERNEHMEN = "unternehmen", pgettext_lazy("public", "Company")
    SONSTIGE = "sonstige", pgettext_lazy("public", "Other")


class TargetGroup(models.TextChoices):
    ALLE = "alle", pgettext_lazy("public", "Everyone")
    GEFLUECHTETE = "gefluechtete", pgettext_lazy("public", "Refugees")
    NEUZUGEWANDERTE = "neuzugewanderte", pgettext_lazy("public", "Newly arrived immigrants")
    FAMILIEN = "familien", pgettext_lazy("public", "Families")
    FRAUEN = "frauen", pgettext_lazy("public", "Women")
    KINDER_JUGENDLICHE = "kinder_jugendliche", pgettext_lazy("public", "Children and young people")
    SENIOREN = "senioren", pgettext_lazy("public", "Older people")
    ARBEITSUCHENDE = "arbeitsuchende", pgettext_lazy("public", "Job seekers")
    EHRENAMTLICHE = "ehrenamtliche", pgettext_lazy("public", "Volunteers")


class Accessibility(models.TextChoices):
    UNBEKANNT = "unbekannt", pgettext_lazy("public", "Accessibility not known")
    BARRIEREFREI = "barrierefrei", pgettext_lazy("public", "Step-free access")
    TEILWEISE = "teilweise", pgettext_lazy("public", "Partly accessible")
    NICHT = "nicht", pgettext_lazy("public", "Not accessible")
