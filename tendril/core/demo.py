"""The demo data registry: each app contributes its part in its ``demo.py``.

``tendril demo`` (:mod:`tendril.demo`) runs every step in ``order`` inside one transaction;
a step reads what earlier steps made through the database or ``context.shared``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoContext:
    rng: random.Random
    now: datetime
    days: int
    contacts: int
    companies: int
    say: Callable[[str], None]
    shared: dict[str, Any] = field(default_factory=dict)


DemoLoader = Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    load: DemoLoader


_steps: dict[str, DemoStep] = {}


def demo_step(name: str, *, order: int) -> Callable[[DemoLoader], DemoLoader]:
    """Register ``load(context) -> {what: count}`` as a part of the demo data set."""

    def register(load: DemoLoader) -> DemoLoader:
        _steps[name] = DemoStep(name, order, load)
        return load

    return register


def demo_steps() -> list[DemoStep]:
    """Every installed app's demo step, in order (their ``demo.py`` imported on first use)."""
    autodiscover_modules("demo")
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))
