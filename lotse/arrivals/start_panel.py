"""The accommodation staff's panel of the exchange with the integration management: planned move-outs and
requests to link records (shown only when something waits)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.arrivals.exchange_queries import exchange_counts
from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register


def exchange_panel(user: User, today: datetime.date) -> Panel | None:
    counts = exchange_counts(user)
    if not counts["planned"] and not counts["requests"]:
        return None
    planned = reverse("arrivals:planned_move_out_list")
    return Panel(
        title=_("Exchange with the integration management"),
        facts=[
            Fact(_("Planned move-outs"), number(counts["planned"]), planned, urgent=True),
            Fact(
                _("Requests to link records"),
                number(counts["requests"]),
                reverse("arrivals:link_request_list"),
                urgent=True,
            ),
        ],
        link_url=planned,
        link_label=_("Open the planned move-outs"),
    )


register(Capability.MANAGE_SHELTERS, exchange_panel, order=31)
