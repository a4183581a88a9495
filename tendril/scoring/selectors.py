"""Reads of scoring: the rules, the settings (and the grade thresholds contacts grade by), how
many contacts are in each band, and a contact's score history."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tendril.contacts.models import Contact
from tendril.contacts.selectors import HOT_SCORE, WARM_SCORE
from tendril.core.errors import first_or_not_found
from tendril.core.events import event_types
from tendril.core.models import Event
from tendril.scoring.models import OWN_EVENT, ScoreEntry, ScoringRule, ScoringSettings

SETTINGS_PK = 1
# How long one process trusts the thresholds it read: a contact list grades fifty contacts and
# should not read the settings fifty times. A change made in another process shows within this.
THRESHOLDS_TTL = 5.0

_thresholds_cache: tuple[float, tuple[int, int]] | None = None


def scoring_settings() -> ScoringSettings:
    """The settings row, made with the defaults (hot 10, warm 5, no decay) on first use."""
    found, _created = ScoringSettings.objects.get_or_create(pk=SETTINGS_PK)
    return found


def thresholds_forget() -> None:
    """Drop this process's copy of the thresholds (after they change)."""
    global _thresholds_cache
    _thresholds_cache = None


def score_thresholds() -> tuple[int, int]:
    """(hot, warm): the lowest scores graded hot and warm, as the settings say."""
    global _thresholds_cache
    now = time.monotonic()
    if _thresholds_cache is not None and now - _thresholds_cache[0] < THRESHOLDS_TTL:
        return _thresholds_cache[1]
    row = ScoringSettings.objects.filter(pk=SETTINGS_PK).values_list("hot", "warm").first()
    thresholds = row if row is not None else (HOT_SCORE, WARM_SCORE)
    _thresholds_cache = (now, thresholds)
    return thresholds


def rule_list() -> QuerySet[ScoringRule]:
    return ScoringRule.objects.all()


def rule_get(rule_id: int) -> ScoringRule:
    return first_or_not_found(
        ScoringRule.objects.filter(pk=rule_id), _("There is no scoring rule with this id.")
    )


def score_history(*, contact_id: int, limit: int = 200) -> QuerySet[ScoreEntry]:
    """The contact's latest score changes, newest first."""
    return ScoreEntry.objects.filter(contact_id=contact_id).order_by("-at", "-id")[:limit]


def score_bands() -> dict[str, int]:
    """How many contacts are hot, warm and cold by the current thresholds, in one query."""
    hot, warm = score_thresholds()
    return Contact.objects.aggregate(
        hot=Count("pk", filter=Q(score__gte=hot)),
        warm=Count("pk", filter=Q(score__gte=warm, score__lt=hot)),
        cold=Count("pk", filter=Q(score__lt=warm)),
    )


def events_by_id(ids: Iterable[int | None]) -> dict[int, Event]:
    """The events the ledger rows name (an erased event is simply absent)."""
    return Event.objects.in_bulk([i for i in ids if i is not None])


def scorable_event_types() -> list[str]:
    """The declared event types a rule may score (all but scoring's own), for the rule form."""
    return sorted(name for name in event_types() if name != OWN_EVENT)
