"""Handover sheets named for the change history and the access log (``lotse.core.records``): by their number,
linked to the side of the sheet the reader may open."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse

from lotse.arrivals.models import HandoverSheet
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
