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
