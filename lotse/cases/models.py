"""Cases and everything recorded in them: plan, contacts, referrals, consent, handovers.

A case belongs to one organisation. Its caseworkers read and change it; an
organisation named in a sharing consent that is not withdrawn may read it.
After an accepted handover the case, its household and its persons belong to
the receiving organisation, and the sending one loses access.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from lotse.cases.choices import (
    GOAL_STATUS_PENDING,
    CaseStatus,
    ClosingReason,
    ConsentPurpose,
    ContactForm,
    FieldOfAction,
    GoalStatus,
    HandoverStatus,
    InterpreterKind,
    ReferralOutcome,
    Responsible,
)
from lotse.core.access import Capability, can
from lotse.core.constraints import ValidatedInFewQueries
from lotse.core.models import Municipality, Organisation, VersionedModel
from lotse.people.models import Household, Person, casework_organisation_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser) -> CaseQuerySet:
        """Cases of the user's organisation, and cases shared with it by a consent not withdrawn."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        shared = Exists(Consent.objects.sharing_with(organisation_id).filter(case_id=OuterRef("pk")))
        return self.filter(Q(organisation_id=organisation_id) | shared)

    def editable_by(self, user: User | AnonymousUser) -> CaseQuerySet:
        """Only the owning organisation's caseworkers change a case."""
        organisation_id = casework_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Case(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="cases"
    )
    external_id = models.CharField(_("case ID (import)"), max_length=64, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible caseworker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="cases"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="cases"
    )
    clients: models.ManyToManyField[Person, CaseClient] = models.ManyToManyField(
        Person, verbose_name=_("clients"), through="CaseClient", related_name="cases", blank=True
    )
    status = models.CharField(_("status"), max_length=15, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    start_date = models.DateField(_("start of counselling"))
    end_date = models.DateField(_("end of counselling"), null=True, blank=True)
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=ClosingReason.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(closing_reason="") | Q(closing_reason__in=ClosingReason.values),
                name="case_closing_reason_valid",
            ),
            # Closed exactly when an end date and a reason are recorded.
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.CLOSED, end_date__isnull=False) & ~Q(closing_reason="")
                    | ~Q(status=CaseStatus.CLOSED) & Q(end_date__isnull=True, closing_reason="")
                ),
                name="case_closed_has_end_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="case_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~Q(external_id=""),
                name="case_external_id_unique_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["responsible", "status"]),
            models.Index(fields=["start_date", "end_date"]),
            # The case list's search finds a case by its number as typed, in any case (external_id__iexact).
            models.Index(Upper("external_id"), name="case_external_id_upper"),
        ]

    def main_client_languages(self) -> list[str]:
        """The languages of the main client (the first client, who names the case); none without a client."""
        first = CaseClient.objects.filter(case=self).order_by("pk").select_related("person").first()
        return list(first.person.languages) if first is not None else []

    def __str__(self) -> str:
        return str(_("Case %(number)s") % {"number": self.number})

    @property
    def number(self) -> str:
        return self.external_id or f"F-{self.pk:06d}"

    @property
    def max_duration_ends_on(self) -> datetime.date:
        return add_years(self.start_date, settings.LOTSE_MAX_CASE_YEARS)

    def nears_max_duration(self, today: datetime.date) -> bool:
        warn_from = self.max_duration_ends_on - datetime.timedelta(days=settings.LOTSE_CASE_DURATION_WARNING_DAYS)
        return self.status != CaseStatus.CLOSED and today >= warn_from


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CaseClient(models.Model):
    """A person of the case's household who is a client of the case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="case_clients")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="client_of")

    class Meta:
        verbose_name = _("client of a case")
        verbose_name_plural = _("clients of cases")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_client_unique")]
        # A case's first client (who names the case in every list) is found through this index; without it
        # the planner walks the whole table in key order (3 ms per row of the case list at 100,000 persons).
        indexes = [models.Index(fields=["case", "id"], name="case_client_first")]

    def __str__(self) -> str:
        return f"{self.person} / {self.case}"


@pghistory.track(pghistory.InsertEvent())
class CaseStatusChange(models.Model):
    """One step of the status machine, kept for the case's timeline (reopenings included)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("previous status"), max_length=15, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=15, choices=CaseStatus.choices)
    on = models.DateField(_("date"))
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=ClosingReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class IntegrationPlan(VersionedModel):
    """One dated version of the integration agreement; the newest is the one in force."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField(_("version"))
    agreed_on = models.DateField(_("agreed on"))
    review_on = models.DateField(_("next joint review"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Printed for signature: from then on the version stays as it was printed, a change starts a new version.
    printed_at = models.DateTimeField(_("printed for signature at"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed for signature by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The language printed beside German (blank: German only).
    printed_language = models.CharField(_("language beside German"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("integration plan")
        verbose_name_plural = _("integration plans")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=Q(printed_at__isnull=False) | Q(printed_by__isnull=True, printed_language=""),
                name="plan_printed_fields_with_print",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Integration plan, version %(number)s") % {"number": self.number})

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its plan (lotse.core.services.log_access)."""
        return self.case.organisation_id

    @property
    def is_printed(self) -> bool:
        return self.printed_at is not None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Goal(VersionedModel):
    plan = models.ForeignKey(IntegrationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    field_of_action = models.CharField(_("field of action"), max_length=20, choices=FieldOfAction.choices)
    title = models.CharField(_("goal"), max_length=300)
    due_date = models.DateField(_("to be achieved by"), null=True, blank=True)
    review_date = models.DateField(_("review on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    position = models.PositiveIntegerField(_("position"), default=0)
    # The clients of the case the goal concerns; none named: the whole household.
    members: models.ManyToManyField[Person, GoalMember] = models.ManyToManyField(
        Person, verbose_name=_("concerns"), through="GoalMember", related_name="goals", blank=True
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_status_valid"),
            models.CheckConstraint(condition=Q(field_of_action__in=FieldOfAction.values), name="goal_field_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its goals (lotse.core.services.log_access)."""
        return self.plan.case.organisation_id

    @property
    def is_pending(self) -> bool:
        return self.status in GOAL_STATUS_PENDING


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class GoalMember(models.Model):
    """A client of the case whom the goal concerns."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="goal_members")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("person a goal concerns")
        verbose_name_plural = _("persons goals concern")
        constraints = [models.UniqueConstraint(fields=["goal", "person"], name="goal_member_unique")]

    def __str__(self) -> str:
        return f"{self.person} / {self.goal}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Step(ValidatedInFewQueries, models.Model):
    """A measure towards a goal: who does what by when."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=300)
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_name = models.CharField(
        _("name of the actor"), max_length=200, blank=True, help_text=_("Who, when another actor is responsible.")
    )
    due_date = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(responsible__in=Responsible.values), name="step_responsible_valid"),
        ]

    def __str__(self) -> str:
        return self.description


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contact(VersionedModel):
    """A counselling contact as the funders' grid asks for it, with the clients who took part."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    form = models.CharField(_("form"), max_length=15, choices=ContactForm.choices)
    fields_of_action = ArrayField(
        models.CharField(max_length=20, choices=FieldOfAction.choices),
        verbose_name=_("fields of action"),
        default=list,
        blank=True,
    )
    interpreter_kind = models.CharField(
        _("interpreter"), max_length=15, choices=InterpreterKind.choices, default=InterpreterKind.NONE
    )
    interpreter_language = models.CharField(_("interpreted language"), max_length=3, blank=True)
    note = models.TextField(_("note"), blank=True)
    participants: models.ManyToManyField[Person, ContactParticipant] = models.ManyToManyField(
        Person, verbose_name=_("took part"), through="ContactParticipant", related_name="contacts", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("counselling contact")
        verbose_name_plural = _("counselling contacts")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(form__in=ContactForm.values), name="contact_form_valid"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=720), name="contact_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(fields_of_action__contained_by=FieldOfAction.values), name="contact_fields_valid"
            ),
            models.CheckConstraint(
                condition=Q(interpreter_kind__in=InterpreterKind.values), name="contact_interpreter_valid"
            ),
            # An interpreter interprets a language; without one there is none to name.
            models.CheckConstraint(
                condition=Q(interpreter_kind=InterpreterKind.NONE, interpreter_language="")
                | (~Q(interpreter_kind=InterpreterKind.NONE) & ~Q(interpreter_language="")),
                name="contact_interpreter_language",
            ),
        ]
        indexes = [models.Index(fields=["case", "-date"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.date:%d.%m.%Y}"

    @property
    def fields_of_action_labels(self) -> list[str]:
        labels = dict(FieldOfAction.choices)
        return [str(labels.get(code, code)) for code in self.fields_of_action]

    @property
    def interpreter_language_name(self) -> str:
        from lotse.people.vocabulary import language_name

        return language_name(self.interpreter_language) if self.interpreter_language else ""

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its contacts (lotse.core.services.log_access)."""
        return self.case.organisation_id


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ContactParticipant(models.Model):
    """A client of the case who took part in a counselling contact."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("counselling contact"), on_delete=models.CASCADE, related_name="contact_participants"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contact_participations"
    )

    class Meta:
        verbose_name = _("participant in a contact")
        verbose_name_plural = _("participants in contacts")
        constraints = [models.UniqueConstraint(fields=["contact", "person"], name="contact_participant_unique")]

    def __str__(self) -> str:
        return f"{self.person} / {self.contact}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        return self.filter(done_on__isnull=True)

    def of_own_cases(self, user: User | AnonymousUser) -> FollowUpQuerySet:
        """Follow-ups of the open cases the user's organisation owns (the ones its caseworkers act on)."""
        return self.filter(case__in=Case.objects.editable_by(user).open())

    def for_user(self, user: User) -> FollowUpQuerySet:
        """The user's own: passed to them, or unassigned in a case they are responsible for."""
        return self.of_own_cases(user).filter(Q(assignee=user) | Q(assignee__isnull=True, case__responsible=user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FollowUp(VersionedModel):
    """A task that came out of a contact, due on a date.

    It is the task of its ``assignee`` when it was passed to a colleague, else of the case's responsible caseworker.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("task"), max_length=300)
    due_date = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("passed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_follow_ups",
        help_text=_("A colleague who takes the task over; otherwise it is the responsible caseworker's."),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["case", "done_on", "due_date"]),
            models.Index(fields=["assignee", "done_on", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its follow-ups (lotse.core.services.log_access)."""
        return self.case.organisation_id


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Referral(VersionedModel):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    date = models.DateField(_("date"))
    to_whom = models.CharField(_("referred to"), max_length=300)
    # The actor of the network directory referred to, when it is listed there (``to_whom`` then holds its name
    # as it was at the referral, so the record stays readable if the actor is renamed or removed).
    network_actor = models.ForeignKey(
        "network.Actor",
        verbose_name=_("actor of the network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    field_of_action = models.CharField(_("field of action"), max_length=20, choices=FieldOfAction.choices)
    topic = models.CharField(_("topic"), max_length=300)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.OPEN
    )
    outcome_note = models.CharField(_("note on the outcome"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=ReferralOutcome.values), name="referral_outcome_valid"),
            models.CheckConstraint(condition=Q(field_of_action__in=FieldOfAction.values), name="referral_field_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.to_whom} ({self.date:%d.%m.%Y})"

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its referrals (lotse.core.services.log_access)."""
        return self.case.organisation_id


class ConsentQuerySet(models.QuerySet["Consent"]):
    def sharing_with(self, organisation_id: int) -> ConsentQuerySet:
        """Consents in force that share their case with the organisation: the one rule of shared access."""
        return self.filter(
            purpose=ConsentPurpose.SHARING, recipient_organisation_id=organisation_id, withdrawn_on__isnull=True
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Consent(ValidatedInFewQueries, models.Model):
    """A client's consent, in force from ``given_on`` until withdrawn (withdrawal takes effect at once)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation in Lotse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_received",
    )
    recipient_name = models.CharField(
        _("other recipient"), max_length=300, blank=True, help_text=_("A recipient that does not use Lotse.")
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose_valid"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=Q(purpose=ConsentPurpose.PROCESSING)
                | Q(recipient_organisation__isnull=False)
                | ~Q(recipient_name=""),
                name="consent_sharing_names_recipient",
            ),
        ]
        indexes = [models.Index(fields=["recipient_organisation", "purpose", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on:%d.%m.%Y})"

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its consents (lotse.core.services.log_access)."""
        return self.case.organisation_id

    @property
    def recipient(self) -> str:
        return str(self.recipient_organisation) if self.recipient_organisation_id else self.recipient_name

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Handover(ValidatedInFewQueries, models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="handovers")
    from_organisation = models.ForeignKey(
        Organisation, verbose_name=_("from"), on_delete=models.PROTECT, related_name="handovers_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, verbose_name=_("to"), on_delete=models.PROTECT, related_name="handovers_received"
    )
    consent = models.ForeignKey(Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="handovers")
    status = models.CharField(
        _("status"), max_length=15, choices=HandoverStatus.choices, default=HandoverStatus.REQUESTED
    )
    note = models.TextField(_("message to the receiving organisation"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HandoverStatus.values), name="handover_status_valid"),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")), name="handover_to_another_org"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=HandoverStatus.REQUESTED), name="one_open_handover_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_organisation} → {self.to_organisation}"

    @property
    def access_log_organisation_id(self) -> int:
        """The organisation that keeps the case keeps its handovers (lotse.core.services.log_access)."""
        return self.case.organisation_id


class SubstitutionQuerySet(models.QuerySet["Substitution"]):
    def visible_to(self, user: User | AnonymousUser) -> SubstitutionQuerySet:
        """The substitutions of the team lead's own organisation."""
        organisation_id: int | None = getattr(user, "organisation_id", None)
        if not can(user, Capability.LEAD_TEAM) or organisation_id is None:
            return self.none()
        return self.filter(organisation_id=organisation_id)

    def in_force_on(self, day: datetime.date) -> SubstitutionQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Substitution(VersionedModel):
    """Vertretung: while a caseworker is absent, a colleague of the same organisation sees what is due in her cases."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="substitutions"
    )
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent caseworker"),
        on_delete=models.CASCADE,
        related_name="substituted_during",
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("substitute"),
        on_delete=models.CASCADE,
        related_name="substitutes_during",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="substitution_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(absent=models.F("substitute")), name="substitution_by_another_person"),
        ]
        indexes = [models.Index(fields=["substitute", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.absent} → {self.substitute} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"
