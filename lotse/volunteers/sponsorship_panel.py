"""The volunteer coordination's sponsorship panel of the start page: check-ins due and households waiting."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register
from lotse.volunteers.choices import OPEN_SPONSORSHIP_STATES, SponsorshipState
from lotse.volunteers.models import Sponsorship
from lotse.volunteers.sponsorship_queries import waiting_counts


def sponsorship_panel(user: User, today: datetime.date) -> Panel:
    sponsorships = Sponsorship.objects.visible_to(user)
    due = sponsorships.filter(next_check_in__lte=today).exclude(state=SponsorshipState.ENDED).count()
    open_count = sponsorships.filter(state__in=OPEN_SPONSORSHIP_STATES).count()
    waiting = sum(waiting_counts(user).values())
    worklist = reverse("volunteers:check_in_worklist")
    programmes = reverse("volunteers:programme_list")
    return Panel(
        title=_("Sponsorships"),
        facts=[
            Fact(_("Open sponsorships"), number(open_count), reverse("volunteers:sponsorship_list")),
            Fact(_("Check-ins due"), number(due), worklist, urgent=True),
            Fact(_("Households waiting for a sponsor"), number(waiting), programmes, urgent=True),
        ],
        link_url=programmes,
        link_label=_("Open the sponsorship programmes"),
    )


register(Capability.COORDINATE_VOLUNTEERS, sponsorship_panel, order=30)
