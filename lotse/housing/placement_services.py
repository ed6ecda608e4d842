"""The placement pipeline of one flat offer and one household (Vermittlung).

vorgeschlagen → Besichtigung (date and time, who accompanies) → Zusage or Absage (who refused, why) → Mietvertrag
(signed on, begins on, agreed rent). Where benefits pay the rent, the job centre's or social office's approval of
the rent (Zusicherung) is recorded with its date after the Zusage and is required before the lease.

Who may move a placement on: the housing staff (capability HOUSING) of the organisation that acquired the offer,
and those of the organisation that keeps the search (the caseworkers of a household proposed for a shared offer).

The signed lease, in its one transaction:

- closes the search ("versorgt" from the day signed) and marks the offer placed;
- refuses the other open placements of the offer ("anderer Mieter", by the housing staff) and of the household;
- records the private tenancy (``privater_mietvertrag``) in the offer's municipality from the start date for every
  current member of the household, through ``lotse.cases.services.record_own_tenancy``. A dated fact never lies in
  the future, so for a tenancy that begins later the facts are written on its first day by
  :func:`record_tenancies_begun` (the daily command ``manage.py wohnraum_mietbeginn``);
- plans the move-out of members who live in a shelter, for the shelter operator's accommodation staff: through
  the consented link of ``lotse.arrivals`` (``PlannedMoveOut``, only while the client's consent to the exchange
  with the operator, ``ConsentPurpose.HOUSING_EXCHANGE``, is in force). Once the tenancy's housing record is
  written the exchange of ``lotse.arrivals`` keeps the plan in step with it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lotse.accommodation.models import Occupancy
from lotse.arrivals.models import PersonLink, PlannedMoveOut, PlannedMoveOutStatus
from lotse.cases.services import record_own_tenancy
from lotse.core.access import CAPABILITIES, Capability, require
from lotse.core.models import Organisation, User
from lotse.core.services import audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.housing import matching, offer_services
from lotse.housing.choices import (
    BENEFITS_WITH_RENT_LIMIT,
    OPEN_OFFER_STATES,
    OPEN_PLACEMENT_STATES,
    Accompaniment,
    OfferStatus,
    PlacementState,
    RefusalReason,
    RefusedBy,
    SearchStatus,
)
from lotse.housing.models import FlatOffer, Placement, SearchProfile
from lotse.people.choices import HousingSituation
from lotse.people.models import HouseholdMembership, HousingRecord, Person


def _not_in_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")


def _check_may_change(acting_user: User | None, placement: Placement) -> None:
    if acting_user is None:
        return
    require(acting_user, Capability.HOUSING)
    if acting_user.organisation_id not in (placement.offer.organisation_id, placement.profile.organisation_id):
        raise ValidationError(str(CAPABILITIES[Capability.HOUSING].refusal), code="not_allowed")


def _lock(placement: Placement, expected_version: int) -> Placement:
    """The placement's row locked for the change, refused if someone changed it since it was loaded."""
    from lotse.core.services import ConcurrentEditError

    locked = Placement.objects.select_for_update().select_related("offer", "profile").get(pk=placement.pk)
    if locked.version != expected_version:
        raise ConcurrentEditError
    return locked


def _state_refusal(placement: Placement, action: str) -> ValidationError:
    return ValidationError(
        _("A placement in the state “%(state)s” cannot be %(action)s.")
        % {"state": PlacementState(placement.state).label, "action": action},
        code="transition",
    )


# --- Proposing ---------------------------------------------------------------------------------------------------


def propose(
    *,
    acting_user: User | None,
    offer: FlatOffer,
    profile: SearchProfile,
    on: datetime.date | None = None,
    note: str = "",
) -> Placement:
    """Propose the offer to the household (state "vorgeschlagen"), with the score the matching gives the pair.

    The proposing user must see both (housing staff of the offer's organisation, or of an organisation it shares
    the offer with); the offer must be open, the search going on, and the pair must pass the hard rules."""
    on = on or timezone.localdate()
    _not_in_future(on)
    if acting_user is not None:
        require(acting_user, Capability.HOUSING)
        if (
            not FlatOffer.objects.visible_to(acting_user).filter(pk=offer.pk).exists()
            or not SearchProfile.objects.visible_to(acting_user).filter(pk=profile.pk).exists()
        ):
            raise ValidationError(str(CAPABILITIES[Capability.HOUSING].refusal), code="not_allowed")
    with atomic(), audit_context(acting_user):
        offer = FlatOffer.objects.select_for_update().select_related("municipality").get(pk=offer.pk)
        profile = SearchProfile.objects.select_for_update().get(pk=profile.pk)
        if offer.status not in OPEN_OFFER_STATES:
            raise ValidationError(
                _("The flat is “%(status)s” and cannot be proposed.") % {"status": OfferStatus(offer.status).label},
                code="offer_closed",
            )
        if profile.status != SearchStatus.SEARCHING:
            raise ValidationError(
                _("The household's search is “%(status)s”; only a household that is searching can be proposed.")
                % {"status": SearchStatus(profile.status).label},
                code="not_searching",
            )
        if Placement.objects.filter(offer=offer, profile=profile, state__in=OPEN_PLACEMENT_STATES).exists():
            raise ValidationError(_("This flat is already proposed to this household."), code="already_proposed")
        world = matching.load([offer], matching.with_facts(SearchProfile.objects.filter(pk=profile.pk)))
        offer_facts, household = world.offer_facts[offer.pk], world.household_facts[profile.pk]
        if failures := matching.failed_rules(offer_facts, household, world.limits, on):
            raise ValidationError(
                _("The household does not fit the flat: %(reasons)s.")
                % {"reasons": "; ".join(failure.reason for failure in failures)},
                code="does_not_fit",
            )
        value = matching.score(offer_facts, household, on)
        return Placement.objects.create(
            offer=offer,
            profile=profile,
            state=PlacementState.PROPOSED,
            state_since=on,
            proposed_on=on,
            score=Decimal(value),
            note=note,
            created_by=acting_user,
        )


# --- The pipeline ------------------------------------------------------------------------------------------------


def schedule_viewing(
    *,
    acting_user: User | None,
    placement: Placement,
    expected_version: int,
    viewing_at: datetime.datetime,
    accompanied_by: str,
    accompanying_person: str = "",
) -> Placement:
    """Arrange (or move) the viewing: when, and who accompanies the household (by role and name)."""
    _check_may_change(acting_user, placement)
    if accompanied_by not in Accompaniment.values:
        raise ValidationError(_("Choose who accompanies the household."), code="accompaniment")
    if accompanied_by != Accompaniment.NOBODY and not accompanying_person.strip():
        raise ValidationError(_("Enter the name of the person who accompanies the household."), code="person")
    with atomic(), audit_context(acting_user):
        placement = _lock(placement, expected_version)
        if placement.state not in (PlacementState.PROPOSED, PlacementState.VIEWING):
            raise _state_refusal(placement, pgettext("placement step", "given a viewing"))
        if placement.state != PlacementState.VIEWING:
            placement.state, placement.state_since = PlacementState.VIEWING, timezone.localdate()
        placement.viewing_at = viewing_at
        placement.accompanied_by = accompanied_by
        placement.accompanying_person = "" if accompanied_by == Accompaniment.NOBODY else accompanying_person.strip()
        fields = ["state", "state_since", "viewing_at", "accompanied_by", "accompanying_person"]
        return save_versioned(placement, expected_version, fields)


def accept(
    *, acting_user: User | None, placement: Placement, expected_version: int, on: datetime.date, note: str = ""
) -> Placement:
    """Landlord and household agree (Zusage)."""
    _check_may_change(acting_user, placement)
    _not_in_future(on)
    with atomic(), audit_context(acting_user):
        placement = _lock(placement, expected_version)
        if placement.state not in (PlacementState.PROPOSED, PlacementState.VIEWING):
            raise _state_refusal(placement, pgettext("placement step", "accepted"))
        if on < placement.proposed_on:
            raise ValidationError(_("The acceptance cannot lie before the proposal."), code="before_proposal")
        placement.state, placement.state_since = PlacementState.ACCEPTED, on
        fields = ["state", "state_since"]
        if note:
            placement.note, fields = note, [*fields, "note"]
        return save_versioned(placement, expected_version, fields)


def refuse(
    *,
    acting_user: User | None,
    placement: Placement,
    expected_version: int,
    refused_by: str,
    reason: str,
    on: datetime.date,
    note: str = "",
) -> Placement:
    """The landlord, the household or the housing staff say no (Absage), with the reason."""
    _check_may_change(acting_user, placement)
    _not_in_future(on)
    if refused_by not in RefusedBy.values:
        raise ValidationError(_("Choose who refused."), code="refused_by")
    if reason not in RefusalReason.values:
        raise ValidationError(_("Choose the reason of the refusal."), code="reason")
    with atomic(), audit_context(acting_user):
        placement = _lock(placement, expected_version)
        if placement.state not in OPEN_PLACEMENT_STATES:
            raise _state_refusal(placement, pgettext("placement step", "refused"))
        placement.state, placement.state_since = PlacementState.REFUSED, max(on, placement.state_since)
        placement.refused_by, placement.refusal_reason = refused_by, reason
        fields = ["state", "state_since", "refused_by", "refusal_reason"]
        if note:
            placement.note, fields = note, [*fields, "note"]
        return save_versioned(placement, expected_version, fields)


def approval_needed(placement: Placement) -> bool:
    """Benefits pay the rent: the job centre or social office approves it before the lease (Zusicherung)."""
    return placement.profile.benefits in BENEFITS_WITH_RENT_LIMIT


def record_approval(
    *, acting_user: User | None, placement: Placement, expected_version: int, on: datetime.date
) -> Placement:
    """The job centre or social office approved the rent (Zusicherung) on ``on``."""
    _check_may_change(acting_user, placement)
    _not_in_future(on)
    with atomic(), audit_context(acting_user):
        placement = _lock(placement, expected_version)
        if not approval_needed(placement):
            raise ValidationError(
                _("The household pays the rent itself: no approval of the rent is needed."), code="no_approval_needed"
            )
        if placement.state != PlacementState.ACCEPTED:
            raise ValidationError(
                _("The approval of the rent is recorded after the acceptance and before the lease."),
                code="transition",
            )
        placement.approval_on = on
        return save_versioned(placement, expected_version, ["approval_on"])


def sign_lease(
    *,
    acting_user: User | None,
    placement: Placement,
    expected_version: int,
    signed_on: datetime.date,
    starts_on: datetime.date,
    agreed_rent: Decimal,
    note: str = "",
) -> Placement:
    """The lease is signed: see the module docstring for everything that follows in the same transaction."""
    _check_may_change(acting_user, placement)
    _not_in_future(signed_on)
    if agreed_rent is None or agreed_rent <= 0:
        raise ValidationError(_("Enter the agreed gross cold rent."), code="rent")
    with atomic(), audit_context(acting_user):
        placement = _lock(placement, expected_version)
        if placement.state != PlacementState.ACCEPTED:
            raise ValidationError(
                _("A lease is recorded only after the acceptance (Zusage) of landlord and household."),
                code="transition",
            )
        if approval_needed(placement) and placement.approval_on is None:
            raise ValidationError(
                _("Benefits pay the rent: record the approval of the rent (Zusicherung) before the lease."),
                code="approval_missing",
            )
        if signed_on < placement.state_since:
            raise ValidationError(
                _("The lease cannot be signed before the acceptance (%(date)s).")
                % {"date": f"{placement.state_since:%d.%m.%Y}"},
                code="before_acceptance",
            )
        placement.state, placement.state_since = PlacementState.LEASE, signed_on
        placement.lease_signed_on, placement.lease_starts_on, placement.agreed_rent = signed_on, starts_on, agreed_rent
        fields = ["state", "state_since", "lease_signed_on", "lease_starts_on", "agreed_rent"]
        if note:
            placement.note, fields = note, [*fields, "note"]
        save_versioned(placement, expected_version, fields)
        offer, profile = placement.offer, placement.profile
        SearchProfile.objects.filter(pk=profile.pk).update(
            status=SearchStatus.HOUSED, status_since=signed_on, version=F("version") + 1
        )
        # The caller's right was checked above: the offer's own service places it (locks, refuses a closed offer).
        offer_services.mark_placed(acting_user=None, offer=offer, on=signed_on)
        _close_others(placement, signed_on)
        members = current_members(profile)
        if starts_on <= timezone.localdate():
            for person in members:
                record_own_tenancy(acting_user=None, person=person, on=starts_on, municipality=offer.municipality)
        plan_move_outs(members, starts_on)
        placement.refresh_from_db()
        return placement


def _close_others(placement: Placement, on: datetime.date) -> None:
    """The other open placements of the offer (another tenant was chosen) and of the household (it has a flat)."""
    others = Placement.objects.select_for_update().filter(
        Q(offer_id=placement.offer_id) | Q(profile_id=placement.profile_id), state__in=OPEN_PLACEMENT_STATES
    )
    for other in others.exclude(pk=placement.pk):
        same_offer = other.offer_id == placement.offer_id
        other.state, other.state_since = PlacementState.REFUSED, max(on, other.state_since)
        other.refused_by = RefusedBy.STAFF if same_offer else RefusedBy.HOUSEHOLD
        other.refusal_reason = RefusalReason.OTHER_TENANT if same_offer else RefusalReason.OTHER
        if not same_offer and not other.note:
            other.note = _("The household found another flat.")
        other.version += 1
        other.save(update_fields=["state", "state_since", "refused_by", "refusal_reason", "note", "version"])


def current_members(profile: SearchProfile) -> list[Person]:
    return [
        membership.person
        for membership in HouseholdMembership.objects.current()
        .filter(household_id=profile.household_id)
        .select_related("person")
        .order_by("person__family_name", "person__given_names", "person_id")
    ]


def plan_move_outs(members: list[Person], starts_on: datetime.date) -> list[PlannedMoveOut]:
    """The planned move-out of each member whose casework record is linked to an accommodation record with a stay
    in a shelter, where the client consents to the exchange with the shelter's operator (``lotse.arrivals``): the
    plan of the stay is made, or moved to the tenancy's first day. Members without such a link and consent are
    left alone (nothing crosses without consent); the placement page says so."""
    plans: list[PlannedMoveOut] = []
    today = timezone.localdate()
    links = {
        link.casework_person_id: link
        for link in PersonLink.objects.filter(casework_person__in=members).select_related("casework_person")
    }
    if not links:
        return plans
    stays = {
        stay.person_id: stay
        for stay in Occupancy.objects.select_related("place__shelter").filter(
            person_id__in=[link.accommodation_person_id for link in links.values()], move_out__isnull=True
        )
    }
    for person in members:
        link = links.get(person.pk)
        stay = stays.get(link.accommodation_person_id) if link else None
        if link is None or stay is None:
            continue
        operator_id = stay.place.shelter.organisation_id
        if not PersonLink.objects.filter(pk=link.pk).exchanging_with(operator_id, on=today).exists():
            continue
        plan = (
            PlannedMoveOut.objects.select_for_update()
            .filter(occupancy=stay, status=PlannedMoveOutStatus.PLANNED)
            .first()
        )
        if plan is None:
            plan = PlannedMoveOut.objects.create(
                occupancy=stay,
                shelter=stay.place.shelter,
                planned_on=starts_on,
                from_organisation=Organisation.objects.get(pk=person.organisation_id),
                link=link,
            )
        elif plan.planned_on != starts_on:
            plan.planned_on = starts_on
            plan.save(update_fields=["planned_on"])
        plans.append(plan)
    return plans


def record_tenancies_begun(*, acting_user: User | None, on: datetime.date | None = None) -> int:
    """Write the private tenancy of every current member for the leases that began on or before ``on`` (default
    today) and whose members' facts are not written yet; the facts of a lease that began later than it was signed
    are written here (idempotent, the daily ``manage.py wohnraum_mietbeginn``). Returns the persons written."""
    on = on or timezone.localdate()
    require(acting_user, Capability.HOUSING)
    written = 0
    leases = (
        # A lease that had begun when it was recorded had its facts written then.
        Placement.objects.filter(
            state=PlacementState.LEASE, lease_starts_on__lte=on, lease_starts_on__gt=F("lease_signed_on")
        )
        .select_related("offer__municipality", "profile")
        .order_by("lease_starts_on", "pk")
    )
    for placement in leases:
        assert placement.lease_starts_on is not None
        members = current_members(placement.profile)
        done = set(
            HousingRecord.objects.filter(
                person__in=members,
                valid_from=placement.lease_starts_on,
                situation=HousingSituation.PRIVATER_MIETVERTRAG,
            ).values_list("person_id", flat=True)
        )
        missing = [person for person in members if person.pk not in done]
        if not missing:
            continue
        with atomic(), audit_context(acting_user):
            for person in missing:
                record_own_tenancy(
                    acting_user=None,
                    person=person,
                    on=placement.lease_starts_on,
                    municipality=placement.offer.municipality,
                )
                written += 1
    return written
