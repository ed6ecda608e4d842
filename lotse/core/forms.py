"""Forms of the core domain: raw input in, domain values out."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template import loader
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lotse.core.choices import Role
from lotse.core.models import Organisation, User


class BootstrapMixin:
    """Bootstrap classes on every widget; Django itself sets aria-invalid and aria-describedby."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _style(field)


def _style(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.HiddenInput)):
        return
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
FIRST_YEAR, LAST_YEAR = 1900, 2200


class DateField(forms.DateField):
    """A date picker that also accepts German typed dates."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date such as 24.12.2026.")})
        super().__init__(**kwargs)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value)  # a field's own, narrower range speaks first
        # A year far outside any case, stay or appointment is a typing error (and would overflow date arithmetic).
        if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                code="out_of_range",
            )


class DecimalField(forms.DecimalField):
    """A decimal field whose refusals name their bounds as the user writes numbers ("0,5" in German, not "0.5")."""

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except forms.ValidationError as error:
            for item in error.error_list:
                if item.params and "limit_value" in item.params:
                    item.params = {**item.params, "limit_value": number_format(item.params["limit_value"])}
            raise


def today() -> datetime.date:
    """The initial value of date fields that default to today (a callable, so it is today at every request)."""
    return timezone.localdate()


class VersionedForm(BootstrapMixin, forms.Form):
    """The edit form of a versioned record: the version it was loaded at travels in a hidden field.

    The service compares it with the stored version, so of two concurrent
    edits the second is refused (``lotse.core.services.save_versioned``);
    the view saves through ``lotse.core.web.save_or_show``, which answers a
    conflict with ``lotse.core.web.form_after_conflict``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def loaded_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def changed_fields(self) -> dict[str, Any]:
        """The cleaned fields but the version: what a service is asked to write."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        # One message for every failure: it must not reveal whether the user exists.
        "invalid_login": _("Username or password is not correct. Please try again."),
        "inactive": _("Username or password is not correct. Please try again."),
    }


class InvitingPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches users created without a password.

    Scripted set-up (add_user without --password-file) creates accounts with
    no usable password; "Forgot your password?" is how they choose one.
    Django's own form skips such users.
    """

    def get_users(self, email: str) -> Iterator[Any]:
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if user.email and user.email.casefold() == email.casefold():
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Django's mail, sent off the request (lotse.core.password_reset.deliver)."""
        from lotse.core.password_reset import deliver

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        deliver(message, context["user"].pk)


class RoleChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, allow_sysadmin: bool, **kwargs: Any) -> None:
        choices = [c for c in Role.choices if allow_sysadmin or c[0] != Role.SYSTEMADMINISTRATION]
        super().__init__(
            choices=choices,
            label=_("Roles"),
            error_messages={"required": _("Choose at least one role.")},
            **kwargs,
        )


class UserForm(VersionedForm):
    """Name, e-mail and roles of a user; ``version`` detects concurrent edits."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, allow_sysadmin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = RoleChoiceField(allow_sysadmin=allow_sysadmin)


class UserCreateForm(UserForm):
    """A new user: name, e-mail and roles, no password. The user chooses it through the invitation mail."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only, no spaces.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The invitation with the link to choose a password is sent to this address."),
        error_messages={"required": _("Enter the e-mail address the invitation is sent to.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="de", required=True
    )

    field_order = ["organisation", "username", "first_name", "last_name", "email", "language", "roles"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(queryset=organisations, label=_("Organisation"))
            _style(self.fields["organisation"])
        self.order_fields(self.field_order)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username


class SetPasswordForm(BootstrapMixin, forms.Form):
    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class FilterForm(forms.Form):
    """A compact GET filter above a list: small widgets, and only the valid filters are applied."""

    def style_small(self) -> None:
        for field in self.fields.values():
            small = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = small

    def values(self) -> dict[str, Any]:
        """The valid filters; an invalid one is dropped (the rest still apply)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class AppCodeForm(BootstrapMixin, forms.Form):
    """The six-digit code of an authenticator app."""

    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{3}\s*\d{3}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )


class ReplaceAppForm(AppCodeForm):
    """Putting a new phone's app in place of the one set up: the password too (a session left open is not enough)."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Replacing the app asks for your password, so that nobody at an unlocked computer can do it."),
    )

    field_order = ["password", "code"]


class RecoveryCodeForm(BootstrapMixin, forms.Form):
    code = forms.RegexField(
        label=_("Recovery code"),
        regex=r"^\s*[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4}\s*$",
        max_length=16,
        error_messages={"invalid": _("A recovery code has eight letters and digits, such as abcd-2345.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "size": 12}),
    )


class AuditFilterForm(FilterForm):
    """The filters above the change history and the access log (GET): whose data, who, which kind, which days.

    The pages offer only the fields they can filter by (``person`` and
    ``kind`` only where given choices); a value that is not offered or a
    date that is no date is shown as an error and not applied.
    """

    person = forms.ChoiceField(label=_("Person"), required=False)
    user = forms.ChoiceField(label=_("User"), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    since = DateField(label=_("From date"), required=False)
    until = DateField(label=_("Until date"), required=False)

    def __init__(
        self,
        *args: Any,
        users: list[tuple[str, str]],
        persons: list[tuple[str, str]] | None = None,
        kinds: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everyone = ("", _("all"))
        self.fields["user"].choices = [everyone, *users]  # type: ignore[attr-defined]
        for name, choices in (("person", persons), ("kind", kinds)):
            if choices is None:
                del self.fields[name]
            else:
                self.fields[name].choices = [everyone, *choices]  # type: ignore[attr-defined]
        self.style_small()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def values(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        return super().values()
