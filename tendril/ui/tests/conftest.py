"""Fixtures for the UI tests: signed-in clients and contacts made through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def make_contact(db: Any) -> Callable[..., Contact]:
    def make(email: str, **data: Any) -> Contact:
        return contact_create(data={"email": email, **data}, by=None)

    return make
