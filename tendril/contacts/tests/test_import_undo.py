"""Undoing an import: the contacts it created are deleted in one audited action, for 30 days,
once; the ones it updated stay; their events stay, anonymised; nothing is suppressed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from tendril.accounts.models import AuditEntry
from tendril.contacts.importer import UNDO_DAYS, import_contacts_path, import_job_undo
from tendril.contacts.models import Consent, Contact, ImportJob, Suppression
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event, VisitorLink

pytestmark = pytest.mark.django_db

CSV = (
    "email,first_name,Email consent\nann@acme.io,Annie,yes\nbo@beta.io,Bo,yes\ncy@gamma.io,Cy,no\n"
)


@pytest.fixture
def ann(db: Any) -> Contact:
    """Known before the import, which only updates her."""
    return contact_create(data={"email": "ann@acme.io", "first_name": "Ann"}, by=None)


@pytest.fixture
def job(ann: Contact, tmp_path: Path) -> ImportJob:
    path = tmp_path / "leads.csv"
    path.write_text(CSV)
    import_contacts_path(path=path)
    return ImportJob.objects.get()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_undo_deletes_the_contacts_the_import_created_and_keeps_the_ones_it_updated(
    ann: Contact, job: ImportJob, marketer: Any
) -> None:
    bo = Contact.objects.get(email="bo@beta.io")
    VisitorLink.objects.create(visitor_id="v-bo", contact_id=bo.pk, linked_at=clock.now())
    page_view = Event.objects.create(
        contact_id=bo.pk,
        visitor_id="v-bo",
        type="page_view",
        properties={"url": "/pricing", "email": "bo@beta.io"},
        occurred_at=clock.now(),
        received_at=clock.now(),
    )

    undone = import_job_undo(job=job, by=marketer)

    assert list(Contact.objects.values_list("email", flat=True)) == ["ann@acme.io"]
    ann.refresh_from_db()
    assert ann.first_name == "Annie"  # what the import changed on a known contact stays
    stored = ImportJob.objects.get(pk=job.pk)
    assert stored.undone_count == undone.undone_count == 2
    assert stored.undone_at is not None and clock.now() - stored.undone_at < timedelta(minutes=1)
    assert not Consent.objects.exclude(contact=ann).exists()
    page_view.refresh_from_db()
    assert (page_view.contact_id, page_view.visitor_id, page_view.properties) == (
        None,
        "",
        {"url": "/pricing"},
    )
    assert not Event.objects.filter(contact_id=bo.pk).exists()
    assert not VisitorLink.objects.filter(contact_id=bo.pk).exists()
    assert not Suppression.objects.exists()  # not an erasure: the right file brings them back
    audit = AuditEntry.objects.get(action="contacts.import_undo")
    assert (audit.actor, audit.target_type, audit.target_id) == (
        marketer.email,
        "import",
        str(job.pk),
    )
    assert audit.detail == {"file": "leads.csv", "deleted": 2}


def test_an_import_is_undone_once(job: ImportJob, marketer: Any) -> None:
    import_job_undo(job=job, by=marketer)

    with pytest.raises(Conflict, match="already been undone"):
        import_job_undo(job=job, by=marketer)
    assert AuditEntry.objects.filter(action="contacts.import_undo").count() == 1


def test_an_import_can_be_undone_for_thirty_days_after_it_finished(
    job: ImportJob, marketer: Any
) -> None:
    finished = ImportJob.objects.get(pk=job.pk).finished_at
    assert finished is not None

    late = finished + timedelta(days=UNDO_DAYS, minutes=1)
    with time_machine.travel(late), pytest.raises(InvalidInput, match="more than 30 days ago"):
        import_job_undo(job=job, by=marketer)
    assert Contact.objects.count() == 3

    with time_machine.travel(finished + timedelta(days=UNDO_DAYS, minutes=-1)):
        assert import_job_undo(job=job, by=marketer).undone_count == 2


def test_an_import_whose_contacts_are_all_gone_has_nothing_to_undo(
    job: ImportJob, marketer: Any
) -> None:
    Contact.objects.filter(import_job=job).delete()

    with pytest.raises(InvalidInput, match="None of the contacts"):
        import_job_undo(job=job, by=marketer)
    assert ImportJob.objects.get(pk=job.pk).undone_at is None


def test_the_status_page_offers_the_undo_and_the_typed_number_confirms_it(
    job: ImportJob, marketer: Any
) -> None:
    client = _client(marketer)
    status_url = f"/contacts/import/{job.pk}/status/"
    undo_url = f"/contacts/import/{job.pk}/undo/"

    status = client.get(status_url).content.decode()
    assert "Delete the 2 contacts this import created" in status
    assert f'href="{undo_url}"' in status

    confirm = client.get(undo_url)
    assert confirm.status_code == 200
    assert "Type 2 to confirm" in confirm.content.decode()

    wrong = client.post(undo_url, {"typed": "3"})
    assert wrong.status_code == 422
    assert "Type 2 exactly to confirm." in wrong.content.decode()
    assert Contact.objects.count() == 3

    done = client.post(undo_url, {"typed": " 2 "}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain == [(status_url, 302)]
    assert "Deleted the 2 contacts this import created." in page
    assert "This import was undone on" in page and "the 2 contacts it created were deleted" in page
    assert "Delete the 2 contacts" not in page
    assert Contact.objects.count() == 1

    assert client.get(undo_url)["Location"] == status_url  # nothing left to offer


def test_an_old_import_offers_no_undo(job: ImportJob, marketer: Any) -> None:
    client = _client(marketer)

    with time_machine.travel(clock.now() + timedelta(days=UNDO_DAYS + 1)):
        status = client.get(f"/contacts/import/{job.pk}/status/").content.decode()
        refused = client.post(f"/contacts/import/{job.pk}/undo/", {"typed": "2"})

    assert "this import created" not in status
    assert refused.status_code == 302
    assert Contact.objects.count() == 3


def test_sales_reps_cannot_undo_an_import(job: ImportJob, sales_rep: Any) -> None:
    client = _client(sales_rep)

    assert client.get(f"/contacts/import/{job.pk}/undo/").status_code == 403
    assert client.post(f"/contacts/import/{job.pk}/undo/", {"typed": "2"}).status_code == 403
    assert Contact.objects.count() == 3
