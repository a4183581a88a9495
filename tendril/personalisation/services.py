"""Writes of personalisation: slots with their variants, pop-ups, and what visitors were shown.

A slot or pop-up is checked whole before anything is stored (a message names the bad part,
``variants[2].stage``); every change makes the processes' copies of the site's decisions stale
(``decisions.config_forget``). A pop-up's display is counted race-free: one row per (pop-up,
visitor) under a unique constraint, later displays added by one UPDATE.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.models import Grade
from tendril.contacts.stages import stage_clean
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.models import Event
from tendril.core.naming import name_free, saved_or_conflict
from tendril.core.selectors import visitor_contacts
from tendril.personalisation.decisions import config_forget
from tendril.personalisation.models import (
    Known,
    Popup,
    PopupDisplay,
    Slot,
    SlotVariant,
    Trigger,
    VisitNumber,
)
from tendril.segments.models import Segment
from tendril.tracking.models import Site
from tendril.web.models import Form

MAX_NAME = 200
MAX_KEY = 60
MAX_CONTENT = 20_000
MAX_VARIANTS = 20
MAX_HEADLINE = 200
MAX_TEXT = 2_000
MAX_URL_PART = 500
MAX_DELAY = 3_600
MAX_DAYS = 365
MAX_TIMES = 100
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _text(raw: object, *, field: str, limit: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise InvalidInput(_("This is text."), field=field)
    text = raw.strip()
    if required and not text:
        raise InvalidInput(_("This is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": f"{limit:,}"}, field=field)
    if "\x00" in text:
        raise InvalidInput(_("This contains a character that cannot be stored."), field=field)
    return text


def _number(raw: object, *, field: str, low: int, high: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise InvalidInput(
            _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    return raw


def _choice(raw: object, *, field: str, choices: list[str]) -> str:
    if raw is None or raw == "":
        return ""
    if not isinstance(raw, str) or raw not in choices:
        raise InvalidInput(
            _("One of %(choices)s, or empty.") % {"choices": ", ".join(choices)}, field=field
        )
    return raw


def _site(raw: object, *, field: str = "site", required: bool) -> Site | None:
    if raw is None and not required:
        return None
    site = Site.objects.filter(pk=raw).first() if isinstance(raw, int) else None
    if site is None:
        raise InvalidInput(_("Choose one of your sites."), field=field)
    return site


# --- slots -------------------------------------------------------------------------------------


def _variant_clean(raw: object, index: int) -> dict[str, Any]:
    at = f"variants[{index}]"
    if not isinstance(raw, Mapping):
        raise InvalidInput(_("A variant is an object."), field=at)
    segment = raw.get("segment")
    if segment is not None and (
        not isinstance(segment, int) or not Segment.objects.filter(pk=segment).exists()
    ):
        raise InvalidInput(_("There is no such segment."), field=f"{at}.segment")
    stage = raw.get("stage") or ""
    return {
        "visit": _choice(raw.get("visit"), field=f"{at}.visit", choices=VisitNumber.values),
        "known": _choice(raw.get("known"), field=f"{at}.known", choices=Known.values),
        "segment_id": segment,
        "grade": _choice(raw.get("grade"), field=f"{at}.grade", choices=Grade.values),
        "stage": stage_clean(stage, field=f"{at}.stage") if stage else "",
        "content": _text(raw.get("content"), field=f"{at}.content", limit=MAX_CONTENT),
    }


def _slot_fields(data: Mapping[str, Any], slot: Slot | None) -> dict[str, Any]:
    """The slot's columns from ``data`` (on a change, missing keys keep their value)."""
    fields: dict[str, Any] = {}
    if slot is None or "name" in data:
        fields["name"] = _text(data.get("name"), field="name", limit=MAX_NAME, required=True)
    if slot is None or "key" in data:
        key = _text(data.get("key"), field="key", limit=MAX_KEY, required=True).lower()
        if not KEY.match(key):
            raise InvalidInput(
                _("Letters a-z, digits, - and _ only, e.g. home-banner."), field="key"
            )
        fields["key"] = key
    if slot is None or "site" in data:
        fields["site"] = _site(data.get("site"), required=False)
    if slot is None or "content" in data:
        fields["content"] = _text(data.get("content"), field="content", limit=MAX_CONTENT)
    return fields


def _variants_clean(raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise InvalidInput(_("Give the variants as a list."), field="variants")
    if len(raw) > MAX_VARIANTS:
        raise InvalidInput(
            _("A slot has at most %(n)s variants.") % {"n": MAX_VARIANTS}, field="variants"
        )
    return [_variant_clean(item, i) for i, item in enumerate(raw)]


def _slot_save(slot: Slot, variants: list[dict[str, Any]] | None) -> None:
    taken = _("Another slot already has the key '%(key)s' here.") % {"key": slot.key}
    if Slot.objects.filter(key=slot.key, site=slot.site).exclude(pk=slot.pk).exists():
        raise Conflict(taken, field="key")
    with saved_or_conflict(taken, field="key"):
        slot.save()
    if variants is not None:
        slot.variants.all().delete()
        SlotVariant.objects.bulk_create(
            SlotVariant(slot=slot, position=i, **variant) for i, variant in enumerate(variants)
        )


@transaction.atomic
def slot_create(*, data: Mapping[str, Any], by: Actor) -> Slot:
    """A new slot: ``name``, ``key`` (what pages name it by), optional ``site``, default
    ``content`` and ordered ``variants`` (each: conditions and ``content``)."""
    fields = _slot_fields(data, None)
    variants = _variants_clean(data.get("variants") or [])
    now = clock.now()
    slot = Slot(
        **fields, created_by=by if isinstance(by, User) else None, created_at=now, updated_at=now
    )
    _slot_save(slot, variants)
    audit_record(
        actor=by,
        action="slot.create",
        target_type="slot",
        target_id=slot.pk,
        detail={"name": slot.name, "key": slot.key},
    )
    config_forget()
    return slot


@transaction.atomic
def slot_update(*, slot: Slot, data: Mapping[str, Any], by: Actor) -> Slot:
    """The given fields changed; ``variants``, when given, replace the slot's variants."""
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    for name, value in _slot_fields(data, slot).items():
        setattr(slot, name, value)
    variants = _variants_clean(data["variants"]) if data.get("variants") is not None else None
    slot.updated_at = clock.now()
    _slot_save(slot, variants)
    audit_record(
        actor=by,
        action="slot.update",
        target_type="slot",
        target_id=slot.pk,
        detail={"name": slot.name, "key": slot.key},
    )
    config_forget()
    return slot


@transaction.atomic
def slot_delete(*, slot: Slot, by: Actor) -> None:
    """The slot goes; pages that name it keep the content they hold themselves."""
    audit_record(
        actor=by,
        action="slot.delete",
        target_type="slot",
        target_id=slot.pk,
        detail={"name": slot.name, "key": slot.key},
    )
    slot.delete()
    config_forget()


# --- pop-ups -----------------------------------------------------------------------------------


def _popup_fields(data: Mapping[str, Any], popup: Popup | None) -> dict[str, Any]:
    """The pop-up's columns from ``data`` (on a change, missing keys keep their value)."""
    fields: dict[str, Any] = {}

    def given(name: str) -> bool:
        return popup is None or name in data

    if given("name"):
        fields["name"] = _text(data.get("name"), field="name", limit=MAX_NAME, required=True)
    if given("site"):
        fields["site"] = _site(data.get("site"), required=True)
    if given("form"):
        raw = data.get("form")
        form = Form.objects.filter(pk=raw).first() if isinstance(raw, int) else None
        if form is None:
            raise InvalidInput(_("Choose the form the pop-up holds."), field="form")
        fields["form"] = form
    if given("headline"):
        fields["headline"] = _text(data.get("headline"), field="headline", limit=MAX_HEADLINE)
    if given("text"):
        fields["text"] = _text(data.get("text"), field="text", limit=MAX_TEXT)
    if given("trigger"):
        trigger = data.get("trigger", Trigger.EXIT)
        if trigger not in Trigger.values:
            raise InvalidInput(
                _("One of %(choices)s.") % {"choices": ", ".join(Trigger.values)}, field="trigger"
            )
        fields["trigger"] = trigger
    if given("every_days"):
        fields["every_days"] = _number(
            data.get("every_days", 1), field="every_days", low=0, high=MAX_DAYS
        )
    if given("max_times"):
        fields["max_times"] = _number(
            data.get("max_times", 3), field="max_times", low=1, high=MAX_TIMES
        )
    if given("url_contains"):
        fields["url_contains"] = _text(
            data.get("url_contains"), field="url_contains", limit=MAX_URL_PART
        )
    for flag, default in (("only_anonymous", False), ("active", True)):
        if given(flag):
            value = data.get(flag, default)
            if not isinstance(value, bool):
                raise InvalidInput(_("true or false."), field=flag)
            fields[flag] = value
    if given("trigger_value") or "trigger" in fields:
        trigger = fields.get("trigger") or (popup.trigger if popup else Trigger.EXIT)
        raw_value = data.get("trigger_value", popup.trigger_value if popup else 0)
        fields["trigger_value"] = _trigger_value(trigger, raw_value)
    return fields


def _trigger_value(trigger: str, raw: object) -> int:
    """Seconds (0 to an hour) after a delay, percent (1 to 100) of the page after a scroll."""
    if trigger == Trigger.DELAY:
        return _number(raw, field="trigger_value", low=0, high=MAX_DELAY)
    if trigger == Trigger.SCROLL:
        return _number(raw, field="trigger_value", low=1, high=100)
    return 0


def _popup_save(popup: Popup) -> None:
    taken = _("There is already a pop-up named '%(name)s'.") % {"name": popup.name}
    name_free(Popup.objects.all(), popup.name, pk=popup.pk, taken=taken)
    with saved_or_conflict(taken, field="name"):
        popup.save()


@transaction.atomic
def popup_create(*, data: Mapping[str, Any], by: Actor) -> Popup:
    """A new pop-up: ``name``, ``site``, ``form`` are required; the trigger (exit intent by
    default), the caps (once a day, three times by default), the pages and the flags are not."""
    now = clock.now()
    popup = Popup(
        **_popup_fields(data, None),
        created_by=by if isinstance(by, User) else None,
        created_at=now,
        updated_at=now,
    )
    _popup_save(popup)
    audit_record(
        actor=by,
        action="popup.create",
        target_type="popup",
        target_id=popup.pk,
        detail={"name": popup.name},
    )
    config_forget()
    return popup


@transaction.atomic
def popup_update(*, popup: Popup, data: Mapping[str, Any], by: Actor) -> Popup:
    popup = Popup.objects.select_for_update().get(pk=popup.pk)
    for name, value in _popup_fields(data, popup).items():
        setattr(popup, name, value)
    popup.updated_at = clock.now()
    _popup_save(popup)
    audit_record(
        actor=by,
        action="popup.update",
        target_type="popup",
        target_id=popup.pk,
        detail={"name": popup.name, "active": popup.active},
    )
    config_forget()
    return popup


@transaction.atomic
def popup_delete(*, popup: Popup, by: Actor) -> None:
    audit_record(
        actor=by,
        action="popup.delete",
        target_type="popup",
        target_id=popup.pk,
        detail={"name": popup.name},
    )
    popup.delete()
    config_forget()


# --- what visitors were shown ------------------------------------------------------------------


def popup_display_record(*, popup: Popup, visitor_id: str) -> int:
    """Count one display of ``popup`` to the browser ``visitor_id``; returns how many times it
    was shown to them. Concurrent first displays make one row (the unique constraint: the
    loser of the insert adds to the winner's row); a later display is one UPDATE, so no count
    is lost to a read-modify-write."""
    now = clock.now()
    rows = PopupDisplay.objects.filter(popup=popup, visitor_id=visitor_id)
    if not rows.update(shown=F("shown") + 1, last_shown_at=now):
        try:
            with transaction.atomic():
                PopupDisplay.objects.create(
                    popup=popup,
                    visitor_id=visitor_id,
                    shown=1,
                    first_shown_at=now,
                    last_shown_at=now,
                )
        except IntegrityError:
            rows.update(shown=F("shown") + 1, last_shown_at=now)
    return int(rows.values_list("shown", flat=True).first() or 0)


def popup_conversion_check(*, popup: Popup, visitor_id: str) -> bool:
    """Whether the visitor sent the pop-up's form since it was first shown to them (the form's
    ``form_submit``, recorded as the visitor, made them a known contact); if so the display is
    marked converted (once: the first conversion's time is kept)."""
    display = PopupDisplay.objects.filter(popup=popup, visitor_id=visitor_id).first()
    contact_id = visitor_contacts([visitor_id]).get(visitor_id)
    if display is None or contact_id is None or popup.form_id is None:
        return False
    sent = Event.objects.filter(
        contact_id=contact_id,
        type="form_submit",
        properties__form_id=popup.form_id,
        occurred_at__gte=display.first_shown_at,
    ).exists()
    if sent and display.converted_at is None:
        PopupDisplay.objects.filter(pk=display.pk, converted_at__isnull=True).update(
            converted_at=clock.now()
        )
    return sent
