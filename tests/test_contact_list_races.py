"""The contact list's write paths that can race, on PostgreSQL: a bulk job handed to several
workers at once, many marketers setting one stage on the same contacts at once, and many
requests saving one view name at once. Each releases its threads together from a barrier and
checks that nothing failed with a 5xx and that the race left exactly one of each thing."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client

from tendril.accounts.models import Role, User
from tendril.contacts.models import BulkJob, BulkStatus, Contact, SavedView
from tendril.contacts.tasks import bulk_job_run
from tendril.contacts.tests.factories import ContactFactory
from tendril.core import clock
from tendril.core.models import Event

pytestmark = pytest.mark.postgres

CLIENTS = 10
# Any 32 letters: Django compares the form's token with the cookie's secret.
CSRF = "h3racingclientsh3racingclientsxx"


def _together(work: Callable[[int], Any], count: int) -> list[Any]:
    """Run ``work(i)`` on ``count`` threads released at once; their results, in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = work(i)
        except BaseException as exc:
            barrier.abort()
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    return results


def _post_form(base_url: str, session: str, path: str, body: dict[str, Any]) -> int:
    """A browser's form post: the session cookie, and the CSRF token as cookie and field."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    payload = urlencode({**body, "csrfmiddlewaretoken": CSRF}, doseq=True)
    conn.request(
        "POST",
        path,
        body=payload,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "Referer": base_url,
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture(autouse=True)
def jobs_in_process(settings: Any) -> None:
    """The jobs run by the server under test, not handed to a broker no worker reads here."""
    settings.BROKER_URL = ""


@pytest.fixture
def marketers(transactional_db: Any) -> list[User]:
    return [
        User.objects.create_user(f"m{i}@tendril.test", "racing pass 123", role=Role.MARKETER)
        for i in range(CLIENTS)
    ]


@pytest.fixture
def contacts(transactional_db: Any) -> list[Contact]:
    return [ContactFactory() for _ in range(40)]


def _stage_changes() -> Counter[int]:
    return Counter(Event.objects.filter(type="stage_changed").values_list("contact_id", flat=True))


def test_a_bulk_job_handed_to_many_workers_at_once_runs_once(
    contacts: list[Contact], marketers: list[User]
) -> None:
    job = BulkJob.objects.create(
        action="set_stage",
        params={"stage": "sql"},
        contact_ids=[c.pk for c in contacts],
        total=len(contacts),
        created_by=marketers[0],
        created_at=clock.now(),
    )

    outcomes = _together(lambda _: bulk_job_run(job_id=job.pk), CLIENTS)

    assert Counter(outcomes) == {BulkStatus.DONE: 1, None: CLIENTS - 1}
    job.refresh_from_db()
    assert (job.status, job.done) == (BulkStatus.DONE, len(contacts))
    assert _stage_changes() == {c.pk: 1 for c in contacts}


def test_many_marketers_setting_one_stage_on_the_same_contacts_change_each_once(
    live_server: Any, contacts: list[Contact], marketers: list[User]
) -> None:
    sessions = [_session(m) for m in marketers]
    body = {"action": "set_stage", "new_stage": "mql", "ids": [c.pk for c in contacts]}

    statuses = _together(
        lambda i: _post_form(live_server.url, sessions[i], "/contacts/bulk/", body), CLIENTS
    )

    assert Counter(statuses) == {302: CLIENTS}
    assert Contact.objects.filter(stage="mql").count() == len(contacts)
    assert _stage_changes() == {c.pk: 1 for c in contacts}
    assert set(BulkJob.objects.values_list("status", "done")) == {(BulkStatus.DONE, len(contacts))}
    assert BulkJob.objects.count() == CLIENTS


def test_many_requests_saving_one_view_name_at_once_keep_one_and_no_5xx(
    live_server: Any, marketers: list[User]
) -> None:
    session = _session(marketers[0])
    body = {"name": "Hot leads", "grade": "hot", "order": "-score"}

    statuses: Sequence[int] = _together(
        lambda _: _post_form(live_server.url, session, "/contacts/views/", body), CLIENTS
    )

    assert Counter(statuses) == {302: 1, 422: CLIENTS - 1}
    assert list(SavedView.objects.values_list("owner", "name")) == [(marketers[0].pk, "Hot leads")]
