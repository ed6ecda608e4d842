"""Vocabularies of documents. The codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentKind(models.TextChoices):
    BESCHEID = "bescheid", _("Decision (Bescheid)")
    AUFENTHALTSTITEL = "aufenthaltstitel", _("Residence permit")
    ANTRAG = "antrag", _("Application")
    EINWILLIGUNG = "einwilligung", _("Consent form")
    INTEGRATIONSVEREINBARUNG = "integrationsvereinbarung", _("Signed integration agreement")
    NACHWEIS = "nachweis", _("Certificate or proof")
    SONSTIGES = "sonstiges", pgettext_lazy("type of document", "Other")
