"""Many first views of one page by one browser at the same moment, at a real server on
PostgreSQL: exactly one visitor row, no server error, every view recorded."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from tendril.core.models import Event
from tendril.web.landing import page_create, page_publish
from tendril.web.models import LandingVisit
from tendril.web.tests.landing_helpers import PERSON

pytestmark = pytest.mark.postgres
CLIENTS = 20
VISITOR = "racingvisitor0123456789abcdef012"


def _get(url: str) -> int:
    request = urllib.request.Request(
        url, headers={"User-Agent": PERSON, "Cookie": f"tendril_vid={VISITOR}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_concurrent_first_views_of_one_visitor_make_one_row(
    live_server: Any, transactional_db: Any
) -> None:
    page = page_create(
        data={"name": "Race", "blocks": [{"type": "heading", "text": "Race"}]}, by=None
    )
    page_publish(page=page, by=None)
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []

    def run() -> None:
        barrier.wait()
        statuses.append(_get(f"{live_server.url}/p/race"))

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * CLIENTS
    assert LandingVisit.objects.filter(page=page).count() == 1
    assert LandingVisit.objects.get().visitor_id == VISITOR
    assert Event.objects.filter(type="page_view", visitor_id=VISITOR).count() == CLIENTS
