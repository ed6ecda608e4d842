"""Interpreter requests and bookings named for the change history and the access log (``lotse.core.records``):
linked to the requesting organisation's page of the request, or to the pool's, whichever the reader may open."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of
from lotse.people.vocabulary import language_name
from lotse.volunteers import interpreting_queries as queries
from lotse.volunteers.models import InterpreterBooking, InterpreterRequest


def _request_urls(user: User, request_pks: Collection[int]) -> dict[int, str]:
    own = set(queries.requested_by(user).filter(pk__in=request_pks).values_list("pk", flat=True))
    pool = set(queries.made_to_pool_of(user).filter(pk__in=request_pks).values_list("pk", flat=True))
    urls = {pk: reverse("volunteers:interpreting_pool_request", args=[pk]) for pk in pool}
    urls.update({pk: reverse("volunteers:interpreting_request_detail", args=[pk]) for pk in own})
    return urls


def _request_text(request: InterpreterRequest) -> str:
    return _("Interpreter request (%(language)s, %(date)s)") % {
        "language": language_name(request.language),
        "date": timezone.localtime(request.starts_at).strftime("%d.%m.%Y %H:%M"),
    }


@names_records("volunteers.interpreterrequest")
def name_requests(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    requests = list(InterpreterRequest.objects.filter(pk__in=pks_of(InterpreterRequest, pks)))
    urls = _request_urls(user, [r.pk for r in requests])
    return {str(r.pk): RecordName(_request_text(r), urls.get(r.pk, "")) for r in requests}


@names_records("volunteers.interpreterbooking")
def name_bookings(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    bookings = list(InterpreterBooking.objects.filter(pk__in=pks_of(InterpreterBooking, pks)).select_related("request"))
    urls = _request_urls(user, [b.request_id for b in bookings])
    return {
        str(b.pk): RecordName(
            _("Booking of an interpreter: %(request)s") % {"request": _request_text(b.request)},
            urls.get(b.request_id, ""),
        )
        for b in bookings
    }
