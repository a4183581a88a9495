"""Events of the activity timeline, told in plain words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.contacts.models import Channel, ConsentStatus, Stage
from tendril.core.events import CUSTOM_PREFIX
from tendril.core.models import Event


def _label(choices: type[Any], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _describe_known(event_type: str, props: dict[str, Any]) -> str | None:
    """The sentence for a built-in type, or None when the type has no sentence of its own."""
    get = props.get
    sentences = {
        "page_view": lambda: _("Viewed %(url)s") % {"url": get("url", "")},
        "form_submit": lambda: _("Submitted form %(form)s") % {"form": get("form", "")},
        "asset_downloaded": lambda: _("Downloaded %(asset)s") % {"asset": get("asset", "")},
        "email_sent": lambda: _("Was sent email %(email)s") % {"email": get("email", "")},
        "email_opened": lambda: _("Opened email %(email)s") % {"email": get("email", "")},
        "email_clicked": lambda: (
            _("Clicked %(url)s in email %(email)s")
            % {"url": get("url", ""), "email": get("email", "")}
        ),
        "email_bounced": lambda: _("An email bounced"),
        "unsubscribed": lambda: _("Unsubscribed"),
        "purchase": lambda: (
            _("Bought for %(amount)s %(currency)s")
            % {"amount": get("amount", ""), "currency": get("currency", "")}
        ).strip(),
        "identify": lambda: _("Was identified on the website"),
        "contact_created": lambda: (
            _("Became a contact (source: %(source)s)") % {"source": get("source") or "-"}
        ),
        "contact_updated": lambda: (
            _("Details changed: %(fields)s") % {"fields": ", ".join(get("changed") or [])}
        ),
        "consent_changed": lambda: (
            _("%(channel)s consent %(status)s (%(method)s)")
            % {
                "channel": _label(Channel, get("channel")),
                "status": _label(ConsentStatus, get("status")).lower(),
                "method": get("method", ""),
            }
        ),
        "stage_changed": lambda: (
            _("Stage changed from %(from)s to %(to)s")
            % {"from": _label(Stage, get("from")), "to": _label(Stage, get("to"))}
        ),
        "owner_assigned": lambda: (
            _("Assigned to %(owner)s") % {"owner": get("owner")}
            if get("owner")
            else _("Owner removed")
        ),
        "score_changed": lambda: _("Score changed by %(points)s") % {"points": get("points", "")},
        "segment_entered": lambda: _("Entered a segment"),
        "segment_exited": lambda: _("Left a segment"),
        "note_added": lambda: _("A note was added"),
    }
    sentence = sentences.get(event_type)
    return sentence() if sentence else None


def describe(event: Event) -> str:
    """One line a marketer understands, e.g. "Viewed https://acme.com/pricing"."""
    props = event.properties if isinstance(event.properties, dict) else {}
    known = _describe_known(event.type, props)
    if known is not None:
        return known
    return event.type.removeprefix(CUSTOM_PREFIX).replace("_", " ")


def shown_properties(event: Event) -> list[tuple[str, str]]:
    """Properties worth listing under the sentence: all of them for custom events."""
    if not event.type.startswith(CUSTOM_PREFIX) or not isinstance(event.properties, dict):
        return []
    return [(str(k), str(v)) for k, v in sorted(event.properties.items())]
