"""Reads of the lifecycle stages (``LifecycleStage``): the one place every stage check, choice
list, label and "further along?" comparison comes from, so a stage an admin adds, renames,
reorders or hides shows everywhere at once.

The rows are few and read on most pages, so each process keeps them for a few seconds
(``STAGES_TTL``); the writer (``tendril.lifecycle.services``) forgets them at once in its own
process, and other processes see the change within the TTL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tendril.contacts.models import LifecycleStage, Stage
from tendril.core.errors import InvalidInput

STAGES_TTL = 5.0


@dataclass(frozen=True)
class StageRow:
    key: str
    # The admin's name for it; "" for a built-in stage never renamed.
    custom_label: str
    position: int
    active: bool

    @property
    def label(self) -> str:
        """The name shown: the admin's, else the built-in stage's translated name, else the key."""
        if self.custom_label:
            return self.custom_label
        if self.key in Stage.values:
            return str(Stage(self.key).label)
        return self.key


_cache: tuple[float, tuple[StageRow, ...]] | None = None


def stages_forget() -> None:
    """Drop this process's copy of the stages (after they change)."""
    global _cache
    _cache = None


def _seed_built_in() -> None:
    """The built-in stages, when the table is empty (a database emptied by a test flush: every
    real one is seeded by migration 0008, and built-in stages can be hidden, never deleted)."""
    LifecycleStage.objects.bulk_create(
        [LifecycleStage(key=key, position=i) for i, key in enumerate(Stage.values)],
        ignore_conflicts=True,
    )


def stage_rows() -> tuple[StageRow, ...]:
    """Every stage, hidden ones too, in funnel order."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < STAGES_TTL:
        return _cache[1]
    rows = list(LifecycleStage.objects.values_list("key", "label", "position", "active"))
    if not rows:
        _seed_built_in()
        rows = list(LifecycleStage.objects.values_list("key", "label", "position", "active"))
    found = tuple(StageRow(*row) for row in rows)
    _cache = (now, found)
    return found


def stages() -> list[tuple[str, str]]:
    """The stages a contact may be put in, as (key, label) in funnel order: for choices."""
    return [(row.key, row.label) for row in stage_rows() if row.active]


def stage_keys() -> list[str]:
    return [row.key for row in stage_rows() if row.active]


def stage_labels() -> dict[str, str]:
    """{key: label} of every stage, hidden ones too (history still names them)."""
    return {row.key: row.label for row in stage_rows()}


def stage_label(key: object) -> str:
    """The label of ``key``; the key itself for a stage no longer known."""
    return stage_labels().get(str(key), str(key))


def stage_positions() -> dict[str, int]:
    """{key: rank along the funnel} of every stage, from 0: "further along" compares these."""
    return {row.key: rank for rank, row in enumerate(stage_rows())}


def stage_clean(raw: object, *, field: str = "stage") -> str:
    """A stage a contact may be put in (one not hidden), else a 422 naming the choices."""
    keys = stage_keys()
    if not isinstance(raw, str) or raw not in keys:
        raise InvalidInput(
            _("stage must be one of %(choices)s") % {"choices": ", ".join(keys)}, field=field
        )
    return raw
