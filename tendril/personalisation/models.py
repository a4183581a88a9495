"""Personalisation: content slots whose content changes with who is looking (visit number,
known or anonymous, segment, grade, stage), and pop-ups that hold a form, with their frequency
caps and each visitor's record of what they were shown and whether they converted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitNumber(models.TextChoices):
    FIRST = "1", _("First visit")
    SECOND = "2", _("Second visit")
    LATER = "3", _("Third visit or later")


class Known(models.TextChoices):
    KNOWN = "known", _("Known contact")
    ANONYMOUS = "anonymous", _("Anonymous visitor")


class Trigger(models.TextChoices):
    EXIT = "exit", _("On exit intent")
    DELAY = "delay", _("After some seconds")
    SCROLL = "scroll", _("After scrolling")


class Slot(models.Model):
    """A place in a page (``<div data-tendril-slot="key">``) whose content Tendril chooses: the
    first variant whose conditions all hold, else ``content``. A slot of no site serves every
    site (and Tendril's own pages); a site's own slot with the same key wins on that site."""

    name = models.CharField(max_length=200)
    key = models.SlugField(max_length=60)
    site = models.ForeignKey(
        "tracking.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Marketer-written HTML, stored as written; sanitised each time it is rendered.
    content = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key"],
                condition=models.Q(site__isnull=False),
                name="personalisation_slot_key_per_site",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(site__isnull=True),
                name="personalisation_slot_key_global",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlotVariant(models.Model):
    """Content for the visitors who meet every condition set (an empty condition holds for
    everyone). Variants are tried in ``position`` order; the first that fits wins."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveIntegerField()
    visit = models.CharField(max_length=1, choices=VisitNumber.choices, blank=True, default="")
    known = models.CharField(max_length=10, choices=Known.choices, blank=True, default="")
    # A plain id, not a foreign key: a deleted segment has no members, so its variant simply
    # stops matching instead of matching everyone (SET_NULL) or blocking the delete (PROTECT).
    segment_id = models.BigIntegerField(null=True, blank=True)
    grade = models.CharField(max_length=8, blank=True, default="")
    stage = models.CharField(max_length=32, blank=True, default="")
    content = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "position"], name="personalisation_variant_position_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}#{self.position}"


class Popup(models.Model):
    """A modal holding a form, shown on a site's pages when its trigger fires, at most once
    every ``every_days`` days and ``max_times`` times per visitor, never again to a visitor who
    sent its form (nor, with ``only_anonymous``, to a known contact)."""

    name = models.CharField(max_length=200)
    site = models.ForeignKey("tracking.Site", on_delete=models.CASCADE, related_name="+")
    # Without its form (deleted) a pop-up is not shown.
    form = models.ForeignKey(
        "web.Form", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField(blank=True, default="")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.EXIT)
    # Seconds for a delay, percent of the page for a scroll; unused on exit intent.
    trigger_value = models.PositiveIntegerField(default=0)
    every_days = models.PositiveIntegerField(default=1)
    max_times = models.PositiveIntegerField(default=3)
    # Shown only on pages whose address contains this (empty: every page of the site).
    url_contains = models.CharField(max_length=500, blank=True, default="")
    only_anonymous = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="personalisation_popup_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    # What a marketer sets on a pop-up besides its site and form (its screen and API show these).
    SETTINGS = (
        "name",
        "headline",
        "text",
        "trigger",
        "trigger_value",
        "every_days",
        "max_times",
        "url_contains",
        "only_anonymous",
        "active",
    )

    def settings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.SETTINGS}


class PopupDisplay(models.Model):
    """What one browser (visitor id) was shown of one pop-up: how often, when last, and when
    it sent the pop-up's form. One row per pair (the unique constraint makes concurrent first
    displays one row; later ones add to ``shown`` in one UPDATE)."""

    popup = models.ForeignKey(Popup, on_delete=models.CASCADE, related_name="displays")
    visitor_id = models.CharField(max_length=64)
    shown = models.PositiveIntegerField(default=0)
    first_shown_at = models.DateTimeField()
    last_shown_at = models.DateTimeField()
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor_id", "popup"], name="personalisation_display_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.popup_id}/{self.visitor_id}"
