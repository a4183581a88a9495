"""Writes of scoring: rules and settings, checked here so the API and any later screen refuse the
same mistakes with the same messages.

Editing what a rule gives (its event, where, points or cap) rescores the whole log for that rule
(``rule_rescore``, in the background), so every contact's score is what the edited rule would
have given from the start, counted once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from tendril.accounts.services import Actor, audit_record
from tendril.core import clock
from tendril.core.conditions import where_check
from tendril.core.durations import duration_parse
from tendril.core.errors import InvalidInput
from tendril.core.events import event_types, normalise_type
from tendril.core.naming import name_clean
from tendril.scoring.consumers import rule_replay, scores_announce
from tendril.scoring.models import OWN_EVENT, ScoreEntry, ScoringRule, ScoringSettings
from tendril.scoring.selectors import SETTINGS_PK, thresholds_forget

MAX_POINTS = 1000
MAX_CAP = 1_000_000
MAX_THRESHOLD = 1_000_000
# Decay slower than this is no decay a marketer means (and keeps date arithmetic in range).
MAX_DECAY_EVERY = timedelta(days=3653)
# Sent when the grade thresholds change: every contact's grade may have moved with no event of
# theirs, so whatever keeps grades (segments filtering on grade) re-evaluates. Receivers that
# do work should defer it to the commit (``tendril.core.tasks.enqueue``).
grades_moved = Signal()
RULE_FIELDS = ("name", "event", "where", "points", "max_per_contact", "active")
# The fields that change which events a rule scores and how much: editing one rescores.
SCORING_FIELDS = frozenset({"event", "where", "points", "max_per_contact"})


def _name_clean(value: Any) -> str:
    return name_clean(
        value,
        empty=_("Give the rule a name."),
        too_long=_("A rule name has at most 200 characters."),
    )


def _event_clean(value: Any) -> str:
    """A declared event type as is (system ones too: Tendril records them, rules may score
    them), any other name as the custom event an integrator sends (``custom:<name>``)."""
    name = value.strip() if isinstance(value, str) else ""
    if name == OWN_EVENT:
        raise InvalidInput(_("A rule cannot score score changes themselves."), field="event")
    if name in event_types():
        return name
    try:
        return normalise_type(name)
    except ValueError:
        raise InvalidInput(
            _("Give an event type, like page_view or a custom event name."), field="event"
        ) from None


def _points_clean(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value == 0:
        raise InvalidInput(_("Points must be a whole number other than 0."), field="points")
    if abs(value) > MAX_POINTS:
        raise InvalidInput(
            _("Points must be between -%(max)s and %(max)s.") % {"max": MAX_POINTS},
            field="points",
        )
    return value


def _cap_clean(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_CAP:
        raise InvalidInput(
            _("The most points per contact must be a whole number from 1 to %(max)s.")
            % {"max": MAX_CAP},
            field="max_per_contact",
        )
    return value


def _active_clean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("Active is true or false."), field="active")
    return value


_CLEANERS = {
    "name": _name_clean,
    "event": _event_clean,
    "where": lambda value: where_check(value, path="where"),
    "points": _points_clean,
    "max_per_contact": _cap_clean,
    "active": _active_clean,
}


def _rule_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(RULE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("A rule has no field “%(name)s”.") % {"name": unknown[0]}, field=unknown[0]
        )
    return {key: _CLEANERS[key](value) for key, value in data.items()}


@transaction.atomic
def rule_create(*, data: dict[str, Any], by: Actor) -> ScoringRule:
    """A new rule from ``name, event, points`` and optionally ``where, max_per_contact, active``."""
    for required in ("name", "event", "points"):
        if required not in data:
            _CLEANERS[required](None)
    values = _rule_values(data)
    now = clock.now()
    rule = ScoringRule.objects.create(**values, created_at=now, updated_at=now)
    audit_record(
        actor=by,
        action="scoring_rule.create",
        target_type="scoring_rule",
        target_id=rule.pk,
        detail={"name": rule.name},
    )
    return rule


@transaction.atomic
def rule_update(*, rule: ScoringRule, data: dict[str, Any], by: Actor) -> ScoringRule:
    """Change the given fields of ``rule``; when what it gives changed, its past points are
    recounted in the background (``rescore_due`` says so until they are)."""
    from tendril.core.tasks import enqueue
    from tendril.scoring.tasks import rule_rescore_run

    values = _rule_values(data)
    changed = {key for key, value in values.items() if getattr(rule, key) != value}
    for key, value in values.items():
        setattr(rule, key, value)
    rule.updated_at = clock.now()
    if changed & SCORING_FIELDS:
        rule.rescore_due = rule.updated_at
        enqueue(rule_rescore_run, rule_id=rule.pk)
    rule.save()
    audit_record(
        actor=by,
        action="scoring_rule.update",
        target_type="scoring_rule",
        target_id=rule.pk,
        detail={"changed": sorted(values)},
    )
    return rule


@transaction.atomic
def rule_rescore(*, rule: ScoringRule) -> None:
    """Give ``rule``'s points again from the event log: its ledger rows are deleted and every
    matching event replayed through the consumer's own matching, caps and ledger insert (so
    nothing is counted twice, even against a consumer running at the same time: the ledger
    holds one row per rule and event). Contacts whose score moved get a ``score_changed``
    event. An inactive rule gives nothing, so rescoring it only takes its points back.
    The rule stays locked meanwhile, so an edit made during a recount waits for it and then
    asks for its own."""
    locked = ScoringRule.objects.select_for_update().get(pk=rule.pk)
    entries = ScoreEntry.objects.filter(rule=locked)
    touched = set(entries.values_list("contact_id", flat=True))
    entries.delete()
    if locked.active:
        touched |= rule_replay(locked)
    scores_announce({contact_id: {locked.name} for contact_id in touched})
    ScoringRule.objects.filter(pk=locked.pk, rescore_due=locked.rescore_due).update(
        rescore_due=None
    )


def rescores_due(*, older_than: timedelta = timedelta(0)) -> list[int]:
    """The rules still waiting for their recount (for the periodic job that resumes the ones a
    stopped worker never ran)."""
    cutoff = clock.now() - older_than
    return list(
        ScoringRule.objects.filter(rescore_due__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rule_rescore_due(*, rule_id: int) -> bool:
    """Recount ``rule_id``'s points if an edit still asks for it; False when nothing was due
    (the rule was deleted, or another run got there first)."""
    rule = ScoringRule.objects.filter(pk=rule_id, rescore_due__isnull=False).first()
    if rule is None:
        return False
    rule_rescore(rule=rule)
    return True


@transaction.atomic
def rule_delete(*, rule: ScoringRule, by: Actor) -> None:
    """Remove the rule; the points it gave stay in the ledger under its name."""
    audit_record(
        actor=by,
        action="scoring_rule.delete",
        target_type="scoring_rule",
        target_id=rule.pk,
        detail={"name": rule.name},
    )
    rule.delete()


def _threshold_clean(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_THRESHOLD:
        raise InvalidInput(
            _("A threshold is a whole number between -%(max)s and %(max)s.")
            % {"max": MAX_THRESHOLD},
            field=field,
        )
    return value


def _every_clean(value: Any) -> timedelta | None:
    if value is None:
        return None
    every = duration_parse(value)
    if every is None or every <= timedelta(0) or every > MAX_DECAY_EVERY:
        raise InvalidInput(
            _("Give a length of time like P7D (a week) or PT12H (12 hours)."),
            field="decay.every",
        )
    return every


@transaction.atomic
def settings_update(
    *, hot: Any, warm: Any, decay_points: Any, decay_every: Any, by: Actor
) -> ScoringSettings:
    """New grade thresholds (hot above warm) and decay terms (``decay_points`` every
    ``decay_every``, an ISO 8601 duration; 0 points or no duration: no decay)."""
    hot_value = _threshold_clean(hot, "hot")
    warm_value = _threshold_clean(warm, "warm")
    if warm_value >= hot_value:
        raise InvalidInput(_("Hot must be a higher score than warm."), field="hot")
    if (
        not isinstance(decay_points, int)
        or isinstance(decay_points, bool)
        or not (0 <= decay_points <= MAX_POINTS)
    ):
        raise InvalidInput(
            _("Decay points must be a whole number from 0 to %(max)s.") % {"max": MAX_POINTS},
            field="decay.points",
        )
    every = _every_clean(decay_every)
    if decay_points and every is None:
        raise InvalidInput(_("Say how often the points decay, like P7D."), field="decay.every")
    row, _created = ScoringSettings.objects.select_for_update().get_or_create(pk=SETTINGS_PK)
    regraded = (row.hot, row.warm) != (hot_value, warm_value)
    row.hot, row.warm = hot_value, warm_value
    row.decay_points, row.decay_every = decay_points, every
    row.updated_at = clock.now()
    row.save()
    audit_record(
        actor=by,
        action="scoring.settings",
        target_type="scoring_settings",
        target_id=row.pk,
        detail={"hot": hot_value, "warm": warm_value},
    )
    transaction.on_commit(thresholds_forget)
    thresholds_forget()
    if regraded:
        grades_moved.send(sender=ScoringSettings)
    return row


def ledger_merge(keep_id: int, gone_id: int) -> None:
    """Two contacts merged (``tendril.contacts.merging``): ``gone``'s ledger rows now count
    for ``keep``, whose score becomes the sum again (a ``score_changed`` tells it). The rows
    stay unique per (rule, event), and their events moved to ``keep`` with them, so the
    consumer replaying the log finds every pair already scored and counts nothing twice."""
    ScoreEntry.objects.filter(contact_id=gone_id).update(contact_id=keep_id)
    scores_announce({keep_id: set()})
