"""The exchange of housing facts between the linked records of one person, and linking existing records.

One person, two records: the accommodation record kept by the organisation that houses them and the casework
record kept by the counselling organisation (``PersonLink``). Facts flow in two directions, each in the
transaction of the change that causes it:

- accommodation → casework: a move-in (into a shelter, or within or between shelters) or a move-out recorded by
  the accommodation staff writes the dated housing situation (date, situation, municipality) into each linked
  casework record and leaves a notice in the caseworkers' "Meine Arbeit" (``ExchangeNotice``);
- casework → accommodation: a caseworker's housing record "privater Mietvertrag" (new or corrected) becomes a
  planned move-out of the person's current stay (``PlannedMoveOut``), shown to the shelter's operator.

The one rule: facts flow only while ``PersonLink.objects.exchanging_with(housing organisation)`` holds on the day
the change is recorded, where the housing organisation is the operator of the shelter of the stay concerned.
Withdrawing the consent stops the flow at once; nothing that already flowed is removed. Nothing else crosses:
no notes, no other facts, no household members without a link of their own.

How the apps meet: accommodation and people send signals (``lotse.accommodation.signals.stay_changed``,
``lotse.people.signals.housing_recorded``) and this module receives them (connected in
``ArrivalsConfig.ready``), so neither depends on arrivals at import time.

History: what a flow writes on the other side is recorded in a change-history context of its own, carrying
``flow`` = direction, link ids and the sending organisation; the change that caused it gets the direction it
was sent in, so both histories read "übermittelt aus der Unterbringung (…)" / "übermittelt an …"
(``lotse.core.audit``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory import runtime as pghistory_runtime
from pghistory.models import Context as HistoryContext

from lotse.accommodation.models import Occupancy, Shelter
from lotse.arrivals.models import (
    ExchangeNotice,
    LinkRequest,
    LinkRequestStatus,
    PersonLink,
    PlannedMoveOut,
    PlannedMoveOutStatus,
)
from lotse.arrivals.services import link_records
from lotse.cases.choices import ConsentPurpose
from lotse.cases.models import Consent
from lotse.core.access import Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context
from lotse.core.transactions import atomic
from lotse.people.choices import HousingSituation
from lotse.people.models import HousingRecord, Person

# The directions of a flow, as the change history stores them (``flow.direction``).
FROM_ACCOMMODATION = "from_accommodation"
TO_CASEWORK = "to_casework"
FROM_CASEWORK = "from_casework"
TO_ACCOMMODATION = "to_accommodation"

# The history context keys a flow's own context takes over from the change that caused it.
_CARRIED_CONTEXT = ("user", "url", "command")


# --- the change history of a flow ------------------------------------------------------------------------


@contextmanager
def _flow_context(direction: str, links: list[int], organisations: list[str]) -> Iterator[None]:
    """Record the changes inside in a history context of their own, marked as a flow (who caused it stays).

    pghistory groups every change of a request under one context; what a flow writes into the other
    organisation's record must read differently from the change that caused it, so it gets its own.
    """
    flow = {"direction": direction, "links": links, "organisations": organisations}
    parent = getattr(pghistory_runtime._tracker, "value", None)
    if parent is None:
        with pghistory.context(flow=flow):
            yield
        return
    carried = {key: parent.metadata[key] for key in _CARRIED_CONTEXT if key in parent.metadata}
    pghistory_runtime._tracker.value = pghistory_runtime.Context(id=uuid.uuid4(), metadata={**carried, "flow": flow})
    try:
        yield
    finally:
        pghistory_runtime._tracker.value = parent


def _mark_sent(direction: str, links: list[int], organisations: list[str]) -> None:
    """Mark the change that caused a flow (its history context) with where the facts were sent."""
    parent = getattr(pghistory_runtime._tracker, "value", None)
    if parent is None:
        return
    earlier = parent.metadata.get("flow")
    if isinstance(earlier, dict) and earlier.get("direction") == direction:
        links = [*earlier.get("links", []), *links]
        organisations = list(dict.fromkeys([*earlier.get("organisations", []), *organisations]))
    pghistory.context(flow={"direction": direction, "links": links, "organisations": organisations})
    # The context row was written with the first change of the request; its later changes may not rewrite it.
    HistoryContext.objects.filter(pk=parent.id).update(metadata=parent.metadata)


# --- accommodation → casework ------------------------------------------------------------------------------


def send_housing_to_casework(
    *, acting_user: User | None, accommodation_person: Person, shelter: Shelter, record: HousingRecord
) -> list[HousingRecord]:
    """Write the housing situation of ``record`` into the casework records linked with ``accommodation_person``
    whose consent names the shelter's operator; returns the casework records written.

    A casework record that already says the same on that day is left alone (no duplicate, no notice); one that
    says something else that day is corrected, as the accommodation record is.
    """
    today = timezone.localdate()
    linked = PersonLink.objects.filter(accommodation_person=accommodation_person)
    if not linked.exists():
        # Most residents have no casework record linked: one question through the index answers for them,
        # before the consent rule is asked for the few who have.
        return []
    links = list(
        linked.exchanging_with(shelter.organisation_id, on=today).select_related("casework_person").order_by("pk")
    )
    if not links:
        return []
    source = Organisation.objects.only("name").get(pk=shelter.organisation_id)
    written: list[HousingRecord] = []
    sent_to: list[PersonLink] = []
    for link in links:
        casework_person = link.casework_person
        with _flow_context(FROM_ACCOMMODATION, [link.pk], [source.name]):
            existing = (
                HousingRecord.objects.select_for_update()
                .filter(person=casework_person, valid_from=record.valid_from)
                .first()
            )
            if existing is not None:
                if existing.situation == record.situation and existing.municipality_id == record.municipality_id:
                    continue
                existing.situation, existing.municipality_id = record.situation, record.municipality_id
                existing.version += 1
                existing.save(update_fields=["situation", "municipality", "version"])
                written.append(existing)
            else:
                written.append(
                    HousingRecord.objects.create(
                        person=casework_person,
                        valid_from=record.valid_from,
                        situation=record.situation,
                        municipality_id=record.municipality_id,
                    )
                )
            ExchangeNotice.objects.create(
                organisation_id=casework_person.organisation_id,
                person=casework_person,
                link=link,
                source_organisation=source,
                situation=record.situation,
                valid_from=record.valid_from,
                municipality_id=record.municipality_id,
            )
        sent_to.append(link)
    if sent_to:
        receivers = Organisation.objects.filter(
            pk__in={link.casework_person.organisation_id for link in sent_to}
        ).order_by("name")
        _mark_sent(TO_CASEWORK, [link.pk for link in sent_to], [o.name for o in receivers])
    return written


def send_current_housing(*, acting_user: User | None, accommodation_person: Person) -> list[HousingRecord]:
    """Once the records are linked with the client's consent (counselling begun from a new arrival, a link
    request confirmed, a handover sheet accepted): the housing situation of the person's stay today goes into the
    linked casework record, so the caseworker sees where the client lives now, not only from the next move on.

    The same rule as for every stay change (``send_housing_to_casework``): only while the consent names the
    shelter's operator; a casework record that already says the same that day is left alone. A person with no
    stay today sends nothing."""
    today = timezone.localdate()
    stay = (
        Occupancy.objects.select_related("place__shelter")
        .filter(person=accommodation_person, move_in__lte=today)
        .exclude(move_out__lte=today)
        .first()
    )
    if stay is None:
        return []
    record = (
        HousingRecord.objects.filter(person=accommodation_person, valid_from__lte=today).order_by("-valid_from").first()
    )
    if record is None:
        return []
    return send_housing_to_casework(
        acting_user=acting_user, accommodation_person=accommodation_person, shelter=stay.place.shelter, record=record
    )


def _on_stay_changed(
    sender: Any,
    *,
    acting_user: User | None,
    occupancy: Occupancy,
    shelter: Shelter,
    record: HousingRecord | None,
    **kwargs: Any,
) -> None:
    if occupancy.move_out is not None:
        # The real move-out ends the plan announced for this stay (whatever its reason).
        PlannedMoveOut.objects.filter(occupancy=occupancy, status=PlannedMoveOutStatus.PLANNED).update(
            status=PlannedMoveOutStatus.DONE, ended_at=timezone.now()
        )
    if record is not None:
        send_housing_to_casework(
            acting_user=acting_user, accommodation_person=occupancy.person, shelter=shelter, record=record
        )


# --- casework → accommodation ------------------------------------------------------------------------------


def announce_move_out(
    *, acting_user: User | None, record: HousingRecord, deleted: bool = False
) -> PlannedMoveOut | None:
    """A caseworker's housing record "privater Mietvertrag" of a linked client (new or corrected) becomes the
    planned move-out of the person's current stay, dated the tenancy's start, if the consent names the shelter's
    operator. A record corrected to another situation, or deleted, withdraws the plan it made. Returns the plan,
    if any."""
    today = timezone.localdate()
    link = PersonLink.objects.filter(casework_person_id=record.person_id).first()
    if link is None:
        return None
    stay = (
        Occupancy.objects.select_related("place__shelter__organisation")
        .filter(person_id=link.accommodation_person_id, move_out__isnull=True)
        .first()
    )
    if stay is None:
        return None
    operator = stay.place.shelter.organisation
    if not PersonLink.objects.filter(pk=link.pk).exchanging_with(operator.pk, on=today).exists():
        return None
    sender = Organisation.objects.only("name").get(pk=record.person.organisation_id)
    plan = (
        PlannedMoveOut.objects.select_for_update().filter(occupancy=stay, status=PlannedMoveOutStatus.PLANNED).first()
    )
    if deleted or record.situation != HousingSituation.PRIVATER_MIETVERTRAG:
        if plan is None or plan.housing_record_id != record.pk:
            return None
        with _flow_context(FROM_CASEWORK, [link.pk], [sender.name]):
            plan.status, plan.ended_at = PlannedMoveOutStatus.CANCELLED, timezone.now()
            if deleted:
                plan.housing_record = None
            plan.save(update_fields=["status", "ended_at", "housing_record"])
        _mark_sent(TO_ACCOMMODATION, [link.pk], [operator.name])
        return None
    with _flow_context(FROM_CASEWORK, [link.pk], [sender.name]):
        if plan is None:
            plan = PlannedMoveOut.objects.create(
                occupancy=stay,
                shelter=stay.place.shelter,
                planned_on=record.valid_from,
                from_organisation=sender,
                link=link,
                housing_record=record,
            )
        elif plan.planned_on != record.valid_from or plan.housing_record_id != record.pk:
            plan.planned_on, plan.housing_record, plan.from_organisation = record.valid_from, record, sender
            plan.save(update_fields=["planned_on", "housing_record", "from_organisation"])
    _mark_sent(TO_ACCOMMODATION, [link.pk], [operator.name])
    return plan


def _on_housing_recorded(
    sender: Any, *, acting_user: User | None, record: HousingRecord, deleted: bool = False, **kwargs: Any
) -> None:
    announce_move_out(acting_user=acting_user, record=record, deleted=deleted)


def connect() -> None:
    """Receive the signals of accommodation and people (called once, in ``ArrivalsConfig.ready``)."""
    from lotse.accommodation.signals import stay_changed
    from lotse.people.signals import housing_recorded

    stay_changed.connect(_on_stay_changed, dispatch_uid="lotse_arrivals_stay_changed")
    housing_recorded.connect(_on_housing_recorded, dispatch_uid="lotse_arrivals_housing_recorded")


# --- notices ------------------------------------------------------------------------------------------------


def mark_notice_seen(*, acting_user: User | None, notice: ExchangeNotice) -> ExchangeNotice:
    """A caseworker of the organisation has read the notice: it leaves "Meine Arbeit" (idempotent)."""
    require(acting_user, Capability.CASEWORK, organisation_id=notice.organisation_id, code="not_owner")
    with atomic(), audit_context(acting_user):
        updated = ExchangeNotice.objects.filter(pk=notice.pk, seen_at__isnull=True).update(
            seen_at=timezone.now(), seen_by=acting_user
        )
        if updated:
            notice.refresh_from_db(fields=["seen_at", "seen_by"])
        return notice


# --- linking existing records ------------------------------------------------------------------------------


def _consent_in_force(consent: Consent) -> bool:
    today = timezone.localdate()
    return consent.given_on <= today and (consent.withdrawn_on is None or consent.withdrawn_on > today)


def request_link(*, acting_user: User | None, consent: Consent) -> LinkRequest:
    """Ask the organisation the consent names (the one that houses the client) to link its record of the client
    with the casework record. The consent is of the purpose "Datenaustausch Unterbringung ↔
    Integrationsmanagement", in force, of a client of a case of the caseworker's organisation."""
    require(acting_user, Capability.CASEWORK, organisation_id=consent.case.organisation_id, code="not_owner")
    if consent.purpose != ConsentPurpose.HOUSING_EXCHANGE or consent.recipient_organisation_id is None:
        raise ValidationError(
            _(
                "A link is requested with a consent to the data exchange between accommodation and integration "
                "management that names the housing organisation."
            ),
            code="wrong_consent",
        )
    if not _consent_in_force(consent):
        raise ValidationError(_("The consent is not in force."), code="consent_not_in_force")
    person = consent.person
    with atomic(), audit_context(acting_user):
        Person.objects.select_for_update().get(pk=person.pk)
        if PersonLink.objects.filter(casework_person=person).exists():
            raise ValidationError(
                _("The client's record is already linked with an accommodation record."), code="already_linked"
            )
        if (
            LinkRequest.objects.open()
            .filter(casework_person=person, housing_organisation_id=consent.recipient_organisation_id)
            .exists()
        ):
            raise ValidationError(
                _("A link was already requested from this organisation and waits for its answer."),
                code="already_requested",
            )
        # A request left open by a withdrawn consent ends now (the open-request rule counts only in-force ones).
        LinkRequest.objects.filter(
            casework_person=person,
            housing_organisation_id=consent.recipient_organisation_id,
            status=LinkRequestStatus.OPEN,
        ).update(status=LinkRequestStatus.ENDED, decided_at=timezone.now())
        try:
            with atomic():
                return LinkRequest.objects.create(
                    consent=consent,
                    casework_person=person,
                    housing_organisation_id=consent.recipient_organisation_id,
                    requested_by=acting_user,
                )
        except IntegrityError:
            raise ValidationError(
                _("A link was already requested from this organisation and waits for its answer."),
                code="already_requested",
            ) from None


def _check_answerable(acting_user: User | None, link_request: LinkRequest) -> None:
    require(
        acting_user,
        Capability.MANAGE_SHELTERS,
        organisation_id=link_request.housing_organisation_id,
        message=_("Only the accommodation staff of the organisation asked answer the request."),
        code="not_addressed",
    )
    if not _consent_in_force(link_request.consent):
        raise ValidationError(
            _("The client withdrew the consent: the request has ended and nothing may be linked."),
            code="consent_withdrawn",
        )
    if link_request.status != LinkRequestStatus.OPEN:
        raise ValidationError(_("This request was already answered."), code="answered")


def confirm_link_request(
    *, acting_user: User | None, link_request: LinkRequest, accommodation_person: Person
) -> PersonLink:
    """The accommodation staff asked confirm: ``accommodation_person`` (a resident record of theirs) is the client.
    Creates the link, and the housing situation of the person's stay today flows at once (``send_current_housing``);
    later changes follow as they are recorded."""
    with atomic(), audit_context(acting_user):
        link_request = LinkRequest.objects.select_for_update().select_related("consent").get(pk=link_request.pk)
        _check_answerable(acting_user, link_request)
        link = link_records(
            acting_user=acting_user,
            accommodation_person=accommodation_person,
            casework_person=link_request.casework_person,
        )
        send_current_housing(acting_user=acting_user, accommodation_person=accommodation_person)
        link_request.status, link_request.link = LinkRequestStatus.CONFIRMED, link
        link_request.decided_at, link_request.decided_by = timezone.now(), acting_user
        link_request.save(update_fields=["status", "link", "decided_at", "decided_by"])
        return link


def decline_link_request(*, acting_user: User | None, link_request: LinkRequest, note: str = "") -> LinkRequest:
    """The accommodation staff asked find no record of theirs for the client (or do not link): nothing is linked."""
    with atomic(), audit_context(acting_user):
        link_request = LinkRequest.objects.select_for_update().select_related("consent").get(pk=link_request.pk)
        _check_answerable(acting_user, link_request)
        link_request.status, link_request.decision_note = LinkRequestStatus.DECLINED, note.strip()[:500]
        link_request.decided_at, link_request.decided_by = timezone.now(), acting_user
        link_request.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
        return link_request
