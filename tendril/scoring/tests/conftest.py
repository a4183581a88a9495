"""Scoring tests start and end with no cached grade thresholds (a test's settings roll back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tendril.scoring.selectors import thresholds_forget


@pytest.fixture(autouse=True)
def fresh_thresholds() -> Iterator[None]:
    thresholds_forget()
    yield
    thresholds_forget()
