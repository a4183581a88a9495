"""What the benches at scale share: a scratch PostgreSQL database kept between runs, Django set
up on it, and the generator of a million believable contacts written with ``COPY``.

A data set is made once and reused (``--rebuild`` makes it again): each bench notes the shape
it made in a small meta table of its own and checks it before reusing the data.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harness import ROOT


def database_ensure(url: str, *, rebuild: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if rebuild:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_open(url: str, *, rebuild: bool, tree: Path = ROOT) -> dict[str, str]:
    """Django set up on ``tree``'s code (a ``git worktree`` measures one commit while others
    edit this checkout) and the kept database ``url`` (made if missing, dropped first with
    ``rebuild``), migrated; returns the environment a server of the same code needs."""
    if not url.startswith("postgres"):
        raise SystemExit("this benchmark runs on PostgreSQL: --database-url postgres://...")
    database_ensure(url, rebuild=rebuild)
    os.environ.update(
        DATABASE_URL=url,
        TENDRIL_VAR_DIR=tempfile.mkdtemp(prefix="tendril-bench-"),
        DJANGO_SETTINGS_MODULE="tendril.settings",
        PYTHONPATH=str(tree),
    )
    os.environ.pop("BROKER_URL", None)
    sys.path.insert(0, str(tree))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dict(os.environ)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def weighted(rng: random.Random, pairs: Any, k: int) -> list[Any]:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


def copy_rows(cursor: Any, table: str, columns: list[str], rows: Any) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _droppable_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND i.indexname NOT IN (
               SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conindid
               WHERE k.conrelid = %s::regclass)""",
        [table, table],
    )
    return list(cursor.fetchall())


@contextmanager
def indexes_rebuilt(cursor: Any, table: str) -> Iterator[list[float]]:
    """The table's plain indexes dropped during a load and made again from the same
    definitions after it, which is much faster than keeping them current row by row. Yields a
    list that receives the seconds the indexes took to make."""
    # Foreign keys checked row by row now: an index cannot be made while checks are pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    indexes = _droppable_indexes(cursor, table)
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    took: list[float] = []
    yield took
    started = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    took.append(time.perf_counter() - started)


def generate_contacts(count: int, companies: int, seed: int) -> None:
    """Write ``count`` contacts and ``companies`` companies with COPY, and the users who own
    some of them: Vietnamese, Thai and English names (about a third of the Vietnamese are
    Nguyễn, as in life), each search text made by the app's own function, and company sizes
    (a skewed spread: most companies are small)."""
    from django.db import connection

    from tendril.accounts.models import Role, User
    from tendril.contacts.companies import company_name_key
    from tendril.contacts.demo import (
        FREEMAIL,
        INDUSTRIES,
        NAMES,
        REGIONS,
        SOURCES,
        STAGES,
        _ascii,
    )
    from tendril.contacts.models import Language
    from tendril.contacts.search import company_search_text, contact_search_text

    rng = random.Random(seed)
    # Sizes drawn apart, so the rest of the data set is the same with or without them.
    sizes = random.Random(seed + 1)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    owners = [
        User.objects.create_user(f"sales{i}@bench.test", "bench-password-123", role=Role.SALES).pk
        for i in range(8)
    ]
    endings = [e for group in INDUSTRIES.values() for e in group]
    company_rows = []
    company_region = []
    for i in range(companies):
        region = weighted(rng, [("vn", 45), ("th", 35), ("intl", 20)], 1)[0]
        stems, forms, tlds = REGIONS[region]
        stem, ending = rng.choice(stems), rng.choice(endings)
        name = f"{stem} {ending} {rng.choice(forms)}".strip()
        domain = f"{_ascii(stem)}{_ascii(ending)}{i}.{rng.choice(tlds)}"
        created = now - timedelta(days=rng.uniform(30, 2000))
        employees = min(1 + int(sizes.lognormvariate(4.3, 1.5)), 200_000)
        company_rows.append(
            (name, company_name_key(name), domain, "", employees,
             company_search_text(name=name, domain=domain), created, created)
        )  # fmt: skip
        company_region.append((region, name, domain))
    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_rows(
            raw,
            "contacts_company",
            ["name", "name_key", "domain", "industry", "employees", "search_text",
             "created_at", "updated_at"],
            company_rows,
        )  # fmt: skip
        cursor.execute("SELECT id FROM contacts_company ORDER BY id")
        company_ids = [row[0] for row in cursor.fetchall()]

    other_vn_lasts = [n for n in NAMES["vn"][1] if n != "Nguyễn"]
    languages = {"vn": Language.VI, "th": Language.TH, "intl": Language.EN}
    stages = weighted(rng, STAGES, count)
    sources = weighted(rng, SOURCES, count)
    regions = weighted(rng, [("vn", 45), ("th", 35), ("intl", 20)], count)
    rows = []
    started = time.perf_counter()
    for i in range(count):
        company_index = rng.randrange(companies) if rng.random() > 0.15 else None
        region = regions[i]
        company_name = ""
        company_id = None
        domain = rng.choice(FREEMAIL)
        if company_index is not None:
            company_id = company_ids[company_index]
            company_region_of, company_name, domain = company_region[company_index]
            if rng.random() < 0.8:
                region = company_region_of
        firsts, lasts = NAMES[region]
        first = rng.choice(firsts)
        if region == "vn":
            last = "Nguyễn" if rng.random() < 0.35 else rng.choice(other_vn_lasts)
        else:
            last = rng.choice(lasts)
        email = f"{_ascii(first)}.{_ascii(last)}.{i}@{domain}"
        phone = f"+84 9{i % 10} {i:07d}" if region == "vn" else f"+66 8{i % 10} {i:07d}"
        created = now - timedelta(minutes=rng.uniform(0, 3 * 365 * 24 * 60))
        seen = created + timedelta(days=rng.uniform(0, 60)) if rng.random() < 0.6 else None
        score = min(int(rng.expovariate(1 / 6)), 120)
        owner = rng.choice(owners) if rng.random() < 0.35 else None
        rows.append(
            (email, first, last, phone, company_id, "{}", sources[i], owner, stages[i], score,
             languages[region],
             contact_search_text(first_name=first, last_name=last, email=email, phone=phone,
                                 company_name=company_name),
             created, created, seen)
        )  # fmt: skip
    made = time.perf_counter() - started
    columns = ["email", "first_name", "last_name", "phone", "company_id", "fields", "source",
               "owner_id", "stage", "score", "language", "search_text", "created_at",
               "updated_at", "last_seen_at"]  # fmt: skip
    with connection.cursor() as cursor, indexes_rebuilt(cursor, "contacts_contact") as indexed:
        started = time.perf_counter()
        copy_rows(cursor.cursor, "contacts_contact", columns, rows)
        copied = time.perf_counter() - started
    print(
        f"contacts: {count:,} contacts, {companies:,} companies; rows made in {made:.0f} s "
        f"(search texts included), COPY {copied:.0f} s, indexes {indexed[0]:.0f} s"
    )
