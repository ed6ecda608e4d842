"""Error pages. The 500 page shows a reference to quote, never technical detail."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger("lotse.errors")


def server_error(request: HttpRequest) -> HttpResponse:
    reference = uuid.uuid4().hex[:12].upper()
    # Django calls this handler while the exception is being handled, so the
    # traceback goes to the log under the same reference the user sees.
    logger.error("Server error, reference %s, path %s", reference, request.path, exc_info=True)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"reference": reference}))
