"""The administrators' panel of the start page: the accounts they look after."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register


def users_panel(user: User, today: datetime.date) -> Panel:
    users = User.objects.visible_to(user)
    active = users.filter(is_active=True).count()
    return Panel(
        title=_("User accounts"),
        facts=[
            Fact(_("Active accounts"), number(active), reverse("core:user_list")),
            Fact(_("Deactivated accounts"), number(users.count() - active)),
        ],
        link_url=reverse("core:user_list"),
        link_label=_("Open the user administration"),
    )


register(Capability.ADMINISTER_USERS, users_panel, order=90)
