from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_an_unknown_contact_shows_the_not_found_page_inside_the_layout(client, marketer):
    client.force_login(marketer)
    response = client.get("/contacts/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    assert "Sign out" in body
