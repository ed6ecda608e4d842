"""Vocabularies of accommodation (Unterbringung). The codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lotse.people.choices import HousingSituation


class ShelterKind(models.TextChoices):
    GU_VORLAEUFIG = "gu_vorlaeufig", _("communal shelter of preliminary accommodation (county)")
    ANSCHLUSSUNTERBRINGUNG = "anschlussunterbringung", _("follow-up accommodation")
    NOTUNTERKUNFT = "notunterkunft", _("emergency shelter")
    ANGEMIETETE_WOHNUNG = "angemietete_wohnung", _("rented flat")
    STAEDTISCHE_WOHNUNG = "staedtische_wohnung", _("municipal flat")
    WOHNUNGSUNTERNEHMEN = "wohnungsunternehmen", _("flat of a housing company")


# Preliminary accommodation (VU) is the county's; every other kind is follow-up accommodation (AU).
PRELIMINARY_KINDS = frozenset({ShelterKind.GU_VORLAEUFIG})
FOLLOW_UP_KINDS = frozenset(set(ShelterKind) - PRELIMINARY_KINDS)

# The person's dated housing situation while living in a shelter of this kind.
HOUSING_SITUATION_OF_KIND: dict[str, str] = {
    ShelterKind.GU_VORLAEUFIG: HousingSituation.VORLAEUFIGE_UNTERBRINGUNG,
    ShelterKind.ANSCHLUSSUNTERBRINGUNG: HousingSituation.ANSCHLUSSUNTERBRINGUNG,
    ShelterKind.NOTUNTERKUNFT: HousingSituation.NOTUNTERKUNFT,
    ShelterKind.ANGEMIETETE_WOHNUNG: HousingSituation.ANSCHLUSSUNTERBRINGUNG,
    ShelterKind.STAEDTISCHE_WOHNUNG: HousingSituation.ANSCHLUSSUNTERBRINGUNG,
    ShelterKind.WOHNUNGSUNTERNEHMEN: HousingSituation.ANSCHLUSSUNTERBRINGUNG,
}


class Accessibility(models.TextChoices):
    UNBEKANNT = "unbekannt", _("not recorded")
    BARRIEREFREI = "barrierefrei", _("step-free throughout")
    TEILWEISE = "teilweise", _("partly step-free")
    NICHT_BARRIEREFREI = "nicht_barrierefrei", _("not step-free")


class MoveOutReason(models.TextChoices):
    PRIVATER_MIETVERTRAG = "privater_mietvertrag", _("own tenancy")
    UMZUG_ANDERE_UNTERKUNFT = "umzug_andere_unterkunft", _("moved to another shelter")
    WEGZUG = "wegzug", _("moved away")
    RUECKKEHR = "rueckkehr", _("returned to country of origin")
    VERSTORBEN = "verstorben", _("deceased")
    SONSTIGES = "sonstiges", _("other")


# The housing situation from the day of moving out, where the reason tells it.
HOUSING_SITUATION_AFTER: dict[str, str] = {
    MoveOutReason.PRIVATER_MIETVERTRAG: HousingSituation.PRIVATER_MIETVERTRAG,
    MoveOutReason.WEGZUG: HousingSituation.SONSTIGES,
    MoveOutReason.RUECKKEHR: HousingSituation.SONSTIGES,
    MoveOutReason.SONSTIGES: HousingSituation.SONSTIGES,
}


class ResidenceBasis(models.TextChoices):
    """Why a person lives in the shelter: assigned by the county, or housed without counting as assigned."""

    ZUWEISUNG = "zuweisung", _("assigned (counts towards the intake)")
    GEBURT = "geburt", _("born during the accommodation")
    FAMILIENNACHZUG = "familiennachzug", _("family reunification")
    OBDACHLOSIGKEIT = "obdachlosigkeit", _("housed to prevent homelessness")
    SONSTIGES = "sonstiges", _("other, not counted as assigned")


COUNTED_AS_ASSIGNED = frozenset({ResidenceBasis.ZUWEISUNG})
