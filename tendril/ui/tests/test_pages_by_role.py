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


@pytest.mark.django_db
def test_sales_reps_do_not_see_import_and_export_buttons(client, sales_rep):
    client.force_login(sales_rep)
    body = client.get("/contacts/").content.decode()
    assert "Import CSV" not in body
    assert "Export CSV" not in body


@pytest.mark.django_db
def test_marketers_see_import_and_export_buttons(client, marketer):
    client.force_login(marketer)
    body = client.get("/contacts/").content.decode()
    assert 'href="/contacts/import/"' in body
    assert 'href="/contacts/export.csv"' in body
