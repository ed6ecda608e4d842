"""The integration plan as printed to sign with the clients: German beside the client's language (WeasyPrint).

The fixed texts are in the message context "public", like the info sheets', so
they are translated into every info-sheet language (a test holds the catalogues
to it). What the caseworker wrote (goals, steps, notes) is printed as written.
Arabic and Farsi run right to left; DejaVu Sans covers their script, as it does
Cyrillic and Latin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext_lazy

from lotse.cases.choices import FieldOfAction, GoalStatus, Responsible
from lotse.cases.models import Case, Goal, IntegrationPlan, Step
from lotse.core.models import User
from lotse.network.choices import MASTER_LANGUAGE, NATIVE_NAMES, PUBLIC_LANGUAGE_CODES, READS_PUBLIC_LANGUAGE, direction
from lotse.people.models import Person
from lotse.people.vocabulary import language_name

# The languages printed beside German: those of the info sheets.
PLAN_LANGUAGES: tuple[str, ...] = tuple(code for code in PUBLIC_LANGUAGE_CODES if code != MASTER_LANGUAGE)
ADULT_AGE = 18

TEXTS: dict[str, Promise] = {
    "title": pgettext_lazy("public", "Integration agreement"),
    "lead": pgettext_lazy("public", "This is what we agreed together. We will check it together again."),
    "draft": pgettext_lazy("public", "Draft: not for signature"),
    "for": pgettext_lazy("public", "For"),
    "counselling_by": pgettext_lazy("public", "Counselling by"),
    "agreed_on": pgettext_lazy("public", "Agreed on"),
    "version": pgettext_lazy("public", "Version"),
    "meet_again": pgettext_lazy("public", "We meet again on"),
    "case": pgettext_lazy("public", "Case"),
    "goal": pgettext_lazy("public", "Our goal"),
    "concerns": pgettext_lazy("public", "Concerns"),
    "household": pgettext_lazy("public", "Whole household"),
    "until": pgettext_lazy("public", "Until"),
    "check_on": pgettext_lazy("public", "We check on"),
    "status": pgettext_lazy("public", "Status"),
    "what": pgettext_lazy("public", "What needs to be done?"),
    "who": pgettext_lazy("public", "Who does it?"),
    "when": pgettext_lazy("public", "By when?"),
    "done": pgettext_lazy("public", "Done"),
    "no_goals": pgettext_lazy("public", "No goals agreed yet."),
    "agree": pgettext_lazy(
        "public",
        "We agree to this plan. The client can change their mind and talk to us about the plan at any time.",
    ),
    "signature": pgettext_lazy("public", "Place, date, signature"),
    "client": pgettext_lazy("public", "Client"),
    "caseworker": pgettext_lazy("public", "Caseworker"),
    "printed_on": pgettext_lazy("public", "Printed on"),
}

FIELD_LABELS: dict[str, Promise] = {
    FieldOfAction.SPRACHE: pgettext_lazy("public", "Language"),
    FieldOfAction.ARBEIT: pgettext_lazy("public", "Work and training"),
    FieldOfAction.WOHNEN: pgettext_lazy("public", "Housing"),
    FieldOfAction.BILDUNG: pgettext_lazy("public", "Education, school, childcare"),
    FieldOfAction.GESUNDHEIT: pgettext_lazy("public", "Health"),
    FieldOfAction.FAMILIE: pgettext_lazy("public", "Family and social life"),
    FieldOfAction.TEILHABE: pgettext_lazy("public", "Participation in society"),
    FieldOfAction.FINANZEN: pgettext_lazy("public", "Finances and benefits"),
    FieldOfAction.AUFENTHALT: pgettext_lazy("public", "Residence and law"),
}

STATUS_LABELS: dict[str, Promise] = {
    GoalStatus.OPEN: pgettext_lazy("public", "open"),
    GoalStatus.IN_PROGRESS: pgettext_lazy("public", "in progress"),
    GoalStatus.ACHIEVED: pgettext_lazy("public", "achieved"),
    GoalStatus.NOT_ACHIEVED: pgettext_lazy("public", "not achieved"),
    GoalStatus.DISCARDED: pgettext_lazy("public", "discarded"),
}

RESPONSIBLE_LABELS: dict[str, Promise] = {
    Responsible.CLIENT: pgettext_lazy("public", "the client"),
    Responsible.CASEWORKER: pgettext_lazy("public", "the caseworker"),
}


@dataclass(frozen=True)
class Bilingual:
    """A fixed text in German and, below it, in the client's language (none: German only)."""

    de: str
    other: str | None = None
    language: str = ""

    def __html__(self) -> SafeString:
        german = f'<span class="de" lang="de">{escape(self.de)}</span>'
        if self.other is None or self.other == self.de:
            return mark_safe(german)  # noqa: S308 - escaped above
        other = f'<span class="tr" lang="{self.language}" dir="{direction(self.language)}">{escape(self.other)}</span>'
        return mark_safe(german + other)  # noqa: S308 - escaped above

    def __str__(self) -> str:
        return str(self.__html__())


def bilingual(text: Promise, language: str) -> Bilingual:
    with translation.override(MASTER_LANGUAGE):
        german = str(text)
    if not language:
        return Bilingual(german)
    with translation.override(language):
        return Bilingual(german, str(text), language)


@dataclass
class SignatureLine:
    role: Bilingual
    name: str
    original_script_name: str = ""


@dataclass
class PrintedGoal:
    goal: Goal
    members: list[Person]
    status: Bilingual
    steps: list[tuple[Step, Bilingual | None]] = field(default_factory=list)


def language_choices() -> list[tuple[str, str]]:
    """German only, or German beside one of the info-sheet languages (named in itself and in the user's)."""
    return [
        ("", gettext("German only")),
        *((code, f"{NATIVE_NAMES[code]} ({language_name(code)})") for code in PLAN_LANGUAGES),
    ]


def preselected_language(case: Case) -> str:
    """The first language the plan is printed in that the case's first client reads (Dari speakers read Persian),
    else German only."""
    read = (READS_PUBLIC_LANGUAGE.get(code, "") for code in case.main_client_languages())
    return next((code for code in read if code in PLAN_LANGUAGES), "")


def is_adult(person: Person, day: datetime.date) -> bool:
    """18 or older on ``day``; a client without a known date of birth signs too."""
    age = person.age_on(day)
    return age is None or age >= ADULT_AGE


def printed_goals(plan: IntegrationPlan, language: str) -> list[dict[str, Any]]:
    """The goals by field of action, in the fixed order of the fields, with their labels in both languages."""
    steps: Prefetch[Any] = Prefetch("steps", queryset=Step.objects.order_by("position", "pk"))
    members: Prefetch[Any] = Prefetch("members", queryset=Person.objects.order_by("given_names", "family_name", "pk"))
    goals = list(plan.goals.prefetch_related(steps, members).order_by("position", "pk"))
    statuses = {code: bilingual(label, language) for code, label in STATUS_LABELS.items()}
    responsible = {code: bilingual(label, language) for code, label in RESPONSIBLE_LABELS.items()}
    groups = []
    for code in FieldOfAction.values:
        in_field = [goal for goal in goals if goal.field_of_action == code]
        if not in_field:
            continue
        printed = [
            PrintedGoal(
                goal=goal,
                members=list(goal.members.all()),
                status=statuses[goal.status],
                steps=[(step, responsible.get(step.responsible)) for step in goal.steps.all()],
            )
            for goal in in_field
        ]
        groups.append({"field": bilingual(FIELD_LABELS[code], language), "goals": printed})
    return groups


def signature_lines(
    case: Case, plan: IntegrationPlan, clients: list[Person], language: str, day: datetime.date
) -> list[SignatureLine]:
    """One line for each adult client, and one for the caseworker who printed the plan for signature."""
    client_role = bilingual(TEXTS["client"], language)
    lines = [
        SignatureLine(client_role, f"{person.given_names} {person.family_name}".strip(), person.original_script_name)
        for person in clients
        if is_adult(person, day)
    ]
    caseworker: User | None = plan.printed_by or case.responsible
    name = caseworker.get_full_name() if caseworker is not None else ""
    lines.append(SignatureLine(bilingual(TEXTS["caseworker"], language), name))
    return lines


def plan_context(case: Case, plan: IntegrationPlan, language: str, printed_on: datetime.date) -> dict[str, Any]:
    if language and language not in PLAN_LANGUAGES:
        raise ValueError(f"no plan language {language!r}")
    clients = list(case.clients.order_by("family_name", "given_names", "pk"))
    for_signature = plan.is_printed
    return {
        "case": case,
        "plan": plan,
        "language": language,
        "t": {key: bilingual(text, language) for key, text in TEXTS.items()},
        "groups": printed_goals(plan, language),
        "clients": clients,
        "for_signature": for_signature,
        "signatures": signature_lines(case, plan, clients, language, printed_on) if for_signature else [],
        "printed_on": printed_on,
    }


def plan_html(case: Case, plan: IntegrationPlan, language: str, printed_on: datetime.date) -> str:
    context = plan_context(case, plan, language, printed_on)
    with translation.override(MASTER_LANGUAGE):
        return render_to_string("cases/plan_pdf.html", context)


def plan_pdf(case: Case, plan: IntegrationPlan, language: str, printed_on: datetime.date) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=plan_html(case, plan, language, printed_on)).write_pdf())


def pdf_filename(case: Case, plan: IntegrationPlan, language: str) -> str:
    suffix = f"-{language}" if language else ""
    return f"integrationsvereinbarung-{case.number}-v{plan.number}{suffix}.pdf"
