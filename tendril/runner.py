"""``tendril run``: the web app, the background worker and the scheduler in one process."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from django.conf import settings

from tendril.core.scheduler import EmbeddedScheduler
from tendril.core.tasks import local_worker_start

logger = logging.getLogger(__name__)


def serve(*, host: str, port: int, threads: int, banner: str) -> None:
    """Serve until SIGINT/SIGTERM; without a broker, work and ticks run on threads here too."""
    from waitress.server import create_server

    from tendril.wsgi import application

    helpers: list[EmbeddedScheduler] = []
    worker = None
    if not settings.BROKER_URL:
        worker = local_worker_start()
        scheduler = EmbeddedScheduler()
        scheduler.start()
        helpers.append(scheduler)
    server = create_server(application, host=host, port=port, threads=threads, ident="Tendril")

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("stopping (signal %s)", signum)
        for helper in helpers:
            helper.stop()
        if worker is not None:
            worker.stop()
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(banner, flush=True)
    server.run()
