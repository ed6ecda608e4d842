"""New arrivals named for the change history and the access log (``lotse.core.records``): by their household,
linked to the entry for those who may open it."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.arrivals.models import Arrival
from lotse.arrivals.queries import household_name
from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of


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
