"""Event-log consumers owned by contacts: keeping ``last_seen_at`` current."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection

from tendril.contacts.models import Contact
from tendril.core.consumers import event_consumer
from tendril.core.events import VISITOR_IDENTIFIED, is_activity
from tendril.core.models import Event


@event_consumer("contacts.last_seen")
def last_seen_update(events: list[Event]) -> None:
    """Move each contact's ``last_seen_at`` forward to its newest activity; replays are harmless.

    Tendril's own bookkeeping does not make someone "seen"; what they did does (``activity`` in
    each app's ``events.py``), including anonymous history that joins them later.
    """
    newest: dict[int, datetime] = {}

    def seen(contact_id: int, at: datetime) -> None:
        if contact_id not in newest or at > newest[contact_id]:
            newest[contact_id] = at

    joined_by: dict[int, int] = {}  # event that joined a contact -> that contact
    for event in events:
        if event.contact_id is None:
            continue
        if is_activity(event.type):
            seen(event.contact_id, event.occurred_at)
        elif event.type == VISITOR_IDENTIFIED:
            joined_by.update(dict.fromkeys(event.properties.get("events") or [], event.contact_id))
    if joined_by:  # one read for every history that joined in this batch
        joined = Event.objects.filter(id__in=list(joined_by))
        for event_id, kind, at in joined.values_list("id", "type", "occurred_at"):
            if is_activity(kind):
                seen(joined_by[event_id], at)
    if newest:
        _last_seen_forward(newest)


def _last_seen_forward(newest: dict[int, datetime]) -> None:
    """Move ``last_seen_at`` forward (never back) for many contacts in one statement.

    Raw SQL, measured (bench/consumer_lag.py, 205k events over 5,000 contacts, PostgreSQL): one
    ORM UPDATE per contact drained 1,024 events/s; one UPDATE with a CASE of 500 branches,
    2,059; this ``UPDATE … FROM (VALUES …)``, which the ORM cannot write, see bench/RESULTS.md.

    The rows are locked in id order first, as every writer of many contacts does (scoring,
    stage rules), so consumers running side by side wait for each other instead of deadlocking.
    """
    ids = sorted(newest)
    list(Contact.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    table = connection.ops.quote_name(Contact._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(["(%s, %s)"] * len(newest))
    params: list[Any] = []
    for contact_id, at in newest.items():
        params += [contact_id, adapt(at)]
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH seen (id, at) AS (VALUES {rows}) "
            f"UPDATE {table} SET last_seen_at = seen.at{cast} FROM seen "
            f"WHERE {table}.id = seen.id "
            f"AND ({table}.last_seen_at IS NULL OR {table}.last_seen_at < seen.at{cast})",
            params,
        )
