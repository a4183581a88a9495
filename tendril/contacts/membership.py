"""How the contacts app reads segment membership without importing the segments app (which
sits above it in the layers): segments registers its two readers here when it starts.

Without a registered provider no contact is in any segment, which is the truth when the
segments capability is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class MembershipProvider:
    # The condition on contacts "is a member of segment N".
    member_of: Callable[[int], Q]
    # The ids of the segments one contact is in.
    segments_of: Callable[[int], list[int]]


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
