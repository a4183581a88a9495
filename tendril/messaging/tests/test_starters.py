"""The starter library: fifteen starters (five kinds in English, Vietnamese and Thai), each a
template that saves, personalises for a contact in its language, inlines its CSS, keeps its
phone layout and carries the preference centre and unsubscribe links in its footer."""

from __future__ import annotations

import pytest

from tendril.contacts.services import contact_create
from tendril.messaging.services import email_create, email_render
from tendril.messaging.starters import KINDS, LANGUAGES, starter_get, starters
from tendril.preferences.links import preference_url, unsubscribe_url

pytestmark = pytest.mark.django_db
NAMES = {"en": ("Lan", "Tran"), "vi": ("Thị Hằng", "Nguyễn"), "th": ("สมศรี", "ใจดี")}


def test_every_kind_is_written_in_every_language() -> None:
    assert {(s.kind, s.language) for s in starters()} == {
        (k, lang) for k in KINDS for lang in LANGUAGES
    }
    assert len({s.name for s in starters()}) == 15


@pytest.mark.parametrize("key", [s.key for s in starters()])
def test_a_starter_saves_and_personalises_for_a_contact_in_its_language(key: str) -> None:
    starter = starter_get(key)
    assert starter is not None
    first, last = NAMES[starter.language]
    contact = contact_create(
        data={"email": "p@example.com", "first_name": first, "last_name": last,
              "language": starter.language, "company": {"name": "Sao Mai"}},
        by=None,
    )  # fmt: skip
    email = email_create(
        data={"name": starter.name, "subject": starter.subject, "html": starter.html,
              "language": starter.language},
        by=None,
    )  # fmt: skip

    rendered = email_render(email=email, contact=contact)

    assert first in rendered.html  # greeted by name
    assert "{{" not in rendered.html and "{%" not in rendered.html
    assert f'href="{preference_url(contact)}"' in rendered.html
    assert f'href="{unsubscribe_url(contact)}"' in rendered.html
    assert 'class="button" style="' in rendered.html  # CSS inlined
    assert "@media only screen and (max-width: 620px)" in rendered.html  # phones
    assert first in rendered.text and unsubscribe_url(contact) in rendered.text
