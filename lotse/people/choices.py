"""Vocabularies of persons and their dated status facts.

The codes are Lotse's vocabulary: the workbook import and the key figures
build on them, so they never change; the labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "w", _("female")
    DIVERSE = "d", _("diverse")
    UNKNOWN = "u", _("unknown")


class BirthDatePrecision(models.TextChoices):
    DAY = "day", _("day, month and year")
    MONTH = "month", _("month and year")
    YEAR = "year", _("year only")


class Relationship(models.TextChoices):
    HEAD = "haushaltsvorstand", _("head of household")
    PARTNER = "partner", _("spouse or partner")
    CHILD = "kind", _("child")
    PARENT = "elternteil", _("parent")
    SIBLING = "geschwister", _("sibling")
    GRANDCHILD = "enkelkind", _("grandchild")
    OTHER_RELATIVE = "verwandt", _("other relative")
    NOT_RELATED = "nicht_verwandt", _("not related")
    UNKNOWN = "unbekannt", _("not recorded")


# Nationalities beyond ISO 3166 alpha-2.
STATELESS = "staatenlos"
UNRESOLVED = "ungeklaert"


class ResidenceStatus(models.TextChoices):
    GESTATTUNG = "gestattung", _("permission to reside pending asylum (Aufenthaltsgestattung)")
    DULDUNG = "duldung", _("toleration (Duldung)")
    AUFENTHALTSERLAUBNIS = "aufenthaltserlaubnis", _("residence permit (Aufenthaltserlaubnis)")
    NIEDERLASSUNGSERLAUBNIS = "niederlassungserlaubnis", _("settlement permit (Niederlassungserlaubnis)")
    FIKTIONSBESCHEINIGUNG = "fiktionsbescheinigung", _("provisional certificate (Fiktionsbescheinigung)")
    EINGEBUERGERT = "eingebuergert", _("naturalised")
    SONSTIGES = "sonstiges", _("other")


class LanguageLevel(models.TextChoices):
    NONE = "keine", _("no German")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


B1_OR_HIGHER = frozenset({LanguageLevel.B1, LanguageLevel.B2, LanguageLevel.C1, LanguageLevel.C2})


class LanguageEvidence(models.TextChoices):
    CERTIFICATE = "zertifikat", _("certificate")
    ESTIMATE = "einschaetzung", _("estimate")


class LanguageCourse(models.TextChoices):
    NONE = "", _("no course")
    INTEGRATION = "integrationskurs", _("integration course")
    PROFESSIONAL = "berufssprachkurs", _("vocational language course")
    OTHER = "sonstiger", _("other course")


class WorkSituation(models.TextChoices):
    BESCHAEFTIGT_SVP = "beschaeftigt_svp", _("employed (subject to social insurance)")
    GERINGFUEGIG = "geringfuegig", _("marginal employment (minijob)")
    SELBSTSTAENDIG = "selbststaendig", _("self-employed")
    AUSBILDUNG = "ausbildung", _("vocational training")
    PRAKTIKUM = "praktikum", _("internship")
    STUDIUM = "studium", _("university studies")
    SCHULE = "schule", _("school")
    SPRACHKURS = "sprachkurs", _("language course")
    ARBEITSUCHEND = "arbeitsuchend", _("looking for work")
    NICHT_ERWERBSFAEHIG = "nicht_erwerbsfaehig", _("unable to work")
    ELTERNZEIT = "elternzeit", _("parental leave")
    SONSTIGES = "sonstiges", _("other")


class HousingSituation(models.TextChoices):
    VORLAEUFIGE_UNTERBRINGUNG = "vorlaeufige_unterbringung", _("preliminary accommodation (county)")
    ANSCHLUSSUNTERBRINGUNG = "anschlussunterbringung", _("follow-up accommodation (municipality)")
    PRIVATER_MIETVERTRAG = "privater_mietvertrag", _("own tenancy")
    JUGENDHILFE = "jugendhilfe", _("youth welfare")
    PFLEGEFAMILIE = "pflegefamilie", _("foster family")
    NOTUNTERKUNFT = "notunterkunft", _("emergency shelter")
    SONSTIGES = "sonstiges", _("other")


# Housed by the youth welfare office: a youth welfare facility or a foster family (neither is a tenancy).
YOUTH_WELFARE_HOUSING = frozenset({HousingSituation.JUGENDHILFE, HousingSituation.PFLEGEFAMILIE})


class AsylumStage(models.TextChoices):
    ANKUNFTSNACHWEIS = "ankunftsnachweis", _("proof of arrival (Ankunftsnachweis)")
    ANTRAG = "antrag_gestellt", _("application lodged")
    ANHOERUNG = "anhoerung", _("interview (Anhörung)")
    BESCHEID = "bescheid", _("decision (Bescheid)")
    KLAGE = "klage", _("appeal to the court (Klage)")
    RECHTSKRAEFTIG = "rechtskraeftig", _("final (rechtskräftig)")


class AsylumOutcome(models.TextChoices):
    NONE = "", _("no decision")
    ASYLBERECHTIGUNG = "asylberechtigung", _("entitlement to asylum (Asylberechtigung)")
    FLUECHTLINGSSCHUTZ = "fluechtlingsschutz", _("refugee protection (Flüchtlingsschutz)")
    SUBSIDIAERER_SCHUTZ = "subsidiaerer_schutz", _("subsidiary protection (subsidiärer Schutz)")
    ABSCHIEBUNGSVERBOT = "abschiebungsverbot", _("ban on deportation (Abschiebungsverbot)")
    ABLEHNUNG = "ablehnung", _("rejection (Ablehnung)")
