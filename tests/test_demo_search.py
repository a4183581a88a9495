"""The demo data searches the way the first users will: Vietnamese and Thai people carry their
language (names in its order) and a search text, so "nguyen" finds the Nguyễns."""

from __future__ import annotations

import pytest

from tendril.contacts.models import Contact
from tendril.contacts.selectors import ContactFilters, contact_list
from tendril.demo import demo_load


@pytest.mark.django_db
def test_demo_people_are_found_without_accents_and_named_in_their_language_order() -> None:
    demo_load(contacts=300, companies=30, days=30)

    nguyens = Contact.objects.filter(last_name="Nguyễn")
    assert nguyens.exists()
    found = set(contact_list(filters=ContactFilters(q="nguyen")))
    assert set(nguyens) <= found
    for contact in nguyens:
        assert contact.language == "vi"
        assert contact.display_name == f"Nguyễn {contact.first_name}"
    thai = Contact.objects.filter(language="th").first()
    assert thai is not None
    assert thai.display_name == f"{thai.first_name} {thai.last_name}"
    assert not Contact.objects.filter(search_text="").exists()
