"""The one rule for what changes on a contact and which events tell it.

Every writer goes through it: the services (API, UI, event ingest) one contact at a time, the
CSV importer a chunk at a time. Values arrive cleaned (``tendril.contacts.cleaning``), the
owner as a user id already checked; the company is resolved by the caller (one by one or in
bulk) and reported as changed by it. The events of a creation and of a consent are shaped
here too, for the same writers and the demo data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tendril.contacts.models import Contact

UPDATABLE = ("first_name", "last_name", "phone", "source", "stage", "language")

Change = tuple[str, dict[str, Any]]  # event type, properties


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


def change_events(
    *,
    changed: Iterable[str],
    previous_stage: str,
    stage: str,
    owner_email: str | None,
    method: str,
) -> list[Change]:
    """The events that tell an update of an existing contact: what changed, and the stage and
    owner moves marketers and sales follow on their own."""
    names = sorted(set(changed))
    if not names:
        return []
    events: list[Change] = [("contact_updated", {"changed": names, "by": method})]
    if "stage" in names:
        events.append(("stage_changed", {"from": previous_stage, "to": stage, "by": method}))
    if "owner" in names:
        events.append(("owner_assigned", {"owner": owner_email}))
    return events


def created_event(*, source: str) -> Change:
    """The event that tells a contact was created, whoever created it."""
    return ("contact_created", {"source": source})


def consent_event(*, channel: str, status: str, method: str) -> Change:
    """The event that tells a permission was given or refused, and how."""
    return ("consent_changed", {"channel": channel, "status": status, "method": method})
