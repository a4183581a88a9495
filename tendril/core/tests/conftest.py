"""Kernel tests register throw-away consumers and event types; they never see the apps' own."""

from __future__ import annotations

import pytest

from tendril.core import consumers


@pytest.fixture
def only_test_consumers(monkeypatch):
    """An empty consumer registry for the test, restored afterwards."""
    monkeypatch.setattr(consumers, "_registry", {})
