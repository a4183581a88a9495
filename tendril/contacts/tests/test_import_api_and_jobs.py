"""The import API endpoint and import jobs run in the background (through the Celery task)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.contacts.importer import import_job_create
from tendril.contacts.models import Contact, ImportJob, ImportStatus
from tendril.contacts.tasks import import_job_run

pytestmark = pytest.mark.django_db

CSV = b"E-mail,first name\nann@acme.io,Ann\nnope,Bob\nbo@beta.io,Bo\n"


def _upload(client: Client, content: bytes) -> Any:
    return client.post(
        "/api/v1/contacts/import",
        {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")},
    )


def test_the_import_endpoint_answers_with_counts_and_rejected_rows(marketer_api: Client) -> None:
    response = _upload(marketer_api, CSV)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "merged": 0,
        "rejected": [{"row": 3, "detail": "column 'E-mail': 'nope' is not a valid email address"}],
        "rejected_count": 1,
    }
    assert Contact.objects.filter(email__in=["ann@acme.io", "bo@beta.io"]).count() == 2


def test_the_import_endpoint_takes_a_json_mapping(admin_api: Client) -> None:
    mapping = json.dumps({"Mail": "email", "Notes": "ignore"})
    response = admin_api.post(
        "/api/v1/contacts/import",
        {
            "file": SimpleUploadedFile("people.csv", b"Mail,Notes\nann@acme.io,hi\n"),
            "mapping": mapping,
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def test_the_import_endpoint_refuses_a_bad_mapping_or_unknown_columns(admin_api: Client) -> None:
    bad_json = admin_api.post(
        "/api/v1/contacts/import?mapping=%7Bnope",
        {"file": SimpleUploadedFile("people.csv", CSV), "mapping": "{nope"},
    )
    unknown = _upload(admin_api, b"email,colour\nann@acme.io,red\n")

    assert bad_json.status_code == 422
    assert bad_json.json()["field"] == "mapping"
    assert unknown.status_code == 422
    assert "'colour'" in unknown.json()["detail"]
    assert not Contact.objects.exists()


def test_a_sales_rep_cannot_import_through_the_api(sales_api: Client) -> None:
    response = _upload(sales_api, CSV)

    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_an_import_job_runs_through_its_task_and_records_its_progress(
    marketer: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    job = import_job_create(upload=SimpleUploadedFile("people.csv", CSV), by=marketer)
    job.mapping = {"first name": "first_name"}
    job.save()
    assert Path(job.file_path).parent == tmp_path / "imports"

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_done, job.created, job.updated, job.rejected_count) == (3, 2, 0, 1)
    assert job.rejected[0]["row"] == 3
    assert job.finished_at is not None
    assert not Path(job.file_path).exists()  # personal data is not left lying on disk
    assert Contact.objects.get(email="ann@acme.io").first_name == "Ann"


def test_an_import_job_with_a_bad_file_fails_with_the_reason(
    marketer: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    job = import_job_create(
        upload=SimpleUploadedFile("x.csv", b"email,colour\na@b.io,red\n"), by=marketer
    )

    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)  # a redelivered message finds the job already claimed

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "'colour'" in job.error
    assert not Contact.objects.exists()
    assert ImportJob.objects.count() == 1
