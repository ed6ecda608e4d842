"""Vocabularies of casework. The codes are stable (import, key figures); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    ACTIVE = "aktiv", _("active")
    DORMANT = "ruhend", _("dormant")
    CLOSED = "abgeschlossen", _("closed")


class ClosingReason(models.TextChoices):
    ZIELE_ERREICHT = "ziele_erreicht", _("goals achieved")
    EIGENER_WOHNRAUM = "eigener_wohnraum", _("moved into own housing")
    WEGZUG = "wegzug", _("moved away")
    RUECKKEHR = "rueckkehr", _("returned to country of origin")
    KONTAKTABBRUCH = "kontaktabbruch", _("contact broken off")
    UEBERGABE = "uebergabe", _("handed over to another service")
    HOECHSTDAUER = "hoechstdauer", _("maximum counselling duration reached")
    VERSTORBEN = "verstorben", _("deceased")
    SONSTIGES = "sonstiges", _("other")


class FieldOfAction(models.TextChoices):
    SPRACHE = "sprache", _("Language")
    ARBEIT = "arbeit_ausbildung", _("Work and training")
    WOHNEN = "wohnen", _("Housing")
    BILDUNG = "bildung", _("Education, school, childcare")
    GESUNDHEIT = "gesundheit", _("Health")
    FAMILIE = "familie_soziales", _("Family and social life")
    TEILHABE = "teilhabe", _("Participation in society")
    FINANZEN = "finanzen", _("Finances and benefits")
    AUFENTHALT = "aufenthalt", _("Residence and law")


class GoalStatus(models.TextChoices):
    OPEN = "offen", _("open")
    IN_PROGRESS = "in_arbeit", _("in progress")
    ACHIEVED = "erreicht", _("achieved")
    NOT_ACHIEVED = "nicht_erreicht", _("not achieved")
    DISCARDED = "verworfen", _("discarded")


GOAL_STATUS_PENDING = frozenset({GoalStatus.OPEN, GoalStatus.IN_PROGRESS})


class Responsible(models.TextChoices):
    CLIENT = "klient", _("client")
    CASEWORKER = "fallverantwortung", _("caseworker")
    ACTOR = "akteur", _("another actor")


class ContactForm(models.TextChoices):
    OFFICE = "buero", _("office")
    HOME_VISIT = "hausbesuch", _("home visit")
    SHELTER = "unterkunft", _("in the shelter")
    PHONE = "telefonisch", _("by phone")
    DIGITAL = "digital", _("digital")


class InterpreterKind(models.TextChoices):
    NONE = "keine", _("no interpreter")
    PROFESSIONAL = "professionell", _("professional interpreter")
    VOLUNTEER = "ehrenamtlich", _("volunteer interpreter")
    RELATIVE = "angehoerige", _("relative or friend")
    UNSPECIFIED = "ohne_angabe", _("interpreter (kind not recorded)")


class ReferralOutcome(models.TextChoices):
    OPEN = "offen", _("open")
    ATTENDED = "wahrgenommen", _("attended")
    NOT_ATTENDED = "nicht_wahrgenommen", _("not attended")
    DECLINED = "abgelehnt", _("declined")


class ConsentPurpose(models.TextChoices):
    PROCESSING = "datenverarbeitung", _("processing of personal data")
    SHARING = "weitergabe", _("sharing with a named organisation")
    CONFIDENTIALITY = "schweigepflichtentbindung", _("release from confidentiality")
    # The accommodation record and the casework record of the client are linked and housing facts flow between
    # the shelter's operator (the recipient) and the counselling organisation (lotse.arrivals).
    HOUSING_EXCHANGE = "datenaustausch_unterbringung", _("data exchange accommodation ↔ integration management")
    # The household's search for a flat is passed on to the housing staff of the named organisation (lotse.housing).
    HOUSING_SEARCH = "wohnungssuche", _("search for a flat passed on to a named organisation")


class HandoverStatus(models.TextChoices):
    REQUESTED = "angefragt", _("requested")
    ACCEPTED = "angenommen", _("accepted")
    DECLINED = "abgelehnt", _("declined")
    WITHDRAWN = "zurueckgezogen", _("withdrawn")
