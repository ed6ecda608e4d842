"""Handover sheets (by their number, linked to the side of the sheet the reader may open) and new arrivals (by
their household, linked to the entry for those who may open it) named for the change history and the access
log (``lotse.core.records``)."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.arrivals.models import Arrival, HandoverSheet
from lotse.arrivals.queries import household_name
from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of


@names_records("arrivals.handoversheet")
def name_sheets(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    wanted = pks_of(HandoverSheet, pks)
    sent = set(HandoverSheet.objects.sent_by(user).filter(pk__in=wanted).values_list("pk", flat=True))
    received = set(HandoverSheet.objects.received_by(user).filter(pk__in=wanted).values_list("pk", flat=True))
    names = {}
    for sheet in HandoverSheet.objects.filter(pk__in=wanted):
        url = ""
        if sheet.pk in sent:
            url = reverse("arrivals:sheet_detail", args=[sheet.pk])
        elif sheet.pk in received:
            url = reverse("arrivals:received_detail", args=[sheet.pk])
        names[str(sheet.pk)] = RecordName(str(sheet), url)
    return names


@names_records("arrivals.arrival")
def name_arrivals(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    arrivals = Arrival.objects.filter(pk__in=pks_of(Arrival, pks)).annotate(household=household_name())
    readable = set(Arrival.objects.visible_to(user).filter(pk__in=pks_of(Arrival, pks)).values_list("pk", flat=True))
    names = {}
    for arrival in arrivals:
        household = getattr(arrival, "household", None)
        text = _("New arrival: household of %(name)s") % {"name": household} if household else str(arrival)
        url = reverse("arrivals:arrival_detail", args=[arrival.pk]) if arrival.pk in readable else ""
        names[str(arrival.pk)] = RecordName(text, url)
    return names
