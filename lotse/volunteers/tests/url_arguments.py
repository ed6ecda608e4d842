"""The volunteers URLs for the URL matrix.

Volunteers, programmes, sponsorships and meetings belong to organisation A (``world.owner``), whose volunteer
coordination sees them; the coordination of organisation B holds the capability but gets a 404. Interpreter
requests are made by A's caseworkers to the pool of the coordinating organisation.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils import timezone

from lotse.core import staged_import
from lotse.core.choices import ImportKind, ImportStatus
from lotse.core.models import ImportRun
from lotse.core.tests.url_arguments import AppUrls, UrlWorld
from lotse.volunteers import interpreting_services, sponsorship_services, volunteer_services
from lotse.volunteers.choices import MeetingKind, RequirementKind


def _merge(*answers: AppUrls) -> AppUrls:
    kwargs: dict[str, Mapping[str, object]] = {}
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
    return AppUrls(kwargs, out_of_scope, refused, accepts_post, redirects)


# Who holds the capability but works in another organisation than A: the city's and B's volunteer coordination.
OTHERS = frozenset({"volunteer_coordinator_b", "network_editor"})


def _volunteer_urls(world: UrlWorld) -> AppUrls:
    volunteer = volunteer_services.register_volunteer(
        acting_user=None,
        organisation=world.owner,
        consent_on=datetime.date(2025, 3, 1),
        family_name="Weber",
        given_names="Anna",
        languages=[("ara", "muttersprache")],
    )
    requirement = volunteer_services.add_requirement(
        acting_user=None, volunteer=volunteer, kind=RequirementKind.CONFIDENTIALITY, met_on=datetime.date(2025, 3, 1)
    )
    meeting = volunteer_services.create_meeting(
        acting_user=None,
        organisation=world.owner,
        kind=MeetingKind.TRAINING,
        on=datetime.date(2025, 4, 1),
        topic="Patenschaft",
    )
    # A staged volunteer list as the upload leaves it, waiting for its check.
    upload = ImportRun.objects.create(
        organisation=world.owner,
        kind=ImportKind.VOLUNTEERS,
        file_names=["ehrenamtliche.csv"],
        file_hash="2" * 64,
        status=ImportStatus.CHECKING,
    )
    upload.job_id = staged_import._defer(upload, False, None)
    upload.save()
    of_volunteer = {"pk": volunteer.pk}
    of_meeting = {"pk": meeting.pk}
    of_upload = {"pk": upload.pk}
    kwargs: dict[str, Mapping[str, object]] = {
        "volunteers:volunteer_detail": of_volunteer,
        "volunteers:volunteer_edit": of_volunteer,
        "volunteers:volunteer_status": of_volunteer,
        "volunteers:volunteer_anonymise": of_volunteer,
        "volunteers:requirement_add": of_volunteer,
        "volunteers:requirement_correct": {"pk": requirement.pk},
        "volunteers:requirement_remove": {"pk": requirement.pk},
        "volunteers:meeting_detail": of_meeting,
        "volunteers:meeting_edit": of_meeting,
        "volunteers:meeting_attendance": of_meeting,
        "volunteers:volunteer_import_detail": of_upload,
        "volunteers:volunteer_import_commit": of_upload,
        "volunteers:volunteer_import_discard": of_upload,
        "volunteers:volunteer_import_progress": of_upload,
        "volunteers:volunteer_import_restart": of_upload,
    }
    read_only = {
        "volunteers:volunteer_detail",
        "volunteers:meeting_detail",
        "volunteers:volunteer_import_detail",
        "volunteers:volunteer_import_progress",
    }
    return AppUrls(
        kwargs=kwargs,
        out_of_scope=dict.fromkeys(kwargs, OTHERS),
        accepts_post=frozenset(kwargs) - read_only
        | {"volunteers:volunteer_create", "volunteers:meeting_create", "volunteers:volunteer_import"},
    )


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
    sponsor = volunteer_services.register_volunteer(
        acting_user=None,
        organisation=world.owner,
        family_name="Weber",
        given_names="Jana",
        status="aktiv",
        status_since=today - datetime.timedelta(days=60),
        consent_on=today - datetime.timedelta(days=60),
    )
    for kind in ("datengeheimnis", "vereinbarung", "schulung"):
        volunteer_services.add_requirement(
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
        out_of_scope=dict.fromkeys(kwargs, OTHERS),
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


def url_arguments(world: UrlWorld) -> AppUrls:
    return _merge(_volunteer_urls(world), _sponsorship_urls(world), _interpreting_urls(world))
