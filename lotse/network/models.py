"""The network directory (Akteure für Integration) and the multilingual info sheets.

Actors are institutions, not clients: every signed-in user may see the whole
directory (caseworkers refer clients to them), anonymous visitors of the city
map only the published ones. Only the network editors change them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotse.core.access import Capability, can
from lotse.core.models import Municipality, VersionedModel
from lotse.network.choices import MASTER_LANGUAGE, Accessibility, OrganisationType, SheetLanguage, TargetGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lotse.core.models import User


slug_validator = RegexValidator(
    regex=r"^[a-z0-9][a-z0-9_-]{0,39}$",
    message=_("The code may contain lower-case letters, digits, hyphens and underscores (at most 40 characters)."),
    code="invalid_slug",
)


class ActorCategoryQuerySet(models.QuerySet["ActorCategory"]):
    def visible_to(self, user: User | AnonymousUser) -> ActorCategoryQuerySet:
        return self.all()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ActorCategory(VersionedModel):
    """Arbeit, Beratung, Blaulicht, ...: six from the start, more added by administrators."""

    slug = models.CharField(_("code"), max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(_("name (German)"), max_length=100, unique=True)
    # Names in the other public languages, {"en": "Work", "ar": "..."}; German is ``name``.
    translations = models.JSONField(_("names in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ActorCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor category")
        verbose_name_plural = _("actor categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one); German where no translation exists."""
        code = (language or get_language() or MASTER_LANGUAGE).split("-")[0]
        if code == MASTER_LANGUAGE:
            return self.name
        translated = self.translations.get(code) if isinstance(self.translations, dict) else None
        return str(translated) if translated else self.name


class ActorQuerySet(models.QuerySet["Actor"]):
    def visible_to(self, user: User | AnonymousUser) -> ActorQuerySet:
        """The whole directory for signed-in users; the published actors for everyone else."""
        if user.is_authenticated and user.is_active:
            return self.all()
        return self.published()

    def published(self) -> ActorQuerySet:
        return self.filter(is_public=True)

    def editable_by(self, user: User | AnonymousUser) -> ActorQuerySet:
        return self.all() if can(user, Capability.EDIT_NETWORK) else self.none()

    def search(self, text: str) -> ActorQuerySet:
        """Full-text search (German stemming) over name, services and the rest, or a part of the name."""
        text = " ".join(text.split())
        if not text:
            return self
        query = SearchQuery(text, config="german", search_type="websearch")
        return self.filter(Q(search_document=query) | Q(name__icontains=text) | Q(services__icontains=text))

    def speaking(self, language: str) -> ActorQuerySet:
        return self.filter(languages__contains=[language])

    def languages_in_use(self) -> list[str]:
        """The codes of the languages some of these actors counsel in (one query)."""
        codes = self.order_by().annotate(code=Func(F("languages"), function="unnest")).values_list("code", flat=True)
        return list(codes.distinct())


# The search document is derived from the other fields; the history need not keep it.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["search_document"])
class Actor(VersionedModel):
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        ActorCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="actors"
    )
    organisation_type = models.CharField(
        _("type of organisation"), max_length=30, choices=OrganisationType.choices, default=OrganisationType.SONSTIGE
    )
    services = models.TextField(_("services offered"), blank=True)
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    # ISO 639-3 codes of the languages counselling is offered in.
    languages = ArrayField(
        models.CharField(max_length=3), verbose_name=_("languages of counselling"), default=list, blank=True
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A postal code has five digits."), "invalid_postcode")],
    )
    town = models.CharField(_("town"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="actors"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    opening_hours = models.TextField(_("opening hours"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    accessibility = models.CharField(
        _("accessibility"), max_length=20, choices=Accessibility.choices, default=Accessibility.UNBEKANNT
    )
    appointment_needed = models.BooleanField(_("appointment needed"), default=False)
    is_public = models.BooleanField(
        _("shown publicly"),
        default=False,
        help_text=_("Published actors appear on the public city map and on info sheets, with their contact."),
    )
    search_document = models.GeneratedField(
        expression=SearchVector("name", "services", "town", "contact_person", config="german"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name", "pk"]
        indexes = [GinIndex(fields=["search_document"], name="actor_search_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values), name="actor_organisation_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(accessibility__in=Accessibility.values), name="actor_accessibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(target_groups__contained_by=TargetGroup.values), name="actor_target_groups_valid"
            ),
            # Coordinates come as a pair or not at all.
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="actor_coordinates_pair",
            ),
            models.UniqueConstraint(fields=["name", "municipality"], name="actor_unique_name_per_municipality"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def address_line(self) -> str:
        place = " ".join(part for part in (self.postcode, self.town) if part)
        return ", ".join(part for part in (self.street, place) if part)


class InfoSheetQuerySet(models.QuerySet["InfoSheet"]):
    def visible_to(self, user: User | AnonymousUser) -> InfoSheetQuerySet:
        """Every signed-in user prints the sheets (they are handed out at assignments and registrations)."""
        if user.is_authenticated and user.is_active:
            return self.all()
        return self.none()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InfoSheet(VersionedModel):
    """The sheet "Ansprechpartner und Beratungsangebote" of one municipality."""

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="info_sheet"
    )
    actors = models.ManyToManyField(Actor, verbose_name=_("actors listed"), related_name="info_sheets", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = InfoSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("info sheet")
        verbose_name_plural = _("info sheets")
        ordering = ["municipality__name"]

    def __str__(self) -> str:
        return str(self.municipality.name)


# Which actors a sheet lists is kept in the history, too (who added or removed whom, and when):
# pghistory tracks a many-to-many table through a proxy of it.
@pghistory.track(
    pghistory.InsertEvent("actor.add"),
    pghistory.DeleteEvent("actor.remove"),
    obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
    model_name="InfoSheetActorEvent",
)
class InfoSheetActor(InfoSheet.actors.through):  # type: ignore[name-defined]
    class Meta:
        proxy = True
        verbose_name = _("actor listed on an info sheet")
        verbose_name_plural = _("actors listed on info sheets")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InfoSheetBlock(VersionedModel):
    """One text block of a sheet (a welcome, emergency numbers, ...); its texts are per language."""

    sheet = models.ForeignKey(InfoSheet, verbose_name=_("info sheet"), on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("text block")
        verbose_name_plural = _("text blocks")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet} #{self.position}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class InfoSheetText(VersionedModel):
    """A block's heading and text in one language. German is the master of its translations."""

    block = models.ForeignKey(
        InfoSheetBlock, verbose_name=_("text block"), on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=5, choices=SheetLanguage.choices)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # When the text itself was last written: a translation written before its German original's
    # last change is outdated.
    written_at = models.DateTimeField(_("written at"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("text of a block")
        verbose_name_plural = _("texts of blocks")
        ordering = ["block", "language"]
        constraints = [
            models.UniqueConstraint(fields=["block", "language"], name="info_sheet_text_one_per_language"),
            models.CheckConstraint(
                condition=Q(language__in=SheetLanguage.values), name="info_sheet_text_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} [{self.language}]"

    def is_outdated(self, original: InfoSheetText | None) -> bool:
        """A translation is outdated when its German original was changed after it was written."""
        if self.language == MASTER_LANGUAGE or original is None:
            return False
        return self.written_at < original.written_at
