"""How an installed app plugs in without anyone editing the kernel.

At start-up every app in ``INSTALLED_APPS`` has these modules imported, when it has them, the
way Django's admin finds ``admin.py``; importing them runs their registrations:

- ``events.py``: event types with their timeline sentences (:func:`tendril.core.events.event_type`);
- ``consumers.py``: event-log consumers (:func:`tendril.core.consumers.event_consumer`);
- ``tasks.py``: Celery tasks and periodic jobs (:func:`tendril.core.scheduler.periodic`);
- ``navigation.py``: menu and settings entries (``tendril.ui.navigation``);

An app's ``demo.py`` (its part of the demo data, :func:`tendril.core.demo.demo_step`) is found
the same way, but only when demo data is loaded: no serving process needs it.

A module that exists but fails to import stops start-up with its error: a broken consumer is
never silently missing.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

PLUGIN_MODULES = ("events", "consumers", "tasks", "navigation")


def autodiscover() -> None:
    autodiscover_modules(*PLUGIN_MODULES)
