"""The segments consumer: membership kept current from the event log, within seconds.

Whatever happens to a contact is an event naming them (a visit, a download, ``contact_updated``,
``stage_changed``, ``score_changed``, ``consent_changed``, ``visitor_identified``...). For each
batch, only the contacts those events name are re-evaluated, and only against the dynamic
segments that can hear those events (a visit moves no segment about stage or company size), so
the work grows with what happened, not with the contacts stored. ``segment_entered`` /
``segment_exited`` events (from a rebuild, a static list, or this consumer) name contacts for the
segments that refer to that segment. Replaying a batch re-evaluates the same contacts against
the same data and finds nothing left to change, so it announces nothing twice.
"""

from __future__ import annotations

from tendril.core.consumers import event_consumer
from tendril.core.models import Event
from tendril.segments.services import ENTERED, EXITED, memberships_refresh

CONSUMER = "segments"


@event_consumer(CONSUMER)
def membership_follow(events: list[Event]) -> None:
    """Re-evaluate the contacts a batch names (see the module's docstring)."""
    touched: dict[int, set[str]] = {}
    moved: dict[int, set[int]] = {}
    for event in events:
        if event.contact_id is None:
            continue
        if event.type in (ENTERED, EXITED):
            segment = (
                event.properties.get("segment") if isinstance(event.properties, dict) else None
            )
            if isinstance(segment, int) and not isinstance(segment, bool):
                moved.setdefault(segment, set()).add(event.contact_id)
        else:
            touched.setdefault(event.contact_id, set()).add(event.type)
    if touched or moved:
        memberships_refresh(touched=touched, moved=moved)
