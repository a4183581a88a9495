"""Event types: which are built in, which properties they need, which only Tendril records."""

from __future__ import annotations

import re

# Built-in types an integrator or the tracker may send, with the properties each must carry.
PUBLIC_TYPES: dict[str, tuple[str, ...]] = {
    "page_view": ("url",),
    "form_submit": ("form",),
    "asset_downloaded": ("asset",),
    "email_opened": ("email",),
    "email_clicked": ("email", "url"),
    "purchase": ("amount",),
    "identify": (),
}

# Facts Tendril itself records; accepting them from outside would let a client forge history.
SYSTEM_TYPES = frozenset(
    {
        "contact_created",
        "contact_updated",
        "consent_changed",
        "email_sent",
        "email_bounced",
        "unsubscribed",
        "score_changed",
        "stage_changed",
        "segment_entered",
        "segment_exited",
        "owner_assigned",
        "note_added",
    }
)

CUSTOM_PREFIX = "custom:"
_TYPE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def normalise_type(raw: str) -> str:
    """The stored type for a type name sent from outside; raises ``ValueError`` if unusable.

    Unknown names become ``custom:<name>`` so they can never collide with a built-in type that a
    later version adds.
    """
    name = raw.strip()
    if name in PUBLIC_TYPES:
        return name
    if name in SYSTEM_TYPES:
        raise ValueError(f"'{name}' is recorded by Tendril itself and cannot be sent")
    bare = name.removeprefix(CUSTOM_PREFIX)
    if not _TYPE_NAME.match(bare):
        raise ValueError(
            "type must be 1-64 letters, digits, '_', '.' or '-' (optionally after 'custom:')"
        )
    return CUSTOM_PREFIX + bare


def missing_properties(event_type: str, properties: dict[str, object]) -> list[str]:
    return [key for key in PUBLIC_TYPES.get(event_type, ()) if properties.get(key) in (None, "")]
