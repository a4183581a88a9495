"""Segment-spec ingest (``POST /v1/batch``, as a Segment or RudderStack SDK sends) against the
same events through Tendril's own ``POST /api/v1/events/batch``, on one server, in one run.

Both carry the same anonymous product views (``track`` "Product Viewed" ↔ ``product_viewed``)
by ``--visitors`` browsers, in batches of ``--batch``, from ``--clients`` threads over
keep-alive connections. The two alternate for ``--rounds`` rounds; each round stores every
event once through each door and the stored rows are counted. The ratio says what the Segment
door costs over the native one (parsing the spec's shapes, ids and timestamps).

    python bench/segment_batch.py [--events 20000] [--batch 500] [--rounds 3] [--clients 4]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import ROOT, commit_of, post_all, serving, tendril_setup

PRODUCTS = ["kettle", "rice-cooker", "fan", "blender", "air-fryer", "thermos"]


def make_views(n: int, visitors: int, seed: int = 23) -> list[dict[str, Any]]:
    """``n`` product views: who, what and when, in neither door's shape yet."""
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(visitors)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        {
            "visitor": rng.choice(ids),
            "product": (product := rng.choice(PRODUCTS)),
            "price": rng.choice([199000, 349000, 1290000]),
            "at": (start + timedelta(seconds=7 * i)).isoformat(),
            "url": f"https://shop.example.com/p/{product}",
        }
        for i in range(n)
    ]


def segment_message(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Product Viewed",
        "anonymousId": view["visitor"],
        "messageId": str(uuid.uuid4()),
        "timestamp": view["at"],
        "properties": {"product_id": view["product"], "price": view["price"], "currency": "VND"},
        "context": {"page": {"url": view["url"]}, "library": {"name": "bench", "version": "1"}},
    }


def api_item(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "visitor_id": view["visitor"],
        "type": "product_viewed",
        "occurred_at": view["at"],
        "properties": {
            "product_id": view["product"],
            "price": view["price"],
            "currency": "VND",
            "url": view["url"],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500, help="events a request")
    parser.add_argument("--visitors", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="server threads")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to measure")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bench_segment"
    )
    args = parser.parse_args()
    n = args.events - args.events % args.batch
    tree = args.tree.resolve()
    load_before = os.getloadavg()

    env = tendril_setup(tree=tree, database_url=args.database_url)
    from django.db import connection

    from tendril.accounts.services import apikey_create
    from tendril.core.models import Event
    from tendril.tracking.services import site_create

    site = site_create(data={"name": "Bench shop", "domains": ["shop.example.com"]}, by=None)
    _, api_key = apikey_create(name="bench", role="marketer", by=None)
    views = make_views(n, args.visitors)
    chunks = [views[i : i + args.batch] for i in range(0, n, args.batch)]
    connection.close()

    basic = base64.b64encode(f"{site.key}:".encode()).decode()
    doors = {
        "segment": {
            "path": "/v1/batch",
            "headers": {"Authorization": f"Basic {basic}", "Content-Type": "application/json"},
            "accepted": lambda status, payload: status == 200 and json.loads(payload)["success"],
            "bodies": lambda: [
                json.dumps({"batch": [segment_message(v) for v in chunk]}).encode()
                for chunk in chunks
            ],
        },
        "api": {
            "path": "/api/v1/events/batch",
            "headers": {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
            "accepted": lambda status, payload: (
                status == 202 and json.loads(payload)["accepted"] == args.batch
            ),
            "bodies": lambda: [
                json.dumps([api_item(v) for v in chunk]).encode() for chunk in chunks
            ],
        },
    }
    rates: dict[str, list[float]] = {door: [] for door in doors}
    with serving(env, threads=args.threads) as server:
        for n_round in range(1, args.rounds + 1):
            for door, spec in doors.items():
                bodies = spec["bodies"]()  # new messageIds each round, built before the clock
                Event.objects.filter(type="product_viewed").delete()
                connection.close()
                seconds = post_all(
                    server.port,
                    spec["path"],
                    bodies,
                    headers=spec["headers"],
                    clients=args.clients,
                    accepted=spec["accepted"],
                )
                stored = Event.objects.filter(type="product_viewed").count()
                if stored != n:
                    raise SystemExit(f"{door}: {stored:,} events stored for {n:,} sent")
                rates[door].append(n / seconds)
            print(
                f"round {n_round}: segment {rates['segment'][-1]:,.0f} events/s, "
                f"api {rates['api'][-1]:,.0f} events/s",
                flush=True,
            )
        server_errors = server.errors
    segment, api = statistics.median(rates["segment"]), statistics.median(rates["api"])
    load_after = os.getloadavg()
    print()
    print(f"tree {tree} at {commit_of(tree)}")
    print(
        f"load average at start {', '.join(f'{x:.2f}' for x in load_before)}; at end "
        f"{', '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)"
    )
    print(
        f"{n:,} anonymous product views a round, batches of {args.batch}, {args.clients} client "
        f"threads, waitress {args.threads} threads, PostgreSQL; {args.rounds} rounds, alternating"
    )
    print("| round | /v1/batch events/s | /api/v1/events/batch events/s | ratio |")
    print("|---|---|---|---|")
    for i, (s, a) in enumerate(zip(rates["segment"], rates["api"], strict=True), 1):
        print(f"| {i} | {s:,.0f} | {a:,.0f} | {s / a:.2f} |")
    print(f"| median | {segment:,.0f} | {api:,.0f} | {segment / api:.2f} |")
    print(f"every request accepted; every round stored all {n:,} events through each door")
    if server_errors:
        print(f"server log lines naming an error: {len(server_errors)}: {server_errors[0]}")


if __name__ == "__main__":
    main()
