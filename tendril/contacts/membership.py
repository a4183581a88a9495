"""How the contacts app reads segment membership without importing the segments app (which
sits above it in the layers): segments registers its two readers here when it starts.

Without a registered provider no contact is in any segment, which is the truth when the
segments capability is not installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class MembershipProvider:
    # The condition on contacts "is a member of segment N".
    member_of: Callable[[int], Q]
    # The ids of the segments one contact is in.
    segments_of: Callable[[int], list[int]]
    # Drops the memberships of contacts about to be deleted (erasure, an import's undo).
    forget: Callable[[Iterable[int] | QuerySet[Any]], None]


_provider: list[MembershipProvider] = []


def register_membership(provider: MembershipProvider) -> None:
    """Called once from the segments app's ``ready()``; a second call replaces the first."""
    _provider[:] = [provider]


def member_of(segment_id: int) -> Q:
    if not _provider:
        return Q(pk__in=[])
    return _provider[0].member_of(segment_id)


def segments_of(contact_id: int) -> list[int]:
    if not _provider:
        return []
    return _provider[0].segments_of(contact_id)


def memberships_forget(contact_ids: Iterable[int] | QuerySet[Any]) -> None:
    if _provider:
        _provider[0].forget(contact_ids)
