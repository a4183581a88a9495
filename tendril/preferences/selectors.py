"""Reads of consent and preferences: the topics (with their subscriber counts), what a person
is subscribed to, whether a person may be sent marketing email on a topic (what the email
engine asks), and a person's consent history.

What "subscribed to a topic" means: a person is subscribed to an active topic when they have
granted email consent and have not unticked that topic (no choice recorded = subscribed):
topics are opt-out within a granted consent. Without email consent (never asked, denied,
unsubscribed) a person is subscribed to nothing, whatever their topic choices say; the choices
are kept and count again when they opt in again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.accounts.auth import Caller
from tendril.contacts.models import Channel, Consent, ConsentStatus, Contact, Suppression
from tendril.contacts.services import email_hash
from tendril.core.errors import first_or_not_found
from tendril.core.models import Event
from tendril.preferences.events import TOPICS_CHANGED, UNSUBSCRIBED
from tendril.preferences.models import Topic, TopicSubscription

CONSENT_CHANGED = "consent_changed"
# How a change was made, as the history names it (other methods are shown as recorded).
METHOD_LABELS = {
    "form": gettext_lazy("Form"),
    "double opt-in": gettext_lazy("Double opt-in"),
    "preference centre": gettext_lazy("Preference centre"),
    "unsubscribe": gettext_lazy("Unsubscribe"),
    "one-click": gettext_lazy("One click in an email"),
    "api": gettext_lazy("API"),
    "ui": gettext_lazy("On screen"),
    "import": gettext_lazy("Import"),
    "system": gettext_lazy("Tendril"),
    "tracking": gettext_lazy("Website"),
}
HISTORY_TYPES = (CONSENT_CHANGED, UNSUBSCRIBED, TOPICS_CHANGED)


def topic_list(*, archived: bool | None = None) -> QuerySet[Topic]:
    """Topics in their order (the active ones, or the archived ones, or all)."""
    topics = Topic.objects.all()
    return topics if archived is None else topics.filter(archived=archived)


def subscriber_counts(topics: Iterable[Topic]) -> dict[int, int]:
    """People subscribed now, per topic id: everyone with granted email consent, less those
    with consent who unticked the topic (one count, and one grouped count of untickings)."""
    granted = Consent.objects.filter(channel=Channel.EMAIL, status=ConsentStatus.GRANTED)
    consenting = granted.count()
    unticked = dict(
        TopicSubscription.objects.filter(
            subscribed=False,
            topic__in=[t.pk for t in topics],
            contact_id__in=granted.values("contact_id"),
        )
        .values_list("topic_id")
        .annotate(n=Count("id"))
        .values_list("topic_id", "n")
    )
    return {t.pk: consenting - unticked.get(t.pk, 0) for t in topics}


def topic_get_for(viewer: Caller, topic_id: int) -> Topic:
    """A topic; 404 otherwise (every role reads topics)."""
    return first_or_not_found(
        Topic.objects.filter(pk=topic_id), _("There is no topic %(id)s.") % {"id": topic_id}
    )


def topics_by_key(keys: Iterable[str]) -> dict[str, Topic]:
    return {t.key: t for t in Topic.objects.filter(key__in=list(keys))}


def email_consent(contact: Contact) -> Consent | None:
    return Consent.objects.filter(contact=contact, channel=Channel.EMAIL).first()


@dataclass(frozen=True)
class TopicChoice:
    topic: Topic
    # The person's choice (ticked unless they unticked it), whatever their consent.
    ticked: bool
    # Subscribed now: ticked and email consent granted.
    subscribed: bool
    changed_at: datetime | None
    method: str


def contact_topics(*, contact: Contact, include_archived: bool = False) -> list[TopicChoice]:
    """Each topic with the person's choice and whether they are subscribed now."""
    consent = email_consent(contact)
    granted = consent is not None and consent.status == ConsentStatus.GRANTED
    rows = {r.topic_id: r for r in TopicSubscription.objects.filter(contact=contact)}
    topics = Topic.objects.all() if include_archived else Topic.objects.filter(archived=False)
    choices = []
    for topic in topics:
        row = rows.get(topic.pk)
        ticked = row.subscribed if row is not None else True
        choices.append(
            TopicChoice(
                topic=topic,
                ticked=ticked,
                subscribed=granted and ticked and not topic.archived,
                changed_at=row.changed_at if row else None,
                method=row.method if row else "",
            )
        )
    return choices


def email_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email_hash=email_hash(email)).exists()


def email_allowed(*, contact: Contact, topic: str | None = None) -> bool:
    """Whether ``contact`` may be sent marketing email now (on the topic with key ``topic``,
    when given): email consent granted (an unsubscribe denies it), the address not on the
    suppression list, and the topic active and not unticked by them. An unknown topic key
    allows no one."""
    consent = email_consent(contact)
    if consent is None or consent.status != ConsentStatus.GRANTED:
        return False
    if email_suppressed(contact.email):
        return False
    if topic is None:
        return True
    found = Topic.objects.filter(key=topic, archived=False).first()
    if found is None:
        return False
    return not TopicSubscription.objects.filter(
        contact=contact, topic=found, subscribed=False
    ).exists()


def mailable_contacts(*, topic: str | None = None) -> QuerySet[Contact]:
    """Every contact with granted email consent (and, with ``topic``, the topic active and
    not unticked by them), as one query for the email engine to narrow by segment. The
    suppression list holds hashes: check a batch's addresses with ``emails_suppressed``."""
    contacts = Contact.objects.filter(
        consents__channel=Channel.EMAIL, consents__status=ConsentStatus.GRANTED
    )
    if topic is None:
        return contacts
    found = Topic.objects.filter(key=topic, archived=False).first()
    if found is None:
        return Contact.objects.none()
    unticked = TopicSubscription.objects.filter(
        contact=OuterRef("pk"), topic=found, subscribed=False
    )
    return contacts.exclude(Exists(unticked))


def emails_suppressed(emails: Iterable[str]) -> set[str]:
    """Those of ``emails`` on the suppression list (erased people, later bounces)."""
    hashes = {email_hash(e): e for e in emails}
    found = Suppression.objects.filter(email_hash__in=list(hashes)).values_list(
        "email_hash", flat=True
    )
    return {hashes[h] for h in found}


# --- consent history ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    """One change of a person's consent or topics, as the contact page and the API tell it."""

    id: int
    at: datetime
    kind: str  # "consent", "unsubscribe" or "topics"
    channel: str | None = None
    status: str | None = None
    method: str = ""
    by: str | None = None  # who recorded it; None: the person themselves
    note: str = ""  # for a form's consent: the form and the exact text they agreed to
    subscribed: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(self.method, self.method))

    @property
    def channel_label(self) -> str:
        if self.kind == "topics":
            return str(_("Email topics"))
        try:
            return str(Channel(self.channel or "email").label)
        except ValueError:
            return str(self.channel)


def history_events(*, contact: Contact) -> QuerySet[Event]:
    """The events that changed the person's consent or topics, newest first."""
    return Event.objects.filter(contact_id=contact.pk, type__in=HISTORY_TYPES).order_by(
        "-occurred_at", "-id"
    )


def _text_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def history_row(event: Event) -> HistoryRow:
    p = event.properties if isinstance(event.properties, dict) else {}
    actor = p.get("actor")
    by = str(actor.get("name")) if isinstance(actor, dict) and actor.get("name") else None
    row = HistoryRow(id=event.pk, at=event.occurred_at, kind="consent", by=by)
    if event.type == UNSUBSCRIBED:
        row.kind, row.channel, row.status = "unsubscribe", Channel.EMAIL, ConsentStatus.DENIED
        row.method = str(p.get("via") or "")
    elif event.type == TOPICS_CHANGED:
        row.kind, row.method = "topics", str(p.get("method") or "")
        row.subscribed = _text_list(p.get("subscribed"))
        row.unsubscribed = _text_list(p.get("unsubscribed"))
    else:
        row.channel, row.status = str(p.get("channel") or ""), str(p.get("status") or "")
        row.method, row.note = str(p.get("method") or ""), str(p.get("note") or "")
    return row
