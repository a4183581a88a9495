"""The kinds of notification and their words: each app that notifies registers its kinds, with
functions that say a notification's title and body from its ``params`` in the active language.

Rendering at read time (not at creation) lets each reader see their own language, and lets a
kind read what may have changed since: ``fill`` completes the params of many notifications in
one go (e.g. a contact's current name, or none once they were erased, so an inbox never names
an erased person). A kind whose app was removed shows a plain "Notification".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.utils.translation import gettext as _

Params = dict[str, Any]
Words = Callable[[Params], str]
Fill = Callable[[list[Params]], list[Params]]


@dataclass(frozen=True)
class NotificationKind:
    name: str
    title: Words
    body: Words
    fill: Fill | None = None


@dataclass(frozen=True)
class Rendered:
    """A notification's words in the active language."""

    title: str
    body: str


_kinds: dict[str, NotificationKind] = {}


def notification_kind(name: str, *, title: Words, body: Words, fill: Fill | None = None) -> str:
    """Declare a kind of notification (the same name again replaces it); returns the name."""
    _kinds[name] = NotificationKind(name, title, body, fill)
    return name


def words_of(items: Sequence[tuple[str, Params]]) -> list[Rendered]:
    """The title and body of each ``(kind, params)``, in the language active now; each kind's
    ``fill`` runs once for all its items."""
    rendered: dict[int, Rendered] = {}
    order = sorted(range(len(items)), key=lambda i: items[i][0])
    for kind_name, positions in groupby(order, key=lambda i: items[i][0]):
        at = list(positions)
        kind = _kinds.get(kind_name)
        if kind is None:
            rendered.update({i: Rendered(_("Notification"), "") for i in at})
            continue
        params = [items[i][1] if isinstance(items[i][1], dict) else {} for i in at]
        if kind.fill is not None:
            params = kind.fill(params)
        for i, p in zip(at, params, strict=True):
            rendered[i] = Rendered(kind.title(p), kind.body(p))
    return [rendered[i] for i in range(len(items))]
