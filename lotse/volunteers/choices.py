"""Vocabularies of volunteering: volunteers, sponsorships (Patenschaften) and the volunteer interpreter pool.

The codes are stable (German, as in the other apps); labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    INTERESTED = "interessiert", _("interested")
    ACTIVE = "aktiv", _("active")
    PAUSED = "pausiert", _("paused")
    LEFT = "ausgeschieden", _("left")


class Skill(models.TextChoices):
    """What a volunteer can and wants to do (skills and interests in one list)."""

    GERMAN_LESSONS = "deutschunterricht", _("German lessons")
    HOMEWORK = "hausaufgabenhilfe", _("homework help")
    OUTINGS = "ausfluege", _("outings")
    SPORT = "sport", _("sport")
    ACCOMPANYING = "behoerdenbegleitung", _("accompanying to offices")
    SPONSORSHIP = "patenschaft", _("sponsorship")
    INTERPRETING = "dolmetschen", _("interpreting")
    DRIVING = "fahrdienst", _("driving")
    CHILDCARE = "kinderbetreuung", _("childcare")
    OTHER = "sonstiges", _("other")


class Weekday(models.TextChoices):
    MONDAY = "mo", _("Monday")
    TUESDAY = "di", _("Tuesday")
    WEDNESDAY = "mi", _("Wednesday")
    THURSDAY = "do", _("Thursday")
    FRIDAY = "fr", _("Friday")
    SATURDAY = "sa", _("Saturday")
    SUNDAY = "so", _("Sunday")


class DayTime(models.TextChoices):
    MORNING = "vormittags", _("mornings")
    AFTERNOON = "nachmittags", _("afternoons")
    EVENING = "abends", _("evenings")


class Proficiency(models.TextChoices):
    """How well a volunteer speaks a language."""

    NATIVE = "muttersprache", _("native language")
    FLUENT = "fliessend", _("fluent")
    GOOD = "gut", _("good")
    BASIC = "grundkenntnisse", _("basic")


# Interpreting needs at least this much (native or fluent).
INTERPRETING_PROFICIENCIES = (Proficiency.NATIVE, Proficiency.FLUENT)


class RequirementKind(models.TextChoices):
    """What a volunteer must have shown or signed, each with its date (never a copy of the document)."""

    # Erweitertes Führungszeugnis: only the date it was seen and by whom; renewal due after five years; required for
    # work with minors.
    CONDUCT_CERTIFICATE = "fuehrungszeugnis", _("extended certificate of good conduct")
    # Verpflichtung auf das Datengeheimnis: required for interpreting and sponsorships.
    CONFIDENTIALITY = "datengeheimnis", _("signed confidentiality pledge")
    TRAINING = "schulung", _("training attended")
    AGREEMENT = "vereinbarung", _("volunteer agreement")


class SponsorshipState(models.TextChoices):
    REQUESTED = "angefragt", _("requested")
    GETTING_TO_KNOW = "kennenlernen", _("getting to know each other")
    ACTIVE = "aktiv", _("active")
    ENDED = "beendet", _("ended")


# The life cycle: which state may follow which (ended is final).
SPONSORSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    SponsorshipState.REQUESTED: frozenset({SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ENDED}),
    SponsorshipState.GETTING_TO_KNOW: frozenset({SponsorshipState.ACTIVE, SponsorshipState.ENDED}),
    SponsorshipState.ACTIVE: frozenset({SponsorshipState.ENDED}),
    SponsorshipState.ENDED: frozenset(),
}
# A sponsorship in these states takes one place of each of its sponsors' capacity.
OPEN_SPONSORSHIP_STATES = (SponsorshipState.REQUESTED, SponsorshipState.GETTING_TO_KNOW, SponsorshipState.ACTIVE)


class EndReason(models.TextChoices):
    GOAL_REACHED = "ziel_erreicht", _("goal reached")
    MOVED = "umzug", _("moved away")
    NO_LONGER_NEEDED = "kein_bedarf", _("no longer needed")
    ENDED_BY_SPONSOR = "abbruch_pate", _("ended by the sponsor")
    ENDED_BY_NEWCOMER = "abbruch_neuzugewanderte", _("ended by the newcomers")
    OTHER = "sonstiges", _("other")


class Topic(models.TextChoices):
    LANGUAGE = "sprache", _("language")
    SCHOOL = "schule_kita", _("school and day care")
    EVERYDAY = "alltag_behoerden", _("everyday life and authorities")
    WORK = "arbeit", _("work")
    LEISURE = "freizeit_kultur", _("leisure and culture")
    ENGAGEMENT = "engagement", _("civic engagement")


class MeetingKind(models.TextChoices):
    MEETING = "treffen", _("regular meeting")
    TRAINING = "schulung", _("training")


class GenderPreference(models.TextChoices):
    NONE = "", _("no preference")
    FEMALE = "w", _("a woman")
    MALE = "m", _("a man")


class InterpretingState(models.TextChoices):
    """Where a request for a volunteer interpreter stands."""

    OPEN = "offen", _("open")
    ASKED = "angefragt", _("interpreter asked")
    CONFIRMED = "bestaetigt", _("confirmed")
    DECLINED = "abgelehnt", _("declined")
    HELD = "durchgefuehrt", _("held")
    CANCELLED = "ausgefallen", _("did not take place")


class BookingState(models.TextChoices):
    """One interpreter asked for one request: asked through the signed link, then answered."""

    ASKED = "angefragt", _("asked")
    CONFIRMED = "bestaetigt", _("confirmed")
    DECLINED = "abgelehnt", _("declined")
    WITHDRAWN = "zurueckgezogen", _("withdrawn")
    HELD = "durchgefuehrt", _("held")
    CANCELLED = "ausgefallen", _("did not take place")


# A booking in these states holds the interpreter's time (no two may overlap).
BLOCKING_BOOKING_STATES = (BookingState.ASKED, BookingState.CONFIRMED, BookingState.HELD)


class InterpretingPlace(models.TextChoices):
    OFFICE = "buero", _("office")
    HOME_VISIT = "hausbesuch", _("home visit")
    SHELTER = "unterkunft", _("shelter")
    AUTHORITY = "behoerde", _("authority")
    OTHER = "sonstiges", _("other place")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("normal")
    # Health, violence, the asylum procedure, family matters: the coordinator chooses the interpreter with care.
    SENSITIVE = "sensibel", _("sensitive")
