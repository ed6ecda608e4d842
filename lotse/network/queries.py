"""Page data of the network: the directory and an actor's page, the info sheets' states and editor, the city map.

Read models only: every change goes through ``services`` and ``sheet_services``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import pgettext
from pghistory.models import Events

from lotse.cases.models import Case
from lotse.core.access import Capability, can
from lotse.core.audit import describe_events
from lotse.core.models import Municipality
from lotse.network.choices import (
    MASTER_LANGUAGE,
    NATIVE_NAMES,
    PUBLIC_LANGUAGES,
    READS_PUBLIC_LANGUAGE,
    RTL_LANGUAGES,
    SheetLanguage,
    TargetGroup,
    direction,
    list_separator,
)
from lotse.network.forms import ActorFilterForm, PublicActorFilterForm
from lotse.network.models import Actor, ActorCategory, InfoSheet, InfoSheetActor, InfoSheetBlock, InfoSheetText
from lotse.network.tiles import map_tile_url
from lotse.people.vocabulary import language_name

if TYPE_CHECKING:
    from lotse.core.models import User

# Actors per page of the directory, and of the public list (and markers on its map): the Ludwigsburg
# network has about a hundred.
PAGE_SIZE = 50
PUBLIC_PAGE_SIZE = 50
HISTORY_LENGTH = 30

E = TypeVar("E")


def by_category(actors: Iterable[Actor], entry: Callable[[Actor], E]) -> list[dict[str, Any]]:
    """Actors ordered by category as ``{"category", "actors"}`` groups, each actor made an ``entry``."""
    return [
        {"category": category, "actors": [entry(actor) for actor in members]}
        for category, members in groupby(actors, key=lambda actor: actor.category)
    ]


def _by_category_order(actors: QuerySet[Actor]) -> QuerySet[Actor]:
    return actors.select_related("category", "municipality").order_by(
        "category__position", "category__name", "name", "pk"
    )


# --- the directory ---------------------------------------------------------------------------------------


def directory_filter(data: Any, actors: Any) -> tuple[ActorFilterForm, Any]:
    """The filter form over ``actors`` and the actors it lets through."""
    form = ActorFilterForm.for_actors(data or None, actors)
    return form, form.apply(actors) if data else actors


def directory_page(user: User, query: QueryDict) -> dict[str, Any]:
    """The directory, filtered and paged, with what the user may do in it."""
    form, actors = directory_filter(query, Actor.objects.visible_to(user))
    actors = actors.select_related("category", "municipality").order_by("category__position", "name", "pk")
    page = Paginator(actors, PAGE_SIZE).get_page(query.get("page"))
    others = query.copy()
    others.pop("page", None)
    return {
        "form": form,
        "page": page,
        "query_string": others.urlencode(),
        "filtered": any(v for k, v in query.items() if k != "page"),
        "may_edit": can(user, Capability.EDIT_NETWORK),
        "may_keep_categories": can(user, Capability.KEEP_CATEGORIES),
    }


def actor_history(user: User, actor: Actor) -> list[dict[str, Any]]:
    """The actor's own changes and its listing on info sheets.

    Only these event models: referrals reference the actor too, but they are casework of
    other organisations and never shown here.
    """
    models = [Actor.pgh_event_model, InfoSheetActor.pgh_event_model]  # type: ignore[attr-defined]
    events = Events.objects.across(*models).references(actor).order_by("-pgh_created_at", "-pgh_id")
    return describe_events(user, list(events[:HISTORY_LENGTH]))


def actor_page(user: User, actor: Actor) -> dict[str, Any]:
    """An actor as the directory shows it; its editors also see its history and how often clients were referred."""
    editor = can(user, Capability.EDIT_NETWORK)
    return {
        "actor": actor,
        "language_names": [language_name(code) for code in actor.languages],
        "target_group_labels": [TargetGroup(code).label for code in actor.target_groups if code in TargetGroup.values],
        "may_edit": editor,
        "history": actor_history(user, actor) if editor else None,
        "referral_count": actor.referrals.count() if editor else None,
    }


def categories_with_counts() -> QuerySet[ActorCategory]:
    return ActorCategory.objects.annotate(actor_count=Count("actors")).order_by("position", "name")


# --- the info sheets: the state of each language ---------------------------------------------------------


@dataclass
class LanguageStatus:
    """How far a sheet's blocks are written in one language."""

    code: str
    label: str
    blocks: int
    missing: int = 0
    outdated: int = 0

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.outdated == 0

    @property
    def is_master(self) -> bool:
        return self.code == MASTER_LANGUAGE


@dataclass
class TextRow:
    """One block's text in one language (or its absence), with whether it is outdated."""

    code: str
    label: str
    text: InfoSheetText | None
    outdated: bool = False

    @property
    def missing(self) -> bool:
        return self.text is None


@dataclass
class BlockState:
    block: InfoSheetBlock
    master: InfoSheetText | None
    rows: list[TextRow] = field(default_factory=list)

    def row(self, code: str) -> TextRow:
        return next(row for row in self.rows if row.code == code)


def block_states(blocks: Iterable[InfoSheetBlock], texts: Iterable[InfoSheetText]) -> list[BlockState]:
    """Each block with its text (or none) per language, from texts fetched at once."""
    by_block: dict[int, dict[str, InfoSheetText]] = {}
    for text in texts:
        by_block.setdefault(text.block_id, {})[text.language] = text
    states = []
    for block in blocks:
        own = by_block.get(block.pk, {})
        master = own.get(MASTER_LANGUAGE)
        rows = []
        for code, label in SheetLanguage.choices:
            written = own.get(code)
            outdated = bool(written and written.is_outdated(master))
            rows.append(TextRow(code=code, label=str(label), text=written, outdated=outdated))
        states.append(BlockState(block=block, master=master, rows=rows))
    return states


def language_statuses(states: list[BlockState]) -> list[LanguageStatus]:
    statuses = [
        LanguageStatus(code=code, label=str(label), blocks=len(states)) for code, label in SheetLanguage.choices
    ]
    for status in statuses:
        for state in states:
            row = state.row(status.code)
            status.missing += row.missing
            status.outdated += row.outdated
    return statuses


def sheet_statuses(sheets: list[InfoSheet]) -> dict[int, list[LanguageStatus]]:
    """The language statuses of each sheet, by its pk (two queries for any number of sheets)."""
    blocks = list(InfoSheetBlock.objects.filter(sheet__in=sheets).only("pk", "sheet_id").order_by("position", "pk"))
    texts = InfoSheetText.objects.filter(block__sheet__in=sheets).only("pk", "block_id", "language", "written_at")
    states = block_states(blocks, texts)
    return {
        sheet.pk: language_statuses([state for state in states if state.block.sheet_id == sheet.pk]) for sheet in sheets
    }


def block_state(block: InfoSheetBlock) -> BlockState:
    texts = InfoSheetText.objects.filter(block=block).select_related("written_by")
    return block_states([block], texts)[0]


def sheet_states(sheet: InfoSheet) -> list[BlockState]:
    blocks = list(InfoSheetBlock.objects.filter(sheet=sheet).order_by("position", "pk"))
    texts = InfoSheetText.objects.filter(block__sheet=sheet).select_related("written_by")
    return block_states(blocks, texts)


def language_options() -> list[dict[str, str]]:
    """The sheet languages, named in the user's language and in their own."""
    return [
        {"code": code, "label": str(label), "native": NATIVE_NAMES.get(code, ""), "dir": direction(code)}
        for code, label in SheetLanguage.choices
    ]


# --- the info sheets: list and editor --------------------------------------------------------------------


def sheet_list_page(user: User) -> dict[str, Any]:
    """Every sheet with the state of its languages; editors also learn whether a municipality still lacks one."""
    sheets = list(
        InfoSheet.objects.visible_to(user)
        .select_related("municipality")
        .annotate(
            listed_count=Count("actors"),
            printed_count=Count("actors", filter=Q(actors__is_public=True)),
        )
        .order_by("municipality__name", "pk")
    )
    statuses = sheet_statuses(sheets)
    editor = can(user, Capability.EDIT_NETWORK)
    rows = [
        {
            "sheet": sheet,
            "statuses": statuses[sheet.pk],
            "blocks": statuses[sheet.pk][0].blocks,
            "unpublished": sheet.listed_count - sheet.printed_count,  # type: ignore[attr-defined]
        }
        for sheet in sheets
    ]
    return {
        "rows": rows,
        "languages": language_options(),
        "editor": editor,
        "may_create": editor and municipalities_without_sheet().exists(),
    }


def municipalities_without_sheet() -> QuerySet[Municipality]:
    return Municipality.objects.filter(info_sheet__isnull=True).order_by("name")


def listed_actors(sheet: InfoSheet) -> list[dict[str, Any]]:
    """The sheet's actors by category, published or not (the editor flags the unpublished ones)."""
    return by_category(_by_category_order(Actor.objects.filter(info_sheets=sheet)), lambda actor: actor)


def sheet_editor_page(sheet: InfoSheet) -> dict[str, Any]:
    """The sheet's blocks with the state of each language, and its actors."""
    states = sheet_states(sheet)
    groups = listed_actors(sheet)
    return {
        "sheet": sheet,
        "states": states,
        "statuses": language_statuses(states),
        "groups": groups,
        "unpublished": [actor for group in groups for actor in group["actors"] if not actor.is_public],
        "languages": language_options(),
    }


def choosable_actors(listed: set[int]) -> QuerySet[Actor]:
    """The actors a sheet may list: the published ones, and those listed already."""
    return _by_category_order(Actor.objects.filter(Q(is_public=True) | Q(pk__in=listed)))


def choice_groups(choosable: Iterable[Actor], chosen: set[str], listed: set[int]) -> list[dict[str, Any]]:
    """The choosable actors by category, each ticked when chosen and flagged when listed now."""
    return by_category(
        choosable,
        lambda actor: {"actor": actor, "checked": str(actor.pk) in chosen, "listed": actor.pk in listed},
    )


# German and English are most often the client's second or third language: a sheet language among the
# others (Arabic, Farsi, Ukrainian, Russian, Turkish) is likelier their first. Spoken languages are
# stored unordered, so this is the only preference there is.
SECOND_LANGUAGES = ("en", MASTER_LANGUAGE)


def client_language(case: Case) -> str:
    """The sheet language the case's main client most likely reads best; German if they speak none."""
    spoken = [READS_PUBLIC_LANGUAGE[code] for code in case.main_client_languages() if code in READS_PUBLIC_LANGUAGE]
    own = [code for code in spoken if code not in SECOND_LANGUAGES]
    if own:
        return own[0]
    return next((code for code in SECOND_LANGUAGES if code in spoken), MASTER_LANGUAGE)


def case_info_sheet_card(case: Case) -> dict[str, Any]:
    """The print buttons of the info sheet of the case's municipality, in the client's language first."""
    has_sheet = InfoSheet.objects.filter(municipality_id=case.municipality_id).exists()
    language = client_language(case) if has_sheet else ""
    options = language_options()
    return {
        "case": case,
        "has_sheet": has_sheet,
        "client_language": next((o for o in options if o["code"] == language), None),
        "other_languages": [o for o in options if o["code"] != language],
    }


# --- the public city map ---------------------------------------------------------------------------------


def listing(items: Iterable[Any], language: str) -> str:
    """Names joined as the language writes a list, in its alphabetical order."""
    return list_separator(language).join(sorted((str(item) for item in items), key=str.casefold))


def published_actors() -> QuerySet[Actor]:
    return Actor.objects.published().select_related("category", "municipality")


@dataclass(frozen=True)
class ListedActor:
    actor: Actor
    languages: str


@dataclass(frozen=True)
class CategoryGroup:
    label: str
    entries: list[ListedActor]


def grouped(actors: Iterable[Actor], language: str) -> list[CategoryGroup]:
    """Consecutive actors of one category under its name (the list is ordered by category)."""
    return [
        CategoryGroup(label=group["category"].label(language), entries=group["actors"])
        for group in by_category(
            actors,
            lambda actor: ListedActor(actor, listing((language_name(code) for code in actor.languages), language)),
        )
    ]


def map_config(actors: Iterable[Actor], language: str, *, link: bool, tiles: str) -> dict[str, Any] | None:
    """What map.js draws: ``tiles`` (``map_tile_url``), icons and a marker per actor with coordinates; None without
    a map."""
    if not tiles:
        return None
    located = [actor for actor in actors if actor.latitude is not None and actor.longitude is not None]
    if not located:
        return None
    latitudes: list[Decimal] = [actor.latitude for actor in located]  # type: ignore[misc]
    longitudes: list[Decimal] = [actor.longitude for actor in located]  # type: ignore[misc]
    markers = [
        {
            "id": actor.pk,
            "name": actor.name,
            "category": actor.category.label(language),
            "lat": float(actor.latitude),  # type: ignore[arg-type]
            "lon": float(actor.longitude),  # type: ignore[arg-type]
            "url": reverse("public:actor", kwargs={"lang": language, "pk": actor.pk}) if link else "",
        }
        for actor in located
    ]
    return {
        "tiles": tiles,
        "attribution": settings.LOTSE_MAP_ATTRIBUTION,
        "rtl": language in RTL_LANGUAGES,
        "icon": {
            "url": static("vendor/leaflet/images/marker-icon.png"),
            "retina": static("vendor/leaflet/images/marker-icon-2x.png"),
            "shadow": static("vendor/leaflet/images/marker-shadow.png"),
        },
        "details": pgettext("public", "Details"),
        "zoom_in": pgettext("public", "Zoom in"),
        "zoom_out": pgettext("public", "Zoom out"),
        "centre": [
            float(sum(latitudes) / len(latitudes)),
            float(sum(longitudes) / len(longitudes)),
        ],
        "bounds": [[float(min(latitudes)), float(min(longitudes))], [float(max(latitudes)), float(max(longitudes))]],
        "markers": markers,
    }


def language_links(query: QueryDict, language: str, url_name: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The same page in every public language (the current one marked), keeping the query string."""
    encoded = query.urlencode()
    links = []
    for code, name, _rtl in PUBLIC_LANGUAGES:
        url = reverse(url_name, kwargs={"lang": code, **kwargs})
        links.append(
            {
                "code": code,
                "name": name,
                "dir": direction(code),
                "url": f"{url}?{encoded}" if encoded else url,
                "current": code == language,
            }
        )
    return links


def page_links(query: QueryDict, page: Page[Actor]) -> dict[str, str]:
    """Links to the previous and next page with the same filters."""
    params = query.copy()
    links = {}
    if page.has_previous():
        params["page"] = str(page.previous_page_number())
        links["previous"] = f"?{params.urlencode()}"
    if page.has_next():
        params["page"] = str(page.next_page_number())
        links["next"] = f"?{params.urlencode()}"
    return links


def public_map_page(query: QueryDict, language: str) -> dict[str, Any]:
    """The published actors: search and filters, the list grouped by category, and the map (``language`` active)."""
    form = PublicActorFilterForm.for_actors(query, Actor.objects.published(), language=language)
    actors = form.apply(published_actors()).order_by("category__position", "category__name", "name", "pk")
    page = Paginator(actors, PUBLIC_PAGE_SIZE).get_page(query.get("page"))
    listed = list(page.object_list)
    tiles = map_tile_url()  # asked once: the map and the notice of the page
    return {
        "form": form,
        "filtered": bool(form.values()),
        "page": page,
        "count": page.paginator.count,
        "groups": grouped(listed, language),
        "page_links": page_links(query, page),
        "map": map_config(listed, language, link=True, tiles=tiles),
        "map_enabled": bool(tiles),
        "language_links": language_links(query, language, "public:map"),
    }


def public_actor_page(actor: Actor, query: QueryDict, language: str) -> dict[str, Any]:
    """One published actor: what it offers, where and when, and its published contact (``language`` active)."""
    return {
        "actor": actor,
        "category": actor.category.label(language),
        "target_groups": listing((TargetGroup(code).label for code in actor.target_groups), language),
        "languages": listing((language_name(code) for code in actor.languages), language),
        # Only web addresses become links (an imported value might be anything).
        "website_url": actor.website if actor.website.startswith(("https://", "http://")) else "",
        "map": map_config([actor], language, link=False, tiles=map_tile_url()),
        "language_links": language_links(query, language, "public:actor", pk=actor.pk),
    }
