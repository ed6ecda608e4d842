"""The rate limit of password reset links, and sending them off the request.

Without a limit, anyone could have any number of reset mails sent to an
address (or probe addresses at will). Each request is counted per e-mail
address and per client address (the client address as django-axes reads
it, behind ``PROXY_COUNT`` proxies) for an hour, in the database like the
login lockout, so every app server counts the same requests. A request over
a limit is answered exactly like any other, and no mail goes out.

The mail itself is sent in the background, so the answer takes as long for
a known address as for an unknown or limited one.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lotse.core.models import PasswordResetRequest

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
# pg_advisory_xact_lock key of the counting (any fixed number; "LOTSEPWR" in ASCII).
_LOCK_ID = 0x4C4F54534550575


def _key(kind: str, value: str) -> str:
    return salted_hmac(f"lotse.password_reset.{kind}", value, algorithm="sha256").hexdigest()


def admit(request: HttpRequest, email: str) -> bool:
    """Count a request for a reset link to ``email``; False if the address or the client is over its limit.

    A refused request is not counted, so the limit of an address frees up an hour after its last links.
    """
    address_key = _key("address", email.strip().casefold())
    client_key = _key("client", get_client_ip_address(request) or "")
    since = timezone.now() - WINDOW
    with transaction.atomic():
        # Requests are counted one after the other, whichever app server takes them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        PasswordResetRequest.objects.filter(at__lt=since).delete()
        recent = PasswordResetRequest.objects.filter(at__gte=since)
        if (
            recent.filter(address_key=address_key).count() >= settings.LOTSE_PASSWORD_RESET_PER_ADDRESS
            or recent.filter(client_key=client_key).count() >= settings.LOTSE_PASSWORD_RESET_PER_CLIENT
        ):
            return False
        PasswordResetRequest.objects.create(address_key=address_key, client_key=client_key)
        return True


def _send(message: EmailMessage, user_id: object) -> None:
    try:
        message.send()
    except Exception:
        logger.exception("Failed to send password reset email to %s", user_id)


def deliver(message: EmailMessage, user_id: object) -> None:
    """Send a reset mail; in the background where ``LOTSE_MAIL_IN_BACKGROUND`` (off in the test suite)."""
    if settings.LOTSE_MAIL_IN_BACKGROUND:
        threading.Thread(target=_send, args=(message, user_id), name="password-reset-mail", daemon=True).start()
    else:
        _send(message, user_id)
