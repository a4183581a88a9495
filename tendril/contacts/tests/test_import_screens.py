"""The import screens: upload, column mapping, progress; and who may use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.contacts.models import Contact, ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

CSV = b"Email,First name,Notes\nann@acme.io,Ann,vip\nbroken,Bob,\nbo@beta.io,Bo,\n"


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    # The screens are under test, not the broker: jobs run in-process even in the Redis pass.
    settings.BROKER_URL = ""
    return tmp_path


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, content: bytes = CSV) -> Any:
    return client.post("/contacts/import/", {"file": SimpleUploadedFile("people.csv", content)})


def test_upload_preview_start_and_status_show_the_import(
    marketer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(marketer)
    assert client.get("/contacts/import/").status_code == 200

    uploaded = _upload(client)
    assert uploaded.status_code == 302
    job = ImportJob.objects.get()
    assert uploaded["Location"] == f"/contacts/import/{job.pk}/"

    preview = client.get(uploaded["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "First name" in page and "ann@acme.io" in page
    assert '<option value="first_name" selected>' in page
    assert '<option value="" selected>' in page  # "Notes" needs a choice

    refused = client.post(uploaded["Location"], {"column-0": "email", "column-1": "first_name"})
    assert refused.status_code == 422
    assert "Notes" in refused.content.decode()
    assert ImportJob.objects.get().status == ImportStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            uploaded["Location"],
            {"column-0": "email", "column-1": "first_name", "column-2": "ignore"},
        )
    assert started.status_code == 302
    assert started["Location"] == f"/contacts/import/{job.pk}/status/"
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected_count) == (ImportStatus.DONE, 2, 1)
    assert Contact.objects.get(email="ann@acme.io").first_name == "Ann"

    status = client.get(started["Location"])
    page = status.content.decode()
    assert status.status_code == 200
    assert '<div class="value" data-figure="created">2</div>' in page
    assert '<div class="value" data-figure="rows_done">3</div>' in page
    assert "&#x27;broken&#x27; is not a valid email address" in page
    assert "every 1s" not in page  # finished: the page stops polling


def test_the_status_partial_polls_every_second_while_the_import_runs(marketer: Any) -> None:
    client = _client(marketer)
    _upload(client)
    job = ImportJob.objects.get()
    job.status, job.rows_done = ImportStatus.RUNNING, 2000
    job.save()

    partial = client.get(f"/contacts/import/{job.pk}/status/", HTTP_HX_REQUEST="true")

    page = partial.content.decode()
    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="/contacts/import/{job.pk}/status/"' in page
    assert "<html" not in page
    assert '<div class="value" data-figure="rows_done">2,000</div>' in page


def test_a_file_without_a_header_row_is_explained_on_the_preview(admin_user: Any) -> None:
    client = _client(admin_user)
    uploaded = _upload(client, b"ann@acme.io,Ann\n")

    preview = client.get(uploaded["Location"])

    assert preview.status_code == 422
    assert "no header row" in preview.content.decode()


def test_sales_reps_cannot_open_the_import_screens(sales_rep: Any, marketer: Any) -> None:
    _upload(_client(marketer))
    job = ImportJob.objects.get()
    client = _client(sales_rep)

    assert client.get("/contacts/import/").status_code == 403
    assert _upload(client).status_code == 403
    assert client.get(f"/contacts/import/{job.pk}/").status_code == 403
    assert client.get(f"/contacts/import/{job.pk}/status/").status_code == 403
    assert ImportJob.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = Client().get("/contacts/import/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]
