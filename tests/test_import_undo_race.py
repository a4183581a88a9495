"""Undoing one import from many browsers at once, through a real server on PostgreSQL: the
contacts are deleted once, by one request; the others are told it was already undone."""

from __future__ import annotations

import http.client
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.importer import import_contacts_path
from tendril.contacts.models import Contact, ImportJob
from tendril.contacts.services import contact_create

pytestmark = pytest.mark.postgres

CLIENTS = 12
CREATED = 40


def _signed_in_form(base_url: str, path: str, user: Any) -> tuple[dict[str, str], str]:
    """The headers of a signed-in browser that opened ``path``, and the CSRF token of its form."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 200, page
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token
    conn.close()
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf_cookie.group(1)}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return headers, token.group(1)


def _post_together(base_url: str, path: str, headers: dict[str, str], body: str) -> list[int]:
    """POST ``body`` from ``CLIENTS`` threads released together by a barrier; their statuses."""
    parts = urlsplit(base_url)
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            conn.connect()
            barrier.wait(timeout=60)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            with lock:
                statuses.append(response.status)
        except BaseException as exc:
            barrier.abort()
            failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return statuses


def test_many_people_undoing_one_import_at_once_delete_its_contacts_once(
    live_server: Any, transactional_db: Any, marketer: Any, tmp_path: Path
) -> None:
    contact_create(data={"email": "known@acme.io"}, by=None)
    source = tmp_path / "wrong-list.csv"
    source.write_text("email\nknown@acme.io\n" + "".join(f"p{i}@acme.io\n" for i in range(CREATED)))
    import_contacts_path(path=source)
    job = ImportJob.objects.get()
    path = f"/contacts/import/{job.pk}/undo/"
    headers, token = _signed_in_form(live_server.url, path, marketer)

    body = urlencode({"csrfmiddlewaretoken": token, "typed": str(CREATED)})
    statuses = Counter(_post_together(live_server.url, path, headers, body))

    assert not [s for s in statuses if s >= 500], statuses
    # One undid it; the others were refused under the lock (409) or, arriving after it
    # committed, sent back to the status page that says it was undone (302).
    assert set(statuses) <= {302, 409} and sum(statuses.values()) == CLIENTS, statuses
    job.refresh_from_db()
    assert job.undone_count == CREATED and job.undone_at is not None
    assert AuditEntry.objects.filter(action="contacts.import_undo").count() == 1
    assert list(Contact.objects.values_list("email", flat=True)) == ["known@acme.io"]
