"""The volunteers URLs for the URL matrix.

Volunteers, programmes, sponsorships and meetings belong to organisation A (``world.owner``), whose volunteer
coordination sees them; the coordination of organisation B holds the capability but gets a 404. Interpreter
requests are made by A's caseworkers to the pool of the coordinating organisation.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.volunteers import interpreting_services


def _interpreting_urls(world: UrlWorld) -> AppUrls:
    """A's pool (coordinated by A's volunteer coordination, which also keeps A's network: network_coordinator),
    asked by A's casework for an interpreter: one appointment past and confirmed, one to come and asked."""
    services = interpreting_services
    pool = services.save_pool(
        acting_user=None,
        organisation=world.owner,
        name="Dolmetschdienst A",
        municipalities=[world.municipality],
        requesters_may_book=True,
    )
    interpreter = services.ensure_interpreter(
        acting_user=None,
        organisation=world.owner,
        family_name="Rahimi",
        given_names="Laila",
        email="laila.rahimi@example.org",
        languages={"prs": "muttersprache"},
        pledge_on=datetime.date(2024, 1, 10),
        since=datetime.date(2024, 1, 10),
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    bookings = []
    for starts_at in (now - datetime.timedelta(days=3), now + datetime.timedelta(days=3)):
        request = services.request_interpreter(
            acting_user=None,
            pool=pool,
            requesting_organisation=world.owner,
            language="prs",
            starts_at=starts_at,
            duration_minutes=60,
            place_kind="buero",
            client_first_name="Amina",
        )
        bookings.append(services.book_interpreter(acting_user=None, request=request, volunteer=interpreter))
    past, coming = bookings
    services.record_answer(acting_user=None, booking=past, accept=True)
    pool_request: dict[str, object] = {"pk": past.request_id}
    booking: dict[str, object] = {"pk": past.pk}
    own_request: dict[str, object] = {"pk": past.request_id}
    coordinators_elsewhere = frozenset({"volunteer_coordinator_b", "network_editor"})
    requesters_elsewhere = frozenset({"caseworker_b", "teamlead_b", "housing_officer", "county_housing_officer"})
    kwargs: dict[str, dict[str, object]] = {
        "volunteers:interpreting_pool_request": pool_request,
        "volunteers:interpreting_book": pool_request,
        "volunteers:interpreting_decline": pool_request,
        "volunteers:interpreting_withdraw": booking,
        "volunteers:interpreting_record_answer": booking,
        "volunteers:interpreting_outcome": booking,
        "volunteers:interpreting_request_detail": own_request,
        "volunteers:interpreting_request_book": own_request,
        "volunteers:interpreting_request_cancel": own_request,
        "volunteers:interpreting_link_contact": own_request,
        "volunteers:interpreting_answer": {"token": services.answer_token(coming)},
    }
    out_of_scope = {
        name: requesters_elsewhere if "request_" in name or "link_contact" in name else coordinators_elsewhere
        for name in kwargs
        if name != "volunteers:interpreting_answer"
    }
    return AppUrls(
        kwargs=kwargs,
        out_of_scope=out_of_scope,
        accepts_post=frozenset(
            {
                "volunteers:interpreting_pool_settings",
                "volunteers:interpreting_book",
                "volunteers:interpreting_decline",
                "volunteers:interpreting_withdraw",
                "volunteers:interpreting_record_answer",
                "volunteers:interpreting_outcome",
                "volunteers:interpreting_request_create",
                "volunteers:interpreting_request_book",
                "volunteers:interpreting_request_cancel",
                "volunteers:interpreting_link_contact",
            }
        ),
    )


def _merge(*parts: AppUrls) -> AppUrls:
    return AppUrls(
        kwargs={k: v for part in parts for k, v in part.kwargs.items()},
        out_of_scope={k: v for part in parts for k, v in part.out_of_scope.items()},
        refused={k: v for part in parts for k, v in part.refused.items()},
        accepts_post=frozenset().union(*(part.accepts_post for part in parts)),
        redirects=frozenset().union(*(part.redirects for part in parts)),
    )


def url_arguments(world: UrlWorld) -> AppUrls:
    return _merge(_interpreting_urls(world))
