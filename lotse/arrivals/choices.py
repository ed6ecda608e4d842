"""Vocabularies of the arrival journey. The codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverSheetStatus(models.TextChoices):
    """The Übergabebogen: drafted by the shelter's social service, handed over, then answered (or withdrawn)."""

    DRAFT = "entwurf", _("draft")
    SENT = "uebergeben", _("handed over")
    ACCEPTED = "angenommen", _("accepted")
    DECLINED = "abgelehnt", _("declined")
    WITHDRAWN = "zurueckgezogen", _("withdrawn")


# What the receiving organisation sees: a sheet once handed over, whatever its answer (a withdrawn one is gone).
RECEIVED_STATUSES = (HandoverSheetStatus.SENT, HandoverSheetStatus.ACCEPTED, HandoverSheetStatus.DECLINED)
# A person is on at most one of these at a time.
OPEN_STATUSES = (HandoverSheetStatus.DRAFT, HandoverSheetStatus.SENT)


class PresentItemKind(models.TextChoices):
    """What the shelter's social service has at hand for the household: documents and consents."""

    DOCUMENT = "dokument", _("document")
    CONSENT = "einwilligung", _("consent or release from confidentiality")


class ArrivalState(models.TextChoices):
    """Where a new arrival (Neuzugang) stands at the receiving integration management."""

    NEW = "neu", _("new")
    CONTACT_PLANNED = "erstkontakt_geplant", _("first contact planned")
    CONTACT_MADE = "erstkontakt_erfolgt", _("first contact made")
    COUNSELLING = "beratung_begonnen", _("counselling begun")
    DECLINED = "kein_bedarf", _("no need / declined")
    FORWARDED = "weitergeleitet", _("forwarded")


# The state machine: which state may follow which. Counselling begun and forwarded are final (the case, or the
# other organisation's own entry, carries on); a household that declined may still come after all.
TRANSITIONS: dict[str, frozenset[str]] = {
    ArrivalState.NEW: frozenset(
        {
            ArrivalState.CONTACT_PLANNED,
            ArrivalState.CONTACT_MADE,
            ArrivalState.COUNSELLING,
            ArrivalState.DECLINED,
            ArrivalState.FORWARDED,
        }
    ),
    ArrivalState.CONTACT_PLANNED: frozenset(
        {
            ArrivalState.CONTACT_PLANNED,
            ArrivalState.CONTACT_MADE,
            ArrivalState.COUNSELLING,
            ArrivalState.DECLINED,
            ArrivalState.FORWARDED,
        }
    ),
    ArrivalState.CONTACT_MADE: frozenset({ArrivalState.COUNSELLING, ArrivalState.DECLINED, ArrivalState.FORWARDED}),
    ArrivalState.DECLINED: frozenset(
        {ArrivalState.CONTACT_PLANNED, ArrivalState.CONTACT_MADE, ArrivalState.COUNSELLING}
    ),
    ArrivalState.COUNSELLING: frozenset(),
    ArrivalState.FORWARDED: frozenset(),
}

# Without a first contact: what "Meine Arbeit" and the team page point out after some days.
WITHOUT_FIRST_CONTACT = (ArrivalState.NEW, ArrivalState.CONTACT_PLANNED)
