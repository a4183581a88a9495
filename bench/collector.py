"""The web-tracking collector (``POST /t/collect``) against the least a Django view can do, and
the size of the snippet (``GET /t/tendril.js``).

1. Hits per second: ``--clients`` threads post valid hits from the snippet's shop page
   (``text/plain`` bodies, ``Origin: https://shop.example.com``, a browser's ``User-Agent``;
   varied visitors and pages) over keep-alive connections to a real server (waitress in a
   subprocess) for ``--seconds``.
   Baseline in the same server process, the same run: ``POST /bench/noop``, a plain Django view
   answering 204 behind the same middleware, sent the same requests. The two alternate for
   ``--rounds`` rounds; medians and their ratio are reported (target: collector >= 0.5 x noop).
   Every answer's status is checked: anything but 204 is counted and printed, and the events
   stored must number the collector's 204s.
2. The snippet's size as served, plain and gzipped (target: < 5 KB gzipped).

Segment-spec ingest (``/v1/batch``) is measured by bench/segment_batch.py.

    python bench/collector.py [--seconds 20] [--rounds 3] [--clients 8] [--threads 8]

The bench's site (``bench/collector_site``: Tendril's settings with one more URL, the no-op view)
goes on the server's ``PYTHONPATH`` after the tree; ``--tree`` measures another checkout.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import itertools
import json
import os
import random
import statistics
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from harness import ROOT, commit_of, serving, tendril_setup

SITE_DIR = Path(__file__).resolve().parent / "collector_site"
SITE_NAME = "Bench shop"
SHOP = "https://shop.example.com"
TARGET_RATIO = 0.5
TARGET_GZIPPED = 5_000  # bytes: "5 KB", read strictly
KINDS = {"collector": "/t/collect", "noop": "/bench/noop"}
# Each hit has its own id, as the snippet sends it (the collector drops a replayed one): the
# bodies hold this placeholder and every request gets the next number in its place.
HIT_ID = "HITIDHITIDHITIDHITID"
HIT_IDS = itertools.count()
# What a browser on the shop page sends with each hit (sendBeacon posts text/plain).
HEADERS = {
    "Content-Type": "text/plain;charset=UTF-8",
    "Origin": SHOP,
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
}


class ServerEnv(dict[str, str]):
    """The server's environment. ``harness.serving`` starts the server in
    ``env["PYTHONPATH"]``, which here names two directories (the tree, then the bench's site):
    read by key it gives the tree, while the child process gets the whole path."""

    def __getitem__(self, key: str) -> str:
        value = super().__getitem__(key)
        return value.split(os.pathsep)[0] if key == "PYTHONPATH" else value


def tree_state(tree: Path) -> str:
    """The tree's commit, and whether files differ from it (the figures are then not that
    commit's alone)."""
    import subprocess

    changed = subprocess.run(
        ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return commit_of(tree) + (f", {len(changed)} tracked files changed" if changed else ", clean")


def site_key() -> str:
    """The bench site's key: made through the service, or the one already there."""
    from tendril.tracking.models import Site
    from tendril.tracking.services import site_create

    site = Site.objects.filter(name=SITE_NAME).first()
    if site is None:
        site = site_create(data={"name": SITE_NAME, "domains": ["shop.example.com"]}, by=None)
    return site.key


def make_bodies(key: str, n: int, *, visitors: int, pages: int, seed: int = 17) -> list[bytes]:
    """``n`` hits as the snippet sends them: one page view each, by one of ``visitors`` browsers
    on one of ``pages`` product pages."""
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(visitors)]
    return [
        json.dumps(
            {
                "k": key,
                "i": HIT_ID,
                "v": rng.choice(ids),
                "e": [
                    {
                        "t": "page_view",
                        "u": f"{SHOP}/p/{rng.randrange(pages)}?utm_source=x",
                        "ti": "Title",
                        "r": "https://www.google.com/",
                    }
                ],
            }
        ).encode()
        for _ in range(n)
    ]


def hammer(
    port: int,
    path: str,
    bodies: list[bytes],
    *,
    clients: int,
    seconds: float,
    method: str = "POST",
    ok: str = "204",
) -> dict:
    """``clients`` threads post ``bodies`` (each thread from its own offset, round and round) to
    ``path`` for ``seconds``; returns the rate of ``ok`` answers, the latencies and what else
    came back. With ``method="GET"`` each body is the query string appended to ``path``."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    samples: dict[str, str] = {}
    latencies: list[float] = []

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: Counter[str] = Counter()
        took: list[float] = []
        i = offset
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)].replace(
                HIT_ID.encode(), f"h{next(HIT_IDS):019d}".encode(), 1
            )
            i += 1
            sent = time.perf_counter()
            try:
                if method == "GET":
                    conn.request("GET", path + body.decode(), headers=HEADERS)
                else:
                    conn.request(method, path, body=body, headers=HEADERS)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                outcome = f"error {type(error).__name__}"
                payload = str(error).encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            else:
                outcome = str(response.status)
                took.append(time.perf_counter() - sent)
            mine[outcome] += 1
            if outcome != ok and outcome not in samples:
                with lock:
                    samples.setdefault(outcome, payload[:300].decode(errors="replace"))
        conn.close()
        with lock:
            statuses.update(mine)
            latencies.extend(took)

    started = time.perf_counter()
    step = len(bodies) // clients
    threads = [threading.Thread(target=client, args=(n * step,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    answered = statuses[ok]
    latencies.sort()
    return {
        "requests": sum(statuses.values()),
        "ok": answered,
        "failed": {k: v for k, v in statuses.items() if k != ok},
        "failure_samples": samples,
        "seconds": elapsed,
        "rate": answered / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
    }


def snippet_sizes(port: int) -> dict[str, Any]:
    """Bytes of ``/t/tendril.js`` as served: plain, and gzipped when the browser accepts it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/t/tendril.js")
    response = conn.getresponse()
    plain = response.read()
    plain_status = response.status
    conn.request("GET", "/t/tendril.js", headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    packed = response.read()
    encoding = response.getheader("Content-Encoding")
    packed_status = response.status
    conn.close()
    if plain_status != 200 or packed_status != 200:
        raise SystemExit(f"GET /t/tendril.js answered {plain_status} / {packed_status}")
    if encoding != "gzip" or gzip.decompress(packed) != plain:
        raise SystemExit(f"the gzipped snippet is not the plain one gzipped ({encoding=})")
    return {"plain_bytes": len(plain), "gzip_bytes": len(packed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="collector, then noop, this often")
    parser.add_argument("--clients", type=int, default=8, help="client threads (keep-alive)")
    parser.add_argument("--threads", type=int, default=8, help="server threads (tendril run's)")
    parser.add_argument("--visitors", type=int, default=5_000, help="distinct visitor ids")
    parser.add_argument("--pages", type=int, default=500, help="distinct product pages")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to measure")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bench_collect"
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    tree = args.tree.resolve()
    load_before = os.getloadavg()

    env = tendril_setup(tree=tree, database_url=args.database_url)
    from django.db import connection

    from tendril.core.models import Event

    key = site_key()
    bodies = make_bodies(key, 20_000, visitors=args.visitors, pages=args.pages)
    connection.close()
    server_env = ServerEnv(env)
    server_env["PYTHONPATH"] = os.pathsep.join([str(tree), str(SITE_DIR)])
    server_env["DJANGO_SETTINGS_MODULE"] = "bench_collector_settings"

    rounds: list[dict[str, Any]] = []
    with serving(server_env, threads=args.threads) as server:
        # Warm-up, which also proves the server runs the bench's settings (the no-op view
        # answers) and stores hits; then the log is emptied so the count below is this run's.
        for kind, path in KINDS.items():
            warm = hammer(server.port, path, bodies[:200], clients=args.clients, seconds=1)
            if warm["failed"]:
                raise SystemExit(
                    f"warm-up of {kind} failed: {warm['failed']} {warm['failure_samples']}"
                )
        Event.objects.filter(source="tracking").delete()
        connection.close()
        for n in range(1, args.rounds + 1):
            row: dict[str, Any] = {"round": n}
            for kind, path in KINDS.items():
                row[kind] = hammer(
                    server.port, path, bodies, clients=args.clients, seconds=args.seconds
                )
            row["ratio"] = row["collector"]["rate"] / row["noop"]["rate"]
            rounds.append(row)
            print(
                f"round {n}: collector {row['collector']['rate']:,.0f} hits/s, "
                f"noop {row['noop']['rate']:,.0f} hits/s, ratio {row['ratio']:.2f}",
                flush=True,
            )
        sizes = snippet_sizes(server.port)
    stored = Event.objects.filter(source="tracking").count()
    collected = sum(r["collector"]["ok"] for r in rounds)

    collector_median = statistics.median(r["collector"]["rate"] for r in rounds)
    noop_median = statistics.median(r["noop"]["rate"] for r in rounds)
    ratio = collector_median / noop_median
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]

    print()
    load_after = os.getloadavg()
    print(f"tree {tree} at {tree_state(tree)}")
    print(
        "load average (1, 5, 15 min) at start "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at end "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f" ({os.cpu_count()} cores)"
    )
    print(
        f"{args.clients} client threads (keep-alive), waitress {args.threads} threads, "
        f"PostgreSQL {version}; {args.rounds} rounds of {args.seconds:g} s each, alternating; "
        f"{args.visitors:,} visitors, {args.pages:,} pages"
    )
    print("| round | collector hits/s | p50 / p99 | noop 204 hits/s | p50 / p99 | ratio |")
    print("|---|---|---|---|---|---|")
    for r in rounds:
        c, z = r["collector"], r["noop"]
        print(
            f"| {r['round']} | {c['rate']:,.0f} | {c['p50_ms']:.1f} / {c['p99_ms']:.1f} ms "
            f"| {z['rate']:,.0f} | {z['p50_ms']:.1f} / {z['p99_ms']:.1f} ms | {r['ratio']:.2f} |"
        )
    print(f"| median | {collector_median:,.0f} | | {noop_median:,.0f} | | {ratio:.2f} |")
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(f"ratio collector / noop: {ratio:.2f} (target >= {TARGET_RATIO}: {verdict})")

    failures: Counter[str] = Counter()
    for r in rounds:
        for kind in KINDS:
            failures.update({f"{kind} {k}": v for k, v in r[kind]["failed"].items()})
    if failures:
        print(f"NOT 204: {dict(failures)}")
        for r in rounds:
            for kind in KINDS:
                for outcome, text in r[kind]["failure_samples"].items():
                    print(f"  round {r['round']} {kind} {outcome}: {text}")
    else:
        print("every answer was 204 (collector and noop)")
    print(
        f"events stored: {stored:,} for {collected:,} collector 204s"
        + ("" if stored == collected else "  MISMATCH")
    )
    if server.errors:
        print(f"server log lines naming an error: {len(server.errors)}, first: {server.errors[0]}")

    gz_met = sizes["gzip_bytes"] < TARGET_GZIPPED
    print(
        f"snippet /t/tendril.js: {sizes['plain_bytes']:,} bytes plain, {sizes['gzip_bytes']:,} "
        f"bytes gzipped (target < {TARGET_GZIPPED:,}: {'met' if gz_met else 'MISSED'})"
    )
    if args.json:
        results = {
            "tree": str(tree),
            "commit": tree_state(tree),
            "clients": args.clients,
            "threads": args.threads,
            "load_before": load_before,
            "load_after": load_after,
            "seconds": args.seconds,
            "rounds": rounds,
            "collector_median": collector_median,
            "noop_median": noop_median,
            "ratio": ratio,
            "failures": dict(failures),
            "stored": stored,
            "collector_204s": collected,
            "server_errors": server.errors,
            "snippet": sizes,
        }
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
