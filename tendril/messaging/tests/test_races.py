"""Many marketers saving an email of the same name at the same moment, at a real server on
PostgreSQL: one email is made, every other request hears 409 naming the field, none a 5xx."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from tendril.accounts.services import apikey_create
from tendril.messaging.models import Email

pytestmark = pytest.mark.postgres
CLIENTS = 12


def _post(url: str, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def test_concurrent_emails_of_one_name_make_one(live_server: Any, transactional_db: Any) -> None:
    _key, secret = apikey_create(name="race", role="marketer", by=None)
    barrier = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict[str, Any]]] = []

    def run(n: int) -> None:
        body = {"name": "Launch" if n % 2 else "LAUNCH", "subject": f"Hi {n}", "html": "<p>x</p>"}
        barrier.wait()
        answers.append(_post(f"{live_server.url}/api/v1/emails", secret, body))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (CLIENTS - 1), answers
    assert all(body["field"] == "name" for status, body in answers if status == 409)
    assert Email.objects.count() == 1
