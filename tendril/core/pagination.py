"""``?page=N&page_size=M`` → ``{"count": N, "items": [...]}``, the one list shape of the API.

Offsets are clamped to :data:`MAX_OFFSET`: a page far past the end is an empty page, never a
database error (SQLite and PostgreSQL both refuse an OFFSET beyond a 64-bit integer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 500
# Far past any list Tendril will hold, and far inside the 64-bit range both databases accept.
MAX_OFFSET = 10**12


def offset_clamp(offset: int) -> int:
    """``offset`` within ``0..MAX_OFFSET``: what every slice of a list from a request uses."""
    return min(max(offset, 0), MAX_OFFSET)


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def page_of(items: QuerySet[Any], params: PageParams, render: Callable[[Any], T]) -> dict[str, Any]:
    start = offset_clamp((params.page - 1) * params.page_size)
    rows = items[start : start + params.page_size]
    return {"count": items.count(), "items": [render(row) for row in rows]}
