"""The volunteer coordination's panel of the start page: what its worklist holds."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lotse.core.access import Capability
from lotse.core.models import User
from lotse.core.start_page import Fact, Panel, number, register
from lotse.volunteers.choices import VolunteerStatus
from lotse.volunteers.models import Volunteer
from lotse.volunteers.volunteer_queries import worklist


def volunteer_panel(user: User, today: datetime.date) -> Panel:
    work = worklist(user, today)
    tasks = reverse("volunteers:volunteer_worklist")
    active = Volunteer.objects.visible_to(user).filter(status=VolunteerStatus.ACTIVE).count()
    return Panel(
        title=pgettext("persons", "Volunteers"),
        facts=[
            Fact(_("Active volunteers"), number(active), reverse("volunteers:volunteer_list") + "?status=aktiv"),
            Fact(_("Certificates to renew"), number(len(work.renewals)), tasks, urgent=True),
            Fact(_("Active volunteers with missing requirements"), number(len(work.missing)), tasks, urgent=True),
            Fact(_("Due for anonymisation"), number(len(work.anonymisation_due)), tasks, urgent=True),
        ],
        link_url=tasks,
        link_label=_("Open the tasks of the volunteer coordination"),
    )


register(Capability.COORDINATE_VOLUNTEERS, volunteer_panel, order=40)
