"""Raw bulk INSERT of many rows into one table: the one place writes bypass the ORM, kept for the
hot paths a benchmark measured (the contact import and event ingest)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal, overload

from django.db import connection, models

# Up to this many rows, PostgreSQL gets one multi-row INSERT instead of a COPY.
FEW_ROWS = 20


def column_names(model: type[models.Model], attnames: Sequence[str]) -> list[str]:
    """The quoted database columns of these fields of ``model``, in their order."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [connection.ops.quote_name(str(fields[name].column)) for name in attnames]


def _prepared(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, list[str], Sequence[Sequence[Any]]]:
    """The quoted table and column names, and the rows with their JSON values dumped."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    json_at = [i for i, c in enumerate(columns) if isinstance(fields[c], models.JSONField)]
    values: Sequence[Sequence[Any]] = rows
    if json_at:
        dumps = json.dumps
        values = []
        for row in rows:
            dumped = list(row)
            for i in json_at:
                dumped[i] = dumps(dumped[i])
            values.append(dumped)
    table = connection.ops.quote_name(model._meta.db_table)
    return table, column_names(model, columns), values


@overload
def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: Literal[True],
) -> list[int]: ...


@overload
def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: Literal[False] = False,
) -> None: ...


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
) -> list[int] | None:
    """INSERT ``rows`` (values in ``columns`` order, ``columns`` being field attnames) into
    ``model``'s table; with ``returning_ids``, return the new primary keys in row order.

    Values must already be adapted for the database (e.g. datetimes through
    ``connection.ops.adapt_datetimefield_value``), except JSON fields: those are given as Python
    values and written with ``json.dumps``. PostgreSQL gets one ``COPY`` (ids drawn from the
    table's sequence up front when wanted); SQLite gets ``executemany``, or one INSERT per row
    when the ids are wanted.

    Why raw SQL, measured:

    - bench/import_contacts.py (1M rows): ``bulk_create`` of the contacts, events and consents
      ran at 4,004 rows/s on SQLite, most of it spent building model instances and preparing
      every value one by one (the timestamps alone were adapted 4 million times); pre-adapted
      tuples run at 10,673 rows/s. On PostgreSQL, executemany and multi-row VALUES stayed at
      3,795 rows/s (psycopg binds parameters client-side, parsing each long statement); COPY
      gives 6,790 rows/s.
    - bench/event_ingest.py (100k events, 2 cores): the ORM's ``bulk_create`` spent 0.11 s of a
      0.21 s batch of 1,000 quoting arrays and building model instances in Python; with ``COPY``
      the whole batch takes 0.05 s (figures in bench/RESULTS.md).
    """
    if not rows:
        return [] if returning_ids else None
    table, names, values = _prepared(model, columns, rows)
    quote = connection.ops.quote_name
    pk = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(values) <= FEW_ROWS:
            # A few rows (a tracking hit, one API event): one INSERT is one round trip, where
            # drawing ids and a COPY take three (bench/collector.py).
            one = "(" + ", ".join(["%s"] * len(names)) + ")"
            sql = (
                f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([one] * len(values))}"
            )
            params = [value for row_values in values for value in row_values]
            with connection.wrap_database_errors:
                if not returning_ids:
                    cursor.execute(sql, params)
                    return None
                cursor.execute(f"{sql} RETURNING {quote(pk)}", params)
                return [int(new_id) for (new_id,) in cursor.fetchall()]
        if connection.vendor == "postgresql":
            ids: list[int] | None = None
            if returning_ids:
                # One row holding every id: fetching a row per id cost 6 ms a batch of 1,000,
                # the array 1 ms (bench/event_ingest.py).
                cursor.execute(
                    "SELECT array_agg(id ORDER BY id) FROM (SELECT nextval("
                    "pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s)) AS new",
                    [table, pk, len(rows)],
                )
                ids = list(cursor.fetchone()[0])
                names.insert(0, quote(pk))
                values = [(new_id, *row) for new_id, row in zip(ids, values, strict=True)]
            # wrap_database_errors: a UniqueViolation becomes Django's IntegrityError.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy,
            ):
                for row in values:
                    copy.write_row(row)
            return ids
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        if not returning_ids:
            cursor.executemany(sql, values)
            return None
        new_ids: list[int] = []
        for row in values:
            cursor.execute(sql, row)
            new_ids.append(cursor.lastrowid)
        return new_ids


def insert_new_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: Sequence[str],
    batch_size: int = 500,
) -> list[tuple[Any, ...]]:
    """INSERT the ``rows`` whose ``unique`` columns are not taken yet, skipping the others
    (``ON CONFLICT DO NOTHING``); returns ``(pk, *unique values)`` of the rows really inserted.

    This is how concurrent writers agree without errors or duplicates: on PostgreSQL a row
    another open transaction is inserting waits for it and is then skipped, and only the
    winner learns that it created the row (so it alone records the creation). The ORM's
    ``bulk_create(ignore_conflicts=True)`` cannot say which rows it inserted. Callers should
    pass rows sorted by their unique values, so concurrent batches lock in one order.
    """
    if not rows:
        return []
    table, names, values = _prepared(model, columns, rows)
    keys = ", ".join(column_names(model, unique))
    returned = f"{connection.ops.quote_name(str(model._meta.pk.column))}, {keys}"
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    inserted: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch_size):
            batch = values[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) "
                f"VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT ({keys}) DO NOTHING RETURNING {returned}",
                [value for row in batch for value in row],
            )
            inserted.extend(tuple(r) for r in cursor.fetchall())
    return inserted
