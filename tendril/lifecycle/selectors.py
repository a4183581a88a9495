"""Reads of lifecycle: the stage rules, the stages as the admin screen lists them (with how
many contacts and rules use each), and a contact's stage history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from tendril.contacts.models import Contact, LifecycleStage, Stage
from tendril.contacts.stages import stage_rows
from tendril.core.errors import first_or_not_found
from tendril.core.models import Event
from tendril.lifecycle.models import StageRule

STAGE_CHANGED = "stage_changed"


def stage_rule_list() -> QuerySet[StageRule]:
    return StageRule.objects.select_related("segment")


def stage_rule_get(rule_id: int) -> StageRule:
    return first_or_not_found(
        stage_rule_list().filter(pk=rule_id), _("There is no stage rule with this id.")
    )


def lifecycle_stage_get(key: str) -> LifecycleStage:
    return first_or_not_found(
        LifecycleStage.objects.filter(key=key), _("There is no stage with this key.")
    )


@dataclass(frozen=True)
class StageUse:
    key: str
    label: str
    # The admin's own name ("" for a built-in stage still under its translated name).
    custom_label: str
    active: bool
    contacts: int

    @property
    def built_in(self) -> bool:
        """Built-in stages are hidden, never deleted: their keys are part of the API."""
        return self.key in Stage.values


def stage_uses() -> list[StageUse]:
    """Every stage in funnel order with how many contacts stand in it (what hiding or deleting
    it would strand), in one grouped query."""
    held = dict(
        Contact.objects.order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [
        StageUse(
            row.key,
            row.label,
            row.custom_label,
            row.active,
            held.get(row.key, 0),
        )
        for row in stage_rows()
    ]


def stage_history(*, contact_id: int, limit: int = 200) -> QuerySet[Event]:
    """The contact's stage changes (who or which rule made them is in each event), newest
    first."""
    return Event.objects.filter(contact_id=contact_id, type=STAGE_CHANGED).order_by(
        "-occurred_at", "-id"
    )[:limit]
