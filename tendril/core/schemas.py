"""What every API request body schema shares: unknown fields refused, and types taken strictly.

``{"owner": true}`` or ``{"employees": "12"}`` is a client bug, not a value: pydantic's lax mode
would store 1 and 12; strict mode answers 422 naming the field. Times stay lax (``strict=False``
on the field) because JSON can only carry them as ISO 8601 text.
"""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

STRICT_BODY = ConfigDict(extra="forbid", strict=True)


class BodySchema(Schema):
    """Base of every request body schema (plain pydantic models use ``STRICT_BODY``)."""

    model_config = STRICT_BODY
