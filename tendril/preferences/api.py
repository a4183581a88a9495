"""Consent and preferences in the REST API: ``/api/v1/topics`` (every role reads, marketing
writes; DELETE archives), ``/api/v1/contacts/{id}/topics`` (every role reads, marketing sets)
and ``/api/v1/contacts/{id}/consents`` (the consent history, every role)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.contacts.selectors import contact_get_for
from tendril.core.errors import InvalidInput
from tendril.core.models import EventSource
from tendril.core.pagination import PageParams, page_of
from tendril.core.schemas import BodySchema
from tendril.preferences import selectors, services
from tendril.preferences.models import Topic

router = Router(tags=["Consent and preferences"])

NAME = services.MAX_NAME
TEXT = services.MAX_DESCRIPTION


class TopicIn(BodySchema):
    name: str = Field(..., max_length=NAME)
    key: str | None = Field(
        None, max_length=services.MAX_KEY, description="Made from the name when not given."
    )
    description: str = Field("", max_length=TEXT)
    name_vi: str = Field("", max_length=NAME)
    description_vi: str = Field("", max_length=TEXT)
    name_th: str = Field("", max_length=NAME)
    description_th: str = Field("", max_length=TEXT)
    position: int | None = Field(None, ge=0, le=1_000_000, description="Last when not given.")


class TopicPatch(BodySchema):
    name: str | None = Field(None, max_length=NAME)
    key: str | None = Field(None, max_length=services.MAX_KEY)
    description: str | None = Field(None, max_length=TEXT)
    name_vi: str | None = Field(None, max_length=NAME)
    description_vi: str | None = Field(None, max_length=TEXT)
    name_th: str | None = Field(None, max_length=NAME)
    description_th: str | None = Field(None, max_length=TEXT)
    position: int | None = Field(None, ge=0, le=1_000_000)
    archived: bool | None = Field(None, description="An archived topic is not offered nor sent.")


class TopicOut(Schema):
    id: int
    key: str
    name: str
    description: str
    name_vi: str
    description_vi: str
    name_th: str
    description_th: str
    position: int
    archived: bool
    subscribers: int = Field(description="People subscribed now (granted email consent).")


class TopicList(Schema):
    count: int
    items: list[TopicOut]


class TopicParams(PageParams):
    archived: bool | None = Field(None, description="Only archived (true) or active (false).")


class ContactTopicOut(Schema):
    topic: str = Field(description="The topic's key.")
    name: str
    subscribed: bool = Field(description="Receives it now: email consent granted and ticked.")
    ticked: bool = Field(description="The person's choice, whatever their consent.")
    changed_at: str | None
    method: str


class ContactTopicList(Schema):
    count: int
    email_consent: str | None = Field(description='"granted", "denied" or null (never asked).')
    items: list[ContactTopicOut]


class ContactTopicsIn(BodySchema):
    topics: dict[str, bool] = Field(
        ..., description='Topic key → ticked, e.g. {"newsletter": true, "events": false}.'
    )


class ConsentOut(Schema):
    id: int = Field(description="The event's id.")
    at: str
    kind: str = Field(description='"consent", "unsubscribe" or "topics".')
    channel: str | None
    status: str | None = Field(description='"granted" or "denied" (null for topics).')
    method: str
    by: str | None = Field(description="Who recorded it; null: the person themselves.")
    note: str = Field(description="For a form's consent: the form and the text agreed to.")
    subscribed: list[str] = Field(description="Topics ticked (kind topics).")
    unsubscribed: list[str] = Field(description="Topics unticked (kind topics).")


class ConsentList(Schema):
    count: int
    items: list[ConsentOut]


def topic_out(topic: Topic, subscribers: int) -> dict[str, Any]:
    return {
        "id": topic.pk,
        "key": topic.key,
        "name": topic.name,
        "description": topic.description,
        "name_vi": topic.name_vi,
        "description_vi": topic.description_vi,
        "name_th": topic.name_th,
        "description_th": topic.description_th,
        "position": topic.position,
        "archived": topic.archived,
        "subscribers": subscribers,
    }


def _one(topic: Topic) -> dict[str, Any]:
    return topic_out(topic, selectors.subscriber_counts([topic])[topic.pk])


@router.get("/topics", response={200: TopicList, **ERRORS}, summary="List email topics")
def topic_index(request: AuthedRequest, params: Query[TopicParams]) -> dict[str, Any]:
    page = page_of(selectors.topic_list(archived=params.archived), params, lambda t: t)
    counts = selectors.subscriber_counts(page["items"])
    return {"count": page["count"], "items": [topic_out(t, counts[t.pk]) for t in page["items"]]}


@router.post("/topics", response={201: TopicOut, **ERRORS}, summary="Offer a new email topic")
def topic_post(request: AuthedRequest, payload: TopicIn) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    topic = services.topic_create(data=payload.model_dump(), by=request.auth)
    return Status(201, _one(topic))


@router.get("/topics/{int:topic_id}", response={200: TopicOut, **ERRORS})
def topic_get(request: AuthedRequest, topic_id: int) -> dict[str, Any]:
    return _one(selectors.topic_get_for(request.auth, topic_id))


@router.patch("/topics/{int:topic_id}", response={200: TopicOut, **ERRORS})
def topic_patch(request: AuthedRequest, topic_id: int, payload: TopicPatch) -> dict[str, Any]:
    require_marketing(request.auth)
    topic = selectors.topic_get_for(request.auth, topic_id)
    data = payload.model_dump(exclude_unset=True)
    if "name" in data and data["name"] is None:
        raise InvalidInput(_("Give the topic a name."), field="name")
    topic = services.topic_update(topic=topic, data=data, by=request.auth)
    return _one(topic)


@router.delete(
    "/topics/{int:topic_id}",
    response={204: None, **ERRORS},
    summary="Archive a topic (the people's choices on it are kept)",
)
def topic_remove(request: AuthedRequest, topic_id: int) -> Status[None]:
    require_marketing(request.auth)
    topic = selectors.topic_get_for(request.auth, topic_id)
    services.topic_update(topic=topic, data={"archived": True}, by=request.auth)
    return Status(204, None)


def _contact_topics(contact: Any) -> dict[str, Any]:
    consent = selectors.email_consent(contact)
    items = [
        {
            "topic": c.topic.key,
            "name": c.topic.name,
            "subscribed": c.subscribed,
            "ticked": c.ticked,
            "changed_at": c.changed_at.isoformat() if c.changed_at else None,
            "method": c.method,
        }
        for c in selectors.contact_topics(contact=contact)
    ]
    return {
        "count": len(items),
        "email_consent": consent.status if consent else None,
        "items": items,
    }


@router.get(
    "/contacts/{int:contact_id}/topics",
    response={200: ContactTopicList, **ERRORS},
    summary="A contact's email topics: what they chose and what they receive",
)
def contact_topics(request: AuthedRequest, contact_id: int) -> dict[str, Any]:
    return _contact_topics(contact_get_for(request.auth, contact_id))


@router.put(
    "/contacts/{int:contact_id}/topics",
    response={200: ContactTopicList, **ERRORS},
    summary="Tick or untick a contact's email topics",
    description="A topic the person unticked themselves cannot be ticked again here (409).",
)
def contact_topics_put(
    request: AuthedRequest, contact_id: int, payload: ContactTopicsIn
) -> dict[str, Any]:
    require_marketing(request.auth)
    contact = contact_get_for(request.auth, contact_id)
    if len(payload.topics) > services.MAX_TOPICS:
        raise InvalidInput(_("At most 100 topics at once."), field="topics")
    found = selectors.topics_by_key(payload.topics)
    for key in payload.topics:
        if key not in found:
            raise InvalidInput(
                _("There is no topic '%(key)s'.") % {"key": key[:50]}, field=f"topics.{key[:50]}"
            )
    services.contact_topics_set(
        contact=contact,
        choices={found[k]: v for k, v in payload.topics.items()},
        method=EventSource.API,
        by=request.auth,
    )
    return _contact_topics(contact)


@router.get(
    "/contacts/{int:contact_id}/consents",
    response={200: ConsentList, **ERRORS},
    summary="A contact's consent history, newest first",
)
def contact_consents(
    request: AuthedRequest, contact_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    contact = contact_get_for(request.auth, contact_id)

    def render(event: Any) -> dict[str, Any]:
        row = selectors.history_row(event)
        return {
            "id": row.id,
            "at": row.at.isoformat(),
            "kind": row.kind,
            "channel": row.channel,
            "status": row.status,
            "method": row.method,
            "by": row.by,
            "note": row.note,
            "subscribed": row.subscribed,
            "unsubscribed": row.unsubscribed,
        }

    return page_of(selectors.history_events(contact=contact), params, render)
