"""The key figures' panel of the start page: today's main figures in the user's scope."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.access import Capability, can
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, percent, register
from lotse.reports.closed_months import figures_on
from lotse.reports.figures import Scope


def figures_panel(user: User, today: datetime.date) -> Panel:
    everything = can(user, Capability.KEY_FIGURES_OF_ALL)
    scope = Scope() if everything else Scope(organisation=user.organisation)
    figures = figures_on(today, scope)  # shared with the dashboard's kept reference date
    return Panel(
        title=_("Key figures today"),
        note=_("All organisations") if everything else user.organisation.name,
        facts=[
            Fact(_("Clients"), number(figures.klienten)),
            Fact(_("of them minors"), number(figures.minderjaehrige)),
            Fact(_("Adults with German B1 or higher"), percent(figures.anteil_b1_plus)),
            Fact(_("Active cases"), number(figures.faelle_aktiv)),
        ],
        link_url=reverse("reports:dashboard"),
        link_label=_("Open the key figures"),
    )


register(Capability.KEY_FIGURES, figures_panel, order=20)
