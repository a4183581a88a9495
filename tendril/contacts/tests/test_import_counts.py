"""Imports add up: every row read is created, updated, merged into an earlier row or rejected,
once, through every entry point (file on disk, API, the import screens); and each import tags
the contacts it creates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.contacts.importer import import_contacts_path, running
from tendril.contacts.importer.rows import SeenEmails
from tendril.contacts.models import Contact, ImportJob, ImportStatus
from tendril.contacts.services import contact_create

pytestmark = pytest.mark.django_db

# Ann exists before the import; Bo's second row repeats his first; line 4 is not an email.
MIXED = (
    b"email,first_name\n"
    b"ann@acme.io,Ann\n"
    b"bo@beta.io,Bo\n"
    b"not-an-email,X\n"
    b"BO@beta.io,Bobby\n"
    b"cy@gamma.io,Cy\n"
)
EXPECTED = {"rows": 5, "created": 2, "updated": 1, "merged": 1, "rejected_count": 1}


@pytest.fixture
def ann(db: Any) -> Contact:
    return contact_create(data={"email": "ann@acme.io"}, by=None)


def _counts(report: Any) -> dict[str, int]:
    return {key: report[key] for key in EXPECTED}


def _adds_up(counts: dict[str, int]) -> bool:
    parts = ("created", "updated", "merged", "rejected_count")
    return counts["rows"] == sum(counts[k] for k in parts)


def test_an_import_from_disk_counts_each_row_once(ann: Contact, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)

    report = import_contacts_path(path=path)

    assert _counts(report) == EXPECTED and _adds_up(_counts(report))
    assert report["rejected"][0]["row"] == 4
    assert Contact.objects.get(email="bo@beta.io").first_name == "Bobby"  # the later row won
    job = ImportJob.objects.get()
    assert (job.status, job.rows_done, job.merged) == (ImportStatus.DONE, 5, 1)
    tagged = Contact.objects.filter(import_job=job).values_list("email", flat=True)
    assert sorted(tagged) == ["bo@beta.io", "cy@gamma.io"]  # not Ann, whom it only updated


def test_the_import_api_returns_rows_and_merged_that_add_up(
    ann: Contact, marketer_api: Client
) -> None:
    response = marketer_api.post(
        "/api/v1/contacts/import", {"file": SimpleUploadedFile("mixed.csv", MIXED)}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert _counts(body) == EXPECTED and _adds_up(_counts(body))
    job = ImportJob.objects.get()
    assert (job.file_name, job.status, job.created_by) == ("mixed.csv", ImportStatus.DONE, None)
    assert Contact.objects.get(email="cy@gamma.io").import_job == job


def test_an_api_file_refused_at_its_header_records_no_import(marketer_api: Client) -> None:
    response = marketer_api.post(
        "/api/v1/contacts/import",
        {"file": SimpleUploadedFile("x.csv", b"email,colour\na@b.io,red\n")},
    )

    assert response.status_code == 422
    assert not ImportJob.objects.exists()


def test_the_status_page_of_an_import_shows_counts_that_add_up(
    ann: Contact,
    marketer: Any,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VAR_DIR, settings.BROKER_URL = tmp_path, ""
    client = Client()
    client.force_login(marketer)
    client.post("/contacts/import/", {"file": SimpleUploadedFile("mixed.csv", MIXED)})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/contacts/import/{job.pk}/", {"column-0": "email", "column-1": "first_name"})

    page = client.get(f"/contacts/import/{job.pk}/status/").content.decode()

    job.refresh_from_db()
    stored = {
        "rows": job.rows_done,
        "created": job.created,
        "updated": job.updated,
        "merged": job.merged,
        "rejected_count": job.rejected_count,
    }
    assert stored == EXPECTED and _adds_up(stored)
    assert "5 rows read: 2 created, 1 updated, 1 merged into an earlier row, 1 rejected." in page
    assert '<div class="value" data-figure="merged">1</div>' in page
    assert sorted(Contact.objects.filter(import_job=job).values_list("email", flat=True)) == [
        "bo@beta.io",
        "cy@gamma.io",
    ]
    recent = client.get("/contacts/import/").content.decode()
    assert "mixed.csv" in recent and '<td class="num">5</td>' in recent


def test_a_repeat_in_a_later_chunk_is_merged_not_counted_again(
    ann: Contact, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, "CHUNK_ROWS", 2)
    path = tmp_path / "long.csv"
    # Chunks: [bo, ann] [x, cy] [ann again, bo again] [cy again]
    path.write_text(
        "email,last_name\nbo@beta.io,B\nann@acme.io,A\nx@y.io,X\ncy@gamma.io,C\n"
        "ann@acme.io,Lee\nbo@beta.io,Chan\ncy@gamma.io,\n"
    )
    done: list[int] = []

    report = import_contacts_path(path=path, progress=done.append)

    assert _counts(report) == {
        "rows": 7,
        "created": 3,
        "updated": 1,
        "merged": 3,
        "rejected_count": 0,
    }
    assert done == [2, 4, 6, 7]
    assert Contact.objects.get(email="bo@beta.io").last_name == "Chan"
    assert Contact.objects.get(email="ann@acme.io").last_name == "Lee"


def test_seen_emails_recognise_a_repeat_after_folding_into_the_sorted_digests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SeenEmails, "_FRESH_MIN", 3)
    seen = SeenEmails()
    emails = [f"p{i}@acme.io" for i in range(50)]

    first = [seen.add(e) for e in emails]
    again = [seen.add(e) for e in reversed(emails)]

    assert all(first) and not any(again)
    assert len(seen._sorted) >= 45  # most were folded into the array, none lost on the way
    assert seen.add("new@acme.io")
