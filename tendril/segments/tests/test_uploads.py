"""A static list changed by a CSV file: every row accounted for (added, already in, not found,
unreadable, repeated) with its spreadsheet row, entries announced like adds by hand, bounded
files refused before anything is written; the screen and ``POST
/api/v1/segments/{id}/contacts/import``; concurrent uploads on PostgreSQL."""

from __future__ import annotations

import io
import json
import threading
import urllib.request
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from tendril.accounts.services import apikey_create
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event
from tendril.segments import uploads
from tendril.segments.models import Segment, SegmentMember
from tendril.segments.services import segment_add_contacts, segment_create
from tendril.segments.uploads import segment_contacts_upload

pytestmark = pytest.mark.django_db


def members(segment: Segment) -> set[int]:
    return set(segment.members.values_list("contact_id", flat=True))


def upload(segment: Segment, text: str, **kwargs: Any) -> uploads.UploadReport:
    data = text.encode()
    return segment_contacts_upload(
        segment=segment, file=io.BytesIO(data), size=len(data), by=None, **kwargs
    )


def test_a_file_adds_its_contacts_and_reports_every_row_with_its_spreadsheet_number() -> None:
    ann = ContactFactory(email="ann@acme.example")
    bob = ContactFactory(email="bob@acme.example")
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[bob.pk], by=None)
    Event.objects.all().delete()
    report = upload(
        vip,
        "Name,E-mail address\n"
        "Ann, ANN@acme.example \n"  # row 2: found, added (case and spaces do not matter)
        "Bob,bob@acme.example\n"  # row 3: already in
        "Cat,cat@nowhere.example\n"  # row 4: no such contact
        "Dan,not an email\n"  # row 5: unreadable
        "Ann again,ann@acme.example\n"  # row 6: repeated
        "Eve,\n",  # row 7: empty
    )
    assert report.column == "E-mail address"
    assert (report.rows, report.matched, report.changed, report.already) == (6, 2, 1, 1)
    assert report.repeated == 1
    assert report.not_found == [(4, "cat@nowhere.example")]
    assert [(bad.row, bad.value) for bad in report.invalid] == [(5, "not an email"), (7, "")]
    assert report.rows == (
        report.matched + report.repeated + len(report.not_found) + len(report.invalid)
    )
    assert members(vip) == {ann.pk, bob.pk}
    entered = Event.objects.filter(type="segment_entered")
    assert list(entered.values_list("contact_id", flat=True)) == [ann.pk]
    assert entered.get().properties == {"segment": vip.pk, "name": "VIP"}


def test_a_file_removes_its_contacts_when_asked_and_counts_who_was_not_in() -> None:
    ann, bob, cat = ContactFactory.create_batch(3)
    vip = segment_create(name="VIP", static=True, by=None)
    segment_add_contacts(segment=vip, ids=[ann.pk, bob.pk], by=None)
    report = upload(vip, f"email\n{ann.email}\n{cat.email}\n", remove=True)
    assert (report.matched, report.changed, report.already) == (2, 1, 1)
    assert members(vip) == {bob.pk}
    assert Event.objects.filter(type="segment_exited", contact_id=ann.pk).count() == 1


def test_the_email_column_can_be_chosen_by_its_header() -> None:
    ann = ContactFactory(email="ann@acme.example")
    vip = segment_create(name="VIP", static=True, by=None)
    report = upload(vip, "Email,Work\nx@y.example,ann@acme.example\n", column="work")
    assert report.column == "Work" and members(vip) == {ann.pk}
    with pytest.raises(InvalidInput) as refused:
        upload(vip, "Email\nann@acme.example\n", column="Mail")
    assert refused.value.field == "column" and "Email" in refused.value.message


def test_a_column_whose_name_says_email_is_found_without_being_chosen() -> None:
    ann = ContactFactory(email="ann@acme.example")
    vip = segment_create(name="VIP", static=True, by=None)
    report = upload(vip, "Name,Work e-mail,Phone\nAnn,ann@acme.example,1\n")
    assert report.column == "Work e-mail" and members(vip) == {ann.pk}


def test_a_file_without_an_email_column_asks_which_column_to_use() -> None:
    vip = segment_create(name="VIP", static=True, by=None)
    with pytest.raises(InvalidInput) as refused:
        upload(vip, "Name,Address\nAnn,ann@acme.example\n")
    assert refused.value.field == "column" and "Address" in refused.value.message


def test_a_file_past_the_row_limit_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_ROWS", 2)
    ann = ContactFactory()
    vip = segment_create(name="VIP", static=True, by=None)
    with pytest.raises(InvalidInput) as refused:
        upload(vip, f"email\n{ann.email}\nb@x.example\nc@x.example\n")
    assert refused.value.field == "file" and "2" in refused.value.message
    assert members(vip) == set()


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read() -> None:
    vip = segment_create(name="VIP", static=True, by=None)
    with pytest.raises(InvalidInput) as refused:
        segment_contacts_upload(
            segment=vip, file=io.BytesIO(b""), size=uploads.MAX_BYTES + 1, by=None
        )
    assert refused.value.field == "file" and "MB" in refused.value.message


def test_a_dynamic_segment_takes_no_file() -> None:
    ann = ContactFactory(score=20)
    hot = segment_create(name="Hot", filter={"field": "score", "op": "gte", "value": 10}, by=None)
    with pytest.raises(Conflict):
        upload(hot, f"email\n{ann.email}\n")


def test_the_api_adds_from_a_csv_and_answers_with_the_rows(
    marketer_api: Client, sales_api: Client
) -> None:
    ann = ContactFactory(email="ann@acme.example")
    vip = segment_create(name="VIP", static=True, by=None)
    url = f"/api/v1/segments/{vip.pk}/contacts/import"

    def csv() -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "list.csv", b"email\nann@acme.example\nzed@acme.example\nnope\n", "text/csv"
        )

    assert sales_api.post(url, {"file": csv()}).status_code == 403
    answer = marketer_api.post(url, {"file": csv()})
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {
        "column": "email",
        "rows": 3,
        "matched": 1,
        "added": 1,
        "removed": 0,
        "already": 0,
        "repeated": 0,
        "not_found": [{"row": 3, "email": "zed@acme.example"}],
        "invalid": [{"row": 4, "value": "nope", "detail": "this is not an email address"}],
    }
    assert members(vip) == {ann.pk}
    removed = marketer_api.post(url, {"file": csv(), "action": "remove"}).json()
    assert (removed["removed"], removed["added"]) == (1, 0) and members(vip) == set()
    bad = marketer_api.post(url, {"file": csv(), "column": "Mail"})
    assert bad.status_code == 422 and bad.json()["field"] == "column"
    assert marketer_api.post(url.replace(str(vip.pk), "999999"), {"file": csv()}).status_code == 404


def test_the_segment_page_uploads_a_file_and_shows_the_rows_not_found(marketer: Any) -> None:
    ContactFactory(email="ann@acme.example")
    vip = segment_create(name="VIP", static=True, by=None)
    client = Client()
    client.force_login(marketer)
    page = client.get(f"/segments/{vip.pk}/")
    assert b'id="upload-members"' in page.content
    hostile = b"email\nann@acme.example\n<script>alert(1)</script>@x.example\nzed@acme.example\n"
    answer = client.post(
        f"/segments/{vip.pk}/upload/",
        {"file": SimpleUploadedFile("l.csv", hostile, "text/csv"), "action": "add"},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'id="upload-report"' in html and "zed@acme.example" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert SegmentMember.objects.filter(segment=vip).count() == 1
    empty = client.post(f"/segments/{vip.pk}/upload/", {"action": "add"})
    assert empty.status_code == 422


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_add_and_announce_each_contact_once() -> None:
    contacts = ContactFactory.create_batch(30)
    vip = segment_create(name="VIP", static=True, by=None)
    text = "email\n" + "\n".join(c.email for c in contacts) + "\n"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []
    added: list[int] = []

    def work() -> None:
        try:
            barrier.wait()
            added.append(upload(vip, text).changed)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(added) == [0, 0, 0, 0, 0, 30]
    assert members(vip) == {c.pk for c in contacts}
    entered = Event.objects.filter(type="segment_entered", properties__segment=vip.pk)
    assert entered.count() == 30
    assert vip.days.get().entered == 30


@pytest.mark.postgres
def test_clients_uploading_one_file_at_once_through_the_api_add_each_contact_once(
    live_server: Any, transactional_db: Any
) -> None:
    contacts = ContactFactory.create_batch(25)
    vip = segment_create(name="VIP", static=True, by=None)
    _, key = apikey_create(name="racing uploads", role="marketer", by=None)
    body = ("email\n" + "\n".join(c.email for c in contacts) + "\nnobody@x.example\n").encode()
    url = f"{live_server.url}/api/v1/segments/{vip.pk}/contacts/import"
    barrier = threading.Barrier(8)
    answers: list[tuple[int, Any]] = []

    boundary = "tendril-race"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="l.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }

    def client() -> None:
        barrier.wait()
        request = urllib.request.Request(url, data=multipart, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            answers.append((response.status, json.load(response)))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert [status for status, _ in answers] == [200] * 8
    assert sorted(a["added"] for _, a in answers) == [0] * 7 + [25]
    assert all(a["not_found"] == [{"row": 27, "email": "nobody@x.example"}] for _, a in answers)
    assert members(vip) == {c.pk for c in contacts}
    entered = Event.objects.filter(type="segment_entered", properties__segment=vip.pk)
    assert entered.count() == 25
