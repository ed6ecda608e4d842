"""Vocabularies of the core domain. The codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    LANDRATSAMT = "landratsamt", _("District office (Landratsamt)")
    GEMEINDE = "gemeinde", _("Municipality (Gemeinde/Stadt)")
    WOHLFAHRTSVERBAND = "wohlfahrtsverband", _("Welfare association")
    VEREIN = "verein", _("Association (Verein)")
    SONSTIGE = "sonstige", _("Other")


class Role(models.TextChoices):
    INTEGRATIONSMANAGEMENT = "integrationsmanagement", _("Integration management")
    TEAMLEITUNG = "teamleitung", _("Team lead")
    UNTERBRINGUNG = "unterbringung", _("Accommodation")
    EHRENAMTSKOORDINATION = "ehrenamtskoordination", _("Volunteer coordination")
    STATISTIK = "statistik", _("Social planning / statistics")
    ORGANISATIONSADMINISTRATION = "organisationsadministration", _("Organisation administration")
    SYSTEMADMINISTRATION = "systemadministration", _("System administration")
    # Keeps the network directory and the info sheets (besides volunteer coordination and system administration).
    NETZWERKPFLEGE = "netzwerkpflege", _("Network directory editing")
    # Acquires private flats, keeps the landlords and matches offers to searching households (lotse.housing).
    WOHNRAUM = "wohnraum", _("Housing acquisition")


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")


class ImportStatus(models.TextChoices):
    """Where an upload is: its check and its commit run as background jobs (lotse.core.staged_import)."""

    CHECKING = "in_pruefung", _("being checked")
    CHECKED = "geprueft", _("checked")
    COMMITTING = "im_import", _("being imported")
    COMMITTED = "uebernommen", _("committed")
    DISCARDED = "verworfen", _("discarded")
    REFUSED = "abgelehnt", _("refused")


# An upload whose file is kept: waiting for its check, checked, or being imported.
IMPORT_STATUSES_WITH_FILE = (ImportStatus.CHECKING, ImportStatus.CHECKED, ImportStatus.COMMITTING)


class DownloadStatus(models.TextChoices):
    """Where a file prepared in the background is (lotse.core.downloads)."""

    PREPARING = "in_arbeit", _("being prepared")
    READY = "fertig", _("ready")


class ImportKind(models.TextChoices):
    """What was uploaded: a Lotse workbook of casework, or a list of actors for the network directory."""

    WORKBOOK = "arbeitsmappe", _("casework workbook")
    ACTORS = "akteure", _("list of actors")
    VOLUNTEERS = "ehrenamtliche", _("list of volunteers")
    RENT_LIMITS = "mietobergrenzen", _("rent limits")
