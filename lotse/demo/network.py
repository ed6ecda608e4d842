"""The network of actors of the demo county, built as a network editor would build it.

The 105 actors are the city's actor list (``data/actors.csv``, in the columns of
the actor-list import) taken in through :func:`lotse.network.actor_import.import_actor_list`;
the two info sheets are written block by block and language by language through
:mod:`lotse.network.sheet_services` (``data/info_sheets.json``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from lotse.core.models import Municipality, User
from lotse.demo.data import DATA_DIR, read_json, read_toml, recorded
from lotse.network import sheet_services
from lotse.network.actor_import import import_actor_list
from lotse.network.choices import MASTER_LANGUAGE
from lotse.network.models import Actor, ActorCategory, InfoSheet
from lotse.network.services import create_category

COUNT_KEYS = ("actors", "published", "sheets", "blocks", "texts")
ACTOR_LIST = "actors.csv"
SETTINGS = read_toml("network.toml")
LOCAL_SERVICES = frozenset(SETTINGS["local_services"])


def actor_list() -> bytes:
    return (DATA_DIR / ACTOR_LIST).read_bytes()


def _ensure_categories() -> None:
    """The six categories come with the migrations; a database flushed since (as by some tests) lacks them."""
    have = set(ActorCategory.objects.values_list("slug", flat=True))
    for category in read_json("actor_categories.json"):
        if category["slug"] not in have:
            with recorded():
                create_category(acting_user=None, **category)


def _import_actors() -> tuple[int, int]:
    _ensure_categories()
    before = set(Actor.objects.values_list("pk", flat=True))
    with recorded():
        report = import_actor_list(ACTOR_LIST, actor_list(), acting_user=None, commit=True)
    if not report.ok:
        raise ValidationError(f"The demo actor list does not import: {report.problems!r}")
    created = Actor.objects.exclude(pk__in=before)
    return created.count(), created.filter(is_public=True).count()


def _write_sheet(editor: User | None, municipality: Municipality, spec: dict[str, Any]) -> tuple[int, int]:
    sheet = sheet_services.create_sheet(acting_user=editor, municipality=municipality)
    actors = {(a.name, a.municipality.name): a for a in Actor.objects.select_related("municipality")}
    listed = [actors[(name, town)] for name, town in spec["actors"] if (name, town) in actors]
    sheet_services.set_actors(
        acting_user=editor, sheet=sheet, actors=[a for a in listed if a.is_public], expected_version=sheet.version
    )
    blocks = texts = 0
    for block_spec in spec["blocks"]:
        by_language = {t["language"]: t for t in block_spec["texts"]}
        master = by_language[MASTER_LANGUAGE]
        outdated = set(block_spec.get("outdated", ()))
        # A translation written before the German text last changed stays marked as outdated.
        first_master = block_spec.get("earlier_master", master["body"]) if outdated else master["body"]
        block = sheet_services.add_block(acting_user=editor, sheet=sheet, heading=master["heading"], body=first_master)
        blocks += 1
        order = [lang for lang in by_language if lang in outdated]
        if outdated:
            order.append(MASTER_LANGUAGE)
        order += [lang for lang in by_language if lang not in outdated and lang != MASTER_LANGUAGE]
        for language in order:
            text = by_language[language]
            current = block.texts.filter(language=language).first()
            sheet_services.write_text(
                acting_user=editor,
                block=block,
                language=language,
                heading=text["heading"],
                body=text["body"],
                expected_version=None if current is None else current.version,
            )
        texts += len(by_language)
    return blocks, texts


def load_demo_network() -> dict[str, int]:
    """Import the actor list and write the info sheets; creates only what is missing.

    The demo municipalities and users must exist. Returns how many of each kind
    were created (``published``: of the actors created, those shown publicly).
    """
    counts = dict.fromkeys(COUNT_KEYS, 0)
    counts["actors"], counts["published"] = _import_actors()
    editor = User.objects.filter(username=SETTINGS["editor"], is_active=True).first()
    have_sheet = set(InfoSheet.objects.values_list("municipality__name", flat=True))
    sheets = read_json("info_sheets.json")["sheets"]
    municipalities = {m.name: m for m in Municipality.objects.filter(name__in=[s["municipality"] for s in sheets])}
    for spec in sheets:
        town = spec["municipality"]
        if town in have_sheet or town not in municipalities:
            continue
        with recorded():
            blocks, texts = _write_sheet(editor, municipalities[town], spec)
        counts["sheets"] += 1
        counts["blocks"] += blocks
        counts["texts"] += texts
    return counts


class ActorFinder:
    """The directory's actor a referral of the demo casework names (None: the free text stays unlinked)."""

    def __init__(self) -> None:
        self.by_name: dict[str, dict[int, Actor]] = defaultdict(dict)
        for actor in Actor.objects.all():
            self.by_name[actor.name][actor.municipality_id] = actor
        home = Municipality.objects.filter(name=SETTINGS["home_town"]).first()
        self.home_id = home.pk if home is not None else None

    def find(self, to_whom: str, municipality_id: int) -> Actor | None:
        actors = self.by_name.get(to_whom)
        if not actors:
            return None
        actor = actors.get(municipality_id)
        if actor is None and to_whom not in LOCAL_SERVICES and self.home_id is not None:
            actor = actors.get(self.home_id)
        return actor
