"""The housing panel of the start page: open flats, searching households, placements under way, viewings soon."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register
from lotse.housing.choices import OPEN_OFFER_STATES, OPEN_PLACEMENT_STATES, PlacementState, SearchStatus
from lotse.housing.models import FlatOffer, Placement, SearchProfile


def housing_panel(user: User, today: datetime.date) -> Panel | None:
    offers = FlatOffer.objects.visible_to(user).filter(status__in=OPEN_OFFER_STATES).count()
    searching = SearchProfile.objects.visible_to(user).filter(status=SearchStatus.SEARCHING).count()
    if not offers and not searching:
        return None  # an organisation without flats or searches of its own: nothing to show
    placements = Placement.objects.visible_to(user).filter(state__in=OPEN_PLACEMENT_STATES)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    viewings = placements.filter(
        state=PlacementState.VIEWING, viewing_at__gte=start, viewing_at__lt=start + datetime.timedelta(days=8)
    ).count()
    return Panel(
        title=_("Housing"),
        facts=[
            Fact(_("Open flat offers"), number(offers), reverse("housing:offer_list")),
            Fact(_("Households searching"), number(searching), reverse("housing:search_list")),
            Fact(_("Placements under way"), number(placements.count()), reverse("housing:placement_list")),
            Fact(_("Viewings in the next 7 days"), number(viewings), reverse("housing:placement_list"), urgent=True),
        ],
        link_url=reverse("housing:proposal"),
        link_label=_("Open the proposal for all open flats"),
    )


register(Capability.HOUSING, housing_panel, order=35)
