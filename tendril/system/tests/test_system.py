"""System health: /healthz, the System screen (admins), ``tendril status`` and dead letters."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.core import clock
from tendril.core.models import DeadLetter, Event
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_healthz_answers_ok_with_each_consumers_lag_without_signing_in():
    event_record(contact_id=None, type="custom:visit")

    response = Client().get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert body["database"] == "ok"
    last_seen = next(c for c in body["consumers"] if c["name"] == "contacts.last_seen")
    assert last_seen["behind"] == 1
    assert last_seen["parked"] == 0
    assert body["status"] == "ok"  # one fresh event is not lag


def test_healthz_says_lagging_when_events_wait_too_long(settings):
    settings.HEALTH_MAX_LAG_SECONDS = 60
    event_record(contact_id=None, type="custom:visit")
    Event.objects.update(received_at=clock.now().replace(year=2020))

    body = Client().get("/healthz").json()

    assert body["status"] == "lagging"
    assert body["max_lag_seconds"] == 60


def test_healthz_says_lagging_when_a_consumer_parked_an_event(poisoned):
    body = Client().get("/healthz").json()

    picky = next(c for c in body["consumers"] if c["name"] == "test.picky")
    assert (body["status"], picky["parked"]) == ("lagging", 1)


def test_healthz_answers_503_when_the_database_does_not(monkeypatch):
    def down() -> list:
        raise DatabaseError("could not connect to server")

    monkeypatch.setattr("tendril.system.selectors.consumer_lags", down)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"] == "could not connect to server"


def test_the_system_screen_shows_admins_the_lag_and_the_parked_events(admin_user, poisoned):
    response = signed_in(admin_user).get("/system/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "contacts.last_seen" in page
    assert "test.picky" in page
    assert "ValueError: no poison please" in page
    assert f"/system/dead-letters/{poisoned.pk}/retry/" in page


@pytest.mark.parametrize("role", ["marketer", "sales_rep"])
def test_only_admins_may_see_the_system_screen(request, role, poisoned):
    client = signed_in(request.getfixturevalue(role))

    assert client.get("/system/").status_code == 403
    assert client.post(f"/system/dead-letters/{poisoned.pk}/skip/").status_code == 403
    assert DeadLetter.objects.get(pk=poisoned.pk).status == "parked"


def test_an_admin_retries_a_parked_event_once_fixed_and_it_is_audited(admin_user, poisoned):
    client = signed_in(admin_user)
    client.post(f"/system/dead-letters/{poisoned.pk}/retry/")
    assert DeadLetter.objects.get(pk=poisoned.pk).status == "parked"  # still broken

    poisoned.fix()
    response = client.post(f"/system/dead-letters/{poisoned.pk}/retry/", follow=True)

    assert "The event was delivered." in response.content.decode()
    assert DeadLetter.objects.get(pk=poisoned.pk).status == "retried"
    audit = AuditEntry.objects.filter(action="dead_letter.retry").order_by("id")
    assert [a.detail["delivered"] for a in audit] == [False, True]
    assert audit.last().actor == admin_user.email


def test_an_admin_skips_a_parked_event(admin_user, poisoned):
    response = signed_in(admin_user).post(f"/system/dead-letters/{poisoned.pk}/skip/", follow=True)

    assert "The event was skipped." in response.content.decode()
    letter = DeadLetter.objects.get(pk=poisoned.pk)
    assert (letter.status, letter.resolved_by) == ("skipped", admin_user.email)
    assert AuditEntry.objects.get(action="dead_letter.skip").target_id == str(letter.event_id)


def test_resolving_a_letter_twice_is_a_404(admin_user, poisoned):
    client = signed_in(admin_user)
    client.post(f"/system/dead-letters/{poisoned.pk}/skip/")

    assert client.post(f"/system/dead-letters/{poisoned.pk}/skip/").status_code == 404
    assert client.post(f"/system/dead-letters/{poisoned.pk}/delete/").status_code == 404
