"""What an admin may do about the event log's dead letters: hand one to its consumer again, or
give up on it. Both leave an audit entry."""

from __future__ import annotations

from tendril.accounts.services import Actor, actor_label, audit_record
from tendril.core.consumers import dead_letter_retry, dead_letter_skip
from tendril.core.errors import NotFound
from tendril.core.models import DeadLetter, DeadLetterStatus


def dead_letter_resolve(*, letter_id: int, action: str, by: Actor) -> DeadLetter:
    """``action`` is ``retry`` or ``skip``; an unknown or already resolved letter is a 404."""
    act = dead_letter_retry if action == "retry" else dead_letter_skip
    try:
        letter = act(letter_id=letter_id, by=actor_label(by))
    except LookupError as exc:
        raise NotFound(str(exc)) from None
    audit_record(
        actor=by,
        action=f"dead_letter.{action}",
        target_type="event",
        target_id=letter.event_id,
        detail={
            "consumer": letter.consumer,
            "delivered": letter.status == DeadLetterStatus.RETRIED,
            "error": letter.error[:200] if letter.status == DeadLetterStatus.PARKED else "",
        },
    )
    return letter
