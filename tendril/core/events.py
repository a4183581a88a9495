"""Event types: the registry every app adds its own types to, and the rules they share.

An app declares the types it records or accepts in its ``events.py`` (found by autodiscovery,
see :mod:`tendril.core.plugins`) with :func:`event_type`: whether clients may send it (public)
or only Tendril records it (system), the properties it must carry, whether it is something the
person did (activity: it makes them "seen"), the sentence the timeline tells, the kind it is
filed under on the timeline (web, email, ...), and the page it points to, if any.

Events a person or a program caused carry who did it, written at the time as
``{"actor": {"kind": "user"|"api_key"|"import"|"rule"|"system", "id": ..., "name": ...}}``
(:func:`actor_ref`), so a sentence can say "Linh set the stage to MQL" even after Linh's
account is gone; :func:`by_actor` picks the sentence with or without the actor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CUSTOM_PREFIX = "custom:"
_TYPE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")

Sentence = Callable[[dict[str, Any]], str]
# The address an event points to (the page viewed, the link clicked), from its properties.
Link = Callable[[dict[str, Any]], object]


@dataclass(frozen=True)
class EventKind:
    """A heading the timeline can be filtered by; apps may add their own."""

    name: str
    label: str | Promise


_kinds: dict[str, EventKind] = {}


def event_kind(name: str, label: str | Promise) -> str:
    """Declare a kind of event (in the order the timeline's filter lists them)."""
    _kinds[name] = EventKind(name, label)
    return name


WEB = event_kind("web", gettext_lazy("Website"))
EMAIL = event_kind("email", gettext_lazy("Email"))
FORMS = event_kind("forms", gettext_lazy("Forms and downloads"))
PURCHASES = event_kind("purchases", gettext_lazy("Purchases"))
CHANGES = event_kind("changes", gettext_lazy("Changes"))
# Everything no other kind claims: custom events from integrators, and undeclared types.
OTHER = event_kind("other", gettext_lazy("Other"))


@dataclass(frozen=True)
class EventType:
    name: str
    system: bool
    required: tuple[str, ...]
    activity: bool
    sentence: Sentence | None
    kind: str = OTHER
    link: Link | None = None


_types: dict[str, EventType] = {}


def event_type(
    name: str,
    *,
    system: bool = False,
    required: Iterable[str] = (),
    activity: bool = False,
    sentence: Sentence | None = None,
    kind: str = OTHER,
    link: Link | None = None,
) -> EventType:
    """Declare an event type. ``system`` types are recorded by Tendril only: accepting them
    from outside would let a client forge history. ``link`` returns the address the event is
    about, shown as the sentence's link (only http and https addresses are ever linked).
    Declaring one name twice differently is a programming error, reported at start-up."""
    if kind not in _kinds:
        raise ValueError(f"the event type {name!r} has an undeclared kind {kind!r}")
    declared = EventType(name, system, tuple(required), activity, sentence, kind, link)
    known = _types.get(name)
    if known is not None and (known.system, known.required, known.activity, known.kind) != (
        declared.system,
        declared.required,
        declared.activity,
        declared.kind,
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


def activity_condition() -> Q:
    """Which events (``type`` column) are something a person did, custom events included."""
    return Q(type__in=sorted(activity_types())) | Q(type__startswith=CUSTOM_PREFIX)


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
    """One line a marketer understands, e.g. "Viewed Pricing"; "" when the event tells nothing
    other events do not already tell (screens leave it out)."""
    props = properties if isinstance(properties, dict) else {}
    known = _types.get(name)
    if known is not None and known.sentence is not None:
        return known.sentence(props)
    return name.removeprefix(CUSTOM_PREFIX).replace("_", " ")


def event_link(name: str, properties: object) -> str | None:
    """The web address the event is about, if its type has one and it is safe to link to: a
    client-sent ``javascript:`` URL must never become a clickable link."""
    known = _types.get(name)
    if known is None or known.link is None or not isinstance(properties, dict):
        return None
    url = known.link(properties)
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def event_kinds() -> list[EventKind]:
    return list(_kinds.values())


def kind_condition(kind: str) -> Q:
    """Which events (``type`` column) are of this kind: the types declared with it; for
    ``other``, every type no other kind claims (custom events included)."""
    if kind == OTHER:
        claimed = [name for name, t in _types.items() if t.kind != OTHER]
        return ~Q(type__in=claimed)
    return Q(type__in=[name for name, t in _types.items() if t.kind == kind])


# --- who did it -------------------------------------------------------------------------------

ACTOR_USER = "user"
ACTOR_API_KEY = "api_key"
ACTOR_IMPORT = "import"
ACTOR_SYSTEM = "system"
# A rule Tendril applied on its own (a stage rule): named, so the timeline says which one.
ACTOR_RULE = "rule"


def actor_ref(kind: str, actor_id: object, name: str) -> dict[str, Any]:
    """The ``actor`` property of an event: enough to name who did it without a lookup."""
    return {"kind": kind, "id": actor_id, "name": name}


def actor_phrase(properties: Mapping[str, Any]) -> str | None:
    """Who did it, as the subject of a sentence ("Linh", "API key Zapier", "Import of
    leads.csv", "Rule “Hot leads are MQL”"); None when the event records no actor (events
    older than actors)."""
    actor = properties.get("actor")
    if not isinstance(actor, dict):
        return None
    name = str(actor.get("name") or "")
    kind = actor.get("kind")
    if kind == ACTOR_USER and name:
        return name
    if kind == ACTOR_API_KEY:
        return _("API key %(name)s") % {"name": name}
    if kind == ACTOR_IMPORT:
        return _("Import of %(file)s") % {"file": name}
    if kind == ACTOR_RULE:
        return _("Rule “%(name)s”") % {"name": name}
    if kind == ACTOR_SYSTEM:
        return _("Tendril")
    return None


def by_actor(properties: Mapping[str, Any], with_actor: str, without: str, **values: object) -> str:
    """``with_actor`` (a translated sentence with ``%(actor)s``) when the event names who did
    it, else ``without``; both take the same named ``values``."""
    actor = actor_phrase(properties)
    if actor is None:
        return without % values
    return with_actor % {**values, "actor": actor}


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
    kind=WEB,
    sentence=lambda p: (
        _("Was recognised as an earlier visitor (%(count)s earlier events)")
        % {"count": len(p.get("events") or [])}
    ),
)
