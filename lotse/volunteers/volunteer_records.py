"""Volunteers and meetings named for the change history and the access log (``lotse.core.records``): by name,
linked to their page where the reader may open them."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of
from lotse.volunteers.models import Meeting, Volunteer


@names_records("volunteers.volunteer")
def name_volunteers(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    volunteers = list(Volunteer.objects.filter(pk__in=pks_of(Volunteer, pks)).only("family_name", "given_names"))
    visible = set(
        Volunteer.objects.visible_to(user).filter(pk__in=[v.pk for v in volunteers]).values_list("pk", flat=True)
    )
    return {
        str(v.pk): RecordName(
            _("Volunteer %(name)s") % {"name": v.full_name},
            reverse("volunteers:volunteer_detail", args=[v.pk]) if v.pk in visible else "",
        )
        for v in volunteers
    }


@names_records("volunteers.meeting")
def name_meetings(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    meetings = list(Meeting.objects.filter(pk__in=pks_of(Meeting, pks)).only("topic", "on"))
    visible = set(Meeting.objects.visible_to(user).filter(pk__in=[m.pk for m in meetings]).values_list("pk", flat=True))
    return {
        str(m.pk): RecordName(str(m), reverse("volunteers:meeting_detail", args=[m.pk]) if m.pk in visible else "")
        for m in meetings
    }
