"""Persons, households and the dated facts about a person.

A person is kept by one organisation (the one whose case they are a client
of); status facts are dated records, never one overwritten field, because
the key figures at any past reference date depend on them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.constraints import ValidatedInFewQueries
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.people.choices import (
    AsylumOutcome,
    AsylumStage,
    BirthDatePrecision,
    Gender,
    HousingSituation,
    LanguageCourse,
    LanguageEvidence,
    LanguageLevel,
    Relationship,
    ResidenceStatus,
    WorkSituation,
)
from lotse.people.search import search_texts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


def casework_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation whose persons and cases the user may read, or None."""
    if not can(user, Capability.CASEWORK):
        return None
    organisation_id: int | None = getattr(user, "organisation_id", None)  # an anonymous user holds no capability
    return organisation_id


def _shared_case_exists(organisation_id: int, person_ref: str) -> Exists:
    """A case of the person shared with the organisation by a consent that is not withdrawn."""
    from lotse.cases.models import Consent

    return Exists(
        Consent.objects.sharing_with(organisation_id).filter(case__case_clients__person_id=OuterRef(person_ref))
    )


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: User | AnonymousUser) -> HouseholdQuerySet:
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Household(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="households"
    )
    external_id = models.CharField(_("household ID (import)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="household_external_id_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return str(_("Household %(id)s") % {"id": self.external_id or self.pk})


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User | AnonymousUser) -> PersonQuerySet:
        """Persons kept by the user's organisation, or clients of a case shared with it by consent."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(Q(organisation_id=organisation_id) | _shared_case_exists(organisation_id, "pk"))

    def audited_by(self, user: User | AnonymousUser) -> PersonQuerySet:
        """Persons whose access log the user reads: those the user's organisation keeps (system administrators:
        everyone's). An organisation a case was shared with reads what its own users saw, not the person's log."""
        if can(user, Capability.ADMINISTER_INSTALLATION):
            return self.all()
        if can(user, Capability.READ_AUDIT):
            return self.filter(organisation_id=user.organisation_id)  # type: ignore[union-attr]
        return self.none()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Person(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="persons"
    )
    external_id = models.CharField(_("person ID (import)"), max_length=64, blank=True)
    family_name = models.CharField(_("family name"), max_length=200)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    original_script_name = models.CharField(_("name in original script"), max_length=200, blank=True)
    aliases = ArrayField(
        models.CharField(max_length=200),
        verbose_name=_("spelling variants and aliases"),
        default=list,
        blank=True,
    )
    # A partial date of birth is stored as its first possible day (1 January,
    # or the 1st of the month) with its precision, so ages compute in SQL.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("precision of the date of birth"), max_length=5, choices=BirthDatePrecision.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    nationalities = ArrayField(
        models.CharField(max_length=12), verbose_name=_("nationalities"), default=list, blank=True
    )
    languages = ArrayField(models.CharField(max_length=3), verbose_name=_("spoken languages"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_text = models.TextField(_("search text"), editable=False, default="")
    search_key = models.TextField(_("folded search text"), editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_names", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="person_gender_valid"),
            models.CheckConstraint(
                condition=(
                    Q(birth_date__isnull=True, birth_date_precision="")
                    | Q(birth_date__isnull=False, birth_date_precision=BirthDatePrecision.DAY)
                    | Q(birth_date__isnull=False, birth_date_precision=BirthDatePrecision.MONTH, birth_date__day=1)
                    | Q(
                        birth_date__isnull=False,
                        birth_date_precision=BirthDatePrecision.YEAR,
                        birth_date__day=1,
                        birth_date__month=1,
                    )
                ),
                name="person_birth_date_precision_consistent",
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="person_external_id_unique_per_org",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="person_search_text_trgm"),
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="person_search_key_trgm"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_texts()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_key"}
        super().save(*args, **kwargs)

    def refresh_search_texts(self) -> None:
        self.search_text, self.search_key = search_texts(
            [self.family_name, self.given_names, self.original_script_name, *self.aliases]
        )

    @property
    def full_name(self) -> str:
        return f"{self.family_name}, {self.given_names}" if self.given_names else self.family_name

    @property
    def birth_date_display(self) -> str:
        if self.birth_date is None:
            return ""
        if self.birth_date_precision == BirthDatePrecision.YEAR:
            return str(self.birth_date.year)
        if self.birth_date_precision == BirthDatePrecision.MONTH:
            return f"{self.birth_date.month:02d}.{self.birth_date.year}"
        return date_format(self.birth_date, "SHORT_DATE_FORMAT")

    def age_on(self, day: datetime.date) -> int | None:
        """Completed years on ``day``; a partial date counts from its first possible day."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class HouseholdMembershipQuerySet(models.QuerySet["HouseholdMembership"]):
    def current(self) -> HouseholdMembershipQuerySet:
        return self.filter(valid_to__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HouseholdMembership(ValidatedInFewQueries, models.Model):
    """A person in a household from one date to another; the open one is the current household."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="household_memberships"
    )
    relationship = models.CharField(
        _("relationship to the head of household"), max_length=20, choices=Relationship.choices
    )
    valid_from = models.DateField(_("member since"))
    valid_to = models.DateField(_("member until"), null=True, blank=True)

    objects = HouseholdMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_to__isnull=True), name="person_in_one_household_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=Relationship.values), name="membership_relationship_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class StatusRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | AnonymousUser) -> StatusRecordQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))

    def on(self, day: datetime.date) -> StatusRecordQuerySet:
        """Records holding on ``day``: the latest per person dated on or before it."""
        return self.filter(valid_from__lte=day).order_by("person_id", "-valid_from", "-pk").distinct("person_id")


class StatusRecord(VersionedModel):
    """A fact about a person that holds from ``valid_from`` until the next record of its kind.

    A wrong entry is corrected in place (``version`` detects concurrent corrections); the change history keeps
    what it said before.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="%(class)ss")
    valid_from = models.DateField(_("valid from"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = StatusRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-valid_from", "-pk"]

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the person keeps their facts (lotse.core.services.log_access)."""
        return self.person.organisation_id


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ResidenceRecord(StatusRecord):
    status = models.CharField(_("residence status"), max_length=30, choices=ResidenceStatus.choices)
    legal_basis = models.CharField(
        _("legal basis"), max_length=100, blank=True, help_text=_("For example “§ 25 Abs. 2 AufenthG”.")
    )
    valid_until = models.DateField(_("expires on"), null=True, blank=True)

    class Meta(StatusRecord.Meta):
        verbose_name = _("residence status")
        verbose_name_plural = _("residence status history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="residence_one_per_day"),
            models.CheckConstraint(condition=Q(status__in=ResidenceStatus.values), name="residence_status_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="residence_expiry_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.valid_from:%d.%m.%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LanguageRecord(StatusRecord):
    level = models.CharField(_("German language level"), max_length=5, choices=LanguageLevel.choices)
    evidence = models.CharField(
        _("evidence"), max_length=15, choices=LanguageEvidence.choices, default=LanguageEvidence.ESTIMATE
    )
    course = models.CharField(_("course"), max_length=20, choices=LanguageCourse.choices, blank=True)

    class Meta(StatusRecord.Meta):
        verbose_name = _("German language level")
        verbose_name_plural = _("German language history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="language_one_per_day"),
            models.CheckConstraint(condition=Q(level__in=LanguageLevel.values), name="language_level_valid"),
            models.CheckConstraint(condition=Q(evidence__in=LanguageEvidence.values), name="language_evidence_valid"),
            models.CheckConstraint(condition=Q(course__in=LanguageCourse.values), name="language_course_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.valid_from:%d.%m.%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WorkRecord(StatusRecord):
    situation = models.CharField(_("work situation"), max_length=30, choices=WorkSituation.choices)

    class Meta(StatusRecord.Meta):
        verbose_name = _("work situation")
        verbose_name_plural = _("work situation history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="work_one_per_day"),
            models.CheckConstraint(condition=Q(situation__in=WorkSituation.values), name="work_situation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} ({self.valid_from:%d.%m.%Y})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HousingRecord(StatusRecord):
    situation = models.CharField(_("housing situation"), max_length=30, choices=HousingSituation.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(StatusRecord.Meta):
        verbose_name = _("housing situation")
        verbose_name_plural = _("housing situation history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="housing_one_per_day"),
            models.CheckConstraint(condition=Q(situation__in=HousingSituation.values), name="housing_situation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} ({self.valid_from:%d.%m.%Y})"


# A BAMF file number (Aktenzeichen): digits, optionally a dash and the digits of the branch office ("1234567-438").
BAMF_FILE_NUMBER_PATTERN = r"^[0-9]{5,12}(-[0-9]{1,4})?$"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AsylumRecord(StatusRecord):
    """A stage of the person's asylum procedure; a decision (Bescheid) with its outcome."""

    stage = models.CharField(_("stage of the asylum procedure"), max_length=20, choices=AsylumStage.choices)
    outcome = models.CharField(_("outcome of the decision"), max_length=20, choices=AsylumOutcome.choices, blank=True)
    bamf_file_number = models.CharField(
        _("BAMF file number"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                BAMF_FILE_NUMBER_PATTERN,
                _(
                    "A BAMF file number consists of digits, optionally followed by a dash and digits, "
                    "e.g. “1234567-438”."
                ),
                code="bamf_file_number",
            )
        ],
    )
    immigration_office_file_number = models.CharField(_("immigration office file number"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(StatusRecord.Meta):
        verbose_name = _("asylum procedure")
        verbose_name_plural = _("asylum procedure history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="asylum_one_per_day"),
            models.CheckConstraint(condition=Q(stage__in=AsylumStage.values), name="asylum_stage_valid"),
            models.CheckConstraint(condition=Q(outcome__in=AsylumOutcome.values), name="asylum_outcome_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(stage=AsylumStage.BESCHEID), name="asylum_outcome_only_with_decision"
            ),
            models.CheckConstraint(
                condition=Q(bamf_file_number="") | Q(bamf_file_number__regex=BAMF_FILE_NUMBER_PATTERN),
                name="asylum_bamf_file_number_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.valid_from:%d.%m.%Y})"

    def clean(self) -> None:
        super().clean()
        if self.outcome and self.stage != AsylumStage.BESCHEID:
            raise ValidationError(
                {"outcome": _("An outcome can only be recorded with the stage “decision (Bescheid)”.")},
                code="outcome_without_decision",
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class UnaccompaniedMinorRecord(StatusRecord):
    """The person came as an unaccompanied minor (UMA), in the care of a youth welfare office, until ``valid_until``
    (coming of age, reunion with the family) or, if open, until further notice."""

    youth_office = models.CharField(_("responsible youth welfare office (Jugendamt)"), max_length=200)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(StatusRecord.Meta):
        verbose_name = _("unaccompanied minor")
        verbose_name_plural = _("unaccompanied minor history")
        constraints = [
            models.UniqueConstraint(fields=["person", "valid_from"], name="unaccompanied_minor_one_per_day"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="unaccompanied_minor_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.youth_office} ({self.valid_from:%d.%m.%Y})"

    def holds_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


STATUS_RECORD_MODELS: dict[str, type[StatusRecord]] = {
    "residence": ResidenceRecord,
    "asylum": AsylumRecord,
    "minor": UnaccompaniedMinorRecord,
    "language": LanguageRecord,
    "work": WorkRecord,
    "housing": HousingRecord,
}
