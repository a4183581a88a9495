"""scoring's tables: the rules marketers write, the ledger of every point given, and the one row
of settings (grade thresholds, decay)."""

from __future__ import annotations

from django.db import models

# The event scoring itself records: a rule on it would feed on its own output.
OWN_EVENT = "score_changed"
# The name of a ledger row that decay wrote (no rule, no event): shown translated.
DECAY = "Decay"


class ScoringRule(models.Model):
    """ "An event of this type, whose properties meet ``where``, is worth ``points``": points may
    be negative (an unsubscribe), and ``max_per_contact`` caps what this rule may give one
    contact in total (so ten pricing views do not make a lead hot alone)."""

    name = models.CharField(max_length=200)
    event = models.CharField(max_length=80, db_index=True)
    where = models.JSONField(default=dict, blank=True)
    points = models.IntegerField()
    max_per_contact = models.IntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # Set when an edit changed what the rule gives, until its past points are recounted in the
    # background: a long log is never rescored inside the request, and a restart resumes it.
    rescore_due = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ScoreEntry(models.Model):
    """One change of a contact's score and its reason: the contact's score is the sum of its
    entries. ``contact_id`` is a plain number like the event log's, so the ledger survives the
    order in which contacts and events are erased or merged."""

    contact_id = models.BigIntegerField()
    rule = models.ForeignKey(ScoringRule, null=True, blank=True, on_delete=models.SET_NULL)
    # The rule's name when the points were given: the history still says why after a rename
    # or deletion.
    rule_name = models.CharField(max_length=200, blank=True, default="")
    event_id = models.BigIntegerField(null=True, blank=True)
    points = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            # An event is scored once per rule, however often its batch is replayed.
            models.UniqueConstraint(fields=["rule", "event_id"], name="score_entry_once_per_event")
        ]
        indexes = [models.Index(fields=["contact_id", "-at"], name="score_entry_contact")]

    def __str__(self) -> str:
        return f"{self.points:+d} for contact {self.contact_id}"

    @property
    def is_decay(self) -> bool:
        """Written by decay, not by a rule (a deleted rule's rows keep their event)."""
        return self.rule_id is None and self.event_id is None and self.rule_name == DECAY


class ScoringSettings(models.Model):
    """The single row of scoring settings (pk 1): the grade thresholds, and decay (off while
    ``decay_points`` is 0 or ``decay_every`` is empty)."""

    hot = models.IntegerField(default=10)
    warm = models.IntegerField(default=5)
    decay_points = models.PositiveIntegerField(default=0)
    decay_every = models.DurationField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "scoring settings"
