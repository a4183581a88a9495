"""CSV export of contacts: the columns, the streamed download, and a lossless round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.exporter import export_contacts
from tendril.contacts.importer import import_contacts_path
from tendril.contacts.models import Contact, FieldType
from tendril.contacts.services import contact_create, custom_field_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(sales_rep: Any) -> list[Contact]:
    custom_field_create(key="budget", label="Budget", type=FieldType.NUMBER, by=None)
    custom_field_create(key="vip", label="VIP", type=FieldType.BOOLEAN, by=None)
    custom_field_create(key="met", label="Met on", type=FieldType.DATE, by=None)
    return [
        contact_create(
            data={
                "email": "ann@acme-logistics.co.th",
                "first_name": "Ann",
                "last_name": "=Lee",  # a cell a spreadsheet would run as a formula
                "phone": "+66 81 234 5678",
                "company": {"name": "Acme Logistics", "industry": "Shipping", "employees": 120},
                "fields": {"budget": 5000.5, "vip": True, "met": "2026-03-31"},
                "consent": {"email": "granted"},
                "stage": "mql",
                "owner": sales_rep.pk,
                "source": "webinar",
            },
            by=None,
        ),
        contact_create(
            data={"email": "zoe@gmail.com", "first_name": "Zoë", "last_name": "Đặng"}, by=None
        ),
    ]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_writes_one_row_per_contact_with_every_column(people: Any) -> None:
    out = io.StringIO()
    progress: list[int] = []

    count = export_contacts(out=out, progress=progress.append)

    assert count == 2 and progress == [2]
    header = out.getvalue().splitlines()[0]
    assert header == (
        "email,first_name,last_name,phone,company,company_domain,source,stage,score,owner,"
        "created_at,last_seen_at,email_consent,budget,met,vip"
    )
    ann = next(r for r in _rows(out.getvalue()) if r["email"] == "ann@acme-logistics.co.th")
    assert ann["last_name"] == "'=Lee"
    assert ann["company"] == "Acme Logistics"
    assert (ann["stage"], ann["owner"], ann["email_consent"]) == (
        "mql",
        "sales@tendril.test",
        "granted",
    )
    assert (ann["budget"], ann["vip"], ann["met"]) == ("5000.5", "yes", "2026-03-31")


def test_an_export_imported_into_an_empty_database_gives_the_same_contacts(
    people: Any, tmp_path: Path
) -> None:
    def snapshot() -> list[tuple[Any, ...]]:
        return sorted(
            (
                c.email,
                c.first_name,
                c.last_name,
                c.phone,
                c.source,
                c.stage,
                c.fields,
                c.company.name if c.company else None,
                c.owner_id,
                {x.channel: x.status for x in c.consents.all()},
            )
            for c in Contact.objects.select_related("company").prefetch_related("consents")
        )

    before = snapshot()
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        export_contacts(out=out)
    Contact.objects.all().delete()

    report = import_contacts_path(path=path)

    assert (report["created"], report["rejected_count"]) == (2, 0), report
    assert snapshot() == before
    again = import_contacts_path(path=path)
    assert (again["created"], again["updated"]) == (0, 2)
    assert snapshot() == before


def test_the_export_screen_streams_the_csv_to_marketing(people: Any, marketer: Any) -> None:
    client = Client()
    client.force_login(marketer)

    response = client.get("/contacts/export.csv")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffemail,first_name")
    assert {r["email"] for r in _rows(text.lstrip("\ufeff"))} == {
        "ann@acme-logistics.co.th",
        "zoe@gmail.com",
    }
    assert "Zoë" in text
    assert AuditEntry.objects.filter(action="contacts.export", actor=marketer.email).exists()


def test_an_export_of_an_unknown_segment_is_empty_and_a_bad_id_refused(
    people: Any, admin_user: Any
) -> None:
    client = Client()
    client.force_login(admin_user)

    response = client.get("/contacts/export.csv?segment=3")
    bad = client.get("/contacts/export.csv?segment=abc")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 and lines[0].lstrip("\ufeff").startswith("email,")
    assert bad.status_code == 400


def test_sales_reps_cannot_export_every_contact(people: Any, sales_rep: Any) -> None:
    client = Client()
    client.force_login(sales_rep)

    assert client.get("/contacts/export.csv").status_code == 403
