"""Concurrent writes against a real server on PostgreSQL: 5xx answers and duplicates.

Fires the racing scenarios of ``tests/test_concurrent_writes.py`` (the test imports them from
here: ``fire`` and the bursts) at waitress serving Tendril on a fresh database, and counts what
the races left behind. ``--tree`` runs another checkout of Tendril (e.g. an old commit in a
``git worktree``) with this same script, so before and after are measured alike.

    python bench/concurrent_writes.py [--tree PATH] [--threads 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20


@dataclass(frozen=True)
class Burst:
    """``bodies[i]`` is what client ``i`` sends, ``rounds`` times; all clients start each round
    together."""

    method: str
    path: str
    bodies: Sequence[object]
    rounds: int = 1


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the parsed JSON, or the text when the body is not JSON


def _parsed(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def fire(base_url: str, key: str, burst: Burst) -> list[Answer]:
    """Send ``burst`` from one thread per client; before each round every client opens its
    connection and waits at a barrier, so the requests reach the server together."""
    parts = urlsplit(base_url)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    barrier = threading.Barrier(len(burst.bodies))
    lock = threading.Lock()
    answers: list[Answer] = []
    failures: list[BaseException] = []

    def client(body: object) -> None:
        payload = json.dumps(body).encode()
        try:
            for _ in range(burst.rounds):
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                conn.connect()
                barrier.wait(timeout=60)
                conn.request(burst.method, burst.path, body=payload, headers=headers)
                response = conn.getresponse()
                answer = Answer(response.status, _parsed(response.read()))
                conn.close()
                with lock:
                    answers.append(answer)
        except BaseException as exc:
            barrier.abort()
            failures.append(exc)

    threads = [threading.Thread(target=client, args=(body,)) for body in burst.bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return answers


# --- the scenarios -------------------------------------------------------------------------

# a. The same new email upserted by every client five times, and another created three times;
# both at a company domain nobody knows yet.
EMAIL_DOMAIN = "lotus-foods.co.th"
PUT_EMAIL, POST_EMAIL = f"nok@{EMAIL_DOMAIN}", f"ploy@{EMAIL_DOMAIN}"
PUT_ONE_EMAIL = Burst(
    "PUT", "/api/v1/contacts", [{"email": PUT_EMAIL, "first_name": "Nok"}] * CLIENTS, rounds=5
)
POST_ONE_EMAIL = Burst(
    "POST", "/api/v1/contacts", [{"email": POST_EMAIL, "first_name": "Ploy"}] * CLIENTS, rounds=3
)
# b. Twenty new people at one new company named with its domain.
COMPANY_DOMAIN = "siam-logistics.co.th"
ONE_COMPANY_WITH_DOMAIN = Burst(
    "POST",
    "/api/v1/contacts",
    [
        {
            "email": f"staff{i}@{COMPANY_DOMAIN}",
            "company": {"name": "Siam Logistics", "domain": COMPANY_DOMAIN},
        }
        for i in range(CLIENTS)
    ],
)
# c. Twenty new people (free mail) at one new company known only by its name, spelt in two cases.
COMPANY_NAME = "Mekong Trading"
ONE_COMPANY_WITHOUT_DOMAIN = Burst(
    "POST",
    "/api/v1/contacts",
    [
        {
            "email": f"trader{i}@gmail.com",
            "company": {"name": COMPANY_NAME if i % 2 else COMPANY_NAME.upper()},
        }
        for i in range(CLIENTS)
    ],
)
# d. Twenty events at once for one email nobody knows yet.
EVENT_EMAIL = "mai@chiangmai-coffee.co.th"
EVENTS_ONE_EMAIL = Burst(
    "POST",
    "/api/v1/events",
    [
        {
            "contact": {"email": EVENT_EMAIL},
            "type": "page_view",
            "properties": {"url": f"https://chiangmai-coffee.co.th/menu/{i}"},
        }
        for i in range(CLIENTS)
    ],
)
# e. An anonymous visitor (earlier page views) identifies with twenty events at once.
VISITOR_ID = "v-0b5e"
VISITOR_EMAIL = "an@isan-silk.co.th"
VISITOR_IDENTIFIES = Burst(
    "POST",
    "/api/v1/events",
    [
        {
            "contact": {"email": VISITOR_EMAIL},
            "visitor_id": VISITOR_ID,
            "type": "form_submit",
            "properties": {"form": f"quote-{i}"},
        }
        for i in range(CLIENTS)
    ],
)
ANONYMOUS_VIEWS = Burst(
    "POST",
    "/api/v1/events/batch",
    [
        [
            {"visitor_id": VISITOR_ID, "type": "page_view", "properties": {"url": f"/p/{i}"}}
            for i in range(3)
        ]
    ],
)


# --- the measurement -----------------------------------------------------------------------

# What the races left behind, counted in SQL that both the old and the new schema answer.
DUPLICATES = {
    "duplicate contacts": (
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM contacts_contact "
        "GROUP BY lower(email)) t"
    ),
    "duplicate companies": (
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM contacts_company "
        r"GROUP BY coalesce(domain, lower(regexp_replace(trim(name), '\s+', ' ', 'g')))) t"
    ),
    "duplicate contact_created": (
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM core_event "
        "WHERE type = 'contact_created' GROUP BY contact_id) t"
    ),
}
UNJOINED = (
    f"SELECT count(*) FROM core_event WHERE visitor_id = '{VISITOR_ID}' AND contact_id IS NULL"
)
# Scenario name: (bursts that set the scene, bursts that race).
SCENARIOS: dict[str, tuple[list[Burst], list[Burst]]] = {
    "a. 5 PUT one email, 3 POST another (each client)": ([], [PUT_ONE_EMAIL, POST_ONE_EMAIL]),
    "b. one new company with a domain": ([], [ONE_COMPANY_WITH_DOMAIN]),
    "c. one new company name, no domain": ([], [ONE_COMPANY_WITHOUT_DOMAIN]),
    "d. events for one new email": ([], [EVENTS_ONE_EMAIL]),
    "e. an anonymous visitor identifies": ([ANONYMOUS_VIEWS], [VISITOR_IDENTIFIES]),
}
COLUMNS = ["scenario", "requests", "5xx", *DUPLICATES, "visitor events left anonymous", "answers"]


def _counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        counts = {name: int(conn.execute(sql).fetchone()[0]) for name, sql in DUPLICATES.items()}
        counts["unjoined"] = int(conn.execute(UNJOINED).fetchone()[0])
        return counts


def _run(fire_at: Callable[[Burst], list[Answer]], url: str) -> list[list[object]]:
    """One table row per scenario: the duplicates it added (each is measured as a change, so
    one scenario's leftovers are not counted again in the next)."""
    rows: list[list[object]] = []
    for name, (scene, race) in SCENARIOS.items():
        for burst in scene:
            fire_at(burst)
        before = _counts(url)
        answers = [a for burst in race for a in fire_at(burst)]
        after = _counts(url)
        statuses = Counter(a.status for a in answers)
        rows.append(
            [
                name,
                len(answers),
                sum(n for status, n in statuses.items() if status >= 500),
                *(after[k] - before[k] for k in DUPLICATES),
                after["unjoined"] if scene else "",
                " ".join(f"{n} x {status}" for status, n in sorted(statuses.items())),
            ]
        )
    return rows


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from harness import commit_of, serving, tendril_setup

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to serve")
    parser.add_argument("--threads", type=int, default=CLIENTS, help="server threads")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_races")
    args = parser.parse_args()
    tree = args.tree.resolve()

    env = tendril_setup(tree=tree, database_url=args.database_url)
    from tendril.accounts.services import apikey_create

    _, key = apikey_create(name="bench", role="marketer", by=None)
    with serving(env, threads=args.threads) as server:
        rows = _run(lambda burst: fire(server.url, key, burst), args.database_url)

    print(f"tree {tree} at {commit_of(tree)}; {CLIENTS} clients, waitress {args.threads} threads")
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    if server.errors:
        print(f"server log: {len(server.errors)} error lines, first: {server.errors[0]}")


if __name__ == "__main__":
    main()
