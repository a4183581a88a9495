"""The event types contacts records or accepts, with the sentence each tells on the timeline.

The public built-in types (API.md "Events") are declared here until the app that owns each one
arrives (tracking, web, messaging) and takes it over; so are the system types the demo data
already writes. Sentences name who did it when the event says so ("Linh set the stage to
MQL"), and read without a subject for older events ("The stage was set to MQL").
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from django.utils.translation import get_language, gettext_lazy, ngettext, to_locale
from django.utils.translation import gettext as _

from tendril.contacts.models import Channel, ConsentStatus, CustomField
from tendril.contacts.stages import stage_label
from tendril.core.events import CHANGES, EMAIL, FORMS, PURCHASES, WEB, by_actor, event_type
from tendril.ui.formatting import money


def _label(choices: type[Any], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# The names of a contact's own fields as a marketer reads them in a sentence ("changed the
# first name and phone"); custom fields are named by their labels.
FIELD_LABELS = {
    "email": gettext_lazy("email address"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "phone": gettext_lazy("phone"),
    "source": gettext_lazy("source"),
    "stage": gettext_lazy("stage"),
    "owner": gettext_lazy("owner"),
    "company": gettext_lazy("company"),
    "language": gettext_lazy("language"),
    "fields": gettext_lazy("custom fields"),
}


def _listed(items: list[str]) -> str:
    """ "first name, phone and stage" as the viewer's language joins a list."""
    return format_list(items, locale=to_locale(get_language() or "en"))


# Changes the timeline tells in their own events ("Linh set the stage to MQL"), so a
# ``contact_updated`` sentence need not repeat them.
TOLD_ON_THEIR_OWN = frozenset({"stage", "owner"})


def _changed_labels(properties: dict[str, Any]) -> list[str]:
    """The labels of what changed, but the stage and owner: built-in fields, then the custom
    fields by their current label (a field deleted since is named by its key)."""
    names = [str(n) for n in properties.get("changed") or [] if n not in TOLD_ON_THEIR_OWN]
    custom = [str(k) for k in properties.get("custom_fields") or []]
    labels = [str(FIELD_LABELS.get(n, n)) for n in names if not (n == "fields" and custom)]
    if custom:
        known = dict(CustomField.objects.filter(key__in=custom).values_list("key", "label"))
        labels += [known.get(key, key) for key in custom]
    return labels


def _updated(p: dict[str, Any]) -> str:
    """What changed; nothing to tell (the timeline leaves the event out) when only the stage
    or owner did, which their own events tell."""
    labels = _changed_labels(p)
    if not labels:
        return ""
    return by_actor(
        p,
        _("%(actor)s changed the %(fields)s"),
        ngettext("The %(fields)s was changed", "The %(fields)s were changed", len(labels)),
        fields=_listed(labels),
    )


def _consent(p: dict[str, Any]) -> str:
    # "Email consent was granted" opens a sentence; "Linh granted email consent" does not.
    label = _label(Channel, p.get("channel"))
    names = {"channel": label.lower(), "Channel": label}
    if p.get("status") == ConsentStatus.GRANTED:
        return by_actor(
            p,
            _("%(actor)s granted %(channel)s consent"),
            _("%(Channel)s consent was granted"),
            **names,
        )
    return by_actor(
        p,
        _("%(actor)s denied %(channel)s consent"),
        _("%(Channel)s consent was denied"),
        **names,
    )


def _owner(p: dict[str, Any]) -> str:
    owner = p.get("owner_name") or p.get("owner")
    if not owner:
        return by_actor(p, _("%(actor)s removed the owner"), _("The owner was removed"))
    return by_actor(
        p,
        _("%(actor)s assigned the contact to %(owner)s"),
        _("The contact was assigned to %(owner)s"),
        owner=owner,
    )


def _created(p: dict[str, Any]) -> str:
    return by_actor(
        p,
        _("%(actor)s created the contact"),
        _("Became a contact (source: %(source)s)"),
        source=p.get("source") or "-",
    )


def _viewed(p: dict[str, Any]) -> str:
    """The page's title when the tracker sent one; its address otherwise."""
    title = str(p.get("title") or "").strip()
    if title:
        return _("Viewed %(title)s") % {"title": title}
    return _("Viewed %(url)s") % {"url": p.get("url", "")}


def _url(p: dict[str, Any]) -> object:
    return p.get("url")


# --- what people do (public: integrators and the tracker may send them) ----------------------

event_type("page_view", required=["url"], activity=True, kind=WEB, sentence=_viewed, link=_url)
event_type(
    "form_submit",
    required=["form"],
    activity=True,
    kind=FORMS,
    sentence=lambda p: _("Submitted form %(form)s") % {"form": p.get("form", "")},
)
event_type(
    "asset_downloaded",
    required=["asset"],
    activity=True,
    kind=FORMS,
    sentence=lambda p: _("Downloaded %(asset)s") % {"asset": p.get("asset", "")},
)
event_type(
    "email_opened",
    required=["email"],
    activity=True,
    kind=EMAIL,
    sentence=lambda p: _("Opened email %(email)s") % {"email": p.get("email", "")},
)
event_type(
    "email_clicked",
    required=["email", "url"],
    activity=True,
    kind=EMAIL,
    sentence=lambda p: (
        _("Clicked %(url)s in email %(email)s")
        % {"url": p.get("url", ""), "email": p.get("email", "")}
    ),
    link=_url,
)
event_type(
    "purchase",
    required=["amount"],
    activity=True,
    kind=PURCHASES,
    sentence=lambda p: (
        _("Bought for %(amount)s") % {"amount": money(p.get("amount"), p.get("currency") or "")}
    ),
)
event_type("identify", kind=WEB, sentence=lambda p: _("Was identified on the website"))

# --- what Tendril records about them (system: never accepted from outside) -------------------

event_type("contact_created", system=True, kind=CHANGES, sentence=_created)
event_type("contact_updated", system=True, kind=CHANGES, sentence=_updated)
event_type("consent_changed", system=True, kind=CHANGES, sentence=_consent)
event_type(
    "stage_changed",
    system=True,
    kind=CHANGES,
    sentence=lambda p: by_actor(
        p,
        _("%(actor)s set the stage to %(stage)s"),
        _("The stage was set to %(stage)s"),
        stage=stage_label(p.get("to")),
    ),
)
event_type("owner_assigned", system=True, kind=CHANGES, sentence=_owner)


def _merged(p: dict[str, Any]) -> str:
    gone = p.get("gone")
    name = (gone.get("name") or gone.get("email")) if isinstance(gone, dict) else None
    return by_actor(
        p,
        _("%(actor)s merged the duplicate %(name)s into this contact"),
        _("The duplicate %(name)s was merged into this contact"),
        name=name or "-",
    )


event_type("contacts_merged", system=True, kind=CHANGES, sentence=_merged)
# Recorded by capabilities still to come (messaging, scoring, segments, sales); declared here so
# that no client can forge them meanwhile, and so the demo's history reads well.
event_type(
    "email_sent",
    system=True,
    kind=EMAIL,
    sentence=lambda p: _("Was sent email %(email)s") % {"email": p.get("email", "")},
)
event_type("email_bounced", system=True, kind=EMAIL, sentence=lambda p: _("An email bounced"))
event_type("unsubscribed", system=True, kind=EMAIL, sentence=lambda p: _("Unsubscribed"))
event_type(
    "score_changed",
    system=True,
    kind=CHANGES,
    sentence=lambda p: _("Score changed by %(points)s") % {"points": p.get("points", "")},
)
event_type("segment_entered", system=True, kind=CHANGES, sentence=lambda p: _("Entered a segment"))
event_type("segment_exited", system=True, kind=CHANGES, sentence=lambda p: _("Left a segment"))
event_type("note_added", system=True, kind=CHANGES, sentence=lambda p: _("A note was added"))
