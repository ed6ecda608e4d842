"""Programmes, households in a programme and sponsorships named for the change history and the access log
(``lotse.core.records``), linked where the reader may open them."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.translation import gettext as _

from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of
from lotse.volunteers.models import Participation, Programme, Sponsorship


def _visible(model: type[Programme] | type[Participation] | type[Sponsorship], user: User, pks: list[int]) -> set[int]:
    return set(model.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


@names_records("volunteers.programme")
def name_programmes(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = list(Programme.objects.filter(pk__in=pks_of(Programme, pks)).only("name"))
    visible = _visible(Programme, user, [row.pk for row in rows])
    return {
        str(row.pk): RecordName(
            row.name, reverse("volunteers:programme_detail", args=[row.pk]) if row.pk in visible else ""
        )
        for row in rows
    }


@names_records("volunteers.participation")
def name_participations(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = list(
        Participation.objects.filter(pk__in=pks_of(Participation, pks))
        .select_related("programme")
        .only("household_id", "programme__name")
    )
    visible = _visible(Participation, user, [row.pk for row in rows])
    return {
        str(row.pk): RecordName(
            _("Household %(id)s in %(programme)s") % {"id": row.household_id, "programme": row.programme.name},
            reverse("volunteers:participation_detail", args=[row.pk]) if row.pk in visible else "",
        )
        for row in rows
    }


@names_records("volunteers.sponsorship")
def name_sponsorships(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    rows = list(Sponsorship.objects.filter(pk__in=pks_of(Sponsorship, pks)).only("pk"))
    visible = _visible(Sponsorship, user, [row.pk for row in rows])
    return {
        str(row.pk): RecordName(
            str(row), reverse("volunteers:sponsorship_detail", args=[row.pk]) if row.pk in visible else ""
        )
        for row in rows
    }
