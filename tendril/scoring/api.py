"""``/api/v1/scoring``: see ../shared/API.md."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["scoring"])
