"""Shared fixtures: the two preset dimensions the data migration makes.

Tests on a live server (``transactional_db``) empty every table afterwards, data migrations'
rows included; ``presets_present`` runs the migration's own function again (it creates only
what is missing), so each test starts with the presets whatever ran before it."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from tendril.personas.models import BuyingStageDimension
from tendril.personas.presets import B2B, B2C


def presets_present() -> None:
    migration = importlib.import_module("tendril.personas.migrations.0002_presets")
    migration.create_presets(apps, None)


@pytest.fixture
def b2b(db: Any) -> BuyingStageDimension:
    presets_present()
    return BuyingStageDimension.objects.get(preset=B2B)


@pytest.fixture
def b2c(db: Any) -> BuyingStageDimension:
    presets_present()
    return BuyingStageDimension.objects.get(preset=B2C)
