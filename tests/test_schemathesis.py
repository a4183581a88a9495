"""Property-based API tests: whatever schemathesis sends, the API never answers 5xx.

Every operation in ``/api/openapi.json`` gets generated input (valid and invalid) with an
admin key; a 5xx or an error body outside the ``{"detail", "field"}`` shape fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tendril.accounts.models import ApiKey
from tendril.accounts.services import apikey_create
from tendril.contacts.companies import company_create
from tendril.contacts.models import CustomField
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.segments.services import segment_create

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def admin_key(db: Any) -> Iterator[tuple[ApiKey, str]]:
    """An admin key, and a little data so ids and custom fields sometimes exist."""
    key, secret = apikey_create(name="schemathesis", role="admin", by=None)
    CustomField.objects.create(
        key="budget", label="Budget", type="number", choices=[], created_at=clock.now()
    )
    for n in range(3):
        contact_create(data={"email": f"seed{n}@acme.io", "fields": {"budget": n}}, by=None)
        company_create(data={"name": f"Seed {n}", "domain": f"seed{n}.io"}, by=None)
        segment_create(
            name=f"Seed {n}",
            static=bool(n % 2),
            filter=None if n % 2 else {"field": "score", "op": "gte", "value": n},
            by=None,
        )
    # The WSGI handler closes the connection after each request, which would end the test's
    # transaction; Django's own test client detaches these signals the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield key, secret
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def error_shape(ctx: Any, response: Any, case: Any) -> bool:
    """Every 4xx from the API is ``{"detail": str, "field": str | null}``."""
    if 400 <= response.status_code < 500 and response.status_code not in (404, 405):
        body = response.json()
        assert isinstance(body, dict) and set(body) == {"detail", "field"}, body
        assert isinstance(body["detail"], str) and body["detail"], body
        assert body["field"] is None or isinstance(body["field"], str), body
    return True


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_answers_5xx(case: Any, admin_key: tuple[ApiKey, str]) -> None:
    key, secret = admin_key
    # A generated DELETE /apikeys/{id} may revoke the test's own key; keep testing the API.
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=None)
    # Random ids almost never exist; point every other one at a seeded row to get past 404.
    for name, value in list((case.path_parameters or {}).items()):
        if name.endswith("_id") and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = value % 4 + 1
    response = case.call(headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=[not_a_server_error, error_shape])
