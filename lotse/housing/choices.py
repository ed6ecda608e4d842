"""The fixed lists of the housing app: landlords, support agreed, offers, search profiles and the placement pipeline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LandlordKind(models.TextChoices):
    PRIVATE = "privat", _("private person")
    COMPANY = "unternehmen", _("company")
    MUNICIPAL = "kommunal", _("municipal housing company")
    COOPERATIVE = "genossenschaft", _("housing cooperative")
    CHURCH = "kirche", _("church or charity")


class ContactWay(models.TextChoices):
    PHONE = "telefon", _("phone")
    EMAIL = "email", _("e-mail")
    LETTER = "post", _("letter")
    IN_PERSON = "persoenlich", _("in person")


class SupportKind(models.TextChoices):
    """What the municipality agreed with a landlord to win the flat (Plochingen plan: incentives for landlords)."""

    ADVICE = "beratung", _("advice for the landlord")
    LEASE_HELP = "mietvertrag", _("help with the lease and the choice of tenants")
    RENT_GUARANTEE = "mietausfallgarantie", _("rent-default guarantee")
    OCCUPANCY_RIGHT = "belegungsrecht", _("occupancy right for a renovation grant")
    CONTACT_PERSON = "ansprechperson", _("a contact person during the tenancy")


class OfferStatus(models.TextChoices):
    NEW = "neu", pgettext_lazy("offer", "new")
    CHECKED = "geprueft", _("checked")
    RESERVED = "reserviert", _("reserved")
    PLACED = "vermittelt", _("placed")
    WITHDRAWN = "zurueckgezogen", _("withdrawn")


# An offer in these states can still be proposed to a household.
OPEN_OFFER_STATES = (OfferStatus.NEW, OfferStatus.CHECKED, OfferStatus.RESERVED)


class Heating(models.TextChoices):
    CENTRAL = "zentral", _("central heating")
    FLOOR = "etage", _("floor heating")
    DISTRICT = "fernwaerme", _("district heating")
    STOVE = "ofen", _("stoves")
    HEAT_PUMP = "waermepumpe", _("heat pump")
    OTHER = "sonstige", _("other")


class Need(models.TextChoices):
    STEP_FREE = "barrierefrei", _("step-free access")
    GROUND_FLOOR = "erdgeschoss", _("ground floor or lift")
    NEAR_SCHOOL = "schule", _("near a school or day care")
    NEAR_WORK = "arbeit", _("near the workplace")
    PUBLIC_TRANSPORT = "oepnv", _("good public transport")
    PETS = "haustiere", _("with a pet")


class Benefits(models.TextChoices):
    """Who pays the rent; with benefits the county's rent limit applies."""

    NONE = "keine", _("no benefits (own income)")
    SGB_II = "sgb2", _("citizen's benefit (SGB II, job centre)")
    SGB_XII = "sgb12", _("social assistance (SGB XII)")
    ASYLBLG = "asylblg", _("asylum seekers' benefits (AsylbLG)")


BENEFITS_WITH_RENT_LIMIT = (Benefits.SGB_II, Benefits.SGB_XII, Benefits.ASYLBLG)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    OVERCROWDED = "ueberbelegt", _("overcrowded")
    FOLLOW_UP = "anschlussunterbringung", _("in follow-up accommodation")
    EMERGENCY = "notunterkunft", _("in an emergency shelter")
    NOTICE = "kuendigung", _("notice to quit or eviction")


class SearchStatus(models.TextChoices):
    SEARCHING = "sucht", _("searching")
    PAUSED = "pausiert", _("paused")
    HOUSED = "versorgt", _("found a flat")
    ENDED = "beendet", _("ended")


OPEN_SEARCH_STATES = (SearchStatus.SEARCHING,)


class PlacementState(models.TextChoices):
    """The pipeline of one offer and one household: proposed, viewing, accepted or refused, lease."""

    PROPOSED = "vorgeschlagen", _("proposed")
    VIEWING = "besichtigung", _("viewing")
    ACCEPTED = "zusage", _("accepted")
    REFUSED = "absage", _("refused")
    LEASE = "mietvertrag", _("lease signed")


OPEN_PLACEMENT_STATES = (PlacementState.PROPOSED, PlacementState.VIEWING, PlacementState.ACCEPTED)


class RefusedBy(models.TextChoices):
    LANDLORD = "vermieter", _("the landlord")
    HOUSEHOLD = "haushalt", _("the household")
    STAFF = "fachkraft", _("the housing staff")


class RefusalReason(models.TextChoices):
    RENT = "miete", _("rent too high or not approved")
    SIZE = "groesse", _("size or layout")
    LOCATION = "lage", _("location")
    CONDITION = "zustand", _("condition of the flat")
    OTHER_TENANT = "anderer_mieter", _("another tenant chosen")
    NO_REPLY = "keine_rueckmeldung", _("no reply")
    OTHER = "sonstiges", _("other")


class Accompaniment(models.TextChoices):
    CASEWORKER = "fachkraft", _("caseworker")
    VOLUNTEER = "ehrenamt", _("volunteer")
    HOUSING_STAFF = "wohnraum", _("housing staff")
    NOBODY = "niemand", _("nobody")
