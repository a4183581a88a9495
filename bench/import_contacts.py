"""Benchmark: importing a large contacts CSV (``import_contacts_path``) into a fresh database.

    python bench/import_contacts.py --rows 1000000
    python bench/import_contacts.py --rows 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/bench_import

It generates a realistic CSV (names with accents, company and free-mail domains, a company
column on some rows, consent, a custom number field, about 0.2% bad rows), then measures:

- the baseline, in the same process: just reading and csv-parsing the same file;
- the import: rows/s, peak RSS (``getrusage`` and ``/proc/self/status`` VmRSS sampled during
  the run), and the ratio import rate / parse rate;
- optionally (``--reimport``) a second import of the same file, where every row is an update.

SQLite runs on a temporary file; PostgreSQL on the named database, created and dropped here.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

FIRST = ["Ann", "Bo", "Chai", "Zoë", "José", "Thảo", "Minh", "Somchai", "Ploy", "Liam", "Mai"]
LAST = ["Lee", "Nguyễn", "Đặng", "Trần", "Muñoz", "Wong", "Srisuk", "Smith", "Ødegård", "Chan"]
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
STAGES = ["lead", "subscriber", "MQL", "customer", ""]
CONSENT = ["granted", "denied", "yes", "", ""]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class RssSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, rss_mb())


def generate(path: Path, rows: int, seed: int = 7) -> int:
    """Write the CSV; returns how many rows are deliberately bad."""
    rnd = random.Random(seed)
    companies = [f"company{i}.example-corp.com" for i in range(max(rows // 50, 10))]
    bad = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Email", "First name", "Last name", "Phone", "Company", "Source", "Stage",
             "Email consent", "Budget"]
        )  # fmt: skip
        for i in range(rows):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            free = rnd.random() < 0.25
            domain = rnd.choice(FREE) if free else rnd.choice(companies)
            email = f"person{i}@{domain}"
            budget = str(rnd.randint(0, 100_000)) if rnd.random() < 0.5 else ""
            if i % 1000 == 999:
                email, bad = f"person{i} at {domain}", bad + 1
            elif i % 1500 == 1499:
                budget, bad = "a lot", bad + 1
            company = domain.split(".")[0].title() if not free and rnd.random() < 0.3 else ""
            writer.writerow(
                [email, first, last, f"+66 8{i % 10} {i:07d}", company, "bench",
                 rnd.choice(STAGES), rnd.choice(CONSENT), budget]
            )  # fmt: skip
    return bad


def parse_baseline(path: Path) -> float:
    started = time.perf_counter()
    count = 0
    with open(path, newline="", encoding="utf-8") as source:
        for _row in csv.reader(source):
            count += 1
    return (count - 1) / (time.perf_counter() - started)


def postgres_admin(url: str) -> tuple[Any, str]:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin_url, autocommit=True), name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="postgres://... (default: SQLite)")
    parser.add_argument("--reimport", action="store_true", help="then import it again (updates)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tendril-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if args.database_url:
        admin, name = postgres_admin(url)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["TENDRIL_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tendril.settings"
    sys.path.insert(0, str(ROOT))
    try:
        run(args, tmp)
    finally:
        from django.db import connections

        connections.close_all()
        if args.database_url:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tendril.contacts.importer import import_contacts_path
    from tendril.contacts.models import Company, Contact, CustomField
    from tendril.core import clock

    call_command("migrate", verbosity=0)
    CustomField.objects.create(key="budget", label="Budget", type="number", created_at=clock.now())
    path = tmp / "contacts.csv"
    bad = generate(path, args.rows)
    size_mb = path.stat().st_size / 1e6
    parse_rate = parse_baseline(path)

    def timed_import() -> tuple[dict[str, Any], float, float]:
        sampler = RssSampler()
        sampler.start()
        started = time.perf_counter()
        report = import_contacts_path(path=path, source="bench")
        took = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
        return dict(report), took, sampler.peak

    rss_before = rss_mb()
    report, took, sampled = timed_import()
    rate = args.rows / took
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Import of {args.rows:,} rows ({size_mb:.0f} MB CSV, {bad:,} bad rows) on {engine}")
    print(f"  {report['rows']:,} rows read: created {report['created']:,}, "
          f"updated {report['updated']:,}, merged {report['merged']:,}, "
          f"rejected {report['rejected_count']:,}; {Contact.objects.count():,} contacts, "
          f"{Company.objects.count():,} companies")  # fmt: skip
    print(f"  import:   {took:8.1f} s  {rate:10,.0f} rows/s")
    print(f"  baseline: read + csv-parse the same file: {parse_rate:10,.0f} rows/s")
    print(f"  ratio (import rate / parse rate): {rate / parse_rate:.4f}")
    print(f"  RSS before import {rss_before:.0f} MB; peak sampled VmRSS {sampled:.0f} MB; "
          f"peak ru_maxrss {peak_rss_mb():.0f} MB")  # fmt: skip
    assert report["rejected_count"] == bad, "the bad rows should be exactly the rejected ones"
    counted = report["created"] + report["updated"] + report["merged"] + report["rejected_count"]
    assert counted == report["rows"] == args.rows, "every row read is counted once"
    if args.reimport:
        report, took, sampled = timed_import()
        print(f"  re-import (every row an update): {took:.1f} s  {args.rows / took:,.0f} rows/s, "
              f"updated {report['updated']:,}; peak sampled VmRSS {sampled:.0f} MB, "
              f"ru_maxrss {peak_rss_mb():.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
