"""The accommodation panel of the start page: places and occupancy today in the shelters the user sees."""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.accommodation.queries import shelter_overview
from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, percent, register


def accommodation_panel(user: User, today: datetime.date) -> Panel:
    overview, _form = shelter_overview(user, QueryDict())
    totals = overview.totals
    shelters = reverse("accommodation:shelter_list")
    return Panel(
        title=_("Accommodation today"),
        facts=[
            Fact(_("Shelters"), number(totals.shelters), shelters),
            Fact(_("Places"), number(totals.places)),
            Fact(_("Occupied"), number(totals.occupied)),
            Fact(_("Free"), number(totals.free)),
            Fact(_("Occupancy"), percent(totals.rate)),
        ],
        link_url=shelters,
        link_label=_("Open the shelters"),
    )


register(Capability.SHELTER_NUMBERS, accommodation_panel, order=30)
