"""One-time submission keys: a form that creates something is saved once, however often it is sent.

Every such form carries a hidden ``submission_key`` (``OnceForm``), new each
time the form is shown.  ``SubmissionKeyMiddleware`` records the key before the
view runs and keeps it when a service saved the form (``lotse.core.web.
save_or_show`` says so); a second sending of the same key — a retry after an
error, a double click, the back button, or the same form sent twice at the same
moment (the second waits for the first's key) — is shown the result of the first
instead of storing it again.

``SubmissionTransactionMiddleware`` runs such a request in one transaction with
its session: when the session cannot be written after the view saved, nothing
is kept and the user is told it failed, so what the user is told matches what
was stored.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lotse.core.models import FormSubmission, User

FIELD = "submission_key"
KEPT = datetime.timedelta(days=7)
_SAVED = "_lotse_submission_saved"
_KEY = "_lotse_submission_key"


class OnceForm(forms.Form):
    """A form whose sending creates something: it carries a new one-time key each time it is shown.

    The key is the middleware's business: it is not among the form's cleaned data.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(FIELD, None)


def mark_saved(request: HttpRequest) -> None:
    """The view's service saved the form (called by ``save_or_show``)."""
    setattr(request, _SAVED, True)


def _key(request: HttpRequest) -> uuid.UUID | None:
    """The form's key, read once per request (both middlewares ask)."""
    if not hasattr(request, _KEY):
        key = None
        if request.method == "POST":
            try:
                key = uuid.UUID(request.POST.get(FIELD, ""))
            except ValueError:
                key = None
        setattr(request, _KEY, key)
    return getattr(request, _KEY)


class SubmissionTransactionMiddleware:
    """A keyed form's request, session included, in one transaction (placed before the session middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _key(request) is None:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500 or (getattr(request, _SAVED, False) and response.status_code >= 400):
                # The user is told it failed (the session could not be written, say): then nothing is kept.
                transaction.set_rollback(True)
            return response


class SubmissionKeyMiddleware:
    """Records a keyed form's key, and answers a key sent again with what its first sending made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        user = getattr(request, "user", None)
        if key is None or not isinstance(user, User):
            return self.get_response(request)
        try:
            with transaction.atomic():
                FormSubmission.objects.create(key=key, user=user)
        except IntegrityError:
            return self._again(request, key, user)
        response = self.get_response(request)
        if response.status_code >= 500:
            return response  # the transaction middleware undoes everything, the key included
        if getattr(request, _SAVED, False):
            FormSubmission.objects.filter(key=key).update(location=self._location(request, response))
            FormSubmission.objects.filter(user=user, at__lt=timezone.now() - KEPT).delete()  # a week is enough
        else:
            FormSubmission.objects.filter(key=key).delete()  # not saved: the form may be sent again
        return response

    @staticmethod
    def _location(request: HttpRequest, response: HttpResponse) -> str:
        location = (
            response.get("Location")
            or response.get("HX-Redirect")
            or request.headers.get("HX-Current-URL")
            or request.get_full_path()
        )
        return location[:500]

    @staticmethod
    def _again(request: HttpRequest, key: uuid.UUID, user: User) -> HttpResponse:
        earlier = FormSubmission.objects.filter(key=key, user=user).first()
        location = earlier.location if earlier is not None else ""
        if not location or not url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()}):
            location = request.get_full_path()
        messages.info(request, _("This entry was saved already; it was not saved a second time."))
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
            return response
        return HttpResponseRedirect(location)
