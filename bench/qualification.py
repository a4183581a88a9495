"""Benchmark: qualification at scale (issue 16) — segments and scoring over 1M contacts and 10M
events on PostgreSQL.

    python bench/qualification.py                       # makes the data set once, then reuses it
    python bench/qualification.py --contacts 100000 --events 1000000   # a quick check
    python bench/qualification.py --only count,refresh  # some of the four figures

The data set (kept in ``--database-url``, made again with ``--rebuild``): the contacts and
companies of ``bench/dataset.py`` (every company with a size), and ``--events`` events over the
past 180 days written with ``COPY`` (page views of blog, product and pricing pages, emails sent,
opened and clicked, downloads, forms, purchases, webinars), spread over the contacts unevenly,
as real activity is. "Now" is the moment the data set was made: this process runs on a fixed
clock (``tendril.core.clock``), so windows ("within 30 days") mean the same in every run.

1. count: the count of a three-condition segment (stage, page views within 30 days, company
   size) as the app makes it (``tendril.segments.dsl``, as the segment preview counts),
   alternating with hand-written SQL for the same set; counts asserted equal.
2. refresh: with eight dynamic segments (the issue's, the demo's, one built on another), the
   time for the segments consumer to bring them up to date after 10 and after 5,000 contacts
   did something (their events appended to the log, then the consumer drained as the worker
   does), against a full rebuild of every segment (what a nightly rebuild costs).
3. latency: events posted through the API at a steady rate to ``tendril run`` (its in-process
   worker and scheduler), a few of them making a contact cross a segment's threshold; the time
   from the API's 202 for the crossing event to ``segment_entered`` being visible in the log.
4. scoring: events scored per second by the scoring consumer with ten rules, against reading
   the same events from the log page by page in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from consumer_lag import BATCH, Stream, page_walk
from dataset import (
    copy_rows,
    django_open,
    generate_contacts,
    indexes_rebuilt,
    percentile,
    weighted,
)
from harness import ROOT, commit_of, serving

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_qual"
# Bump when the generated data changes, so a kept data set of an older shape is made again.
DATA_VERSION = 1
HISTORY = timedelta(days=180)
SITE = "https://tendril.example"

# The segment: a field, a behaviour counted within 30 days, a company field.
COUNTED = {
    "all": [
        {"field": "stage", "op": "eq", "value": "lead"},
        {"event": "page_view", "within": "P30D", "count": {"gte": 3}},
        {"field": "company.employees", "op": "lt", "value": 100},
    ]
}
COUNTED_NAME = "Leads at small companies back 3+ times this month"
# The same set, as a person would write it.
COUNTED_SQL = """
    SELECT count(*) FROM contacts_contact c
    JOIN contacts_company co ON co.id = c.company_id
    WHERE c.stage = 'lead' AND co.employees < 100 AND c.id IN (
        SELECT e.contact_id FROM core_event e
        WHERE e.type = 'page_view' AND e.occurred_at >= %(since)s
        GROUP BY e.contact_id HAVING count(*) >= 3)
"""
# Contacts one page view short of entering the segment.
ONE_SHORT_SQL = """
    SELECT c.id, c.email FROM contacts_contact c
    JOIN contacts_company co ON co.id = c.company_id
    WHERE c.stage = 'lead' AND co.employees < 100 AND c.id IN (
        SELECT e.contact_id FROM core_event e
        WHERE e.type = 'page_view' AND e.occurred_at >= %(since)s
        GROUP BY e.contact_id HAVING count(*) = %(views)s)
    ORDER BY c.id LIMIT %(limit)s
"""
# Contacts of that kind with no page view since ``since``: three views enter them.
NO_VIEWS_SQL = """
    SELECT c.email FROM contacts_contact c
    JOIN contacts_company co ON co.id = c.company_id
    WHERE c.stage = 'lead' AND co.employees < 100 AND NOT EXISTS (
        SELECT 1 FROM core_event e
        WHERE e.contact_id = c.id AND e.type = 'page_view' AND e.occurred_at >= %(since)s)
    ORDER BY c.id LIMIT %(limit)s
"""

# The mission's scoring models (pricing page 1, ebook 4, email open 2; email click 2, product
# page 3, data download 5) and a few more, with caps as a marketer would set them.
RULES: tuple[dict[str, Any], ...] = (
    {"name": "Pricing page", "event": "page_view", "points": 1, "max_per_contact": 5,
     "where": {"url": {"contains": "/pricing"}}},
    {"name": "Product page", "event": "page_view", "points": 3, "max_per_contact": 15,
     "where": {"url": {"contains": "/product/"}}},
    {"name": "Ebook", "event": "asset_downloaded", "points": 4, "max_per_contact": 12,
     "where": {"asset": {"starts_with": "ebook"}}},
    {"name": "Data sheet", "event": "asset_downloaded", "points": 5,
     "where": {"asset": {"starts_with": "datasheet"}}},
    {"name": "Email open", "event": "email_opened", "points": 2, "max_per_contact": 10},
    {"name": "Email click", "event": "email_clicked", "points": 2, "max_per_contact": 10},
    {"name": "Demo request", "event": "form_submit", "points": 10,
     "where": {"form": {"eq": "demo-request"}}},
    {"name": "Purchase", "event": "purchase", "points": 20},
    {"name": "Webinar", "event": "custom:webinar_attended", "points": 5},
    {"name": "Unsubscribed", "event": "unsubscribed", "points": -10},
)  # fmt: skip


# --- the data set -----------------------------------------------------------------------------

EVENT_TYPES = (
    ("page_view", 66),
    ("email_sent", 10),
    ("email_opened", 12),
    ("email_clicked", 4),
    ("asset_downloaded", 3),
    ("form_submit", 2.2),
    ("custom:webinar_attended", 1),
    ("purchase", 0.5),
    ("unsubscribed", 0.3),
)
PAGES = (
    ("/", 18),
    ("/blog/post-{n}", 50),
    ("/product/{product}", 15),
    ("/pricing", 6),
    ("/docs/{product}/start", 8),
    ("/careers", 3),
)
PRODUCTS = ("crm", "email", "analytics", "forms", "journeys")
ASSETS = ("ebook-b2b-funnel", "ebook-email-basics", "datasheet-crm", "whitepaper-scoring")
FORMS = ("demo-request", "contact-us", "newsletter", "webinar-signup")


def _properties(rng: random.Random, kind: str) -> str:
    if kind == "page_view":
        page = weighted(rng, PAGES, 1)[0].format(n=rng.randrange(400), product=rng.choice(PRODUCTS))
        return json.dumps({"url": SITE + page})
    if kind in ("email_sent", "email_opened"):
        return json.dumps({"email": f"newsletter-{rng.randrange(26)}"})
    if kind == "email_clicked":
        return json.dumps({"email": f"newsletter-{rng.randrange(26)}", "url": SITE + "/pricing"})
    if kind == "asset_downloaded":
        return json.dumps({"asset": rng.choice(ASSETS)})
    if kind == "form_submit":
        return json.dumps({"form": rng.choice(FORMS)})
    if kind == "purchase":
        return json.dumps({"amount": rng.randrange(50, 5000), "currency": "USD"})
    return "{}"


def generate_events(count: int, now: datetime, seed: int) -> None:
    """``count`` events over the contacts (some very active, most a little), in the past
    ``HISTORY``, written with COPY in one transaction."""
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM contacts_contact ORDER BY id")
        contact_ids = [row[0] for row in cursor.fetchall()]
    # Activity is uneven: a lognormal weight per contact.
    cumulative, total = [], 0.0
    for _ in contact_ids:
        total += rng.lognormvariate(0, 1.2)
        cumulative.append(total)
    started = time.perf_counter()
    span = HISTORY.total_seconds()

    def rows() -> Any:
        chunk = 100_000
        for first in range(0, count, chunk):
            n = min(chunk, count - first)
            who = rng.choices(contact_ids, cum_weights=cumulative, k=n)
            kinds = weighted(rng, EVENT_TYPES, n)
            for contact_id, kind in zip(who, kinds, strict=True):
                at = now - timedelta(seconds=rng.random() * span)
                yield (contact_id, "", kind, _properties(rng, kind), at, at, "api")

    with connection.cursor() as cursor, indexes_rebuilt(cursor, "core_event") as indexed:
        copy_rows(
            cursor.cursor,
            "core_event",
            ["contact_id", "visitor_id", "type", "properties", "occurred_at", "received_at",
             "source"],
            rows(),
        )  # fmt: skip
        copied = time.perf_counter() - started
    print(f"events: {count:,} made and copied in {copied:.0f} s, indexes {indexed[0]:.0f} s")


def data_ready(args: argparse.Namespace) -> datetime | None:
    """The data set's "now" when the kept data set has the asked shape."""
    from django.db import connection

    with connection.cursor() as cursor:
        if "bench_qual_meta" not in connection.introspection.table_names(cursor):
            return None
        cursor.execute("SELECT version, contacts, events, seed, now FROM bench_qual_meta")
        version, contacts, events, seed, now = cursor.fetchone()
    if (version, contacts, events, seed) != (DATA_VERSION, args.contacts, args.events, args.seed):
        raise SystemExit("the kept data set has another shape: run again with --rebuild")
    return now


def data_make(args: argparse.Namespace) -> datetime:
    from django.db import connection, transaction

    now = datetime.now(UTC).replace(microsecond=0)
    with transaction.atomic():
        generate_contacts(args.contacts, max(args.contacts // 20, 100), args.seed)
        generate_events(args.events, now, args.seed)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_qual_meta (version int, contacts int, events int, seed int, "
                "now timestamptz)"
            )
            cursor.execute(
                "INSERT INTO bench_qual_meta VALUES (%s, %s, %s, %s, %s)",
                [DATA_VERSION, args.contacts, args.events, args.seed, now],
            )
    with connection.cursor() as cursor:
        for table in ("contacts_contact", "contacts_company", "core_event"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return now


def clock_fix(now: datetime) -> None:
    """This process's "now" is the data set's, so every run asks the same questions."""
    from tendril.core import clock

    clock.now = lambda: now


def segments_ensure() -> list[int]:
    """The bench's dynamic segments (made, and filled, on the first run): the issue's, the
    demo's, one more on email, and one built on the issue's."""
    from django.db import connection

    from tendril.segments.demo import DEMO_SEGMENTS
    from tendril.segments.models import Segment
    from tendril.segments.services import segment_create

    wanted: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        (COUNTED_NAME, lambda: COUNTED),
        *((name, lambda f=f: f) for name, f in DEMO_SEGMENTS),
        (
            "MQLs who opened an email this week",
            lambda: {
                "all": [
                    {"field": "stage", "op": "eq", "value": "mql"},
                    {"event": "email_opened", "within": "P7D"},
                ]
            },
        ),
        (
            "Hot ones among the returning small-company leads",
            lambda: {
                "all": [
                    {"segment": Segment.objects.get(name=COUNTED_NAME).pk},
                    {"field": "grade", "op": "eq", "value": "hot"},
                ]
            },
        ),
    ]
    ids = []
    made = False
    for name, filter in wanted:
        segment = Segment.objects.filter(name=name).first()
        if segment is None:
            started = time.perf_counter()
            segment = segment_create(name=name, filter=filter(), by=None)
            print(f"  made and filled '{name}' in {time.perf_counter() - started:.1f} s")
            made = True
        ids.append(segment.pk)
    if made:
        # As autovacuum would soon: planned on the empty tables' statistics, looking up 500
        # contacts' re-check moments scanned all 480,000 rows of a segment (80 ms, not 5).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return ids


def rules_ensure() -> None:
    from tendril.scoring.models import ScoringRule
    from tendril.scoring.services import rule_create

    for rule in RULES:
        if not ScoringRule.objects.filter(name=rule["name"]).exists():
            rule_create(data=rule, by=None)


def log_end() -> tuple[int, int]:
    """The (txid, id) of the last event in log order."""
    from tendril.core.models import Event

    last = Event.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    return last or (0, 0)


def cursors_to(name: str | None, at: tuple[int, int]) -> None:
    """Move one consumer's cursor (every consumer's with ``None``) to ``at``."""
    from tendril.core.consumers import registered
    from tendril.core.models import ConsumerCursor

    for consumer in [name] if name else list(registered()):
        ConsumerCursor.objects.update_or_create(
            name=consumer,
            defaults={"txid": at[0], "position": at[1], "attempts": 0, "retry_at": None},
        )


# --- 1. the count -----------------------------------------------------------------------------


def count_measure(now: datetime, runs: int) -> dict[str, Any]:
    from django.db import connection

    from tendril.segments.dsl import filter_contacts
    from tendril.segments.selectors import segment_preview

    params = {"since": now - timedelta(days=30)}

    def app() -> int:
        return filter_contacts(COUNTED).count()

    def preview() -> int:
        return segment_preview(filter=COUNTED).count

    def hand() -> int:
        with connection.cursor() as cursor:
            cursor.execute(COUNTED_SQL, params)
            return cursor.fetchone()[0]

    counts = {side: run() for side, run in (("app", app), ("preview", preview), ("sql", hand))}
    assert counts["app"] == counts["sql"] == counts["preview"], f"counts differ: {counts}"
    assert counts["sql"] > 0, "nobody matches: the figure would prove nothing"
    times: dict[str, list[float]] = {"app": [], "preview": [], "sql": []}
    for _ in range(runs):
        for side, run in (("app", app), ("sql", hand), ("preview", preview)):
            started = time.perf_counter()
            run()
            times[side].append((time.perf_counter() - started) * 1000)
    result: dict[str, Any] = {"matched": counts["sql"], "runs": runs}
    for side, samples in times.items():
        result[f"{side}_p50"] = statistics.median(samples)
        result[f"{side}_p95"] = percentile(samples, 95)
    result["ratio"] = result["app_p50"] / result["sql_p50"]
    result["ratio_p95"] = result["app_p95"] / result["sql_p95"]
    print(
        f"1. count of '{COUNTED_NAME}': {counts['sql']:,} contacts (equal in app, preview and "
        f"hand SQL), {runs} runs alternating"
    )
    for side in ("app", "preview", "sql"):
        print(
            f"   {side:8}: p50 {result[f'{side}_p50']:8.1f} ms  p95 {result[f'{side}_p95']:8.1f} ms"
        )
    print(f"   app / SQL: {result['ratio']:.2f} at p50, {result['ratio_p95']:.2f} at p95")
    return result


def count_explain(now: datetime) -> None:
    from django.db import connection

    from tendril.segments.dsl import filter_contacts

    query = filter_contacts(COUNTED).values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        for text, values in (
            (f"SELECT count(*) FROM ({sql}) AS app", params),
            (COUNTED_SQL, {"since": now - timedelta(days=30)}),
        ):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {text}", values)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


# --- 2. keeping membership current ------------------------------------------------------------


def activity_append(now: datetime, contacts: list[int], url: str) -> None:
    """One page view for each of ``contacts``, written as the API writes a batch."""
    from django.db import connection, transaction

    from tendril.core.bulk import insert_rows
    from tendril.core.models import Event
    from tendril.core.services import EVENT_COLUMNS

    at = connection.ops.adapt_datetimefield_value(now - timedelta(minutes=1))
    rows = [(c, "", "page_view", {"url": SITE + url}, at, at, "api") for c in contacts]
    for first in range(0, len(rows), 1000):
        with transaction.atomic():
            insert_rows(Event, EVENT_COLUMNS, rows[first : first + 1000])


def one_short(now: datetime, limit: int) -> list[tuple[int, str]]:
    """Contacts of the issue's segment's kind with two page views this month: a third enters
    them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            ONE_SHORT_SQL, {"since": now - timedelta(days=30), "views": 2, "limit": limit}
        )
        return list(cursor.fetchall())


def refresh_measure(
    now: datetime, sizes: list[int], seed: int, *, rebuild: bool = True
) -> dict[str, Any]:
    from tendril.contacts.models import Contact
    from tendril.core.consumers import consumer_try_one
    from tendril.core.models import Event
    from tendril.segments.consumers import CONSUMER
    from tendril.segments.models import Segment, SegmentMember
    from tendril.segments.services import segment_rebuild, segments_in_order

    segments = segments_in_order()
    counted = Segment.objects.get(name=COUNTED_NAME)
    started = time.perf_counter()
    for segment in segments if rebuild else []:
        segment_rebuild(segment=segment)
    rebuild_s = time.perf_counter() - started
    members = SegmentMember.objects.filter(segment__static=False).count()
    print(
        f"2. keeping {len(segments)} dynamic segments current ({members:,} memberships over "
        f"{Contact.objects.count():,} contacts)"
    )
    if rebuild:
        print(f"   full rebuild of every segment (baseline): {rebuild_s:.1f} s")
    result: dict[str, Any] = {"segments": len(segments), "rebuild_s": rebuild_s, "steps": []}
    rng = random.Random(seed)
    highest = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for size in sizes:
        crossing = [c for c, _email in one_short(now, max(1, size // 10))]
        others = list({rng.randrange(1, highest + 1) for _ in range(size - len(crossing))})
        start = log_end()
        cursors_to(CONSUMER, start)
        activity_append(now, crossing, "/blog/post-1")
        activity_append(now, others, "/careers")
        started = time.perf_counter()
        batches = 0
        while consumer_try_one(CONSUMER, batch_size=BATCH):
            batches += 1
        took = time.perf_counter() - started
        entered = SegmentMember.objects.filter(segment=counted, contact_id__in=crossing).count()
        assert entered == len(crossing), f"{entered} of {len(crossing)} crossing contacts entered"
        changes = (
            Event.objects.filter(id__gt=start[1], type__in=("segment_entered", "segment_exited"))
            .order_by()
            .count()
        )
        touched = len(crossing) + len(others)
        step = {
            "contacts": touched,
            "crossing": len(crossing),
            "changes": changes,
            "seconds": took,
            "batches": batches,
            "per_contact_ms": took / touched * 1000,
        }
        result["steps"].append(step)
        print(
            f"   {touched:6,} contacts active ({len(crossing):,} crossing a threshold): "
            f"drained in {took:6.2f} s ({batches} batches, {changes:,} entries/exits), "
            f"{step['per_contact_ms']:.2f} ms per contact"
            + (f", {took / rebuild_s:.3f} of a full rebuild" if rebuild else "")
        )
    return result


# --- 3. latency under a steady stream ---------------------------------------------------------


class Traffic(Stream):
    """Page views of random known contacts, and of ``crossing`` contacts, each given three
    views half a second apart: the third enters them into the issue's segment. ``crossed``
    maps each to the index of the batch carrying their third view."""

    def __init__(self, *args: Any, crossing: list[str], every: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crossing = crossing
        self.every = every
        self.crossed: dict[str, int] = {}
        self.rng = random.Random(7)

    def batch(self, sent: int) -> list[dict[str, Any]]:
        views = [
            (email, f"/blog/post-{self.rng.randrange(400)}")
            for email in self.rng.sample(self.emails, self.size)
        ]
        # Crossing contact k gets its views in batches k*every, +5 and +10.
        for step in (0, 5, 10):
            k, due = divmod(sent - step, self.every)
            if due == 0 and 0 <= k < len(self.crossing):
                views[step // 5] = (self.crossing[k], "/pricing")
                if step == 10:
                    self.crossed[self.crossing[k]] = sent
        return [
            {"contact": {"email": email}, "type": "page_view", "properties": {"url": SITE + url}}
            for email, url in views
        ]


def entries_watch(
    segment_id: int, after: int, stop: threading.Event, seen: dict[int, float]
) -> None:
    """Note when each ``segment_entered`` of the segment becomes visible in the log."""
    from django.db import connection

    last = after
    while not stop.is_set():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, contact_id FROM core_event WHERE type = 'segment_entered' "
                "AND id > %s AND (properties->>'segment')::bigint = %s ORDER BY id",
                [last, segment_id],
            )
            now = time.time()
            for event_id, contact_id in cursor.fetchall():
                seen.setdefault(contact_id, now)
                last = max(last, event_id)
        stop.wait(0.02)
    connection.close()


def latency_measure(env: dict[str, str], now: datetime, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from tendril.accounts.services import apikey_create
    from tendril.contacts.models import Contact
    from tendril.segments.models import Segment

    segment_id = Segment.objects.get(name=COUNTED_NAME).pk
    wanted = (int(args.seconds * 10) - 10) // 2  # a crossing contact every other batch
    # The server runs on the real clock, a little after the data set's "now": contacts with no
    # view in 32 days cross on exactly their third.
    with connection.cursor() as cursor:
        cursor.execute(NO_VIEWS_SQL, {"since": now - timedelta(days=32), "limit": wanted})
        crossing = [email for (email,) in cursor.fetchall()]
    emails = list(
        Contact.objects.order_by("?")
        .exclude(email__in=crossing)
        .values_list("email", flat=True)[:20_000]
    )
    _, key = apikey_create(name="bench", role="marketer", by=None)
    start = log_end()
    cursors_to(None, start)
    connection.close()
    seen: dict[int, float] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=entries_watch, args=(segment_id, start[1], stop, seen))
    ids = dict(Contact.objects.filter(email__in=crossing).values_list("email", "pk"))
    connection.close()
    print(
        f"3. latency: {args.rate:,} page views/s for {args.seconds:.0f} s to 'tendril run' "
        f"({args.threads} threads, in-process worker and scheduler); {len(crossing)} contacts "
        "cross the issue's segment's threshold"
    )
    with serving(env, threads=args.threads, worker=True) as server:
        watcher.start()
        traffic = Traffic(
            server.port, key, emails, args.rate, args.seconds, crossing=crossing, every=2
        )
        traffic.start()
        traffic.join()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not {ids[e] for e in traffic.crossed} <= seen.keys():
            time.sleep(0.1)
        stop.set()
        watcher.join()
    acked = traffic.batches_acked
    lags = [
        seen[ids[email]] - acked[batch]
        for email, batch in traffic.crossed.items()
        if ids[email] in seen and batch < len(acked)
    ]
    missing = len(traffic.crossed) - len(lags)
    q = statistics.quantiles(lags, n=100) if len(lags) > 1 else [0.0] * 99
    result = {
        "rate": len(acked) * traffic.size / args.seconds,
        "failures": traffic.failures,
        "crossings": len(traffic.crossed),
        "median_ms": statistics.median(lags) * 1000 if lags else None,
        "p99_ms": q[98] * 1000,
        "max_ms": max(lags) * 1000 if lags else None,
        "missing": missing,
        "server_errors": len(server.errors),
    }
    print(
        f"   {result['rate']:,.0f} events/s accepted ({traffic.failures} failed batches); "
        f"{len(lags)} entries: latency median {result['median_ms']:,.0f} ms, "
        f"p99 {result['p99_ms']:,.0f} ms, max {result['max_ms']:,.0f} ms; never seen {missing}"
    )
    if server.errors:
        print(f"   server log: {len(server.errors)} error lines, first: {server.errors[0]}")
    return result


# --- 4. scoring throughput --------------------------------------------------------------------


def scoring_measure(count: int) -> dict[str, Any]:
    from django.db import connection

    from tendril.core.consumers import consumer_try_one, event_consumer
    from tendril.core.models import ConsumerCursor, Event
    from tendril.scoring.consumers import CONSUMER

    rules_ensure()
    first = Event.objects.order_by("txid", "id").values_list("txid", "id").first()
    assert first is not None
    window = list(
        Event.objects.filter(txid=first[0], id__gte=first[1])
        .order_by("id")
        .values_list("id", flat=True)[count - 1 : count]
    )
    last = window[0] if window else Event.objects.order_by("-id").values_list("id", flat=True)[0]
    begin = (first[0], first[1] - 1)
    events = Event.objects.filter(txid=first[0], id__gte=first[1], id__lte=last).count()

    def drain(name: str) -> float:
        cursors_to(name, begin)
        started = time.perf_counter()
        while ConsumerCursor.objects.get(name=name).position < last:
            consumer_try_one(name, batch_size=BATCH)
        return time.perf_counter() - started

    walk, _rows = page_walk(after=begin[1], until=last)
    event_consumer("bench.noop")(lambda events: None)
    noop = drain("bench.noop")
    with connection.cursor() as cursor:
        # Every run gives the same points: an empty ledger, and the contacts it scored last
        # time at 0 (not every contact: rewriting 1M rows and their indexes takes many minutes).
        cursor.execute(
            "UPDATE contacts_contact SET score = 0 WHERE score <> 0 AND id IN "
            "(SELECT DISTINCT contact_id FROM scoring_scoreentry)"
        )
        cursor.execute("TRUNCATE scoring_scoreentry")
    scoring = drain(CONSUMER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT contact_id) FROM scoring_scoreentry")
        entries, scored = cursor.fetchone()
    result = {
        "events": events,
        "walk_rate": events / walk,
        "noop_rate": events / noop,
        "scoring_rate": events / scoring,
        "entries": entries,
        "contacts": scored,
    }
    result["ratio"] = result["scoring_rate"] / result["walk_rate"]
    print(f"4. scoring {events:,} events of the log with {len(RULES)} rules, batches of {BATCH}")
    print(f"   page walk (baseline): {walk:7.1f} s {result['walk_rate']:9,.0f} events/s")
    print(f"   no-op consumer      : {noop:7.1f} s {result['noop_rate']:9,.0f} events/s")
    print(
        f"   scoring consumer    : {scoring:7.1f} s {result['scoring_rate']:9,.0f} events/s "
        f"({entries:,} ledger rows, {scored:,} contacts scored)"
    )
    print(f"   scoring / page walk : {result['ratio']:.2f}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true", help="drop and make the data set again")
    parser.add_argument("--only", default="count,refresh,scoring,latency")
    parser.add_argument("--runs", type=int, default=10, help="runs of each count")
    parser.add_argument("--explain", action="store_true", help="print both counts' plans")
    parser.add_argument("--sizes", default="10,5000", help="active contacts for the refresh")
    parser.add_argument(
        "--no-full-rebuild", action="store_true", help="skip the refresh's baseline (minutes)"
    )
    parser.add_argument("--scored", type=int, default=1_000_000, help="events to score")
    parser.add_argument("--rate", type=int, default=1_000, help="events/s for the latency")
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--threads", type=int, default=4, help="server threads")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Tendril checkout to measure")
    args = parser.parse_args()
    tree = args.tree.resolve()

    env = django_open(args.database_url, rebuild=args.rebuild, tree=tree)
    from django.db import connection

    now = data_ready(args)
    if now is None:
        now = data_make(args)
    clock_fix(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_event")
        events = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"{tree} at {commit_of(tree)}; PostgreSQL {version}; {args.contacts:,} contacts, "
        f"{events:,} events in the log; now = {now:%Y-%m-%d %H:%M} UTC"
    )
    segments_ensure()
    only = set(args.only.split(","))
    results: dict[str, Any] = {}
    if "count" in only:
        if args.explain:
            count_explain(now)
        results["count"] = count_measure(now, args.runs)
    if "refresh" in only:
        sizes = [int(s) for s in args.sizes.split(",")]
        results["refresh"] = refresh_measure(
            now, sizes, args.seed, rebuild=not args.no_full_rebuild
        )
    if "scoring" in only:
        results["scoring"] = scoring_measure(args.scored)
    if "latency" in only:
        results["latency"] = latency_measure(env, now, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
