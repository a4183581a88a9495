"""personas's tables: buying-stage dimensions and their ordered stages, where each contact
stands on each dimension, and personas (the fictional target customers tied to segments).

A dimension is a second axis beside the lifecycle stage (subscriber … customer): the buyer's
own journey, e.g. the B2B eight stages or the B2C funnel. A contact stands at no more than one
stage per dimension; the unique constraint makes that true even when two people set it at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import Contact
from tendril.personas.presets import PRESETS, preset_stage
from tendril.segments.models import Segment


class DimensionKind(models.TextChoices):
    B2B = "b2b", _("B2B")
    B2C = "b2c", _("B2C")
    CUSTOM = "custom", _("Custom")


class BuyingStageDimension(models.Model):
    # Empty while a preset keeps its built-in (translated) name.
    name = models.CharField(max_length=200, blank=True, default="")
    # "b2b" or "b2c" for the two dimensions the data migration made; "" for the others.
    preset = models.CharField(max_length=10, blank=True, default="")
    kind = models.CharField(max_length=10, choices=DimensionKind.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["preset"],
                condition=~models.Q(preset=""),
                name="buying_dimension_preset_once",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def words(self) -> str:
        """The name as stored, or a preset's built-in English name (events keep these words)."""
        preset = PRESETS.get(self.preset)
        return self.name or (preset.name if preset else "")

    @property
    def display_name(self) -> str:
        """The name in the reader's language while a preset keeps its built-in one."""
        return self.name or gettext(self.words)


class BuyingStage(models.Model):
    """One stage of a dimension. ``key`` is what the API, events and segment filters use; it
    never changes when the stage is renamed or moved."""

    dimension = models.ForeignKey(
        BuyingStageDimension, on_delete=models.CASCADE, related_name="stages"
    )
    key = models.SlugField(max_length=50)
    # Empty while a preset's stage keeps its built-in (translated) label / description.
    label = models.CharField(max_length=100, blank=True, default="")
    description = models.TextField(blank=True, default="")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="buying_stage_key_once")
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def words(self) -> str:
        """The label as stored, or a preset stage's built-in English label (events keep
        these words)."""
        built_in = preset_stage(self.dimension.preset, self.key)
        return self.label or (built_in.label if built_in else self.key)

    @property
    def display_label(self) -> str:
        """The label in the reader's language while a preset stage keeps its built-in one."""
        return self.label or gettext(self.words)

    @property
    def display_description(self) -> str:
        if self.description:
            return self.description
        built_in = preset_stage(self.dimension.preset, self.key)
        return gettext(built_in.description) if built_in else ""


class ContactBuyingStage(models.Model):
    """Where one contact stands on one dimension, and since when."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    dimension = models.ForeignKey(BuyingStageDimension, on_delete=models.CASCADE, related_name="+")
    # PROTECT: a stage someone stands at cannot be removed, even by a removal racing a move.
    stage = models.ForeignKey(BuyingStage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "dimension"], name="contact_buying_stage_once"
            )
        ]
        # "How many contacts stand at each stage" (the persona page's chart, stage removal).
        indexes = [models.Index(fields=["stage", "contact"], name="contact_buying_stage_stage")]

    def __str__(self) -> str:
        return f"{self.contact_id} at {self.stage_id}"


class Persona(models.Model):
    """A fictional target customer: who they are, what they want, the buying-stage dimension
    they move through, and the segments that hold the real contacts who fit them."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    goals = models.JSONField(default=list, blank=True)
    dimension = models.ForeignKey(
        BuyingStageDimension, on_delete=models.PROTECT, related_name="personas"
    )
    segments = models.ManyToManyField(Segment, blank=True, related_name="personas")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
