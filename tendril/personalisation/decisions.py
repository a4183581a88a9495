"""What a visitor sees: the content of each slot on their page and the pop-up (if any) their
page may show, decided from who they are (visit number, known or anonymous, and for a known
contact their segments, grade and stage).

Every page view of a tracked site asks, so this is kept small: the site's slots and active
pop-ups are kept a few seconds per process (forgotten at once here on a change), and what is
read about the visitor is read only when a condition needs it: the visitor's link to a contact
(one query), the visit number (one or two short index reads), the contact's score and stage
(one), their segments (one), their pop-up displays and conversions (one each).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from tendril.contacts.membership import segments_of
from tendril.contacts.models import Contact
from tendril.contacts.selectors import grade_for
from tendril.core import clock
from tendril.core.models import Event
from tendril.core.selectors import visitor_contacts
from tendril.personalisation.content import content_clean
from tendril.personalisation.models import Popup, PopupDisplay, Slot, SlotVariant, Trigger
from tendril.tracking.selectors import visit_number

# How long a process trusts its copy of a site's slots and pop-ups; a change made in another
# process shows within this.
CONFIG_TTL = 5.0


@dataclass(frozen=True)
class Variant:
    visit: int | None
    known: bool | None
    segment: int | None
    grade: str
    stage: str
    html: str


@dataclass(frozen=True)
class SlotRule:
    key: str
    default: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class PopupRule:
    id: int
    form_id: int
    form_key: str
    headline: str
    text: str
    trigger: str
    value: int
    every: timedelta
    max_times: int
    url_contains: str
    only_anonymous: bool


@dataclass(frozen=True)
class SiteConfig:
    slots: dict[str, SlotRule]
    popups: tuple[PopupRule, ...]


_configs: dict[int | None, tuple[SiteConfig, float]] = {}


def config_forget() -> None:
    """Forget every site's copy in this process (a slot or pop-up changed)."""
    _configs.clear()


def _variant(row: SlotVariant) -> Variant:
    return Variant(
        visit=int(row.visit) if row.visit else None,
        known={"known": True, "anonymous": False}.get(row.known),
        segment=row.segment_id,
        grade=row.grade,
        stage=row.stage,
        html=str(content_clean(row.content)),
    )


def _slot_rule(slot: Slot) -> SlotRule:
    return SlotRule(
        key=slot.key,
        default=str(content_clean(slot.content)),
        variants=tuple(_variant(v) for v in slot.variants.all()),
    )


def _popup_rule(popup: Popup) -> PopupRule:
    assert popup.form is not None
    return PopupRule(
        id=popup.pk,
        form_id=popup.form.pk,
        form_key=popup.form.key,
        headline=popup.headline,
        text=popup.text,
        trigger=popup.trigger,
        value=popup.trigger_value,
        every=timedelta(days=popup.every_days),
        max_times=popup.max_times,
        url_contains=popup.url_contains,
        only_anonymous=popup.only_anonymous,
    )


def site_config(site_id: int | None) -> SiteConfig:
    """A site's slots (its own, and those of no site under keys it does not use) and its active
    pop-ups (oldest first), sanitised and kept ``CONFIG_TTL`` seconds; ``None``: Tendril's own
    pages, which have only the slots of no site."""
    now = time.monotonic()
    known = _configs.get(site_id)
    if known is not None and known[1] > now:
        return known[0]
    slots = (
        Slot.objects.filter(Q(site__isnull=True) | Q(site_id=site_id))
        .prefetch_related(Prefetch("variants", queryset=SlotVariant.objects.order_by("position")))
        .order_by("pk")
    )
    rules: dict[str, SlotRule] = {}
    for slot in slots:
        if slot.site_id is None and slot.key in rules:
            continue
        rules[slot.key] = _slot_rule(slot)  # the site's own slot with this key wins
    popups: tuple[PopupRule, ...] = ()
    if site_id is not None:
        rows = Popup.objects.filter(site_id=site_id, active=True, form__isnull=False)
        popups = tuple(_popup_rule(p) for p in rows.select_related("form").order_by("pk"))
    config = SiteConfig(slots=rules, popups=popups)
    if len(_configs) > 10_000:
        _configs.clear()
    _configs[site_id] = (config, now + CONFIG_TTL)
    return config


@dataclass
class Visitor:
    """What is known of the person looking, each fact read on first use."""

    visitor_id: str
    session: str

    @cached_property
    def contact_id(self) -> int | None:
        if not self.visitor_id:
            return None
        return visitor_contacts([self.visitor_id]).get(self.visitor_id)

    @cached_property
    def contact(self) -> tuple[int, str] | None:
        """(score, stage) of the contact, None when anonymous (or erased since)."""
        if self.contact_id is None:
            return None
        row = Contact.objects.filter(pk=self.contact_id).values_list("score", "stage").first()
        return (row[0], row[1]) if row else None

    @property
    def known(self) -> bool:
        return self.contact is not None

    @cached_property
    def visit(self) -> int:
        return visit_number(
            visitor_id=self.visitor_id, contact_id=self.contact_id, session=self.session
        )

    @cached_property
    def grade(self) -> str:
        return grade_for(self.contact[0]) if self.contact else ""

    @cached_property
    def segments(self) -> frozenset[int]:
        if not self.known or self.contact_id is None:
            return frozenset()
        return frozenset(segments_of(self.contact_id))


def variant_fits(variant: Variant, visitor: Visitor) -> bool:
    """Every condition the variant sets holds for the visitor (cheapest checks first)."""
    if variant.known is not None and variant.known != visitor.known:
        return False
    if (variant.grade or variant.stage or variant.segment is not None) and not visitor.known:
        return False
    if variant.stage and visitor.contact and variant.stage != visitor.contact[1]:
        return False
    if variant.grade and variant.grade != visitor.grade:
        return False
    if variant.visit is not None and variant.visit != visitor.visit:
        return False
    return variant.segment is None or variant.segment in visitor.segments


def slot_content(rule: SlotRule, visitor: Visitor) -> str:
    """The first fitting variant's content, else the slot's own."""
    for variant in rule.variants:
        if variant_fits(variant, visitor):
            return variant.html
    return rule.default


def _popup_out(rule: PopupRule, base: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "trigger": rule.trigger,
        "value": rule.value if rule.trigger != Trigger.EXIT else 0,
        "form_url": f"{base}/f/{rule.form_key}",
        "headline": rule.headline,
        "text": rule.text,
        # The dialog's close button, named in the visitor's language.
        "close": _("Close"),
    }


def popup_for(popups: Iterable[PopupRule], visitor: Visitor, url: str) -> PopupRule | None:
    """The first pop-up for this page the visitor may still be shown: under its caps (once
    every N days, M times), not converted (its form sent, here or on any device once they are
    known), not only-for-anonymous when they are known."""
    candidates = [p for p in popups if not p.url_contains or p.url_contains in url]
    if not candidates:
        return None
    if any(p.only_anonymous for p in candidates) and visitor.known:
        candidates = [p for p in candidates if not p.only_anonymous]
    if not candidates or not visitor.visitor_id:
        return None
    displays = {
        d.popup_id: d
        for d in PopupDisplay.objects.filter(
            visitor_id=visitor.visitor_id, popup_id__in=[p.id for p in candidates]
        )
    }
    sent: set[int] = set()
    if visitor.known:
        forms = {p.form_id for p in candidates}
        sent = {
            int(f)
            for f in Event.objects.filter(
                contact_id=visitor.contact_id, type="form_submit", properties__form_id__in=forms
            ).values_list("properties__form_id", flat=True)
        }
    now = clock.now()
    for popup in candidates:
        display = displays.get(popup.id)
        if popup.form_id in sent:
            continue
        if display is not None and (
            display.converted_at is not None
            or display.shown >= popup.max_times
            or display.last_shown_at > now - popup.every
        ):
            continue
        return popup
    return None


def decide(
    *, site_id: int, visitor_id: str, session: str, url: str, keys: Iterable[str], base: str
) -> dict[str, Any]:
    """The answer of ``/t/decide``: ``{"slots": {key: html}, "popup": {...} | null}`` for the
    slots of ``keys`` the site has (others are left out: the page keeps its own content); the
    pop-up's form is framed from ``base``, the Tendril address the snippet was loaded from."""
    config = site_config(site_id)
    visitor = Visitor(visitor_id=visitor_id, session=session)
    slots = {key: slot_content(config.slots[key], visitor) for key in keys if key in config.slots}
    popup = popup_for(config.popups, visitor, url) if config.popups else None
    return {"slots": slots, "popup": _popup_out(popup, base) if popup else None}


def slot_html(*, key: str, visitor_id: str, session: str, site_id: int | None = None) -> str:
    """One slot's content for a page Tendril serves itself ("" when there is no such slot)."""
    rule = site_config(site_id).slots.get(key)
    if rule is None:
        return ""
    return slot_content(rule, Visitor(visitor_id=visitor_id, session=session))
