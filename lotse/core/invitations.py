"""Invitations of new users: a mail with a link to choose the first password.

An administrator creates the user without a password; the mail carries a
link signed like Django's password reset link, but with its own salt (a
reset link is no invitation and the other way round) and its own validity
of ``LOTSE_INVITATION_DAYS`` days. The token covers the password hash, so
it works once: choosing the password invalidates it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from lotse.core.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "lotse.core.invitations.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        """Django's check, with the validity of an invitation instead of a reset link's."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token) for secret in secrets
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.LOTSE_INVITATION_DAYS * 24 * 60 * 60


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    return reverse(
        "invitation_accept",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user)},
    )


def invitation_mail(user: User, site_url: str) -> EmailMessage:
    """The invitation in the user's language (German unless they read English)."""
    context = {
        "user": user,
        "link": site_url.rstrip("/") + invitation_path(user),
        "days": settings.LOTSE_INVITATION_DAYS,
        "organisation": user.organisation.name,
    }
    with translation.override(user.language or "de"):
        subject = "".join(loader.render_to_string("registration/invitation_subject.txt", context).splitlines())
        body = loader.render_to_string("registration/invitation_email.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
