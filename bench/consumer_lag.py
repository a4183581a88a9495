"""Event consumers on PostgreSQL: how fast one drains the log, and how far behind it runs under
a steady stream of events posted through the API.

1. Drain: ``--events`` page views already in the log (written 1,000 per transaction, as the API
   writes a batch), read by a no-op consumer through ``consumer_try_one`` until its cursor
   reaches the end. Baseline in the same run: a plain ``ORDER BY id LIMIT <batch>`` page walk
   over the same rows, building the same model instances. The real ``contacts.last_seen``
   consumer is timed over the same rows too.
2. Lag: a client thread posts ``--rate`` events/s in batches to a real server (waitress in a
   subprocess) for ``--seconds``, while a worker loop in this process runs a no-op consumer
   that notes when it sees each event. Lag is the time from the API's 202 (the event is
   acknowledged) to the handler seeing it. The loop rests ``--tick`` seconds after each pass
   that found nothing more, as ``tendril.consumers_tick`` does (every 1 s); a 0.1 s tick is
   measured too.

    python bench/consumer_lag.py [--events 200000] [--rate 1000] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import ROOT, commit_of, serving, tendril_setup

BATCH = 500  # the consumers' default batch


def fill_log(n: int, contact_ids: list[int]) -> None:
    from django.db import connection, transaction

    from tendril.core.bulk import insert_rows
    from tendril.core.models import Event
    from tendril.core.services import EVENT_COLUMNS

    adapt = connection.ops.adapt_datetimefield_value
    start = datetime(2026, 9, 1, tzinfo=UTC)
    for first in range(0, n, 1000):
        at = adapt(start + timedelta(seconds=first))
        rows = [
            (
                contact_ids[i % len(contact_ids)],
                "",
                "page_view",
                {"url": f"https://tendril.example/p/{i % 50}"},
                at,
                at,
                "api",
            )
            for i in range(first, min(first + 1000, n))
        ]
        with transaction.atomic():
            insert_rows(Event, EVENT_COLUMNS, rows)


def drain(name: str) -> float:
    """Seconds for consumer ``name`` to read the whole log from the start."""
    from tendril.core.consumers import consumer_try_one

    started = time.perf_counter()
    while consumer_try_one(name, batch_size=BATCH):
        pass
    return time.perf_counter() - started


def page_walk(*, after: int = 0, until: int | None = None) -> tuple[float, int]:
    """The baseline: every row in id order (after ``after``, up to ``until``), a page of
    ``BATCH`` model instances at a time."""
    from tendril.core.models import Event

    rows_of = Event.objects.all() if until is None else Event.objects.filter(id__lte=until)
    started = time.perf_counter()
    last, rows = after, 0
    while page := list(rows_of.filter(id__gt=last).order_by("id")[:BATCH]):
        last, rows = page[-1].pk, rows + len(page)
    return time.perf_counter() - started, rows


class Stream(threading.Thread):
    """Posts ``rate`` events a second in batches of ``size`` for ``seconds``; ``acked`` maps
    each stored event id to the moment its 202 arrived, ``batches_acked`` holds that moment
    for each batch in order. A subclass says what the batches hold (``batch``)."""

    def __init__(self, port: int, key: str, emails: list[str], rate: int, seconds: float):
        super().__init__(daemon=True)
        self.port, self.key, self.emails = port, key, emails
        self.size = max(1, rate // 10)
        self.interval = self.size / rate
        self.seconds = seconds
        self.acked: dict[int, float] = {}
        self.batches_acked: list[float] = []
        self.failures = 0

    def batch(self, sent: int) -> list[dict[str, Any]]:
        """The events of batch number ``sent``."""
        return [
            {
                "contact": {"email": self.emails[(sent * self.size + i) % len(self.emails)]},
                "type": "page_view",
                "properties": {"url": f"https://tendril.example/live/{sent}/{i}"},
            }
            for i in range(self.size)
        ]

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        started = time.monotonic()
        sent = 0
        while (due := started + sent * self.interval) < started + self.seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            body = json.dumps(self.batch(sent))
            conn.request("POST", "/api/v1/events/batch", body=body, headers=headers)
            response = conn.getresponse()
            payload = json.loads(response.read())
            now = time.time()
            self.batches_acked.append(now)
            if response.status != 202 or payload["accepted"] != self.size:
                self.failures += 1
            self.acked.update((event_id, now) for event_id in payload.get("ids", []) if event_id)
            sent += 1
        conn.close()


def lag_run(port: int, key: str, emails: list[str], args: argparse.Namespace, tick: float) -> str:
    from django.db import connection

    from tendril.core.consumers import consumer_try_one, event_consumer
    from tendril.core.models import ConsumerCursor, Event

    name = f"bench.lag.{tick}"
    seen: dict[int, float] = {}

    def note(events: list) -> None:
        now = time.time()
        for event in events:
            seen.setdefault(event.pk, now)

    event_consumer(name)(note)
    end = Event.objects.order_by("-txid", "-id").first()
    ConsumerCursor.objects.create(name=name, txid=end.txid, position=end.pk)  # only new events
    stream = Stream(port, key, emails, args.rate, args.seconds)
    stream.start()
    deadline = None
    while deadline is None or time.monotonic() < deadline:
        while consumer_try_one(name, batch_size=BATCH) == BATCH:
            pass
        if deadline is None and not stream.is_alive():
            deadline = time.monotonic() + 30  # time for the last events to be read
        if deadline is not None and stream.acked.keys() <= seen.keys():
            break
        time.sleep(tick)
    stream.join()
    connection.close()

    lags = [seen[i] - at for i, at in stream.acked.items() if i in seen]
    lost = len(stream.acked) - len(lags)
    q = statistics.quantiles(lags, n=100)
    return (
        f"tick {tick:.1f} s: {len(stream.acked):,} events acknowledged "
        f"({len(stream.acked) / args.seconds:,.0f}/s, {stream.failures} failed batches), "
        f"lag median {statistics.median(lags) * 1000:,.0f} ms, p99 {q[98] * 1000:,.0f} ms, "
        f"max {max(lags) * 1000:,.0f} ms, never seen {lost}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000, help="rows for the drain")
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument("--rate", type=int, default=1_000, help="events/s posted for the lag")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ticks", default="1.0,0.1", help="worker rests (s) to measure lag at")
    parser.add_argument("--threads", type=int, default=4, help="server threads")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to measure")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_lag")
    args = parser.parse_args()
    tree = args.tree.resolve()

    env = tendril_setup(tree=tree, database_url=args.database_url)
    from django.db import connection

    from tendril.accounts.services import apikey_create
    from tendril.contacts.services import contacts_ensure_by_email
    from tendril.core.consumers import event_consumer

    emails = [f"person{i}@company{i % 700}.example.vn" for i in range(args.contacts)]
    contact_ids = list(contacts_ensure_by_email(emails=emails, source="bench", by=None).values())
    fill_log(args.events, contact_ids)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_event")
    print(f"tree {tree} at {commit_of(tree)}; PostgreSQL")

    walk_seconds, rows = page_walk()
    event_consumer("bench.noop")(lambda events: None)
    noop_seconds = drain("bench.noop")
    last_seen_seconds = drain("contacts.last_seen")
    walk_rate, noop_rate = rows / walk_seconds, rows / noop_seconds
    print(f"drain: {rows:,} events in the log, batches of {BATCH}")
    print(f"  page walk (baseline)   : {walk_seconds:6.2f} s {walk_rate:9,.0f} events/s")
    print(f"  no-op consumer         : {noop_seconds:6.2f} s {noop_rate:9,.0f} events/s")
    last_seen_rate = rows / last_seen_seconds
    print(f"  contacts.last_seen     : {last_seen_seconds:6.2f} s {last_seen_rate:9,.0f} events/s")
    print(f"  ratio no-op / page walk: {noop_rate / walk_rate:.2f}")

    _, key = apikey_create(name="bench", role="marketer", by=None)
    connection.close()
    print(f"lag: {args.rate:,} events/s for {args.seconds:.0f} s, {args.threads} server threads")
    with serving(env, threads=args.threads) as server:
        for tick in (float(t) for t in args.ticks.split(",")):
            print("  " + lag_run(server.port, key, emails, args, tick), flush=True)
    if server.errors:
        print(f"server log: {len(server.errors)} error lines, first: {server.errors[0]}")


if __name__ == "__main__":
    main()
