"""What each key figure is called and how it is defined, as shown on the page, in exports and the PDF."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIGURE_LABELS: dict[str, Promise] = {
    "klienten": _("Clients"),
    "minderjaehrige": _("of them minors"),
    "erwachsene": _("of them adults"),
    "alter_unbekannt": _("of them age unknown"),
    "erwachsene_b1_plus": _("Adults with German B1 or higher"),
    "erwachsene_beschaeftigt": _("Adults in employment subject to social insurance"),
    "erwachsene_ausbildung": _("Adults in training, internship or studies"),
    "anteil_b1_plus": _("Share of adults with B1 or higher (%)"),
    "anteil_beschaeftigt": _("Share of adults in employment (%)"),
    "anteil_ausbildung": _("Share of adults in training, internship or studies (%)"),
    "faelle_aktiv": _("Active cases"),
    "beendet_personen": _("Persons whose counselling ended"),
    "beendet_mit_mietvertrag": _("of them with their own tenancy"),
    "beendet_erstmals_privat": _("of them in their first own tenancy"),
    "abschlussgruende": _("Closing reasons"),
}

# Column headers of the wide tables (series and breakdowns); the definitions explain them.
COLUMN_LABELS: dict[str, Promise] = {
    "klienten": _("Clients"),
    "minderjaehrige": _("Minors"),
    "erwachsene": _("Adults"),
    "alter_unbekannt": _("Age unknown"),
    "erwachsene_b1_plus": _("B1 or higher"),
    "erwachsene_beschaeftigt": _("Employed"),
    "erwachsene_ausbildung": _("Training/studies"),
    "anteil_b1_plus": _("B1 or higher %"),
    "anteil_beschaeftigt": _("Employed %"),
    "anteil_ausbildung": _("Training/studies %"),
    "faelle_aktiv": _("Active cases"),
    "beendet_personen": _("Ended"),
    "beendet_mit_mietvertrag": _("Ended, own tenancy"),
    "beendet_erstmals_privat": _("Ended, first own tenancy"),
}

FIGURE_DEFINITIONS: dict[str, Promise] = {
    "klienten": _(
        "Distinct persons who are clients of a case active on the reference date. A case is active when it "
        "started on or before the reference date and has no end or ends after it."
    ),
    "minderjaehrige": _(
        "Clients younger than 18 on the reference date. A partial date of birth counts from the 1st of its "
        "month, or from 1 January when only the year is known."
    ),
    "erwachsene": _("Clients aged 18 or older on the reference date (18th birthday on or before it)."),
    "alter_unbekannt": _("Clients without a date of birth."),
    "erwachsene_b1_plus": _(
        "Adults whose German level on the reference date is B1, B2, C1 or C2. The level on a date is the latest "
        "record dated on or before it; no record means no German."
    ),
    "erwachsene_beschaeftigt": _(
        "Adults whose work situation on the reference date (latest record valid from on or before it) is "
        "employment subject to social insurance."
    ),
    "erwachsene_ausbildung": _(
        "Adults whose work situation on the reference date is vocational training, internship or university studies."
    ),
    "anteil_b1_plus": _("Percent of adults, one decimal, rounded half up; empty when there are no adults."),
    "anteil_beschaeftigt": _("Percent of adults, one decimal, rounded half up; empty when there are no adults."),
    "anteil_ausbildung": _("Percent of adults, one decimal, rounded half up; empty when there are no adults."),
    "faelle_aktiv": _("Cases active on the reference date."),
    "beendet_personen": _(
        "Distinct persons who were clients of a case that ended within the period (from its start to the "
        "reference date, both inclusive)."
    ),
    "beendet_mit_mietvertrag": _(
        "Of those, persons whose housing situation on their case's end date was their own tenancy."
    ),
    "beendet_erstmals_privat": _(
        "Of those, persons who on their case's end date lived in their first own tenancy: their housing "
        "situation was their own tenancy and no earlier housing record of theirs is an own tenancy."
    ),
    "abschlussgruende": _("Cases that ended within the period, counted per closing reason."),
}

SCOPE_NOTE = _(
    "Filters apply to cases: the organisation and the municipality of the case. In the breakdowns a person "
    "with cases in two municipalities or organisations counts in each."
)

SUPPRESSION_NOTE = _(
    "Suppressed: counts under 3 are shown as “< 3”. So that none of them can be worked out by adding or "
    "subtracting the numbers shown (totals, other rows, the other tables and exports), further counts are "
    "hidden as “x”, in every place they appear. A share is shown as “–” when its count or the number of "
    "adults is hidden."
)
