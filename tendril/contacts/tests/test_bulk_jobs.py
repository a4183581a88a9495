"""Bulk actions on contacts: each action through the contact services (one event per changed
contact), over chosen rows or every contact matching a view, run once however often it is
handed out, erasure only with the count confirmed (audited), exports fetched by their creator,
and who may do it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.bulk import (
    bulk_exports_expire,
    bulk_job_create,
    bulk_job_execute,
    bulk_job_file,
    bulk_jobs_recover,
)
from tendril.contacts.models import BulkJob, BulkStatus, Contact, Suppression
from tendril.contacts.selectors import ContactFilters
from tendril.contacts.services import contact_create
from tendril.contacts.tasks import bulk_job_run
from tendril.core import clock
from tendril.core.errors import Forbidden, InvalidInput, NotFound
from tendril.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    # Bulk jobs are under test, not the broker: they run in-process even in the Redis pass.
    settings.BROKER_URL = ""
    return tmp_path


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A job starts once its transaction commits, which a test's never does: ``with commit():``
    runs what waited for the commit at the end of the block, as the commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people() -> list[Contact]:
    """Five leads at Globex and one MQL at Initech, oldest first."""
    made = [
        contact_create(data={"email": f"p{n}@gmail.com", "company": {"name": "Globex"}}, by=None)
        for n in range(5)
    ]
    made.append(
        contact_create(
            data={"email": "mql@gmail.com", "company": {"name": "Initech"}, "stage": "mql"},
            by=None,
        )
    )
    return made


def _events(kind: str) -> list[Event]:
    return list(Event.objects.filter(type=kind).order_by("id"))


def test_setting_a_stage_on_chosen_rows_records_one_change_per_contact_that_changed(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    chosen = [people[0].pk, people[1].pk, people[5].pk]  # the last is an MQL already

    with commit():
        job = bulk_job_create(action="set_stage", by=marketer, ids=chosen, params={"stage": "mql"})

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (BulkStatus.DONE, 3, 3)
    assert set(Contact.objects.filter(stage="mql").values_list("pk", flat=True)) == set(chosen)
    changed = _events("stage_changed")
    assert sorted(e.contact_id for e in changed) == sorted(chosen[:2])
    assert {(e.properties["from"], e.properties["to"]) for e in changed} == {("lead", "mql")}
    assert changed[0].properties["actor"]["id"] == marketer.pk


def test_assigning_an_owner_to_every_contact_matching_a_view_leaves_out_later_contacts(
    people: list[Contact], marketer: User, sales_rep: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as started:
        job = bulk_job_create(
            action="assign_owner",
            by=marketer,
            filters=ContactFilters(q="globex"),
            params={"owner": sales_rep.pk},
        )
    later = contact_create(data={"email": "late@gmail.com", "company": {"name": "Globex"}}, by=None)
    for callback in started:
        callback()

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (BulkStatus.DONE, 5, 5)
    owned = set(Contact.objects.filter(owner=sales_rep).values_list("pk", flat=True))
    assert owned == {p.pk for p in people[:5]}
    assert later.pk not in owned
    assigned = _events("owner_assigned")
    assert len(assigned) == 5
    assert {e.properties["owner"] for e in assigned} == {sales_rep.email}


def test_a_job_handed_out_twice_runs_once(people: list[Contact], marketer: User) -> None:
    job = BulkJob.objects.create(
        action="set_stage",
        params={"stage": "sql"},
        contact_ids=[p.pk for p in people],
        total=6,
        created_by=marketer,
        created_at=clock.now(),
    )

    first = bulk_job_run(job_id=job.pk)
    second = bulk_job_run(job_id=job.pk)

    assert (first, second) == (BulkStatus.DONE, None)
    assert len(_events("stage_changed")) == 6


def test_an_export_writes_the_views_contacts_in_its_order_for_its_creator_only(
    people: list[Contact], marketer: User, admin_user: User, commit: Any
) -> None:
    Contact.objects.filter(pk=people[2].pk).update(score=40)
    with commit():
        job = bulk_job_create(
            action="export",
            by=marketer,
            filters=ContactFilters(q="globex"),
            params={"order": "-score", "columns": ["email", "score"]},
        )

    job.refresh_from_db()
    path = bulk_job_file(job, marketer)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert job.status == BulkStatus.DONE and job.done == 5
    assert rows[0] == ["email", "score"]
    assert [r[0] for r in rows[1:]] == [
        "p2@gmail.com",
        "p4@gmail.com",
        "p3@gmail.com",
        "p1@gmail.com",
        "p0@gmail.com",
    ]
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(NotFound):
        bulk_job_file(job, admin_user)
    audit = AuditEntry.objects.get(action="contacts.export")
    assert (audit.target_id, audit.detail["contacts"]) == (str(job.pk), 5)


def test_an_export_file_is_deleted_a_day_after_the_job(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    with commit():
        job = bulk_job_create(action="export", by=marketer, ids=[people[0].pk], params={})
    job.refresh_from_db()
    path = Path(job.file_path)

    kept = bulk_exports_expire()
    with time_machine.travel(clock.now() + timedelta(days=1, minutes=1)):
        expired = bulk_exports_expire()

    job.refresh_from_db()
    assert (kept, expired, path.exists(), job.file_path) == (0, 1, False, "")


def test_erasing_needs_the_count_confirmed_and_is_audited_once_plus_per_person(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    chosen = [people[0].pk, people[1].pk]

    with pytest.raises(InvalidInput) as unconfirmed:
        bulk_job_create(action="erase", by=marketer, ids=chosen, confirmed_total=3)
    with commit():
        job = bulk_job_create(action="erase", by=marketer, ids=chosen, confirmed_total=2)

    job.refresh_from_db()
    assert unconfirmed.value.field == "typed"
    assert job.status == BulkStatus.DONE
    assert not Contact.objects.filter(pk__in=chosen).exists()
    assert Contact.objects.count() == 4
    assert Suppression.objects.count() == 2
    bulk = AuditEntry.objects.get(action="contacts.bulk_erase")
    assert (bulk.actor, bulk.target_id, bulk.detail["contacts"]) == (marketer.email, str(job.pk), 2)
    assert AuditEntry.objects.filter(action="contact.erase").count() == 2


@pytest.mark.parametrize(
    ("action", "params", "field"),
    [
        ("set_stage", {"stage": "famous"}, "stage"),
        ("set_stage", {}, "stage"),
        ("assign_owner", {"owner": 999_999}, "owner"),
        ("export", {"order": "shoe_size"}, "order"),
        ("paint", {}, "action"),
    ],
)
def test_a_bad_action_or_argument_is_refused_on_its_field(
    people: list[Contact], marketer: User, action: str, params: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        bulk_job_create(action=action, by=marketer, ids=[people[0].pk], params=params)

    assert refused.value.field == field
    assert not BulkJob.objects.exists()


def test_nothing_chosen_or_nothing_matching_is_refused(
    people: list[Contact], marketer: User
) -> None:
    with pytest.raises(InvalidInput) as none_chosen:
        bulk_job_create(action="set_stage", by=marketer, ids=[], params={"stage": "sql"})
    with pytest.raises(InvalidInput) as none_matching:
        bulk_job_create(
            action="set_stage",
            by=marketer,
            filters=ContactFilters(q="nobody-at-all"),
            params={"stage": "sql"},
        )

    assert none_chosen.value.field == none_matching.value.field == "ids"


def test_sales_reps_cannot_run_bulk_actions(people: list[Contact], sales_rep: User) -> None:
    with pytest.raises(Forbidden):
        bulk_job_create(
            action="set_stage", by=sales_rep, ids=[people[0].pk], params={"stage": "sql"}
        )


def test_jobs_a_stopped_process_left_behind_fail_with_what_was_done(
    people: list[Contact], marketer: User
) -> None:
    def job(status: str, done: int) -> BulkJob:
        return BulkJob.objects.create(
            action="set_stage",
            params={"stage": "sql"},
            contact_ids=[people[0].pk],
            status=status,
            total=6,
            done=done,
            created_by=marketer,
            created_at=clock.now(),
        )

    running, waiting, finished = job("running", 4), job("pending", 0), job("done", 6)

    failed = bulk_jobs_recover()

    assert {j.pk for j in failed} == {running.pk, waiting.pk}
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert "4 of 6 contacts were done" in running.error
    assert "nothing was changed" in waiting.error
    assert BulkJob.objects.get(pk=finished.pk).status == "done"
    assert bulk_job_execute(job_id=waiting.pk) is None


def test_with_a_broker_only_running_jobs_no_worker_reports_fail(
    people: list[Contact], marketer: User
) -> None:
    def job(status: str) -> BulkJob:
        return BulkJob.objects.create(
            action="export",
            contact_ids=[people[0].pk],
            status=status,
            total=1,
            created_by=marketer,
            created_at=clock.now(),
        )

    live, dead, queued = job("running"), job("running"), job("pending")

    failed = bulk_jobs_recover(running_elsewhere=[live.pk])

    assert [j.pk for j in failed] == [dead.pk]
    assert BulkJob.objects.get(pk=queued.pk).status == "pending"


# --- the screens ----------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bulk_bar_sets_a_stage_and_shows_the_job_done(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    client = _signed_in(marketer)

    with commit():
        started = client.post(
            "/contacts/bulk/",
            {"action": "set_stage", "new_stage": "sql", "ids": [people[0].pk, people[1].pk]},
        )
    job = BulkJob.objects.get()
    page = client.get(started["Location"]).content.decode()
    fragment = client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()

    assert started["Location"] == f"/contacts/bulk/{job.pk}/"
    assert "2 of 2 contacts done" in page
    assert 'data-status="done"' in fragment and "hx-trigger" not in fragment
    assert Contact.objects.filter(stage="sql").count() == 2


def test_a_running_job_page_polls_itself(people: list[Contact], marketer: User) -> None:
    job = BulkJob.objects.create(
        action="set_stage",
        params={"stage": "sql"},
        contact_ids=[p.pk for p in people],
        status="running",
        total=6,
        done=2,
        created_by=marketer,
        created_at=clock.now(),
    )

    html = _signed_in(marketer).get(f"/contacts/bulk/{job.pk}/").content.decode()

    assert f'hx-get="/contacts/bulk/{job.pk}/" hx-trigger="every 1s"' in html
    assert '<progress max="6" value="2"' in html


def test_all_matching_acts_on_every_contact_of_the_view_not_just_the_page(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    with commit():
        response = _signed_in(marketer).post(
            "/contacts/bulk/",
            {
                "action": "set_stage",
                "new_stage": "customer",
                "scope": "all",
                "q": "globex",
                "page_size": "25",
            },
        )

    assert response.status_code == 302
    assert Contact.objects.filter(stage="customer").count() == 5
    assert BulkJob.objects.get().filters == {"q": "globex"}


def test_a_missing_stage_is_shown_on_the_stage_input_with_the_rows_still_ticked(
    people: list[Contact], marketer: User
) -> None:
    response = _signed_in(marketer).post(
        "/contacts/bulk/", {"action": "set_stage", "new_stage": "", "ids": [people[0].pk]}
    )
    html = response.content.decode()

    assert response.status_code == 422
    stage_input = html[html.index('name="new_stage"') :]
    assert "Choose the stage to set." in stage_input[: stage_input.index("</span>")]
    assert '<option value="set_stage" selected>' in html
    assert f'value="{people[0].pk}" form="bulk-form" checked' in html
    assert not BulkJob.objects.exists()


def test_bulk_erase_asks_for_the_number_typed_then_erases(
    people: list[Contact], marketer: User, commit: Any
) -> None:
    client = _signed_in(marketer)
    chosen = {"action": "erase", "scope": "all", "q": "globex"}

    asked = client.post("/contacts/bulk/", chosen)
    wrong = client.post("/contacts/bulk/", {**chosen, "typed": "4"})
    with commit():
        done = client.post("/contacts/bulk/", {**chosen, "typed": "5"})

    assert asked.status_code == 200
    assert "Type 5 to confirm" in asked.content.decode()
    assert '<input type="hidden" name="scope" value="all">' in asked.content.decode()
    assert wrong.status_code == 422 and "Type 5 exactly to confirm." in wrong.content.decode()
    assert done.status_code == 302
    assert list(Contact.objects.values_list("email", flat=True)) == ["mql@gmail.com"]


@pytest.mark.parametrize(("role", "status"), [("admin", 302), ("marketer", 302), ("sales", 403)])
def test_marketing_roles_run_bulk_actions_and_sales_reps_get_403(
    people: list[Contact],
    admin_user: User,
    marketer: User,
    sales_rep: User,
    role: str,
    status: int,
    commit: Any,
) -> None:
    user = {"admin": admin_user, "marketer": marketer, "sales": sales_rep}[role]

    with commit():
        response = _signed_in(user).post(
            "/contacts/bulk/", {"action": "set_stage", "new_stage": "sql", "ids": [people[0].pk]}
        )

    assert response.status_code == status
    assert Contact.objects.filter(stage="sql").exists() is (status == 302)


def test_only_the_creator_downloads_an_export(
    people: list[Contact], marketer: User, admin_user: User, commit: Any
) -> None:
    client = _signed_in(marketer)
    with commit():
        client.post(
            "/contacts/bulk/", {"action": "export", "ids": [people[0].pk], "columns": ["email"]}
        )
    job = BulkJob.objects.get()

    page = client.get(f"/contacts/bulk/{job.pk}/").content.decode()
    mine = client.get(f"/contacts/bulk/{job.pk}/export.csv")
    theirs = _signed_in(admin_user).get(f"/contacts/bulk/{job.pk}/export.csv")

    assert f'href="/contacts/bulk/{job.pk}/export.csv"' in page
    assert mine.status_code == 200
    body = b"".join(mine.streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["email,first_name,last_name", "p0@gmail.com,,"]
    assert theirs.status_code == 404
