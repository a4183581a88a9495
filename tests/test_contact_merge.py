"""Merging two contacts who are one person: every event moves, details fill each other, the
apps above contacts move their rows, and consumers hear of it through the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import AuditEntry, User
from tendril.alerts.models import AlertDelivery
from tendril.alerts.services import alert_set
from tendril.contacts import merging
from tendril.contacts.merging import MERGED, contacts_merge
from tendril.contacts.models import (
    BulkAction,
    BulkJob,
    Consent,
    Contact,
    Stage,
)
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.consumers import consumers_run_all
from tendril.core.errors import Conflict, InvalidInput, NotFound
from tendril.core.models import ConsumerCursor, Event, VisitorLink
from tendril.notifications.models import Notification
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage
from tendril.personas.presets import B2B
from tendril.personas.services import contact_buying_stage_set, presets_ensure
from tendril.scoring.consumers import CONSUMER as SCORING
from tendril.scoring.models import ScoreEntry
from tendril.scoring.services import rule_create
from tendril.segments.models import SegmentErasures, SegmentMember
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db

WHITE_PAPER = {"event": "asset_downloaded", "where": {"asset": {"eq": "White paper"}}}


def _events(contact: Contact, n: int, type: str = "page_view", **props: Any) -> list[Event]:
    return [
        EventFactory(contact_id=contact.pk, type=type, properties=props or {"url": f"/p/{i}"})
        for i in range(n)
    ]


def _pair(**gone: Any) -> tuple[Contact, Contact]:
    keep = ContactFactory(email="ann@acme.test")
    return keep, ContactFactory(email="ann.other@gmail.test", **gone)


def test_every_event_of_the_duplicate_moves_none_is_lost_and_it_is_deleted(
    marketer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merging, "EVENT_BATCH", 3)
    keep, gone = _pair()
    theirs = {e.pk for e in _events(gone, 8)}
    _events(keep, 2)
    VisitorLink.objects.create(visitor_id="v-gone", contact_id=gone.pk, linked_at=clock.now())
    before = Event.objects.count()

    contacts_merge(keep=keep, gone=gone, by=marketer)

    new = Event.objects.exclude(pk__lte=max(Event.objects.values_list("pk", flat=True)[:before]))
    assert Event.objects.count() - new.count() == before
    assert set(Event.objects.filter(pk__in=theirs).values_list("contact_id", flat=True)) == {
        keep.pk
    }
    assert not Event.objects.filter(contact_id=gone.pk).exists()
    assert VisitorLink.objects.get(visitor_id="v-gone").contact_id == keep.pk
    assert not Contact.objects.filter(pk=gone.pk).exists()
    merged = Event.objects.get(type=MERGED)
    assert merged.contact_id == keep.pk
    assert merged.properties["gone"] == {
        "id": gone.pk,
        "email": "ann.other@gmail.test",
        "name": gone.full_name,
    }
    assert merged.properties["actor"]["id"] == marketer.pk
    audit = AuditEntry.objects.get(action="contact.merge")
    assert audit.detail["keep"] == {"id": keep.pk, "email": "ann@acme.test"}
    assert audit.detail["gone"] == {"id": gone.pk, "email": "ann.other@gmail.test"}


def test_keeps_values_win_and_its_empty_ones_are_filled_from_the_duplicate(
    marketer: User,
) -> None:
    now = clock.now()
    keep = ContactFactory(
        email="ann@acme.test",
        first_name="Ann",
        last_name="",
        phone="",
        stage=Stage.LEAD,
        fields={"budget": 10},
        created_at=now,
        last_seen_at=now - timedelta(days=3),
    )
    gone = ContactFactory(
        email="ann.other@gmail.test",
        first_name="Annie",
        last_name="Lee",
        phone="+66 81 234 5678",
        language="th",
        stage=Stage.SQL,
        fields={"budget": 99, "industry": "Retail"},
        created_at=now - timedelta(days=30),
        last_seen_at=now - timedelta(hours=1),
    )
    Consent.objects.create(
        contact=keep, channel="email", status="granted", given_at=now - timedelta(days=5)
    )
    Consent.objects.create(
        contact=gone, channel="email", status="denied", given_at=now - timedelta(days=1)
    )
    Consent.objects.create(
        contact=keep, channel="sms", status="granted", given_at=now - timedelta(days=1)
    )
    Consent.objects.create(
        contact=gone, channel="sms", status="denied", given_at=now - timedelta(days=9)
    )

    merged = contacts_merge(keep=keep, gone=gone, by=marketer)

    merged.refresh_from_db()
    assert (merged.email, merged.first_name, merged.last_name) == ("ann@acme.test", "Ann", "Lee")
    assert (merged.phone, merged.language, merged.stage) == ("+66 81 234 5678", "th", Stage.SQL)
    assert merged.fields == {"budget": 10, "industry": "Retail"}
    assert merged.created_at == now - timedelta(days=30)
    assert merged.last_seen_at == now - timedelta(hours=1)
    assert dict(Consent.objects.filter(contact=keep).values_list("channel", "status")) == {
        "email": "denied",
        "sms": "granted",
    }
    assert "lee" in merged.search_text
    updated = Event.objects.get(contact_id=keep.pk, type="contact_updated")
    assert set(updated.properties["changed"]) >= {"last_name", "phone", "stage", "fields"}
    assert Event.objects.filter(contact_id=keep.pk, type="stage_changed").exists()


def test_score_is_the_ledger_sum_and_replaying_the_log_adds_no_points(marketer: User) -> None:
    rule_create(data={"name": "Views", "event": "page_view", "points": 2}, by=None)
    keep, gone = _pair()
    _events(keep, 2)
    _events(gone, 3)
    consumers_run_all()
    assert Contact.objects.get(pk=gone.pk).score == 6

    contacts_merge(keep=keep, gone=gone, by=marketer)
    consumers_run_all()
    # The scoring consumer reads the whole log again from the start: nothing counted twice.
    ConsumerCursor.objects.filter(name=SCORING).update(txid=0, position=0)
    consumers_run_all()

    keep.refresh_from_db()
    ledger = list(ScoreEntry.objects.values_list("contact_id", "points"))
    assert keep.score == 10 == sum(points for _c, points in ledger)
    assert {contact for contact, _p in ledger} == {keep.pk}


def test_keep_takes_over_the_duplicates_memberships_and_is_re_evaluated(marketer: User) -> None:
    readers = segment_create(name="Readers", filter=WHITE_PAPER, by=None)
    hot = segment_create(name="Hot", filter={"field": "score", "op": "gte", "value": 10}, by=None)
    rule_create(data={"name": "Views", "event": "page_view", "points": 3}, by=None)
    keep, gone = _pair()
    _events(gone, 1, type="asset_downloaded", asset="White paper")
    _events(gone, 2)
    _events(keep, 2)
    consumers_run_all()
    assert list(readers.members.values_list("contact_id", flat=True)) == [gone.pk]
    assert not hot.members.exists()

    contacts_merge(keep=keep, gone=gone, by=marketer)
    assert list(readers.members.values_list("contact_id", flat=True)) == [keep.pk]
    consumers_run_all()

    assert list(readers.members.values_list("contact_id", flat=True)) == [keep.pk]
    assert list(hot.members.values_list("contact_id", flat=True)) == [keep.pk]
    # Keep took the entry over: the person entered Readers once, and nobody is told again.
    assert Event.objects.filter(type="segment_entered", properties__segment=readers.pk).count() == 1
    assert not SegmentMember.objects.filter(contact_id=gone.pk).exists()


def test_a_membership_both_held_is_kept_once_and_counted_as_an_erasure(marketer: User) -> None:
    readers = segment_create(name="Readers", filter=WHITE_PAPER, by=None)
    keep, gone = _pair()
    _events(gone, 1, type="asset_downloaded", asset="White paper")
    _events(keep, 1, type="asset_downloaded", asset="White paper")
    consumers_run_all()

    contacts_merge(keep=keep, gone=gone, by=marketer)

    assert list(readers.members.values_list("contact_id", flat=True)) == [keep.pk]
    assert SegmentErasures.objects.get(segment=readers).count == 1


def test_an_alerted_entry_is_not_told_again_and_its_notice_leads_to_keep(
    marketer: User, sales_rep: User
) -> None:
    readers = segment_create(name="Readers", filter=WHITE_PAPER, by=None)
    alert_set(
        segment=readers, users=[sales_rep.pk], in_app=True, by_email=False, active=True, by=marketer
    )
    keep, gone = _pair()
    _events(gone, 1, type="asset_downloaded", asset="White paper")
    consumers_run_all()
    assert AlertDelivery.objects.count() == 1

    contacts_merge(keep=keep, gone=gone, by=marketer)
    consumers_run_all()

    assert AlertDelivery.objects.count() == 1
    notice = Notification.objects.get(user=sales_rep)
    assert notice.params["contact"] == keep.pk
    assert notice.url == reverse("contacts:contact_detail", args=[keep.pk])


def test_keep_stands_at_the_further_buying_stage_of_the_two(marketer: User) -> None:
    presets_ensure()
    b2b = BuyingStageDimension.objects.get(preset=B2B)
    first, _second, third, *_rest = list(b2b.stages.all())
    keep, gone = _pair()
    contact_buying_stage_set(contact=keep, dimension=b2b, stage=first.key, by=None)
    contact_buying_stage_set(contact=gone, dimension=b2b, stage=third.key, by=None)

    contacts_merge(keep=keep, gone=gone, by=marketer)

    standing = ContactBuyingStage.objects.get(dimension=b2b)
    assert (standing.contact_id, standing.stage_id) == (keep.pk, third.pk)


def test_a_contact_cannot_be_merged_with_itself(marketer: User) -> None:
    keep = ContactFactory()
    with pytest.raises(InvalidInput):
        contacts_merge(keep=keep, gone=keep, by=marketer)
    assert Contact.objects.filter(pk=keep.pk).exists()


def test_a_duplicate_merged_already_is_not_found(marketer: User) -> None:
    keep, gone = _pair()
    contacts_merge(keep=keep, gone=gone, by=marketer)
    with pytest.raises(NotFound):
        contacts_merge(keep=keep, gone=gone, by=marketer)


def test_a_contact_waiting_for_erasure_is_not_merged(marketer: User) -> None:
    keep, gone = _pair()
    BulkJob.objects.create(action=BulkAction.ERASE, contact_ids=[gone.pk], created_at=clock.now())
    with pytest.raises(Conflict):
        contacts_merge(keep=keep, gone=gone, by=marketer)
    assert Contact.objects.filter(pk=gone.pk).exists()


# --- API --------------------------------------------------------------------------------------


def _merge(api: Client, keep_id: int, gone_id: int) -> Any:
    return api.post(
        f"/api/v1/contacts/{keep_id}/merge",
        {"contact_id": gone_id},
        content_type="application/json",
    )


def test_the_api_merges_for_marketing_and_answers_keeps_body(
    marketer_api: Client, admin_api: Client
) -> None:
    keep, gone = _pair(phone="+66 2 123 4567")
    response = _merge(marketer_api, keep.pk, gone.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["email"], body["phone"]) == (
        keep.pk,
        "ann@acme.test",
        "+66 2 123 4567",
    )
    other = ContactFactory()
    assert _merge(admin_api, keep.pk, other.pk).status_code == 200


def test_the_api_refuses_sales_unknown_ids_and_a_merge_with_itself(
    sales_api: Client, marketer_api: Client
) -> None:
    keep, gone = _pair()
    assert _merge(sales_api, keep.pk, gone.pk).status_code == 403
    missing = _merge(marketer_api, keep.pk, 999_999)
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail", "field"}
    assert _merge(marketer_api, 999_999, gone.pk).status_code == 404
    itself = _merge(marketer_api, keep.pk, keep.pk)
    assert itself.status_code == 422
    assert itself.json()["field"] == "contact_id"
    assert Contact.objects.filter(pk__in=[keep.pk, gone.pk]).count() == 2


# --- the screen ---------------------------------------------------------------------------------


def test_a_marketer_names_the_duplicate_reads_what_happens_and_confirms(
    client: Client, marketer: User
) -> None:
    keep, gone = _pair(first_name="Annie", last_name="Lee")
    _events(gone, 4)
    client.force_login(marketer)
    url = reverse("contacts:contact_merge", args=[keep.pk])
    page = client.get(reverse("contacts:contact_detail", args=[keep.pk]))
    assert url in page.content.decode()

    ask = client.get(url, {"email": "ANN.OTHER@gmail.test"})
    text = ask.content.decode()
    assert ask.status_code == 200
    assert "Annie Lee&#x27;s 4 events, score history and memberships move to" in text

    done = client.post(f"{url}?email=ann.other@gmail.test", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("contacts:contact_detail", args=[keep.pk])
    assert "ann.other@gmail.test was merged into this contact." in done.content.decode()
    assert not Contact.objects.filter(pk=gone.pk).exists()


def test_the_screen_says_when_no_contact_has_the_email_or_it_is_the_same(
    client: Client, marketer: User
) -> None:
    keep = ContactFactory(email="ann@acme.test")
    client.force_login(marketer)
    url = reverse("contacts:contact_merge", args=[keep.pk])
    unknown = client.get(url, {"email": "nobody@acme.test"})
    assert unknown.status_code == 422
    assert "No contact has this email address." in unknown.content.decode()
    same = client.get(url, {"email": "ann@acme.test"})
    assert same.status_code == 422


def test_sales_cannot_open_the_merge_screen(client: Client, sales_rep: User) -> None:
    keep = ContactFactory()
    client.force_login(sales_rep)
    assert client.get(reverse("contacts:contact_merge", args=[keep.pk])).status_code == 403
