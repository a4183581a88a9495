"""The event types contacts records or accepts, with the sentence each tells on the timeline.

The public built-in types (API.md "Events") are declared here until the app that owns each one
arrives (tracking, web, messaging) and takes it over; so are the system types the demo data
already writes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.contacts.models import Channel, ConsentStatus, Stage
from tendril.core.events import event_type


def _label(choices: type[Any], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# --- what people do (public: integrators and the tracker may send them) ----------------------

event_type(
    "page_view",
    required=["url"],
    activity=True,
    sentence=lambda p: _("Viewed %(url)s") % {"url": p.get("url", "")},
)
event_type(
    "form_submit",
    required=["form"],
    activity=True,
    sentence=lambda p: _("Submitted form %(form)s") % {"form": p.get("form", "")},
)
event_type(
    "asset_downloaded",
    required=["asset"],
    activity=True,
    sentence=lambda p: _("Downloaded %(asset)s") % {"asset": p.get("asset", "")},
)
event_type(
    "email_opened",
    required=["email"],
    activity=True,
    sentence=lambda p: _("Opened email %(email)s") % {"email": p.get("email", "")},
)
event_type(
    "email_clicked",
    required=["email", "url"],
    activity=True,
    sentence=lambda p: (
        _("Clicked %(url)s in email %(email)s")
        % {"url": p.get("url", ""), "email": p.get("email", "")}
    ),
)
event_type(
    "purchase",
    required=["amount"],
    activity=True,
    sentence=lambda p: (
        _("Bought for %(amount)s %(currency)s")
        % {"amount": p.get("amount", ""), "currency": p.get("currency", "")}
    ).strip(),
)
event_type("identify", sentence=lambda p: _("Was identified on the website"))

# --- what Tendril records about them (system: never accepted from outside) -------------------

event_type(
    "contact_created",
    system=True,
    sentence=lambda p: (
        _("Became a contact (source: %(source)s)") % {"source": p.get("source") or "-"}
    ),
)
event_type(
    "contact_updated",
    system=True,
    sentence=lambda p: (
        _("Details changed: %(fields)s") % {"fields": ", ".join(p.get("changed") or [])}
    ),
)
event_type(
    "consent_changed",
    system=True,
    sentence=lambda p: (
        _("%(channel)s consent %(status)s (%(method)s)")
        % {
            "channel": _label(Channel, p.get("channel")),
            "status": _label(ConsentStatus, p.get("status")).lower(),
            "method": p.get("method", ""),
        }
    ),
)
event_type(
    "stage_changed",
    system=True,
    sentence=lambda p: (
        _("Stage changed from %(from)s to %(to)s")
        % {"from": _label(Stage, p.get("from")), "to": _label(Stage, p.get("to"))}
    ),
)
event_type(
    "owner_assigned",
    system=True,
    sentence=lambda p: (
        _("Assigned to %(owner)s") % {"owner": p.get("owner")}
        if p.get("owner")
        else _("Owner removed")
    ),
)
# Recorded by capabilities still to come (messaging, scoring, segments, sales); declared here so
# that no client can forge them meanwhile, and so the demo's history reads well.
event_type(
    "email_sent",
    system=True,
    sentence=lambda p: _("Was sent email %(email)s") % {"email": p.get("email", "")},
)
event_type("email_bounced", system=True, sentence=lambda p: _("An email bounced"))
event_type("unsubscribed", system=True, sentence=lambda p: _("Unsubscribed"))
event_type(
    "score_changed",
    system=True,
    sentence=lambda p: _("Score changed by %(points)s") % {"points": p.get("points", "")},
)
event_type("segment_entered", system=True, sentence=lambda p: _("Entered a segment"))
event_type("segment_exited", system=True, sentence=lambda p: _("Left a segment"))
event_type("note_added", system=True, sentence=lambda p: _("A note was added"))
