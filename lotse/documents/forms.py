"""Forms of documents: raw input in, domain values out (the services check the file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lotse.cases.models import IntegrationPlan
from lotse.core.forms import BootstrapMixin, DateField, today
from lotse.core.submissions import OnceForm
from lotse.documents.choices import DocumentKind
from lotse.people.models import Person

# The value of the "belongs to" choice that means the case itself.
CASE = "case"


class DocumentUploadForm(OnceForm, BootstrapMixin, forms.Form):
    owner = forms.ChoiceField(
        label=_("Belongs to"),
        help_text=_("A person's document (a residence permit, say) follows the person; a case's stays with the case."),
    )
    kind = forms.ChoiceField(label=_("Type of document"), choices=[("", "–"), *DocumentKind.choices])
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: the type of the document.")
    )
    document_date = DateField(label=_("Date of the document"), initial=today)
    expiry_date = DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("A document that expires appears in “My work” in time."),
    )
    plan = forms.TypedChoiceField(
        label=_("Version of the integration plan"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a signed integration agreement: the version of the plan that was signed."),
    )
    file = forms.FileField(label=_("File"), help_text="")

    def __init__(
        self,
        *args: Any,
        persons: list[Person],
        plans: list[IntegrationPlan],
        max_megabytes: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {str(person.pk): person for person in persons}
        self.plans = {plan.pk: plan for plan in plans}
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [(CASE, _("The case")), *((pk, p.full_name) for pk, p in self.persons.items())]
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ChoiceField)
        if plans:
            plan.choices = self._plan_choices(plans)
        else:
            del self.fields["plan"]  # the case has no plan yet
        self.fields["file"].help_text = _(
            "PDF, JPEG, PNG, Word, Excel, PowerPoint or OpenDocument, at most %(limit)s MB."
        ) % {"limit": max_megabytes}
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt"
        )

    @staticmethod
    def _plan_choices(plans: list[IntegrationPlan]) -> list[tuple[Any, str]]:
        return [
            ("", "–"),
            *(
                (
                    p.pk,
                    _("Version %(number)s of %(date)s")
                    % {"number": p.number, "date": date_format(p.agreed_on, "SHORT_DATE_FORMAT")},
                )
                for p in plans
            ),
        ]

    def person(self) -> Person | None:
        """The person the document belongs to; None for the case."""
        return self.persons.get(self.cleaned_data["owner"])

    def chosen_plan(self) -> IntegrationPlan | None:
        key = self.cleaned_data.get("plan")
        return self.plans.get(key) if key is not None else None


class DeleteForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Kept in the change history of the case, with your name."),
        widget=forms.TextInput(),
    )
