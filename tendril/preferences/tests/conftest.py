"""Shared fixtures: three topics, and a way to make a contact who granted email consent."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.contacts.models import Channel, ConsentStatus, Contact
from tendril.contacts.services import consent_set
from tendril.contacts.tests.factories import ContactFactory
from tendril.preferences.models import Topic
from tendril.preferences.services import topic_create


@pytest.fixture
def topics(db: Any) -> list[Topic]:
    return [
        topic_create(
            data={
                "key": "newsletter",
                "name": "Monthly newsletter",
                "description": "Once a month.",
                "name_vi": "Bản tin hằng tháng",
                "description_vi": "Mỗi tháng một lần.",
                "name_th": "จดหมายข่าวรายเดือน",
                "description_th": "เดือนละครั้ง",
            },
            by=None,
        ),
        topic_create(data={"key": "product-news", "name": "Product news"}, by=None),
        topic_create(
            data={"key": "events", "name": "Events & webinars", "name_vi": "Sự kiện"}, by=None
        ),
    ]


def consenting(**fields: Any) -> Contact:
    """A contact who ticked the consent box of a form."""
    contact = ContactFactory(**fields)
    consent_set(
        contact=contact,
        channel=Channel.EMAIL,
        status=ConsentStatus.GRANTED,
        method="form",
        by=None,
        note="Newsletter: Send me the newsletter.",
    )
    return contact
