"""Fixtures shared by every app's tests: the three roles, API clients, service markers."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tendril.accounts.models import Role, User
from tendril.accounts.services import apikey_create
from tendril.contacts.stages import stages_forget
from tendril.core import consumers
from tendril.core.consumers import MAX_ATTEMPTS, consumer_try_one, event_consumer
from tendril.core.models import ConsumerCursor, DeadLetter, Event
from tendril.core.services import event_record
from tests.services_up import answers

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _service_missing(marker: str) -> str | None:
    """Why a test with ``marker`` cannot run here, or None when its service is configured."""
    if marker == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            return "needs DATABASE_URL=postgres://..."
        return None if answers(url) else f"PostgreSQL at {url} does not answer"
    if marker == "redis":
        url = os.environ.get("BROKER_URL", "")
        if not url:
            return "needs BROKER_URL=redis://..."
        return None if answers(url) else f"the broker at {url} does not answer"
    if marker == "browser":
        return None if os.path.exists("/usr/bin/chromium") else "needs /usr/bin/chromium"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a service test where its service is not configured; under CI, a configured service
    that does not answer (or a missing chromium) fails the test instead of skipping it."""
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        configured = marker == "browser" or "does not answer" in reason
        if CI and configured:
            pytest.fail(f"CI requires this service: {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Counts and marks kept in the cache (hits per minute, replayed hit ids, form floods) are
    each test's own: pacing that ran up in earlier tests must not drop this one's hits."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_stages() -> Any:
    """Every test reads the stages its own database holds: a stage a test added, renamed or
    hid is rolled back with it, and must not stay in this process's copy."""
    stages_forget()
    yield
    stages_forget()


def _make_user(role: str, email: str) -> User:
    return User.objects.create_user(
        email,
        "correct horse battery staple",
        role=role,
        first_name=role.title(),
        last_name="Tester",
    )


@pytest.fixture
def admin_user(db: Any) -> User:
    return _make_user(Role.ADMIN, "admin@tendril.test")


@pytest.fixture
def marketer(db: Any) -> User:
    return _make_user(Role.MARKETER, "marketer@tendril.test")


@pytest.fixture
def sales_rep(db: Any) -> User:
    return _make_user(Role.SALES, "sales@tendril.test")


def _api_client(role: str) -> Client:
    _, secret = apikey_create(name=f"{role} key", role=role, by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def admin_api(db: Any) -> Client:
    return _api_client(Role.ADMIN)


@pytest.fixture
def marketer_api(db: Any) -> Client:
    return _api_client(Role.MARKETER)


@pytest.fixture
def sales_api(db: Any) -> Client:
    return _api_client(Role.SALES)


@pytest.fixture
def poisoned(monkeypatch: pytest.MonkeyPatch, db: Any) -> DeadLetter:
    """A consumer ``test.picky`` that parked one event it cannot handle; ``.fix()`` mends it."""
    monkeypatch.setattr(consumers, "_registry", dict(consumers._registry))
    broken = {"yes": True}

    @event_consumer("test.picky")
    def picky(events: list[Event]) -> None:
        if broken["yes"] and any(e.type == "custom:poison" for e in events):
            raise ValueError("no poison please")

    event_record(contact_id=None, type="custom:poison")
    for _ in range(MAX_ATTEMPTS):
        consumer_try_one("test.picky")
        ConsumerCursor.objects.filter(name="test.picky").update(retry_at=None)
    letter = DeadLetter.objects.get(consumer="test.picky")
    letter.fix = lambda: broken.update(yes=False)  # type: ignore[attr-defined]
    return letter
