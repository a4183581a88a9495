"""Scoring tests start and end with no cached grade thresholds (a test's settings roll back), and
run the recounts an edit asks for in-process, even in the Redis pass (scoring is under test,
not the broker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tendril.scoring.selectors import thresholds_forget


@pytest.fixture(autouse=True)
def fresh_thresholds() -> Iterator[None]:
    thresholds_forget()
    yield
    thresholds_forget()


@pytest.fixture(autouse=True)
def no_broker(settings: Any) -> None:
    settings.BROKER_URL = ""
