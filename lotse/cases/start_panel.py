"""The caseworker's panel of the start page: what is due today (the counts of "Meine Arbeit")."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.cases.choices import CaseStatus
from lotse.cases.models import Case
from lotse.cases.queries import team_rows, team_totals, worklist_for
from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register


def casework_panel(user: User, today: datetime.date) -> Panel:
    work = worklist_for(user, today)
    worklist = reverse("cases:worklist")
    own = Case.objects.visible_to(user).filter(responsible=user).exclude(status=CaseStatus.CLOSED).count()
    return Panel(
        title=_("My work"),
        facts=[
            Fact(_("My open cases"), number(own), f"{reverse('cases:case_list')}?responsible=me"),
            Fact(_("Follow-ups due"), number(len(work.follow_ups)), worklist, urgent=True),
            Fact(_("Reviews due"), number(len(work.reviews)), worklist, urgent=True),
            Fact(_("Overdue goals"), number(len(work.overdue_goals)), worklist, urgent=True),
            Fact(_("Residence permits expiring"), number(len(work.expiring_permits)), worklist, urgent=True),
            Fact(_("Handovers waiting for you"), number(len(work.incoming_handovers)), worklist, urgent=True),
        ],
        link_url=worklist,
        link_label=_("Open “My work”"),
    )


register(Capability.CASEWORK, casework_panel, order=10)


def team_panel(user: User, today: datetime.date) -> Panel:
    _caseworkers, rows = team_rows(user, today)
    totals = team_totals(rows)
    team = reverse("cases:team")
    return Panel(
        title=_("My team"),
        facts=[
            Fact(_("Open cases of the team"), number(totals.active + totals.dormant), team),
            Fact(_("Overdue follow-ups"), number(totals.overdue_follow_ups), team, urgent=True),
            Fact(_("Reviews due"), number(totals.reviews_due), team, urgent=True),
            Fact(_("Cases nearing the maximum duration"), number(totals.nearing_max_duration), team, urgent=True),
        ],
        link_url=team,
        link_label=_("Open the team page"),
    )


register(Capability.LEAD_TEAM, team_panel, order=15)
