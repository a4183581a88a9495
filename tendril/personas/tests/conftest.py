"""Shared fixtures: the two preset dimensions the data migration made."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.personas.models import BuyingStageDimension
from tendril.personas.presets import B2B, B2C


@pytest.fixture
def b2b(db: Any) -> BuyingStageDimension:
    return BuyingStageDimension.objects.get(preset=B2B)


@pytest.fixture
def b2c(db: Any) -> BuyingStageDimension:
    return BuyingStageDimension.objects.get(preset=B2C)
