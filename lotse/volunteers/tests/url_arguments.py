"""The volunteers URLs for the URL matrix.

Volunteers, programmes, sponsorships and meetings belong to organisation A (``world.owner``), whose volunteer
coordination sees them; the coordination of organisation B holds the capability but gets a 404. Interpreter
requests are made by A's caseworkers to the pool of the coordinating organisation.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.volunteers import sponsorship_services


def _sponsorship_urls(world: UrlWorld) -> AppUrls:
    today = timezone.localdate()
    programme = sponsorship_services.ensure_programme(
        acting_user=None, organisation=world.owner, name="Willkommen", started_on=today - datetime.timedelta(days=90)
    )
    participation = sponsorship_services.register_newcomers(
        acting_user=None,
        programme=programme,
        members=[{"family_name": "Haddad", "given_names": "Rania"}],
        joined_on=today - datetime.timedelta(days=30),
    )
    waiting = sponsorship_services.register_newcomers(
        acting_user=None,
        programme=programme,
        members=[{"family_name": "Rahimi", "given_names": "Ali"}],
        joined_on=today - datetime.timedelta(days=30),
    )
    sponsor = sponsorship_services.register_volunteer(
        acting_user=None,
        organisation=world.owner,
        family_name="Weber",
        given_names="Jana",
        status="aktiv",
        status_since=today - datetime.timedelta(days=60),
        consent_on=today - datetime.timedelta(days=60),
    )
    for kind in ("datengeheimnis", "vereinbarung", "schulung"):
        sponsorship_services.record_requirement(
            acting_user=None, volunteer=sponsor, kind=kind, met_on=today - datetime.timedelta(days=50)
        )
    sponsorship = sponsorship_services.request_sponsorship(
        acting_user=None, participation=participation, sponsors=[sponsor], requested_on=today
    )
    kwargs = {
        **{
            name: {"pk": programme.pk}
            for name in (
                "volunteers:programme_detail",
                "volunteers:programme_edit",
                "volunteers:programme_proposal",
                "volunteers:participation_create",
            )
        },
        **{
            name: {"pk": participation.pk}
            for name in (
                "volunteers:participation_detail",
                "volunteers:participation_edit",
                "volunteers:newcomer_add",
            )
        },
        **{
            name: {"pk": waiting.pk}
            for name in (
                "volunteers:participation_matching",
                "volunteers:sponsorship_create",
                "volunteers:proposal_confirm",
            )
        },
        **{
            name: {"pk": sponsorship.pk}
            for name in (
                "volunteers:sponsorship_detail",
                "volunteers:sponsorship_transition",
                "volunteers:check_in_create",
            )
        },
    }
    return AppUrls(
        kwargs=kwargs,
        # The coordinations of organisation B and of the city hold the capability but not A's programmes and
        # sponsorships.
        out_of_scope=dict.fromkeys(kwargs, frozenset({"volunteer_coordinator_b", "network_editor"})),
        accepts_post=frozenset(
            {
                "volunteers:programme_create",
                "volunteers:programme_edit",
                "volunteers:participation_create",
                "volunteers:participation_edit",
                "volunteers:newcomer_add",
                "volunteers:sponsorship_create",
                "volunteers:proposal_confirm",
                "volunteers:sponsorship_transition",
                "volunteers:check_in_create",
            }
        ),
    )


def _merge(*answers: AppUrls) -> AppUrls:
    kwargs: dict[str, object] = {}
    out_of_scope: dict[str, frozenset[str]] = {}
    refused: dict[str, frozenset[str]] = {}
    accepts_post: frozenset[str] = frozenset()
    redirects: frozenset[str] = frozenset()
    for answer in answers:
        kwargs.update(answer.kwargs)
        out_of_scope.update(answer.out_of_scope)
        refused.update(answer.refused)
        accepts_post |= answer.accepts_post
        redirects |= answer.redirects
    return AppUrls(
        kwargs=kwargs,  # type: ignore[arg-type]
        out_of_scope=out_of_scope,
        refused=refused,
        accepts_post=accepts_post,
        redirects=redirects,
    )


def url_arguments(world: UrlWorld) -> AppUrls:
    return _merge(_sponsorship_urls(world))
