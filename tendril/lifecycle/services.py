"""Writes of lifecycle: the stage rules, and the admin's arrangement of the stages themselves
(rename, reorder, add, hide, delete), checked here so the API and the screens refuse the same
mistakes with the same messages.

A rule applies to what happens after it is saved (``tendril.lifecycle.consumers``): creating
or editing one does not look back through history; applying it to the contacts who meet it
already is an explicit request (``stage_rule_apply``), run in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.models import DEFAULT_STAGE, STAGE_KEY_LENGTH, Contact, LifecycleStage, Stage
from tendril.contacts.stages import stage_clean, stages_forget
from tendril.core import clock
from tendril.core.conditions import where_check
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.events import event_types, normalise_type
from tendril.core.naming import name_clean, saved_or_conflict
from tendril.core.tasks import enqueue
from tendril.lifecycle.models import StageRule, Trigger
from tendril.lifecycle.tasks import stage_rule_apply_run
from tendril.segments.models import Segment

RULE_FIELDS = ("name", "stage", "trigger", "score", "segment", "event", "where", "active")
MAX_SCORE = 1_000_000
LABEL_MAX = LifecycleStage._meta.get_field("label").max_length or 60


# --- stage rules --------------------------------------------------------------------------


def _name_clean(value: Any) -> str:
    return name_clean(
        value,
        empty=_("Give the rule a name."),
        too_long=_("A rule name has at most 200 characters."),
    )


def _trigger_clean(value: Any) -> str:
    if value not in Trigger.values:
        raise InvalidInput(
            _("trigger must be one of %(choices)s") % {"choices": ", ".join(Trigger.values)},
            field="trigger",
        )
    return str(value)


def _score_clean(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_SCORE:
        raise InvalidInput(
            _("The score is a whole number between -%(max)s and %(max)s.") % {"max": MAX_SCORE},
            field="score",
        )
    return value


def _segment_clean(value: Any) -> Segment | None:
    if value is None:
        return None
    found = (
        Segment.objects.filter(pk=value).first()
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63
        else None
    )
    if found is None:
        raise InvalidInput(_("Choose one of the segments."), field="segment")
    return found


def _event_clean(value: Any) -> str:
    """A declared event type as is (system ones too, like ``purchase`` or ``email_clicked``),
    any other name as the custom event an integrator sends (``custom:<name>``); "" for none."""
    name = value.strip() if isinstance(value, str) else ""
    if value is None or not name or name in event_types():
        return name
    try:
        return normalise_type(name)
    except ValueError:
        raise InvalidInput(
            _("Give an event type, like purchase or a custom event name."), field="event"
        ) from None


def _active_clean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("Active is true or false."), field="active")
    return value


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": _name_clean,
    "stage": stage_clean,
    "trigger": _trigger_clean,
    "score": _score_clean,
    "segment": _segment_clean,
    "event": _event_clean,
    "where": lambda value: where_check(value, path="where"),
    "active": _active_clean,
}


def _rule_values(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(RULE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("A rule has no field “%(name)s”.") % {"name": unknown[0]}, field=unknown[0]
        )
    return {key: _CLEANERS[key](value) for key, value in data.items()}


def _trigger_complete(rule: StageRule) -> None:
    """The rule carries what its trigger needs; what other triggers would need is cleared."""
    if rule.trigger == Trigger.SCORE and rule.score is None:
        raise InvalidInput(_("Say which score moves the contact."), field="score")
    if rule.trigger == Trigger.SEGMENT and rule.segment_id is None:
        raise InvalidInput(_("Choose the segment that moves the contact."), field="segment")
    if rule.trigger == Trigger.EVENT and not rule.event:
        raise InvalidInput(_("Give the event that moves the contact."), field="event")
    if rule.trigger != Trigger.SCORE:
        rule.score = None
    if rule.trigger != Trigger.SEGMENT:
        rule.segment = None
    if rule.trigger != Trigger.EVENT:
        rule.event, rule.where = "", {}


@transaction.atomic
def stage_rule_create(*, data: dict[str, Any], by: Actor) -> StageRule:
    """A new rule from ``name, stage, trigger`` and what the trigger needs (``score``,
    ``segment`` or ``event`` with an optional ``where``); ``active`` defaults to true."""
    for required in ("name", "stage", "trigger"):
        if required not in data:
            _CLEANERS[required](None)
    now = clock.now()
    rule = StageRule(**_rule_values(data), created_at=now, updated_at=now)
    _trigger_complete(rule)
    rule.save()
    audit_record(
        actor=by,
        action="stage_rule.create",
        target_type="stage_rule",
        target_id=rule.pk,
        detail={"name": rule.name, "stage": rule.stage},
    )
    return rule


@transaction.atomic
def stage_rule_update(*, rule: StageRule, data: dict[str, Any], by: Actor) -> StageRule:
    """Change the given fields of ``rule``; it applies to what happens from now on."""
    values = _rule_values(data)
    rule = StageRule.objects.select_for_update().get(pk=rule.pk)
    for key, value in values.items():
        setattr(rule, key, value)
    _trigger_complete(rule)
    rule.updated_at = clock.now()
    rule.save()
    audit_record(
        actor=by,
        action="stage_rule.update",
        target_type="stage_rule",
        target_id=rule.pk,
        detail={"changed": sorted(values)},
    )
    return rule


@transaction.atomic
def stage_rule_apply(*, rule: StageRule, by: Actor) -> None:
    """Apply ``rule`` to the contacts who meet it now, in the background once this transaction
    commits (forward only, like the rule itself: asking twice moves nobody more)."""
    audit_record(
        actor=by,
        action="stage_rule.apply",
        target_type="stage_rule",
        target_id=rule.pk,
        detail={"name": rule.name},
    )
    enqueue(stage_rule_apply_run, rule_id=rule.pk)


@transaction.atomic
def stage_rule_delete(*, rule: StageRule, by: Actor) -> None:
    """Remove the rule; the stage changes it made stay in history under its name."""
    audit_record(
        actor=by,
        action="stage_rule.delete",
        target_type="stage_rule",
        target_id=rule.pk,
        detail={"name": rule.name},
    )
    rule.delete()


# --- the stages themselves ----------------------------------------------------------------


def _stages_locked() -> list[LifecycleStage]:
    """Every stage row, locked in funnel order: two admins arranging stages at once take turns."""
    return list(LifecycleStage.objects.select_for_update().order_by("position", "id"))


def _changed(stage: LifecycleStage, by: Actor, action: str, **detail: Any) -> LifecycleStage:
    audit_record(
        actor=by,
        action=f"stage.{action}",
        target_type="stage",
        target_id=stage.key,
        detail=detail,
    )
    transaction.on_commit(stages_forget)
    stages_forget()
    return stage


def _label_clean(value: Any, *, required: bool) -> str:
    label = value.strip() if isinstance(value, str) else ""
    if required and not label:
        raise InvalidInput(_("Give the stage a name."), field="label")
    if len(label) > LABEL_MAX:
        raise InvalidInput(
            _("A stage name has at most %(max)s characters.") % {"max": LABEL_MAX}, field="label"
        )
    return label


@transaction.atomic
def stage_add(*, key: str, label: str, by: Actor) -> LifecycleStage:
    """A new stage at the end of the funnel; its key (made from the name when empty) is what
    the API and imports use and never changes."""
    name = _label_clean(label, required=True)
    slug = slugify(key or name).replace("-", "_")[:STAGE_KEY_LENGTH].strip("_")
    if not slug:
        raise InvalidInput(_("The key must have letters or digits."), field="key")
    _stages_locked()  # the next position is taken once, even by two admins at once
    last = LifecycleStage.objects.aggregate(last=Max("position"))["last"]
    taken = _("There is already a stage with the key “%(key)s”.") % {"key": slug}
    with saved_or_conflict(taken, field="key"):
        stage = LifecycleStage.objects.create(
            key=slug, label=name, position=0 if last is None else last + 1
        )
    return _changed(stage, by, "add", label=name)


@transaction.atomic
def stage_rename(*, stage: LifecycleStage, label: str, by: Actor) -> LifecycleStage:
    """Name the stage ``label``; an empty name gives a built-in stage back its own
    (translated) name."""
    name = _label_clean(label, required=stage.key not in Stage.values)
    stage = LifecycleStage.objects.select_for_update().get(pk=stage.pk)
    stage.label = name
    stage.save(update_fields=["label"])
    return _changed(stage, by, "rename", label=name)


@transaction.atomic
def stage_move(*, stage: LifecycleStage, step: int, by: Actor) -> LifecycleStage:
    """Move the stage one place earlier (``step`` -1) or later (+1) along the funnel; rules
    promote by this order."""
    rows = _stages_locked()
    at = next(i for i, row in enumerate(rows) if row.pk == stage.pk)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(rows):
        return stage
    rows[at], rows[to] = rows[to], rows[at]
    for position, row in enumerate(rows):
        row.position = position
    LifecycleStage.objects.bulk_update(rows, ["position"])
    return _changed(rows[to], by, "move", position=to)


def _refuse_if_used(stage: LifecycleStage, *, hiding: bool) -> None:
    """A stage contacts hold, new contacts start in or a rule moves contacts to stays."""
    if stage.key == DEFAULT_STAGE:
        raise Conflict(_("New contacts start in this stage: it cannot be hidden or deleted."))
    held = Contact.objects.filter(stage=stage.key).count()
    if held:
        message = (
            ngettext(
                "%(count)s contact is in this stage: move it to another stage first.",
                "%(count)s contacts are in this stage: move them to another stage first.",
                held,
            )
            if hiding
            else ngettext(
                "%(count)s contact is in this stage: move it to another stage before deleting.",
                "%(count)s contacts are in this stage: move them to another stage before deleting.",
                held,
            )
        )
        raise Conflict(message % {"count": held})
    rules = StageRule.objects.filter(stage=stage.key).count()
    if rules:
        raise Conflict(
            ngettext(
                "%(count)s stage rule moves contacts to this stage: change it first.",
                "%(count)s stage rules move contacts to this stage: change them first.",
                rules,
            )
            % {"count": rules}
        )


@transaction.atomic
def stage_hide(*, stage: LifecycleStage, by: Actor) -> LifecycleStage:
    """Stop offering an unused stage (history still names it); refused while contacts hold
    it, new contacts start in it or a rule moves contacts to it."""
    _stages_locked()
    stage = LifecycleStage.objects.get(pk=stage.pk)
    _refuse_if_used(stage, hiding=True)
    stage.active = False
    stage.save(update_fields=["active"])
    return _changed(stage, by, "hide")


@transaction.atomic
def stage_show(*, stage: LifecycleStage, by: Actor) -> LifecycleStage:
    """Offer a hidden stage again, where it stood."""
    stage = LifecycleStage.objects.select_for_update().get(pk=stage.pk)
    stage.active = True
    stage.save(update_fields=["active"])
    return _changed(stage, by, "show")


@transaction.atomic
def stage_delete(*, stage: LifecycleStage, by: Actor) -> None:
    """Delete a stage an admin added, on the same terms as hiding it; built-in stages are only
    hidden (their keys are part of the API)."""
    if stage.key in Stage.values:
        raise Conflict(_("A built-in stage cannot be deleted; hide it instead."))
    _stages_locked()
    _refuse_if_used(stage, hiding=False)
    _changed(stage, by, "delete", label=stage.label)
    stage.delete()
