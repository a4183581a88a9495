"""Import jobs never strand a file or a status: uploads are private, a crashed process's jobs
fail at the next start-up, and uploads nobody started expire after a day."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tendril.contacts.importer import import_job_create, import_job_start
from tendril.contacts.models import ImportJob, ImportStatus
from tendril.contacts.tasks import import_jobs_recover_at_startup, import_uploads_expire_tick
from tendril.core import clock
from tendril.core.scheduler import jobs
from tendril.core.startup import startup_hooks, startup_run

pytestmark = pytest.mark.django_db

CSV = b"email,first_name\nann@acme.io,Ann\n"


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Path) -> Any:
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _job(marketer: Any, **changes: Any) -> ImportJob:
    job = import_job_create(upload=SimpleUploadedFile("people.csv", CSV), by=marketer)
    if changes:
        ImportJob.objects.filter(pk=job.pk).update(**changes)
        job.refresh_from_db()
    return job


def test_an_uploaded_file_is_readable_by_its_owner_only(marketer, var_dir):
    job = _job(marketer)

    assert stat.S_IMODE(Path(job.file_path).stat().st_mode) == 0o600
    assert stat.S_IMODE((var_dir / "imports").stat().st_mode) == 0o700


def test_jobs_a_crashed_process_left_running_or_started_fail_at_start_up(marketer, settings):
    settings.BROKER_URL = ""  # tendril run with its in-process worker: the only one running jobs
    running = _job(marketer, status=ImportStatus.RUNNING, mapping={"email": "email"})
    started = _job(marketer, mapping={"email": "email"})
    waiting = _job(marketer)

    startup_run()

    running.refresh_from_db()
    started.refresh_from_db()
    waiting.refresh_from_db()
    assert running.status == started.status == ImportStatus.FAILED
    assert "interrupted" in running.error and "never ran" in started.error
    assert running.finished_at is not None
    assert not Path(running.file_path).exists() and not Path(started.file_path).exists()
    # Not started yet: the person may still choose the columns and start it.
    assert waiting.status == ImportStatus.PENDING and Path(waiting.file_path).exists()


def test_the_recovery_is_registered_as_a_start_up_hook_without_core_naming_contacts():
    assert "tendril.contacts.tasks.import_jobs_recover_at_startup" in startup_hooks()
    core = Path(__file__).resolve().parents[2] / "core" / "startup.py"
    assert "contacts" not in core.read_text()


def test_a_celery_worker_at_start_up_spares_jobs_live_workers_are_running(marketer, monkeypatch):
    live = _job(marketer, status=ImportStatus.RUNNING, mapping={"email": "email"})
    dead = _job(marketer, status=ImportStatus.RUNNING, mapping={"email": "email"})
    queued = _job(marketer, mapping={"email": "email"})

    class Inspect:
        def active(self) -> dict[str, list[dict[str, Any]]]:
            task = {"name": "tendril.contacts.import_job_run", "kwargs": {"job_id": live.pk}}
            return {"worker1@host": [task]}

    from tendril.contacts import tasks

    monkeypatch.setattr(tasks.import_job_run.app.control, "inspect", lambda timeout: Inspect())
    with override_settings(BROKER_URL="redis://127.0.0.1:6379/0"):
        import_jobs_recover_at_startup()

    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        live.pk: ImportStatus.RUNNING,
        dead.pk: ImportStatus.FAILED,
        queued.pk: ImportStatus.PENDING,
    }


def test_an_upload_nobody_started_expires_after_a_day_and_the_screens_say_so(marketer):
    old = _job(marketer)
    started = _job(marketer, mapping={"email": "email"})
    with time_machine.travel(clock.now() + timedelta(hours=23)):
        recent = _job(marketer)

    with time_machine.travel(clock.now() + timedelta(days=1, minutes=1)):
        expired = import_uploads_expire_tick()

    assert expired == 1
    old.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED and old.finished_at is not None
    assert not Path(old.file_path).exists()
    assert Path(recent.file_path).exists() and Path(started.file_path).exists()
    assert ImportJob.objects.get(pk=recent.pk).status == ImportStatus.PENDING

    browser = Client()
    browser.force_login(marketer)
    status_page = browser.get(f"/contacts/import/{old.pk}/status/").content.decode()
    assert "Expired" in status_page and "deleted after a day" in status_page
    assert "Expired" in browser.get("/contacts/import/").content.decode()
    with pytest.raises(Exception, match="expired"):
        import_job_start(job=old, mapping={"email": "email"})


def test_expiring_uploads_is_a_periodic_job():
    assert any(job.name == "tendril.contacts.import_uploads_expire" for job in jobs())


def test_an_upload_expires_exactly_a_day_after_it_came(marketer):
    job = _job(marketer)
    came = job.created_at

    with time_machine.travel(came + timedelta(days=1, seconds=-1)):
        assert import_uploads_expire_tick() == 0
    with time_machine.travel(came + timedelta(days=1)):
        assert import_uploads_expire_tick() == 1

    job.refresh_from_db()
    assert job.status == ImportStatus.EXPIRED and not Path(job.file_path).exists()


def test_a_day_old_upload_is_expired_when_opened_before_the_periodic_pass(marketer):
    job = _job(marketer)
    browser = Client()
    browser.force_login(marketer)
    preview = browser.get(f"/contacts/import/{job.pk}/").content.decode()
    assert "is not started by" in preview  # the preview says until when the file is kept

    with time_machine.travel(job.created_at + timedelta(days=1, minutes=1)):
        opened = browser.get(f"/contacts/import/{job.pk}/")
        started = browser.post(f"/contacts/import/{job.pk}/", {"column-0": "email"})

    assert opened["Location"] == f"/contacts/import/{job.pk}/status/"
    assert started["Location"] == f"/contacts/import/{job.pk}/status/"
    job.refresh_from_db()
    assert job.status == ImportStatus.EXPIRED and not Path(job.file_path).exists()
    assert "Expired" in browser.get(opened["Location"]).content.decode()


def test_expiring_uploads_runs_often_enough_to_keep_to_the_day():
    job = next(job for job in jobs() if job.name == "tendril.contacts.import_uploads_expire")

    assert job.every <= 600


def test_an_import_running_in_a_request_or_the_cli_is_not_failed_by_a_starting_worker(
    marketer, settings
):
    settings.BROKER_URL = ""
    elsewhere = ImportJob.objects.create(
        file_name="big.csv",
        status=ImportStatus.RUNNING,
        mapping={"email": "email"},
        created_at=clock.now(),
    )

    startup_run()

    assert ImportJob.objects.get(pk=elsewhere.pk).status == ImportStatus.RUNNING
