"""Migration 0006 gives the contacts and companies that existed before search their search
text, and can be unapplied."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tendril.contacts.search import COMPANY_PART
from tendril.core import clock

BEFORE = [("contacts", "0005_workspace")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_contacts_and_companies_get_their_search_text() -> None:
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    now = clock.now()
    company = old.get_model("contacts", "Company").objects.create(
        name="Công ty Sao Mai",
        name_key="công ty sao mai",
        domain="saomai.vn",
        created_at=now,
        updated_at=now,
    )
    contact_model = old.get_model("contacts", "Contact")
    contact_model.objects.create(
        email="hang@saomai.vn",
        first_name="Thị Hằng",
        last_name="Nguyễn",
        phone="0912 345",
        company_id=company.pk,
        created_at=now,
        updated_at=now,
    )
    contact_model.objects.create(
        email="somchai@gmail.com", first_name="สมชาย", created_at=now, updated_at=now
    )

    executor = _migrate(executor.loader.graph.leaf_nodes())

    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    texts = dict(new.get_model("contacts", "Contact").objects.values_list("email", "search_text"))
    assert texts == {
        "hang@saomai.vn": f"thi hang nguyen hang@saomai.vn 0912 345 0912345{COMPANY_PART}"
        "cong ty sao mai",
        "somchai@gmail.com": f"สมชาย somchai@gmail.com{COMPANY_PART}",
    }
    companies = new.get_model("contacts", "Company").objects.values_list("search_text", flat=True)
    assert list(companies) == ["cong ty sao mai saomai.vn"]


@pytest.mark.django_db(transaction=True)
def test_unapplying_0006_clears_the_search_texts_and_drops_the_indexes() -> None:
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    now = clock.now()
    old.get_model("contacts", "Contact").objects.create(
        email="an@gmail.com", first_name="An", created_at=now, updated_at=now
    )
    executor = _migrate(executor.loader.graph.leaf_nodes())
    executor = _migrate(BEFORE)

    contacts = executor.loader.project_state(BEFORE).apps.get_model("contacts", "Contact")
    assert list(contacts.objects.values_list("search_text", flat=True)) == [""]
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "contacts_contact")
    assert "contact_search_trgm" not in indexes
    _migrate(executor.loader.graph.leaf_nodes())
