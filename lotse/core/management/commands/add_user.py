from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from lotse.core import services
from lotse.core.choices import Role
from lotse.core.models import Organisation, User
from lotse.core.validation import error_text


class Command(BaseCommand):
    help = (
        "Create a user of an organisation with one or more roles (repeat --role), or bring an existing "
        "user's organisation and roles in line. Idempotent. The password is read from --password-file; "
        "without it the user gets no usable password and sets one via 'Forgot your password?'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--organisation", required=True, help="Short name of the organisation")
        parser.add_argument("--role", action="append", required=True, help="One of: " + ", ".join(Role.values))
        parser.add_argument("--password-file", type=Path, help="File whose first line is the password")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        with services.audit_context(command="add_user"):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        username: str = options["username"].strip()
        organisation = Organisation.objects.filter(short_name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(
                _("No organisation with the short name “%(short)s”. Create it with add_organisation first.")
                % {"short": options["organisation"]}
            )
        password = self._read_password(options["password_file"])
        try:
            with transaction.atomic():
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = services.create_user(
                        acting_user=None,
                        organisation=organisation,
                        username=username,
                        roles=options["role"],
                        password=password,
                        first_name=options["first_name"],
                        last_name=options["last_name"],
                        email=options["email"],
                    )
                    self.stdout.write(
                        f"Created: user {user.username} ({organisation.short_name}, {', '.join(user.roles)})"
                    )
                    return
                if user.organisation_id != organisation.pk:
                    raise CommandError(
                        _("The user “%(username)s” already exists in the organisation “%(short)s”.")
                        % {"username": username, "short": user.organisation.short_name}
                    )
                services.update_user(
                    acting_user=None,
                    user=user,
                    expected_version=user.version,
                    roles=options["role"],
                    first_name=options["first_name"] or user.first_name,
                    last_name=options["last_name"] or user.last_name,
                    email=options["email"] or user.email,
                )
                if password and not user.check_password(password):
                    services.set_user_password(acting_user=None, user=user, password=password)
        except ValidationError as error:
            raise CommandError(error_text(error, User)) from None
        self.stdout.write(f"Up to date: user {user.username} ({organisation.short_name}, {', '.join(user.roles)})")

    def _read_password(self, path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise CommandError(
                _("Cannot read the password file %(path)s: %(reason)s.") % {"path": path, "reason": error.strerror}
            ) from None
        password = lines[0] if lines else ""
        if not password:
            raise CommandError(_("The password file %(path)s is empty.") % {"path": path})
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(
                _("The password is not accepted: %(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from None
        return password
