"""Event ingest through ``POST /api/v1/events/batch`` into PostgreSQL, against a raw ``COPY``.

Both runs write the same rows into the same table of a scratch database, in the same process
run, so the ratio says what the HTTP + validation + ORM path costs on this machine today.

    python bench/event_ingest.py [--events 100000] [--clients 4] [--tree PATH] [--database-url URL]

``--tree`` measures another checkout (e.g. an older commit in a ``git worktree``) with this same
script. The ``COPY`` writes the columns a client sends; the database fills in the rest (the
writer's ``txid`` since the exact event log), as it does for the API's rows.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import ROOT, commit_of, post_all, serving, tendril_setup

BATCH = 1000


def make_events(n: int, emails: list[str], seed: int = 11) -> list[dict[str, object]]:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    pages = ["/pricing", "/features/automation", "/blog/lead-scoring-101", "/case-studies/siam"]
    return [
        {
            "contact": {"email": rng.choice(emails)},
            "type": "page_view",
            "properties": {
                "url": "https://tendril.example" + rng.choice(pages),
                "title": "Tendril",
                "referrer": "https://www.google.com/",
                "utm_source": rng.choice(["newsletter", "google", "linkedin"]),
            },
            "occurred_at": (start + timedelta(seconds=i * 7)).isoformat(),
        }
        for i in range(n)
    ]


def post_batches(port: int, key: str, bodies: list[bytes], clients: int) -> float:
    """Send every batch from ``clients`` threads; returns seconds."""
    return post_all(
        port,
        "/api/v1/events/batch",
        bodies,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        clients=clients,
        accepted=lambda status, payload: status == 202 and json.loads(payload)["accepted"] == BATCH,
    )


def copy_rows(events: list[dict[str, object]], contact_ids: dict[str, int]) -> float:
    """The baseline: psycopg's COPY of the same rows the API stored."""
    from django.db import connection

    now = datetime.now(UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        columns = "contact_id, visitor_id, type, properties, occurred_at, received_at, source"
        with raw.copy(f"COPY core_event ({columns}) FROM STDIN") as copy:
            for e in events:
                copy.write_row(
                    (
                        contact_ids[e["contact"]["email"]],  # type: ignore[index]
                        "",
                        e["type"],
                        json.dumps(e["properties"]),
                        e["occurred_at"],
                        now,
                        "api",
                    )
                )
    connection.commit() if not connection.get_autocommit() else None
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="server threads")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to measure")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_events")
    args = parser.parse_args()
    n = args.events - args.events % BATCH
    tree = args.tree.resolve()

    env = tendril_setup(tree=tree, database_url=args.database_url)
    from django.db import connection

    from tendril.accounts.services import apikey_create
    from tendril.contacts.services import contacts_ensure_by_email
    from tendril.core.models import Event

    emails = [f"person{i}@company{i % 700}.example.vn" for i in range(args.contacts)]
    print(f"creating {len(emails):,} contacts…", flush=True)
    contact_ids = contacts_ensure_by_email(emails=emails, source="bench", by=None)
    _, key = apikey_create(name="bench", role="marketer", by=None)
    events = make_events(n, emails)
    bodies = [json.dumps(events[i : i + BATCH]).encode() for i in range(0, n, BATCH)]
    connection.close()

    with serving(env, threads=args.threads) as server:
        # Warm-up: one batch, then clear the table so both runs start from the same state.
        post_batches(server.port, key, bodies[:1], 1)
        Event.objects.filter(source="api").delete()
        api_seconds = post_batches(server.port, key, bodies, args.clients)
    stored = Event.objects.filter(type="page_view").count()
    assert stored == n, f"expected {n} stored events, found {stored}"
    Event.objects.filter(type="page_view").delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_event") if connection.get_autocommit() else None
    copy_seconds = copy_rows(events, contact_ids)
    copied = Event.objects.filter(type="page_view").count()
    assert copied == n, f"COPY stored {copied}"

    api_rate, copy_rate = n / api_seconds, n / copy_seconds
    print(f"tree {tree} at {commit_of(tree)}")
    print(
        f"events: {n:,} in batches of {BATCH:,}, {args.clients} client threads, "
        f"{args.threads} server threads, PostgreSQL"
    )
    print(f"API  /api/v1/events/batch : {api_seconds:7.2f} s  {api_rate:10,.0f} events/s")
    print(f"COPY (baseline, same rows): {copy_seconds:7.2f} s  {copy_rate:10,.0f} events/s")
    print(f"ratio API / COPY          : {api_rate / copy_rate:.2f}  (target >= 0.25)")


if __name__ == "__main__":
    main()
