"""The one rule for what changes on a contact and which events tell it.

Every writer goes through it: the services (API, UI, event ingest) one contact at a time, the
CSV importer a chunk at a time. Values arrive cleaned (``tendril.contacts.cleaning``), the
owner as a user id already checked; the company is resolved by the caller (one by one or in
bulk) and reported as changed by it. The events of a creation and of a consent are shaped
here too, for the same writers and the demo data; each names its actor (who did it, as it was
at the time: a user, an API key, an import or Tendril itself), see ``actor_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tendril.accounts.models import ApiKey, User
from tendril.contacts.models import Contact
from tendril.core.events import (
    ACTOR_API_KEY,
    ACTOR_IMPORT,
    ACTOR_SYSTEM,
    ACTOR_USER,
    actor_ref,
)
from tendril.core.models import EventSource

UPDATABLE = ("first_name", "last_name", "phone", "source", "stage", "language")

Change = tuple[str, dict[str, Any]]  # event type, properties
ActorRef = dict[str, Any]  # an event's "actor" property (tendril.core.events.actor_ref)


def user_name(user: User) -> str:
    """How a user is named in sentences: their first name, else their email."""
    return user.first_name.strip() or user.email


def actor_of(by: User | ApiKey | None, *, method: str) -> ActorRef | None:
    """Who did it, as events record it: the signed-in user or the API key behind the request;
    Tendril itself for its own work (``method`` "system": scheduled jobs, rules); ``None``
    when no one did it on the person's behalf (they came through the website or a form)."""
    if isinstance(by, User):
        return actor_ref(ACTOR_USER, by.pk, user_name(by))
    if isinstance(by, ApiKey):
        return actor_ref(ACTOR_API_KEY, by.pk, by.name)
    if method == EventSource.SYSTEM:
        return actor_ref(ACTOR_SYSTEM, None, "Tendril")
    return None


def import_actor(*, job_id: int | None, file_name: str) -> ActorRef:
    """An import as the actor of the changes it wrote ("Import of leads.csv created ...")."""
    return actor_ref(ACTOR_IMPORT, job_id, file_name)


def changes_apply(contact: Contact, values: Mapping[str, Any]) -> list[str]:
    """Copy ``values`` onto ``contact`` (unsaved); returns the names that changed. A custom
    field given as ``None`` is cleared; custom fields not given are kept."""
    changed = [
        name for name in UPDATABLE if name in values and getattr(contact, name) != values[name]
    ]
    for name in changed:
        setattr(contact, name, values[name])
    if "owner" in values and contact.owner_id != values["owner"]:
        contact.owner_id = values["owner"]
        changed.append("owner")
    if "fields" in values:
        merged = dict(contact.fields)
        for key, value in values["fields"].items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        if merged != contact.fields:
            contact.fields = merged
            changed.append("fields")
    return changed


def _who(actor: ActorRef | None) -> dict[str, Any]:
    """The ``actor`` property, left out when no one acted on the person's behalf."""
    return {"actor": actor} if actor is not None else {}


def custom_fields_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The keys of the custom fields whose value was set, changed or cleared."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def change_events(
    *,
    changed: Iterable[str],
    previous_stage: str,
    stage: str,
    owner_email: str | None,
    method: str,
    actor: ActorRef | None,
    owner_name: str | None = None,
    previous_fields: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> list[Change]:
    """The events that tell an update of an existing contact: what changed (the custom
    fields by key, from their values before and after), and the stage and owner moves
    marketers and sales follow on their own; each names the actor."""
    names = sorted(set(changed))
    if not names:
        return []
    who = _who(actor)
    updated: dict[str, Any] = {"changed": names, "by": method, **who}
    if "fields" in names and previous_fields is not None and fields is not None:
        updated["custom_fields"] = custom_fields_changed(previous_fields, fields)
    events: list[Change] = [("contact_updated", updated)]
    if "stage" in names:
        events.append(("stage_changed", {"from": previous_stage, "to": stage, "by": method, **who}))
    if "owner" in names:
        owner = {"owner": owner_email, "owner_name": owner_name or owner_email, **who}
        events.append(("owner_assigned", owner))
    return events


def created_event(*, source: str, actor: ActorRef | None) -> Change:
    """The event that tells a contact was created, and by whom; ``None`` when no one created
    it on purpose (the person arrived through a form or the website)."""
    return ("contact_created", {"source": source, **_who(actor)})


# The longest note a consent event keeps: a form's consent text is at most 2,000 characters,
# and the form's name is put before it.
CONSENT_NOTE_MAX = 2400


def consent_event(
    *, channel: str, status: str, method: str, actor: ActorRef | None, note: str = ""
) -> Change:
    """The event that tells a permission was given or refused, how, and who recorded it
    (``None``: the person themselves, through a form). ``note`` is kept whole: for a form's
    consent it holds the exact text the person agreed to, which the consent row (the current
    decision only, its note cut to 200 characters) cannot tell later."""
    properties: dict[str, Any] = {"channel": channel, "status": status, "method": method}
    if note:
        properties["note"] = note[:CONSENT_NOTE_MAX]
    return ("consent_changed", {**properties, **_who(actor)})
