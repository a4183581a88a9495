from __future__ import annotations

import json

import pytest

from tendril.contacts.models import Contact
from tendril.core.models import Event


@pytest.mark.django_db
def test_posting_an_event_for_a_new_email_creates_the_contact(marketer_api):
    response = marketer_api.post(
        "/api/v1/events",
        json.dumps(
            {
                "contact": {"email": "Ann@Acme.io"},
                "type": "page_view",
                "properties": {"url": "https://acme.io/pricing"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    contact = Contact.objects.get(email="ann@acme.io")
    event = Event.objects.get(pk=response.json()["id"])
    assert event.contact_id == contact.pk
    assert contact.company.domain == "acme.io"


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def ann(db):
    from tendril.contacts.services import contact_create

    return contact_create(data={"email": "ann@acme.io"}, by=None)


@pytest.mark.django_db
def test_one_event_is_accepted_with_202_and_its_id(marketer_api, ann):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"contact_id": ann.pk, "type": "form_submit", "properties": {"form": "newsletter"}},
    )

    assert response.status_code == 202
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.contact_id, event.type, event.source) == (ann.pk, "form_submit", "api")
    assert event.properties == {"form": "newsletter"}


@pytest.mark.django_db
def test_an_unknown_type_is_stored_as_custom(marketer_api, ann):
    response = post(
        marketer_api, "/api/v1/events", {"contact_id": ann.pk, "type": "webinar_attended"}
    )

    assert response.status_code == 202
    assert Event.objects.get(pk=response.json()["id"]).type == "custom:webinar_attended"


@pytest.mark.django_db
def test_a_custom_prefixed_type_is_not_prefixed_twice(marketer_api, ann):
    response = post(marketer_api, "/api/v1/events", {"contact_id": ann.pk, "type": "custom:demo"})

    assert Event.objects.get(pk=response.json()["id"]).type == "custom:demo"


@pytest.mark.django_db
@pytest.mark.parametrize("event_type", ["score_changed", "contact_created", "unsubscribed"])
def test_system_event_types_cannot_be_sent(marketer_api, ann, event_type):
    before = Event.objects.count()

    response = post(marketer_api, "/api/v1/events", {"contact_id": ann.pk, "type": event_type})

    assert response.status_code == 422
    assert response.json()["field"] == "type"
    assert "recorded by Tendril itself" in response.json()["detail"]
    assert Event.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("event_type", ["", "has space", "x" * 65, "café"])
def test_a_malformed_type_name_is_422(marketer_api, ann, event_type):
    response = post(marketer_api, "/api/v1/events", {"contact_id": ann.pk, "type": event_type})

    assert response.status_code == 422
    assert response.json()["field"] == "type"


@pytest.mark.django_db
def test_page_view_without_url_is_422_naming_the_property(marketer_api, ann):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"contact_id": ann.pk, "type": "page_view", "properties": {"title": "Pricing"}},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "properties.url"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "occurred_at",
    ["2026-01-31T09:00:00", "2999-01-01T00:00:00+00:00"],
    ids=["without an offset", "far in the future"],
)
def test_occurred_at_without_an_offset_or_far_in_the_future_is_422(marketer_api, ann, occurred_at):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"contact_id": ann.pk, "type": "custom:x", "occurred_at": occurred_at},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "occurred_at"


@pytest.mark.django_db
def test_occurred_at_keeps_the_time_that_was_sent(marketer_api, ann):
    response = post(
        marketer_api,
        "/api/v1/events",
        {"contact_id": ann.pk, "type": "custom:x", "occurred_at": "2026-01-31T09:00:00+07:00"},
    )

    event = Event.objects.get(pk=response.json()["id"])
    assert event.occurred_at.isoformat() == "2026-01-31T02:00:00+00:00"


@pytest.mark.django_db
def test_an_unknown_contact_id_is_404(marketer_api):
    response = post(marketer_api, "/api/v1/events", {"contact_id": 987654, "type": "custom:x"})

    assert response.status_code == 404
    assert response.json() == {"detail": "no contact with id 987654", "field": "contact_id"}
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_an_event_about_nobody_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/events", {"type": "custom:x"})

    assert response.status_code == 422
    assert response.json()["field"] == "contact"


@pytest.mark.django_db
def test_an_event_with_a_malformed_email_is_422(marketer_api):
    response = post(
        marketer_api, "/api/v1/events", {"contact": {"email": "not-an-email"}, "type": "custom:x"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "contact.email"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_batch_stores_the_good_items_and_reports_the_bad_by_index(marketer_api, ann):
    response = post(
        marketer_api,
        "/api/v1/events/batch",
        [
            {"contact_id": ann.pk, "type": "page_view", "properties": {"url": "/a"}},
            {"contact_id": ann.pk, "type": "page_view"},
            {
                "contact": {"email": "new@beta.io"},
                "type": "form_submit",
                "properties": {"form": "x"},
            },
            {"contact_id": 999999, "type": "custom:x"},
            {"contact_id": ann.pk, "type": "score_changed"},
            {"contact_id": ann.pk, "type": "custom:x", "bogus": 1},
            "not an object",
            {"visitor_id": "v-9", "type": "page_view", "properties": {"url": "/b"}},
        ],
    )

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 3
    assert [r["index"] for r in body["rejected"]] == [1, 3, 4, 5, 6]
    fields = {r["index"]: r["field"] for r in body["rejected"]}
    assert fields[1] == "properties.url"
    assert fields[3] == "contact_id"
    assert fields[4] == "type"
    assert fields[5] == "bogus"
    assert body["ids"][1] is None and body["ids"][0] is not None
    stored = Event.objects.filter(pk__in=[i for i in body["ids"] if i is not None])
    assert stored.count() == 3
    assert Contact.objects.filter(email="new@beta.io").exists()


@pytest.mark.django_db
def test_batch_of_more_than_1000_is_422_and_stores_nothing(marketer_api, ann):
    items = [{"contact_id": ann.pk, "type": "custom:x"}] * 1001

    response = post(marketer_api, "/api/v1/events/batch", items)

    assert response.status_code == 422
    assert "1000" in response.json()["detail"]
    assert not Event.objects.filter(type="custom:x").exists()


@pytest.mark.django_db
def test_batch_that_is_not_a_list_is_422(marketer_api):
    response = post(marketer_api, "/api/v1/events/batch", {"type": "custom:x"})

    assert response.status_code == 422
    assert response.json()["field"] is None


@pytest.mark.django_db
def test_identifying_a_visitor_joins_their_earlier_anonymous_events(marketer_api, ann):
    for url in ("/pricing", "/features/automation"):
        post(
            marketer_api,
            "/api/v1/events",
            {"visitor_id": "v-42", "type": "page_view", "properties": {"url": url}},
        )
    other = post(
        marketer_api,
        "/api/v1/events",
        {"visitor_id": "v-other", "type": "page_view", "properties": {"url": "/"}},
    )
    assert Event.objects.filter(visitor_id="v-42", contact_id__isnull=True).count() == 2

    identify = post(
        marketer_api,
        "/api/v1/events",
        {"contact": {"email": "ann@acme.io"}, "visitor_id": "v-42", "type": "identify"},
    )
    later = post(
        marketer_api,
        "/api/v1/events",
        {"visitor_id": "v-42", "type": "page_view", "properties": {"url": "/pricing"}},
    )

    assert identify.status_code == 202
    assert Event.objects.filter(visitor_id="v-42", contact_id=ann.pk).count() == 4
    assert Event.objects.get(pk=later.json()["id"]).contact_id == ann.pk
    assert Event.objects.get(pk=other.json()["id"]).contact_id is None
    timeline = marketer_api.get(f"/api/v1/contacts/{ann.pk}/timeline").json()
    assert [e["properties"].get("url") for e in timeline["items"][:1]] == ["/pricing"]


@pytest.mark.django_db
def test_events_list_filters_by_contact_and_type(marketer_api, ann):
    post(marketer_api, "/api/v1/events", {"contact_id": ann.pk, "type": "custom:a"})
    post(marketer_api, "/api/v1/events", {"visitor_id": "v", "type": "custom:a"})

    response = marketer_api.get(f"/api/v1/events?contact_id={ann.pk}&type=custom:a")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["items"][0]["contact_id"] == ann.pk


@pytest.mark.django_db
def test_identifying_a_visitor_announces_the_joined_history_as_an_event(marketer_api, ann):
    earlier = [
        post(
            marketer_api,
            "/api/v1/events",
            {"visitor_id": "v-7", "type": "page_view", "properties": {"url": f"/p{n}"}},
        ).json()["id"]
        for n in range(3)
    ]

    post(
        marketer_api,
        "/api/v1/events",
        {"contact": {"email": "ann@acme.io"}, "visitor_id": "v-7", "type": "identify"},
    )
    post(  # identifying again joins nothing new and announces nothing
        marketer_api,
        "/api/v1/events",
        {"contact": {"email": "ann@acme.io"}, "visitor_id": "v-7", "type": "identify"},
    )

    announced = Event.objects.get(type="visitor_identified")
    assert announced.contact_id == ann.pk
    assert announced.properties == {"visitor_id": "v-7", "events": earlier}
    assert announced.pk > max(earlier)  # consumers that passed the rows anonymously learn of them


@pytest.mark.django_db
def test_history_that_joins_a_contact_makes_them_seen(marketer_api, ann):
    from datetime import timedelta

    from tendril.core import clock
    from tendril.core.consumers import consumers_run_all

    visited = (clock.now() - timedelta(days=2)).isoformat()
    post(
        marketer_api,
        "/api/v1/events",
        {
            "visitor_id": "v-9",
            "type": "page_view",
            "properties": {"url": "/"},
            "occurred_at": visited,
        },
    )
    consumers_run_all()  # the anonymous visit is passed while nobody owns it
    post(
        marketer_api,
        "/api/v1/events",
        {"contact": {"email": "ann@acme.io"}, "visitor_id": "v-9", "type": "identify"},
    )

    consumers_run_all()

    ann.refresh_from_db()
    assert ann.last_seen_at is not None
    assert ann.last_seen_at.isoformat() == clock.now().__class__.fromisoformat(visited).isoformat()


@pytest.mark.django_db
def test_properties_nested_too_deeply_are_refused_at_ingest(marketer_api, ann):
    deep: dict = {}
    inner = deep
    for _ in range(40):
        inner["x"] = {}
        inner = inner["x"]

    response = post(
        marketer_api,
        "/api/v1/events",
        {"contact_id": ann.pk, "type": "custom:deep", "properties": deep},
    )
    batch = post(
        marketer_api,
        "/api/v1/events/batch",
        [
            {"contact_id": ann.pk, "type": "custom:deep", "properties": deep},
            {"contact_id": ann.pk, "type": "custom:flat", "properties": {"a": {"b": 1}}},
        ],
    )

    assert response.status_code == 422
    assert response.json()["field"] == "properties"
    assert batch.json()["accepted"] == 1
    assert batch.json()["rejected"][0]["index"] == 0
    assert marketer_api.get("/api/v1/events").status_code == 200
