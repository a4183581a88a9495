"""Names and unique values of the things marketers make (sites, segments, rules, personas,
slots, pop-ups, topics): the one way a name is cleaned, checked free, and saved so that two
people claiming the same one at once both hear a plain Conflict, never a server error.

The messages are the caller's (each says what the thing is, in the caller's own words); only
the NUL refusal is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.core.errors import Conflict, InvalidInput


def name_clean(
    raw: object,
    *,
    empty: str,
    too_long: str,
    limit: int = 200,
    nul: str | None = None,
    field: str = "name",
) -> str:
    """``raw`` trimmed; ``empty`` when nothing is left, ``too_long`` past ``limit`` characters,
    and ``nul`` (a shared message when not given) for a NUL, which no column can store."""
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        raise InvalidInput(empty, field=field)
    if len(name) > limit:
        raise InvalidInput(too_long, field=field)
    if "\x00" in name:
        raise InvalidInput(
            nul or _("This name contains a character that cannot be stored."), field=field
        )
    return name


def name_free(
    rows: QuerySet[Any], name: str, *, pk: int | None, taken: str, field: str = "name"
) -> None:
    """Conflict ``taken`` when a row of ``rows`` other than ``pk`` has ``name``, case
    ignored (the message names the clash before anything is written)."""
    others = rows.filter(name__iexact=name)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.exists():
        raise Conflict(taken, field=field)


@contextmanager
def saved_or_conflict(message: str, *, field: str | None) -> Iterator[None]:
    """Write inside a savepoint; a unique constraint's refusal (the same value written a
    moment ago by someone else) becomes Conflict ``message`` and the outer transaction
    goes on."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise Conflict(message, field=field) from None
