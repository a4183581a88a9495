"""Personalisation decisions (``GET /t/decide``) against the least a Django view can do.

The shop site of ``bench/collector.py`` gets a slot with four variants (a hot grade, a stage, a
second visit, an anonymous third visit) and an active exit pop-up; ``--visitors`` browsers have
1 to 4 earlier visits each (page views with their visit ids), a fifth of them are known
contacts (scores and stages varied), and some were already shown the pop-up. Each request asks
for the slot and the pop-up of one product page, as the snippet does after a page view, so the
server reads the visitor's link, their visit number, the contact, the displays and the
conversions.

Baseline in the same server process, the same run: ``GET /bench/noop`` (a Django view answering
204 behind the same middleware), sent the same requests; the two alternate for ``--rounds``
rounds and the medians' ratio is reported. Every answer's status is checked (200 / 204).

    python bench/personalisation.py [--seconds 10] [--rounds 3] [--clients 8] [--threads 8]

It reuses ``bench/collector.py``'s server set-up and load generator (``hammer``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from datetime import timedelta
from urllib.parse import urlencode

from collector import SHOP, SITE_DIR, ServerEnv, hammer, site_key, tree_state
from harness import ROOT, serving, tendril_setup

KINDS = {"decide": ("/t/decide", "200"), "noop": ("/bench/noop", "204")}


def seed(key: str, *, visitors: int, rng: random.Random) -> list[str]:
    """The slot, the pop-up and the visitors' history; returns the visitor ids."""
    from tendril.contacts.models import Contact
    from tendril.core import clock
    from tendril.core.models import Event, VisitorLink
    from tendril.personalisation.models import Popup, PopupDisplay, Slot
    from tendril.personalisation.services import popup_create, slot_create
    from tendril.tracking.models import Site
    from tendril.web.models import Form
    from tendril.web.services import form_create

    site = Site.objects.get(key=key)
    ids = [f"bench{n:011d}" for n in range(visitors)]
    if Slot.objects.filter(key="hero", site=site).exists():
        return ids
    slot_create(
        data={
            "name": "Bench hero",
            "key": "hero",
            "site": site.pk,
            "content": "<p>Welcome</p>",
            "variants": [
                {"grade": "hot", "content": "<p>Talk to sales</p>"},
                {"stage": "customer", "content": "<p>Thanks for being a customer</p>"},
                {"visit": "2", "content": "<p>Welcome <b>back</b></p>"},
                {"visit": "3", "known": "anonymous", "content": "<p>Sign up?</p>"},
            ],
        },
        by=None,
    )
    form = Form.objects.filter(name="Bench newsletter").first() or form_create(
        data={"name": "Bench newsletter", "fields": [{"key": "email", "label": "Email"}]},
        by=None,
    )
    popup = Popup.objects.filter(name="Bench exit").first() or popup_create(
        data={"name": "Bench exit", "site": site.pk, "form": form.pk, "every_days": 1},
        by=None,
    )
    now = clock.now()
    events, links, displays = [], [], []
    for n, visitor in enumerate(ids):
        contact_id = None
        if n % 5 == 0:
            contact = Contact.objects.create(
                email=f"{visitor}@bench.example",
                score=rng.choice((0, 3, 7, 15)),
                stage=rng.choice(("lead", "mql", "customer")),
                created_at=now,
                updated_at=now,
            )
            contact_id = contact.pk
            links.append(VisitorLink(visitor_id=visitor, contact_id=contact_id, linked_at=now))
        for visit in range(rng.randint(1, 4)):
            for page in range(rng.randint(1, 3)):
                at = now - timedelta(days=10 - visit, minutes=page)
                events.append(
                    Event(
                        visitor_id=visitor,
                        contact_id=contact_id,
                        type="page_view",
                        properties={"url": f"{SHOP}/p/{page}", "session": f"{visitor}v{visit}"},
                        occurred_at=at,
                        received_at=at,
                        source="tracking",
                    )
                )
        if n % 7 == 0:
            displays.append(
                PopupDisplay(
                    popup=popup,
                    visitor_id=visitor,
                    shown=1,
                    first_shown_at=now - timedelta(days=3),
                    last_shown_at=now - timedelta(days=3),
                )
            )
    Event.objects.bulk_create(events, batch_size=2000)
    VisitorLink.objects.bulk_create(links, batch_size=2000)
    PopupDisplay.objects.bulk_create(displays, batch_size=2000)
    return ids


def queries(key: str, ids: list[str], n: int, rng: random.Random) -> list[bytes]:
    """``n`` decide query strings, each a visitor's new visit on a product page."""
    out = []
    for _ in range(n):
        visitor = rng.choice(ids)
        params = {
            "k": key,
            "v": visitor,
            "s": f"{visitor}now",
            "u": f"{SHOP}/p/{rng.randrange(50)}",
            "sl": "hero",
        }
        out.append(("?" + urlencode(params)).encode())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--visitors", type=int, default=5_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bench_personalisation"
    )
    args = parser.parse_args()
    rng = random.Random(23)
    env = tendril_setup(tree=ROOT, database_url=args.database_url)
    from django.db import connection

    key = site_key()
    ids = seed(key, visitors=args.visitors, rng=rng)
    requests = queries(key, ids, 20_000, rng)
    connection.close()
    server_env = ServerEnv(env)
    server_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(SITE_DIR)])
    server_env["DJANGO_SETTINGS_MODULE"] = "bench_collector_settings"

    rows = []
    with serving(server_env, threads=args.threads) as server:
        for kind, (path, ok) in KINDS.items():
            warm = hammer(
                server.port,
                path,
                requests[:200],
                clients=args.clients,
                seconds=1,
                method="GET",
                ok=ok,
            )
            if warm["failed"]:
                raise SystemExit(f"warm-up of {kind}: {warm['failed']} {warm['failure_samples']}")
        for n in range(1, args.rounds + 1):
            row = {
                kind: hammer(
                    server.port,
                    path,
                    requests,
                    clients=args.clients,
                    seconds=args.seconds,
                    method="GET",
                    ok=ok,
                )
                for kind, (path, ok) in KINDS.items()
            }
            row["ratio"] = row["decide"]["rate"] / row["noop"]["rate"]
            rows.append(row)
            print(
                f"round {n}: decide {row['decide']['rate']:,.0f}/s "
                f"(p50 {row['decide']['p50_ms']:.1f} ms, p99 {row['decide']['p99_ms']:.1f} ms), "
                f"noop {row['noop']['rate']:,.0f}/s, ratio {row['ratio']:.2f}",
                flush=True,
            )
    decide = statistics.median(r["decide"]["rate"] for r in rows)
    noop = statistics.median(r["noop"]["rate"] for r in rows)
    failed = {k: v for r in rows for kind in KINDS for k, v in r[kind]["failed"].items()}
    print(f"tree {ROOT} at {tree_state(ROOT)}; {os.cpu_count()} cores, load {os.getloadavg()}")
    print(
        f"median: decide {decide:,.0f} decisions/s, noop {noop:,.0f}/s, ratio {decide / noop:.2f}"
        f"; {args.clients} clients, waitress {args.threads} threads, {args.visitors:,} visitors"
    )
    print(f"answers other than 200/204: {failed or 'none'}")


if __name__ == "__main__":
    main()
