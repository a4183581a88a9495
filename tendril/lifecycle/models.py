"""lifecycle's table: the stage rules that move contacts forward along the lifecycle stages
(``tendril.contacts.models.LifecycleStage``) when their score, segments or events say so."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import STAGE_KEY_LENGTH


class Trigger(models.TextChoices):
    SCORE = "score", _("The score reaches")
    SEGMENT = "segment", _("The contact enters a segment")
    EVENT = "event", _("An event happens")


class StageRule(models.Model):
    """ "Move the contact to ``stage`` when: its score reaches ``score`` | it enters ``segment``
    | an event of type ``event`` whose properties meet ``where`` happens". Rules only move a
    contact forward: one already at ``stage`` or further along stays where it is."""

    name = models.CharField(max_length=200)
    stage = models.CharField(max_length=STAGE_KEY_LENGTH)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    score = models.IntegerField(null=True, blank=True)
    # A segment a rule listens to cannot be deleted until the rule is changed or deleted: a
    # marketer should not lose a rule silently with a segment.
    segment = models.ForeignKey(
        "segments.Segment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stage_rules",
    )
    event = models.CharField(max_length=80, blank=True, default="")
    where = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Each rule carries what its trigger needs, whatever wrote it.
            models.CheckConstraint(
                condition=Q(trigger=Trigger.SCORE, score__isnull=False)
                | Q(trigger=Trigger.SEGMENT, segment__isnull=False)
                | (Q(trigger=Trigger.EVENT) & ~Q(event="")),
                name="stage_rule_has_its_trigger",
            )
        ]

    def __str__(self) -> str:
        return self.name
