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


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")


# Roles that only ever see aggregates, never a single person's record.
AGGREGATE_ONLY_ROLES = frozenset({Role.STATISTIK})
# Who sees the key figures (Kennzahlen); team leads only those of their own organisation.
REPORT_ROLES = frozenset({Role.STATISTIK, Role.TEAMLEITUNG, Role.SYSTEMADMINISTRATION})
# Roles that administer users (of their own organisation, or of all).
ADMIN_ROLES = frozenset({Role.ORGANISATIONSADMINISTRATION, Role.SYSTEMADMINISTRATION})
# Who keeps the network directory and the info sheets: system administration, volunteer coordination and
# the network editors an administrator names (role Netzwerkpflege).
NETWORK_EDITOR_ROLES = frozenset({Role.SYSTEMADMINISTRATION, Role.EHRENAMTSKOORDINATION, Role.NETZWERKPFLEGE})
# Roles that work with single persons' case records.
CASEWORK_ROLES = frozenset({Role.INTEGRATIONSMANAGEMENT, Role.TEAMLEITUNG})
