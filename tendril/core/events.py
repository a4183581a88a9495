"""Event types: the registry every app adds its own types to, and the rules they share.

An app declares the types it records or accepts in its ``events.py`` (found by autodiscovery,
see :mod:`tendril.core.plugins`) with :func:`event_type`: whether clients may send it (public)
or only Tendril records it (system), the properties it must carry, whether it is something the
person did (activity: it makes them "seen"), and the sentence the timeline tells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

CUSTOM_PREFIX = "custom:"
_TYPE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")

Sentence = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class EventType:
    name: str
    system: bool
    required: tuple[str, ...]
    activity: bool
    sentence: Sentence | None


_types: dict[str, EventType] = {}


def event_type(
    name: str,
    *,
    system: bool = False,
    required: Iterable[str] = (),
    activity: bool = False,
    sentence: Sentence | None = None,
) -> EventType:
    """Declare an event type. ``system`` types are recorded by Tendril only: accepting them
    from outside would let a client forge history. Declaring one name twice differently is a
    programming error, reported at start-up."""
    declared = EventType(name, system, tuple(required), activity, sentence)
    known = _types.get(name)
    if known is not None and (known.system, known.required, known.activity) != (
        declared.system,
        declared.required,
        declared.activity,
    ):
        raise ValueError(f"the event type {name!r} is declared twice, differently")
    _types[name] = declared
    return declared


def event_types() -> dict[str, EventType]:
    return dict(_types)


def is_activity(name: str) -> bool:
    """Something the person did themselves (custom events from integrators count)."""
    if name.startswith(CUSTOM_PREFIX):
        return True
    known = _types.get(name)
    return known is not None and known.activity


def activity_types() -> frozenset[str]:
    """The declared activity types (custom ones aside), e.g. for a ``type IN (...)`` filter."""
    return frozenset(name for name, t in _types.items() if t.activity)


def normalise_type(raw: str) -> str:
    """The stored type for a type name sent from outside; raises ``ValueError`` if unusable.

    Unknown names become ``custom:<name>`` so they can never collide with a built-in type that a
    later version adds.
    """
    name = raw.strip()
    known = _types.get(name)
    if known is not None:
        if known.system:
            raise ValueError(f"'{name}' is recorded by Tendril itself and cannot be sent")
        return name
    bare = name.removeprefix(CUSTOM_PREFIX)
    if not _TYPE_NAME.match(bare):
        raise ValueError(
            "type must be 1-64 letters, digits, '_', '.' or '-' (optionally after 'custom:')"
        )
    return CUSTOM_PREFIX + bare


def missing_properties(name: str, properties: dict[str, object]) -> list[str]:
    known = _types.get(name)
    required = known.required if known else ()
    return [key for key in required if properties.get(key) in (None, "")]


def describe(name: str, properties: object) -> str:
    """One line a marketer understands, e.g. "Viewed https://acme.com/pricing"."""
    props = properties if isinstance(properties, dict) else {}
    known = _types.get(name)
    if known is not None and known.sentence is not None:
        return known.sentence(props)
    return name.removeprefix(CUSTOM_PREFIX).replace("_", " ")


def shown_properties(name: str, properties: object) -> list[tuple[str, str]]:
    """Properties worth listing under the sentence: all of them for custom events."""
    if not name.startswith(CUSTOM_PREFIX) or not isinstance(properties, dict):
        return []
    return [(str(k), str(v)) for k, v in sorted(properties.items())]


# The kernel's own type: history that joins a contact is announced, never rewritten silently.
VISITOR_IDENTIFIED = "visitor_identified"
event_type(
    VISITOR_IDENTIFIED,
    system=True,
    sentence=lambda p: (
        _("Was recognised as an earlier visitor (%(count)s earlier events)")
        % {"count": len(p.get("events") or [])}
    ),
)
