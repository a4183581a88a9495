"""The event personas records: a contact's move on a buying-stage dimension.

Its properties keep the dimension's and stages' words as they were at the move (a preset's
built-in English words, or the marketer's own), so the sentence still reads after a rename or
a removal, in the reader's language for every word nobody renamed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.core.events import CHANGES, by_actor, event_type

BUYING_STAGE_CHANGED = "buying_stage_changed"


def _words(value: object) -> str:
    """Stored words in the reader's language: built-in ones have a translation, a marketer's
    own words have none and stay as written."""
    return _(value) if isinstance(value, str) and value else "—"


def _moved(p: dict[str, Any]) -> str:
    dimension = _words(p.get("dimension_name"))
    if not p.get("to"):
        return by_actor(
            p,
            _("%(actor)s cleared the buying stage on %(dimension)s"),
            _("The buying stage on %(dimension)s was cleared"),
            dimension=dimension,
        )
    return by_actor(
        p,
        _("%(actor)s set the buying stage on %(dimension)s to %(stage)s"),
        _("The buying stage on %(dimension)s was set to %(stage)s"),
        dimension=dimension,
        stage=_words(p.get("to_label")),
    )


event_type(BUYING_STAGE_CHANGED, system=True, kind=CHANGES, sentence=_moved)
