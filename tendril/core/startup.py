"""Start-up hooks: what an app needs done when a process that runs background work starts.

``tendril run`` (when it does the background work in-process) and ``tendril worker`` call
:func:`startup_run` before they take any work. An app registers a hook with ``@on_startup`` in
its ``tasks.py``, which every process imports (:mod:`tendril.core.plugins`), so the kernel
names no app. The typical hook cleans up after a process that crashed: work it left claimed but
unfinished.

A hook that fails is logged and the others still run: a clean-up that cannot run now must not
keep the server from starting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

StartupHook = Callable[[], object]
_hooks: dict[str, StartupHook] = {}


def on_startup(hook: StartupHook) -> StartupHook:
    """Register ``hook`` to run once when a process that does background work starts."""
    _hooks[f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def startup_hooks() -> list[str]:
    return list(_hooks)


def startup_run() -> None:
    for name, hook in _hooks.items():
        try:
            hook()
        except Exception:
            logger.exception("start-up hook %s failed; starting anyway", name)
