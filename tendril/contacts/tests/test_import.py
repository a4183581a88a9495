"""CSV import: mapping, encodings, per-row errors, upsert, companies, consent, chunks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from tendril.accounts.models import AuditEntry
from tendril.contacts.companies import company_build
from tendril.contacts.importer import import_contacts_path, import_preview, running, writing
from tendril.contacts.models import Company, Consent, Contact, CustomField, FieldType, ImportJob
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.core.errors import InvalidInput
from tendril.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(content: str | bytes, name: str = "contacts.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


def _field(key: str, type: str, label: str | None = None) -> CustomField:
    return CustomField.objects.create(
        key=key, label=label or key.title(), type=type, created_at=clock.now()
    )


def test_new_emails_are_created_and_known_ones_updated(csv_file: Any) -> None:
    contact_create(data={"email": "ann@acme.io", "first_name": "Ann"}, by=None)
    path = csv_file("email,first_name,last_name\nann@acme.io,,Lee\nbo@beta.io,Bo,Chan\n")

    report = import_contacts_path(path=path)

    assert (report["created"], report["updated"], report["rejected_count"]) == (1, 1, 0)
    ann = Contact.objects.get(email="ann@acme.io")
    assert (ann.first_name, ann.last_name) == ("Ann", "Lee")  # the empty cell erased nothing
    bo = Contact.objects.get(email="bo@beta.io")
    assert (bo.first_name, bo.last_name, bo.source) == ("Bo", "Chan", "import")
    assert abs(bo.created_at - clock.now()) < timedelta(minutes=1)
    created = Event.objects.get(contact_id=bo.pk, type="contact_created")
    assert (created.source, created.properties["source"]) == ("import", "import")
    assert created.occurred_at == bo.created_at
    assert Event.objects.filter(contact_id=ann.pk, type="contact_updated").exists()
    job = ImportJob.objects.get()
    assert (bo.import_job, ann.import_job) == (job, None)  # tagged only when it created it
    audit = AuditEntry.objects.get(action="contacts.import")
    assert audit.detail["created"] == 1 and audit.detail["file"] == "contacts.csv"
    assert (audit.target_type, audit.target_id) == ("import", str(job.pk))


def test_headers_are_recognised_whatever_their_case_spacing_and_punctuation(csv_file: Any) -> None:
    _field("budget", FieldType.NUMBER, label="Yearly budget")
    path = csv_file(
        "E-mail,First Name,LAST_NAME,Company,company domain,Industry,Employees,Phone,"
        "Stage,yearly budget\n"
        "ann@acme.io,Ann,Lee,Acme Logistics,acme.io,Shipping,120,+66 81 234,MQL,5000\n"
    )

    report = import_contacts_path(path=path)

    assert report["created"] == 1, report
    ann = Contact.objects.select_related("company").get(email="ann@acme.io")
    assert (ann.first_name, ann.last_name, ann.phone, ann.stage) == (
        "Ann",
        "Lee",
        "+66 81 234",
        "mql",
    )
    assert ann.fields == {"budget": 5000}
    assert (ann.company.name, ann.company.domain) == ("Acme Logistics", "acme.io")
    assert (ann.company.industry, ann.company.employees) == ("Shipping", 120)


def test_an_explicit_mapping_names_fields_and_ignores_columns(csv_file: Any) -> None:
    path = csv_file("Mail,Vorname,Notes\nann@acme.io,Ann,call back\n")

    report = import_contacts_path(
        path=path, mapping={"Mail": "email", "Vorname": "first_name", "Notes": "ignore"}
    )

    assert report["created"] == 1
    assert Contact.objects.get(email="ann@acme.io").first_name == "Ann"


def test_a_file_without_a_header_row_is_refused_with_a_clear_message(csv_file: Any) -> None:
    path = csv_file("ann@acme.io,Ann,Lee\nbo@beta.io,Bo,Chan\n")

    with pytest.raises(InvalidInput, match="no header row"):
        import_contacts_path(path=path)
    with pytest.raises(InvalidInput, match="no header row"):
        import_contacts_path(path=csv_file("", name="empty.csv"))
    assert not Contact.objects.exists()


def test_unknown_columns_are_refused_up_front_naming_them(csv_file: Any) -> None:
    path = csv_file("email,Favourite colour,Shoe size\nann@acme.io,red,38\n")

    with pytest.raises(InvalidInput) as refused:
        import_contacts_path(path=path)

    assert "'Favourite colour', 'Shoe size'" in refused.value.message
    assert '"ignore"' in refused.value.message
    assert not Contact.objects.exists()


def test_a_bad_email_is_reported_with_its_line_while_good_rows_are_imported(
    csv_file: Any,
) -> None:
    path = csv_file("Email,first_name\nann@acme.io,Ann\nnot-an-email,Bob\n\ncy@acme.io,Cy\n,Dee\n")

    report = import_contacts_path(path=path)

    assert report["created"] == 2
    assert report["rejected_count"] == 2
    assert report["rejected"][0] == {
        "row": 3,
        "detail": "column 'Email': 'not-an-email' is not a valid email address",
    }
    assert report["rejected"][1]["row"] == 6  # the blank line 4 still counts as a line
    assert "email" in report["rejected"][1]["detail"]


def test_a_bad_number_in_a_custom_number_field_names_the_column(csv_file: Any) -> None:
    _field("budget", FieldType.NUMBER)
    path = csv_file("email,budget\nann@acme.io,12.5\nbo@acme.io,lots\n")

    report = import_contacts_path(path=path)

    assert report["created"] == 1
    assert report["rejected"] == [
        {"row": 3, "detail": "column 'budget' must be a number, not 'lots'"}
    ]
    assert Contact.objects.get(email="ann@acme.io").fields == {"budget": 12.5}


def test_a_file_mixing_utf8_and_cp1252_lines_imports_every_name_correctly(csv_file: Any) -> None:
    content = (
        b"email,first_name,last_name\n"
        + "zoe@acme.io,Zoë,Đặng\n".encode()
        + "jose@acme.io,José,Muñoz\n".encode("cp1252")
        + "thao@acme.io,Thảo,Nguyễn\n".encode()
    )

    report = import_contacts_path(path=csv_file(content))

    assert report == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "merged": 0,
        "rejected": [],
        "rejected_count": 0,
    }
    names = dict(Contact.objects.values_list("email", "first_name"))
    assert names == {"zoe@acme.io": "Zoë", "jose@acme.io": "José", "thao@acme.io": "Thảo"}
    assert Contact.objects.get(email="zoe@acme.io").last_name == "Đặng"
    assert import_preview(path=csv_file(content))["encoding"] == "utf-8 + windows-1252"


def test_a_semicolon_separated_file_with_a_bom_is_read(csv_file: Any) -> None:
    path = csv_file("\ufeffEmail;Vorname;Nachname\nann@acme.de;Änne;Groß\n".encode())

    report = import_contacts_path(
        path=path, mapping={"Vorname": "first_name", "Nachname": "last_name"}
    )

    assert report["created"] == 1
    ann = Contact.objects.get(email="ann@acme.de")
    assert (ann.first_name, ann.last_name) == ("Änne", "Groß")
    preview = import_preview(path=path)
    assert (preview["delimiter"], preview["encoding"]) == (";", "utf-8-sig")
    assert preview["headers"] == ["Email", "Vorname", "Nachname"]


def test_a_tab_separated_utf16_file_from_a_spreadsheet_is_read(csv_file: Any) -> None:
    path = csv_file("email\tfirst name\nann@acme.io\tAnn\n".encode("utf-16"))

    assert import_contacts_path(path=path)["created"] == 1
    assert Contact.objects.get(email="ann@acme.io").first_name == "Ann"


def test_the_same_email_twice_merges_the_rows_the_last_non_empty_value_winning(
    csv_file: Any,
) -> None:
    path = csv_file(
        "email,first_name,last_name\nANN@acme.io,Ann,Lee\nbo@acme.io,Bo,\nann@acme.io,Anne,\n"
    )

    report = import_contacts_path(path=path)

    assert (report["rows"], report["created"], report["updated"], report["merged"]) == (3, 2, 0, 1)
    ann = Contact.objects.get(email="ann@acme.io")
    assert (ann.first_name, ann.last_name) == ("Anne", "Lee")


def test_a_consent_column_records_email_consent_given_by_import(csv_file: Any) -> None:
    contact_create(data={"email": "bo@acme.io", "consent": {"email": "granted"}}, by=None)
    path = csv_file("email,Email consent\nann@acme.io,yes\nbo@acme.io,denied\ncy@acme.io,maybe\n")

    report = import_contacts_path(path=path)

    assert (report["created"], report["updated"], report["rejected_count"]) == (1, 1, 1)
    assert "'maybe' is not granted or denied" in report["rejected"][0]["detail"]
    consents = {c.contact.email: (c.status, c.method) for c in Consent.objects.all()}
    assert consents == {"ann@acme.io": ("granted", "import"), "bo@acme.io": ("denied", "import")}
    assert Event.objects.filter(type="consent_changed", source="import").count() == 2


def test_the_company_comes_from_a_company_email_domain_but_never_from_free_mail(
    csv_file: Any,
) -> None:
    path = csv_file("email\nann@acme-logistics.co.th\nbo@acme-logistics.co.th\ncy@gmail.com\n")

    import_contacts_path(path=path)

    company = Company.objects.get()
    assert (company.domain, company.name) == ("acme-logistics.co.th", "Acme Logistics")
    assert set(company.contacts.values_list("email", flat=True)) == {
        "ann@acme-logistics.co.th",
        "bo@acme-logistics.co.th",
    }
    assert Contact.objects.get(email="cy@gmail.com").company is None


def test_a_company_column_wins_over_the_email_domain_and_reuses_a_company_by_name(
    csv_file: Any,
) -> None:
    now = clock.now()
    acme = company_build(name="Acme", domain=None, now=now)
    acme.save()
    path = csv_file("email,company\nann@gmail.com,acme\nbo@beta.io,New Co\n")

    import_contacts_path(path=path)

    assert Contact.objects.get(email="ann@gmail.com").company_id == acme.pk
    assert Contact.objects.get(email="bo@beta.io").company.name == "New Co"
    assert Company.objects.count() == 2


def test_an_owner_column_takes_a_user_email(csv_file: Any, sales_rep: Any) -> None:
    path = csv_file("email,owner\nann@acme.io,SALES@tendril.test\nbo@acme.io,nobody@x.io\n")

    report = import_contacts_path(path=path)

    assert Contact.objects.get(email="ann@acme.io").owner == sales_rep
    assert "no active user has the email nobody@x.io" in report["rejected"][0]["detail"]


def test_a_database_error_in_one_chunk_leaves_none_of_that_chunk_written(
    csv_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", 3)
    rows = "".join(f"p{i}@acme.io,P{i}\n" for i in range(7))
    path = csv_file("email,first_name\n" + rows)
    calls = {"events": 0}
    real_insert = writing.insert_rows

    def failing_insert(model: Any, columns: Any, rows: Any) -> None:
        if model is Event:
            calls["events"] += 1
            if calls["events"] == 2:  # the second chunk's events, after its contacts went in
                raise OperationalError("disk I/O error")
        real_insert(model, columns, rows)

    monkeypatch.setattr(writing, "insert_rows", failing_insert)
    done: list[int] = []

    with pytest.raises(OperationalError):
        import_contacts_path(path=path, progress=done.append)

    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "p0@acme.io",
        "p1@acme.io",
        "p2@acme.io",
    ]
    assert Event.objects.filter(type="contact_created").count() == 3
    assert done == [3]


def test_progress_is_reported_after_each_chunk(
    csv_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", 2)
    path = csv_file("email\n" + "".join(f"p{i}@acme.io\n" for i in range(5)))
    done: list[int] = []

    import_contacts_path(path=path, progress=done.append)

    assert done == [2, 4, 5]
    assert Contact.objects.count() == 5


def test_only_the_first_rejected_rows_are_kept_but_all_are_counted(
    csv_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, "REJECTED_KEPT", 2)
    path = csv_file("email\n" + "bad\n" * 5 + "ok@acme.io\n")

    report = import_contacts_path(path=path)

    assert report["rejected_count"] == 5
    assert [r["row"] for r in report["rejected"]] == [2, 3]
    assert report["created"] == 1


def test_a_value_under_a_column_without_a_name_is_reported(csv_file: Any) -> None:
    path = csv_file("email,first_name,,\nann@acme.io,Ann,,\nbo@acme.io,Bo,x\n")

    report = import_contacts_path(path=path)

    assert report["created"] == 1
    assert report["rejected"] == [
        {"row": 3, "detail": "column 3 has a value but no name in the header row"}
    ]


def test_the_preview_suggests_a_field_for_each_column(csv_file: Any) -> None:
    _field("budget", FieldType.NUMBER, label="Yearly budget")
    path = csv_file("Email Address,Yearly Budget,score,Notes\n" + "a@b.io,1,2,x\n" * 7)

    preview = import_preview(path=path)

    assert preview["suggested_mapping"] == {
        "Email Address": "email",
        "Yearly Budget": "fields.budget",
        "score": "ignore",
        "Notes": None,
    }
    assert len(preview["rows"]) == 5
    assert preview["rows"][0] == ["a@b.io", "1", "2", "x"]
