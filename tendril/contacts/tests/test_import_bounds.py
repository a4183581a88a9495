"""CSV import reads every file in bounded time and memory, and a malformed row costs only
itself: the rows after it are still read and imported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tendril.contacts.importer import import_contacts_path
from tendril.contacts.importer.reading import MAX_COLUMNS, MAX_HEADER_BYTES, MAX_ROW_LINES
from tendril.contacts.models import Contact, CustomField
from tendril.core import clock
from tendril.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def notes_field(db):
    return CustomField.objects.create(
        key="notes", label="Notes", type="text", created_at=clock.now()
    )


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    return path


def test_a_header_line_of_megabytes_is_refused_at_once(tmp_path):
    path = write(tmp_path, b"email," + b"x" * (20 * 1024 * 1024) + b"\nann@acme.io,1\n")

    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        import_contacts_path(path=path)

    assert time.monotonic() - started < 2
    assert f"{MAX_HEADER_BYTES // 1024} KB" in refused.value.message
    assert not Contact.objects.exists()


def test_a_header_with_too_many_columns_is_refused_naming_the_limit(tmp_path):
    path = write(tmp_path, ("email," + ",".join(f"c{n}" for n in range(600))).encode() + b"\n")

    with pytest.raises(InvalidInput) as refused:
        import_contacts_path(path=path)

    assert f"at most {MAX_COLUMNS}" in refused.value.message


def test_the_api_refuses_an_absurd_header_with_422(admin_api):
    upload = SimpleUploadedFile("wide.csv", b"email" + b",x" * 2000 + b"\nann@acme.io\n")

    response = admin_api.post("/api/v1/contacts/import", {"file": upload})

    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_a_huge_row_is_rejected_alone_and_the_rows_after_it_are_imported(tmp_path):
    huge = b"bob@acme.io," + b"B" * (5 * 1024 * 1024)
    path = write(tmp_path, b"email,first_name\nann@acme.io,Ann\n" + huge + b"\ncy@acme.io,Cy\n")

    started = time.monotonic()
    report = import_contacts_path(path=path)

    assert time.monotonic() - started < 5
    assert [r["row"] for r in report["rejected"]] == [3]
    assert "KB" in report["rejected"][0]["detail"]
    assert sorted(Contact.objects.values_list("email", flat=True)) == ["ann@acme.io", "cy@acme.io"]


def test_an_unclosed_quote_rejects_its_own_row_and_the_rows_after_it_are_imported(tmp_path):
    rows = [b"email,first_name,notes", b'ann@acme.io,"Ann,first', b"bob@acme.io,Bob,fine"]
    rows += [f"p{n}@acme.io,P{n},note {n}".encode() for n in range(20)]
    path = write(tmp_path, b"\n".join(rows) + b"\n")

    report = import_contacts_path(path=path)

    assert report["rejected"] == [{"row": 2, "detail": report["rejected"][0]["detail"]}]
    assert "quote" in report["rejected"][0]["detail"]
    assert report["created"] == 21
    assert Contact.objects.get(email="bob@acme.io").first_name == "Bob"


def test_a_quote_closed_in_the_wrong_place_rejects_only_its_row(tmp_path):
    content = (
        b'email,first_name,notes\nann@acme.io,Ann,"open\nbob@acme.io,"Bob",x\ncy@acme.io,Cy,y\n'
    )
    path = write(tmp_path, content)

    report = import_contacts_path(path=path)

    assert [r["row"] for r in report["rejected"]] == [2]
    assert sorted(Contact.objects.values_list("email", flat=True)) == ["bob@acme.io", "cy@acme.io"]


def test_a_quoted_value_with_line_breaks_is_still_one_row(tmp_path):
    content = b'email,first_name,notes\nann@acme.io,Ann,"line one\nline two"\nbob@acme.io,Bob,x\n'
    path = write(tmp_path, content)

    report = import_contacts_path(path=path)

    assert report["rejected"] == []
    assert report["created"] == 2
    assert Contact.objects.get(email="ann@acme.io").fields["notes"] == "line one\nline two"


def test_a_quote_left_open_over_too_many_lines_rejects_only_its_row(tmp_path):
    rows = [b"email,first_name", b'ann@acme.io,"Ann']
    rows += [f"p{n}@acme.io,P{n}".encode() for n in range(MAX_ROW_LINES + 50)]
    rows += [b'zed@acme.io,Zed"']  # would close the quote after every other row
    path = write(tmp_path, b"\n".join(rows) + b"\n")

    report = import_contacts_path(path=path)

    assert [r["row"] for r in report["rejected"]] == [2]
    assert Contact.objects.count() == MAX_ROW_LINES + 50 + 1
