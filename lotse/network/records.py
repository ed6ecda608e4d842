"""Actors of the network named for the change history (``lotse.core.records``): by name, linked to their page."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse

from lotse.core.models import User
from lotse.core.records import NamingContext, RecordName, names_records, pks_of
from lotse.network.models import Actor


@names_records("network.actor")
def name_actors(user: User, pks: Collection[str], context: NamingContext) -> dict[str, RecordName]:
    actors = list(Actor.objects.filter(pk__in=pks_of(Actor, pks)).only("name"))
    visible = set(Actor.objects.visible_to(user).filter(pk__in=[a.pk for a in actors]).values_list("pk", flat=True))
    return {
        str(actor.pk): RecordName(
            actor.name, reverse("network:actor_detail", args=[actor.pk]) if actor.pk in visible else ""
        )
        for actor in actors
    }
