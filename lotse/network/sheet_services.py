"""Every change to the info sheets: one transaction each, by network editors only, with its audit trail.

German is the master language: a block is created with its German text, a
translation needs the German text first, and a translation written before the
German text's last change is outdated until the translator saves (or confirms)
it again. What the pages read (the state of each language) is in ``queries``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.services import ConcurrentEditError, audit_context, save_versioned
from lotse.core.transactions import atomic
from lotse.network.choices import MASTER_LANGUAGE, SheetLanguage
from lotse.network.models import Actor, InfoSheet, InfoSheetBlock, InfoSheetText
from lotse.network.services import check_edits_network

if TYPE_CHECKING:
    from lotse.core.models import Municipality, User

HEADING_MAX_LENGTH = InfoSheetText._meta.get_field("heading").max_length or 200
UP, DOWN = -1, 1


def _check_language(language: str) -> None:
    if language not in SheetLanguage.values:
        raise ValidationError(
            _("Info sheets are not written in the language “%(code)s”.") % {"code": language}, code="language"
        )


def _check_text(heading: str, body: str) -> None:
    if not body:
        raise ValidationError(_("Enter the text of the block."), code="body_required")
    if len(heading) > HEADING_MAX_LENGTH:
        raise ValidationError(
            _("The heading may have at most %(max)s characters.") % {"max": HEADING_MAX_LENGTH}, code="heading_long"
        )


def _locked_sheet(sheet: InfoSheet) -> InfoSheet:
    """The sheet's row, locked: changes to its blocks and actors queue behind each other."""
    return InfoSheet.objects.select_for_update().get(pk=sheet.pk)


def _touch(sheet: InfoSheet) -> None:
    sheet.updated_at = timezone.now()
    InfoSheet.objects.filter(pk=sheet.pk).update(updated_at=sheet.updated_at)


# --- sheets and their actors -----------------------------------------------------------------------------


def create_sheet(*, acting_user: User | None, municipality: Municipality) -> InfoSheet:
    """The (empty) sheet of a municipality; each municipality has at most one."""
    check_edits_network(acting_user)
    refused = ValidationError(
        _("%(municipality)s already has an info sheet.") % {"municipality": municipality.name}, code="sheet_exists"
    )
    with atomic(), audit_context(acting_user):
        if InfoSheet.objects.filter(municipality=municipality).exists():
            raise refused
        try:
            with atomic():
                return InfoSheet.objects.create(municipality=municipality)
        except IntegrityError:
            # Someone created it a moment ago.
            raise refused from None


def set_actors(
    *, acting_user: User | None, sheet: InfoSheet, actors: Iterable[Actor], expected_version: int
) -> InfoSheet:
    """List exactly ``actors`` on the sheet.

    The sheet is handed to the public, so only published actors may be added. An actor that was
    listed and has been unpublished since may stay listed (it is not printed and the editor flags it).
    """
    check_edits_network(acting_user)
    wanted = {a.pk: a for a in actors}
    with atomic(), audit_context(acting_user):
        locked = _locked_sheet(sheet)
        if locked.version != expected_version:
            raise ConcurrentEditError
        current = set(locked.actors.values_list("pk", flat=True))
        added = set(wanted) - current
        removed = current - set(wanted)
        unpublished = sorted(
            Actor.objects.filter(pk__in=added, is_public=False).values_list("name", flat=True), key=str.casefold
        )
        if unpublished:
            raise ValidationError(
                _(
                    "Only published actors can be listed on the info sheet, which is handed to the public. "
                    "Not published: %(names)s."
                )
                % {"names": ", ".join(unpublished)},
                code="actor_not_public",
            )
        if len(added) != Actor.objects.filter(pk__in=added).count():
            raise ValidationError(_("An actor chosen was deleted in the meantime."), code="actor_gone")
        if not added and not removed:
            return locked
        locked.actors.remove(*removed)
        # Rows in the order of the actors' ids, so the history lists the additions in a stable order
        # (``actors.add`` inserts in the order of a Python set).
        link = InfoSheet.actors.through
        link.objects.bulk_create([link(infosheet_id=locked.pk, actor_id=pk) for pk in sorted(added)])
        locked.updated_at = timezone.now()
        save_versioned(locked, expected_version, ["updated_at"])
        sheet.version, sheet.updated_at = locked.version, locked.updated_at
        return sheet


# --- blocks ----------------------------------------------------------------------------------------------


def add_block(*, acting_user: User | None, sheet: InfoSheet, heading: str, body: str) -> InfoSheetBlock:
    """A new block at the end of the sheet, with its German text (every translation starts from it)."""
    check_edits_network(acting_user)
    heading, body = heading.strip(), body.strip()
    _check_text(heading, body)
    with atomic(), audit_context(acting_user):
        locked = _locked_sheet(sheet)
        last = InfoSheetBlock.objects.filter(sheet=locked).aggregate(last=Max("position"))["last"]
        block = InfoSheetBlock.objects.create(sheet=locked, position=0 if last is None else last + 1)
        InfoSheetText.objects.create(
            block=block,
            language=MASTER_LANGUAGE,
            heading=heading,
            body=body,
            written_at=timezone.now(),
            written_by=acting_user,
        )
        _touch(locked)
        return block


def move_block(*, acting_user: User | None, block: InfoSheetBlock, direction: int) -> bool:
    """Swap the block with its neighbour above (``UP``) or below (``DOWN``); False when it is already at that end."""
    check_edits_network(acting_user)
    if direction not in (UP, DOWN):
        raise ValueError(f"direction must be UP or DOWN, got {direction!r}")
    with atomic(), audit_context(acting_user):
        locked = _locked_sheet(block.sheet)
        blocks = list(InfoSheetBlock.objects.filter(sheet=locked).order_by("position", "pk"))
        index = next((i for i, b in enumerate(blocks) if b.pk == block.pk), None)
        if index is None:
            raise ValidationError(_("The text block was deleted in the meantime."), code="block_gone")
        other = index + direction
        if not 0 <= other < len(blocks):
            return False
        blocks[index], blocks[other] = blocks[other], blocks[index]
        # Positions are renumbered 0, 1, 2 ...: gaps and equal positions from earlier changes disappear.
        for position, each in enumerate(blocks):
            if each.position != position:
                InfoSheetBlock.objects.filter(pk=each.pk).update(position=position)
                each.position = position
        block.position = other
        _touch(locked)
        return True


def delete_block(*, acting_user: User | None, block: InfoSheetBlock) -> None:
    """Remove a block with its texts in every language."""
    check_edits_network(acting_user)
    with atomic(), audit_context(acting_user):
        locked = _locked_sheet(block.sheet)
        deleted, _counts = InfoSheetBlock.objects.filter(pk=block.pk, sheet=locked).delete()
        if not deleted:
            raise ValidationError(_("The text block was deleted in the meantime."), code="block_gone")
        _touch(locked)


# --- texts -----------------------------------------------------------------------------------------------


def _master_of(block: InfoSheetBlock) -> InfoSheetText | None:
    return InfoSheetText.objects.filter(block=block, language=MASTER_LANGUAGE).first()


def _check_master(master: InfoSheetText | None, master_version: int | None) -> InfoSheetText:
    if master is None:
        raise ValidationError(
            _("Write the German text of the block first: it is the original of every translation."),
            code="master_missing",
        )
    if master_version is not None and master.version != master_version:
        raise ValidationError(
            _(
                "The German text was changed while you were translating, so nothing was saved. "
                "Compare your translation with the current German text beside the form and save again."
            ),
            code="master_changed",
        )
    return master


def write_text(
    *,
    acting_user: User | None,
    block: InfoSheetBlock,
    language: str,
    heading: str,
    body: str,
    expected_version: int | None,
    master_version: int | None = None,
    confirmed: bool = False,
) -> InfoSheetText:
    """Write the block's heading and text in ``language`` (German: the master; else a translation).

    ``expected_version`` is the version of the text the form was loaded with (None: there was none
    yet). For a translation, ``master_version`` is the version of the German text the translator saw.
    A change stamps ``written_at`` and ``written_by``. An unchanged German text changes nothing (its
    translations stay current); an unchanged outdated translation becomes current only ``confirmed``.
    """
    check_edits_network(acting_user)
    _check_language(language)
    heading, body = heading.strip(), body.strip()
    _check_text(heading, body)
    with atomic(), audit_context(acting_user):
        # The block's row is locked, so two first translations into one language cannot both be created.
        locked = InfoSheetBlock.objects.select_for_update().filter(pk=block.pk).first()
        if locked is None:
            raise ValidationError(_("The text block was deleted in the meantime."), code="block_gone")
        texts = {t.language: t for t in InfoSheetText.objects.filter(block=locked)}
        existing = texts.get(language)
        master = None if language == MASTER_LANGUAGE else _check_master(texts.get(MASTER_LANGUAGE), master_version)
        if (existing is None) != (expected_version is None):
            raise ConcurrentEditError
        now = timezone.now()
        if existing is None:
            return InfoSheetText.objects.create(
                block=locked, language=language, heading=heading, body=body, written_at=now, written_by=acting_user
            )
        if existing.version != expected_version:
            raise ConcurrentEditError
        unchanged = existing.heading == heading and existing.body == body
        if unchanged:
            if master is None or not existing.is_outdated(master):
                return existing
            if not confirmed:
                raise ValidationError(
                    _(
                        "The German text was changed after this translation was written. Change the translation, "
                        "or confirm that it still matches the current German text."
                    ),
                    code="confirm_needed",
                )
        existing.heading, existing.body = heading, body
        existing.written_at, existing.written_by = now, acting_user
        assert expected_version is not None
        return save_versioned(existing, expected_version, ["heading", "body", "written_at", "written_by"])


def confirm_translation(
    *, acting_user: User | None, text: InfoSheetText, expected_version: int, master_version: int | None = None
) -> InfoSheetText:
    """The translator checked the translation against the current German text: it is current again, unchanged."""
    check_edits_network(acting_user)
    if text.language == MASTER_LANGUAGE:
        raise ValidationError(_("The German text is the original: there is nothing to confirm."), code="is_master")
    with atomic(), audit_context(acting_user):
        _check_master(_master_of(text.block), master_version)
        text.written_at, text.written_by = timezone.now(), acting_user
        return save_versioned(text, expected_version, ["written_at", "written_by"])
