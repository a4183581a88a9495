"""Domain errors a user can cause; the API maps each to a status with a plain message."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

M = TypeVar("M", bound="Model")


class DomainError(Exception):
    """Something the user asked for cannot be done; ``message`` is shown to them as is."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status = 422


class MalformedInput(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


def first_or_not_found(rows: QuerySet[M], message: str) -> M:
    """The first of ``rows``, or NotFound with ``message``: how ``*_get_for`` selectors answer
    404 for what does not exist and for what the viewer may not see alike."""
    found = rows.first()
    if found is None:
        raise NotFound(message)
    return found
