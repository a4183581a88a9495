"""Writes of consent and preferences: email topics (what a marketer offers), each person's
choice per topic, and the person's own acts on their preference centre: saving their topics,
unsubscribing from all marketing email, subscribing again.

The rule that matters: an unsubscribe is immediate and holds until the person opts in again.
Unsubscribing denies email consent with the method ``unsubscribe`` (through contacts'
``consent_set``, so ``consent_changed`` is recorded) and records ``unsubscribed``; from then on
contacts refuses any grant that is not the person's own (``consent_regrant_refused``). A topic
the person unticked themselves likewise stays unticked until they tick it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tendril.accounts.services import Actor, audit_record
from tendril.contacts.changes import actor_of
from tendril.contacts.models import (
    PREFERENCE_CENTRE,
    UNSUBSCRIBE,
    Channel,
    ConsentStatus,
    Contact,
)
from tendril.contacts.services import ConsentWithdrawn, consent_set
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.naming import saved_or_conflict
from tendril.core.services import event_record
from tendril.preferences.events import TOPICS_CHANGED, UNSUBSCRIBED
from tendril.preferences.models import Topic, TopicSubscription
from tendril.ui.formatting import day

MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_KEY = 50
MAX_TOPICS = 100
# The ways a person themselves sets their topics: a choice made there holds against anyone
# else's (an import, the API, a marketer's click).
BY_PERSON = frozenset({PREFERENCE_CENTRE, UNSUBSCRIBE})
# What the person agrees to when they subscribe again on their preference centre; kept with
# their consent as the text they agreed to (in English, as form consent texts are kept as
# written; the page shows it in their language).
SUBSCRIBE_AGAIN_TEXT = "Subscribe again to marketing email (preference centre)"

TEXTS = {
    "name": MAX_NAME,
    "description": MAX_DESCRIPTION,
    "name_vi": MAX_NAME,
    "description_vi": MAX_DESCRIPTION,
    "name_th": MAX_NAME,
    "description_th": MAX_DESCRIPTION,
}


# --- topics ------------------------------------------------------------------------------------


def _text_clean(raw: object, name: str, limit: int) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or len(raw.strip()) > limit or "\x00" in raw:
        raise InvalidInput(_("This text is at most %(n)s characters.") % {"n": limit}, field=name)
    return raw.strip()


def _topic_values(data: Mapping[str, Any], *, topic: Topic | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, limit in TEXTS.items():
        if name in data:
            values[name] = _text_clean(data[name], name, limit)
    if "name" in values and not values["name"]:
        raise InvalidInput(_("Give the topic a name."), field="name")
    if "key" in data and data["key"] not in (None, ""):
        key = data["key"]
        if not isinstance(key, str) or len(key) > MAX_KEY or slugify(key) != key:
            raise InvalidInput(
                _("A key is at most 50 lowercase letters, digits, - and _."), field="key"
            )
        values["key"] = key
    elif topic is None:
        values["key"] = slugify(values.get("name", ""))[:MAX_KEY].strip("-") or "topic"
    if "position" in data and data["position"] is not None:
        position = data["position"]
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise InvalidInput(_("The position is a whole number, 0 or more."), field="position")
        values["position"] = position
    if "archived" in data and data["archived"] is not None:
        if not isinstance(data["archived"], bool):
            raise InvalidInput(_("archived is true or false."), field="archived")
        values["archived"] = data["archived"]
    return values


def _key_taken(key: str) -> Conflict:
    return Conflict(
        _("There is already a topic with the key '%(key)s'.") % {"key": key}, field="key"
    )


def _save(topic: Topic) -> None:
    taken = _key_taken(topic.key)
    with saved_or_conflict(taken.message, field=taken.field):
        topic.save()


@transaction.atomic
def topic_create(*, data: Mapping[str, Any], by: Actor) -> Topic:
    """A new topic, offered on every preference centre at once; ``name`` is required, the key
    is made from it when not given, and it goes last unless a position is given."""
    values = _topic_values({"name": None, **data}, topic=None)
    if Topic.objects.filter(key=values["key"]).exists():
        raise _key_taken(values["key"])
    if "position" not in values:
        last = Topic.objects.order_by("-position").values_list("position", flat=True).first()
        values["position"] = last + 1 if last is not None else 0
    now = clock.now()
    topic = Topic(**values, created_at=now, updated_at=now)
    _save(topic)
    audit_record(
        actor=by,
        action="topic.create",
        target_type="topic",
        target_id=topic.pk,
        detail={"key": topic.key, "name": topic.name},
    )
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, data: Mapping[str, Any], by: Actor) -> Topic:
    """Change what was given; ``archived: true`` stops offering and sending the topic (the
    people's choices on it are kept, and come back with it)."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    values = _topic_values(data, topic=topic)
    if "key" in values and Topic.objects.filter(key=values["key"]).exclude(pk=topic.pk).exists():
        raise _key_taken(values["key"])
    for name, value in values.items():
        setattr(topic, name, value)
    topic.updated_at = clock.now()
    _save(topic)
    audit_record(
        actor=by,
        action="topic.update",
        target_type="topic",
        target_id=topic.pk,
        detail={"changed": sorted(values)},
    )
    return topic


# --- a person's topics -------------------------------------------------------------------------


def _locked(contact: Contact) -> None:
    """Lock the contact's row: every writer of a person's consent and topics takes it first
    (as ``consent_set`` does), so two saves of one person's preferences run one after the
    other and each sees what the other wrote."""
    list(Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk"))


def contact_topics_set(
    *, contact: Contact, choices: Mapping[Topic, bool], method: str, by: Actor
) -> list[Topic]:
    """Set the person's choice for each topic given; returns the topics whose choice changed
    (one ``topics_changed`` event tells them). A topic the person unticked themselves (on
    their preference centre) cannot be ticked again by anyone else: Conflict."""
    with transaction.atomic():
        _locked(contact)
        rows = {
            r.topic_id: r
            for r in TopicSubscription.objects.filter(contact=contact, topic__in=list(choices))
        }
        changed: list[Topic] = []
        for topic, subscribed in choices.items():
            row = rows.get(topic.pk)
            now_subscribed = row.subscribed if row is not None else True
            if now_subscribed == subscribed:
                continue
            if (
                row is not None
                and subscribed
                and row.method in BY_PERSON
                and (method not in BY_PERSON)
            ):
                raise ConsentWithdrawn(
                    _(
                        "This person unsubscribed from %(topic)s on %(date)s; only they can "
                        "subscribe again (from their preference centre)."
                    )
                    % {"topic": topic.name, "date": day(row.changed_at)},
                    field=f"topics.{topic.key}",
                )
            changed.append(topic)
        if not changed:
            return []
        now = clock.now()
        # The contact is locked, so no other writer inserts these rows meanwhile; the upsert
        # keeps the write one statement either way.
        TopicSubscription.objects.bulk_create(
            [
                TopicSubscription(
                    contact=contact,
                    topic=topic,
                    subscribed=choices[topic],
                    changed_at=now,
                    method=method,
                )
                for topic in changed
            ],
            update_conflicts=True,
            unique_fields=["contact", "topic"],
            update_fields=["subscribed", "changed_at", "method"],
        )
        actor = actor_of(by, method=method)
        event_record(
            contact_id=contact.pk,
            type=TOPICS_CHANGED,
            properties={
                "subscribed": [t.name for t in changed if choices[t]],
                "unsubscribed": [t.name for t in changed if not choices[t]],
                "keys": {t.key: choices[t] for t in changed},
                "method": method,
                **({"actor": actor} if actor is not None else {}),
            },
        )
    return changed


# --- the person's own acts ---------------------------------------------------------------------


def unsubscribe_all(*, contact: Contact, via: str) -> bool:
    """The person unsubscribes from all marketing email, at once: email consent denied with
    the method ``unsubscribe`` and ``unsubscribed {via}`` recorded; returns False when they
    already had (a second click, a link scanner's repeat, two clicks racing change nothing)."""
    with transaction.atomic():
        changed = consent_set(
            contact=contact,
            channel=Channel.EMAIL,
            status=ConsentStatus.DENIED,
            method=UNSUBSCRIBE,
            by=None,
        )
        if changed is None:
            return False
        event_record(contact_id=contact.pk, type=UNSUBSCRIBED, properties={"via": via})
    return True


def subscribe_again(*, contact: Contact) -> bool:
    """The person opts in again from their preference centre: email consent granted by them
    (the only way back after an unsubscribe, with a form); False when they already had it."""
    changed = consent_set(
        contact=contact,
        channel=Channel.EMAIL,
        status=ConsentStatus.GRANTED,
        method=PREFERENCE_CENTRE,
        by=None,
        note=SUBSCRIBE_AGAIN_TEXT,
    )
    return changed is not None


def preferences_save(*, contact: Contact, subscribed: set[int]) -> list[Topic]:
    """The person saved their preference centre: every active topic ticked (``subscribed``,
    topic ids) or not; returns the topics whose choice changed."""
    topics = list(Topic.objects.filter(archived=False))
    return contact_topics_set(
        contact=contact,
        choices={t: t.pk in subscribed for t in topics},
        method=PREFERENCE_CENTRE,
        by=None,
    )


# --- merges ------------------------------------------------------------------------------------


def subscriptions_merge(keep_id: int, gone_id: int) -> None:
    """Two contacts became one: per topic the latest choice stands, except that a choice the
    person made themselves holds against a later one someone else made (as when it is set)."""
    mine = {r.topic_id: r for r in TopicSubscription.objects.filter(contact_id=keep_id)}
    for theirs in TopicSubscription.objects.filter(contact_id=gone_id):
        current = mine.get(theirs.topic_id)
        if current is not None and not _wins(theirs, over=current):
            continue
        TopicSubscription.objects.update_or_create(
            contact_id=keep_id,
            topic_id=theirs.topic_id,
            defaults={
                "subscribed": theirs.subscribed,
                "changed_at": theirs.changed_at,
                "method": theirs.method,
            },
        )
    TopicSubscription.objects.filter(contact_id=gone_id).delete()


def _wins(challenger: TopicSubscription, *, over: TopicSubscription) -> bool:
    by_person = (challenger.method in BY_PERSON, over.method in BY_PERSON)
    if by_person == (False, True) and not over.subscribed:
        return False
    if by_person == (True, False) and not challenger.subscribed:
        return True
    return challenger.changed_at > over.changed_at
