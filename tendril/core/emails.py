"""The one email normaliser: how every door (API, UI, import, ingest, user accounts) turns a
typed address into the form Tendril stores and compares."""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_EMAIL_LENGTH = 254


def email_fold(raw: str) -> str:
    """The form addresses are stored and compared in: trimmed, lower case."""
    return raw.strip().lower()


@lru_cache(maxsize=65_536)
def email_normalise(raw: str) -> str | None:
    """The stored form of an address (trimmed, lower case), or None if it is not one.

    Cached: event ingest sees the same people again and again, and Django's validator costs
    ~10 µs a call.
    """
    email = email_fold(raw)
    if len(email) > MAX_EMAIL_LENGTH:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email
