"""Kept key figures (closed months, reference dates), and the log of changes that tell which no longer hold.

The key figures of a past month end are a function of the recorded data alone
(cases with their dates, clients, dates of birth, and the dated language, work
and housing records). They are kept in ``KeptFigures`` once computed. Any
change of that data is dated: a language record from 1 March changes nothing
before 1 March, a case ended on 15 May changes nothing before 15 May. Triggers
on those tables (migration ``0002_figure_change_triggers``) write one
``FigureChange`` per statement with the earliest date it affects; kept figures
of a day on or after that date are no longer used when the change is not
visible in the snapshot they were computed from (see ``lotse.reports.closed_months``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.core.models import Municipality, Organisation


class FigureChange(models.Model):
    """One statement that changed the data of the key figures from ``affected_from`` on (written by triggers)."""

    affected_from = models.DateField(_("affected from"))
    # The writing transaction (pg_current_xact_id()), to tell whether a kept result could see the change.
    transaction_id = models.BigIntegerField(_("transaction"))
    created_at = models.DateTimeField(_("created at"), db_default=models.functions.Now())

    class Meta:
        verbose_name = _("change of key-figure data")
        verbose_name_plural = _("changes of key-figure data")
        indexes = [models.Index(fields=["affected_from"], name="figure_change_affected_from")]

    def __str__(self) -> str:
        return f"{self.affected_from.isoformat()} ({self.transaction_id})"


class KeptFigures(models.Model):
    """The key figures of one day (a closed month's last, or a reference date) for one scope and period start."""

    day = models.DateField(_("reference date"))
    von = models.DateField(_("period start"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The counts (lotse.reports.figures.STORED_KEYS and the closing reasons); no person is named.
    counts = models.JSONField(_("counts"))
    # For a reference date: the same counts per organisation and per municipality of the cases.
    breakdowns = models.JSONField(_("breakdowns"), null=True, blank=True)
    # The snapshot (pg_snapshot as text) the counts were computed in; with the computing transaction and the
    # last change it had written itself, for a computation inside a transaction that changed data first.
    snapshot = models.TextField(_("snapshot"))
    computed_in = models.BigIntegerField(_("computed in transaction"), null=True, blank=True)
    own_changes_until = models.BigIntegerField(_("own changes seen"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_default=models.functions.Now())

    class Meta:
        verbose_name = _("kept key figures")
        verbose_name_plural = _("kept key figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "von", "organisation", "municipality"], nulls_distinct=False, name="kept_figures_once"
            )
        ]

    def __str__(self) -> str:
        return self.day.isoformat()
