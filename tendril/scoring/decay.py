"""Score decay: a contact who does nothing slowly cools down.

When the settings say so (``decay_points`` every ``decay_every``), each full period since a
contact's last score change (a rule's points or an earlier decay) takes ``decay_points`` off,
never below 0. Each decay is a ledger row like a rule's points (no rule, no event, named
``DECAY``), dated at the end of the last full period it covers, so the next period counts from
there and "Why this score?" explains it.

Exactly once per contact and period, even with two workers at once: a pass locks the contacts
it decays (``select_for_update(skip_locked=True)``, so another pass skips them instead of
waiting), then reads their ledger again under the lock; a pass that comes after finds the new
row and nothing due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum

from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.scoring.consumers import scores_announce
from tendril.scoring.models import DECAY, ScoreEntry
from tendril.scoring.selectors import scoring_settings

# Contacts locked and decayed per transaction: short locks, bounded memory.
DECAY_CHUNK = 500


def _positive_ledgers(contacts: Any) -> Any:
    """(contact, ledger sum, last change) of the ``contacts`` (ids or a subquery) whose ledger
    sum is positive."""
    return (
        ScoreEntry.objects.filter(contact_id__in=contacts)
        .values("contact_id")
        .annotate(total=Sum("points"), last=Max("at"))
        .filter(total__gt=0)
    )


def _ledger_state(contact_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """{contact: (ledger sum, last change)} for the contacts with a positive ledger sum."""
    rows = _positive_ledgers(contact_ids).values_list("contact_id", "total", "last")
    return {contact_id: (total, last) for contact_id, total, last in rows}


def _due_contacts(cutoff: datetime) -> list[int]:
    """Contacts with points whose last score change is at least one period old. Only contacts
    whose score is above 0 are read (the score is the ledger sum, kept by ``scores_recount``),
    so the cold majority's ledgers are never grouped."""
    return list(
        _positive_ledgers(Contact.objects.filter(score__gt=0).values("pk"))
        .filter(last__lte=cutoff)
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
    )


def _decay_chunk(ids: list[int], *, points: int, every: timedelta, now: datetime) -> int:
    """Decay the contacts of ``ids`` that this pass can lock and that are still due."""
    with transaction.atomic():
        locked = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = []
        for contact_id, (total, last) in _ledger_state(locked).items():
            periods = (now - last) // every
            if periods < 1:
                continue  # another pass decayed it, or new points came, since the list was read
            rows.append(
                ScoreEntry(
                    contact_id=contact_id,
                    rule=None,
                    rule_name=DECAY,
                    event_id=None,
                    points=-min(total, periods * points),
                    at=last + periods * every,
                )
            )
        ScoreEntry.objects.bulk_create(rows)
        scores_announce({row.contact_id: {DECAY} for row in rows})
    return len(rows)


def scores_decay() -> int:
    """Apply the decay the settings ask for, up to now; returns how many contacts decayed."""
    settings = scoring_settings()
    every = settings.decay_every
    if not settings.decay_points or every is None or every <= timedelta(0):
        return 0
    now = clock.now()
    due = _due_contacts(now - every)
    done = 0
    for start in range(0, len(due), DECAY_CHUNK):
        chunk = due[start : start + DECAY_CHUNK]
        done += _decay_chunk(chunk, points=settings.decay_points, every=every, now=now)
    return done
