"""``?page=N&page_size=M`` → ``{"count": N, "items": [...]}``, the one list shape of the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def page_of(items: QuerySet[Any], params: PageParams, render: Callable[[Any], T]) -> dict[str, Any]:
    start = (params.page - 1) * params.page_size
    rows = items[start : start + params.page_size]
    return {"count": items.count(), "items": [render(row) for row in rows]}
