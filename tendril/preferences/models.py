"""Email topics people subscribe to (the newsletter, product news, events) and each person's
choice per topic.

A contact with no choice for a topic is subscribed to it while they have granted email consent:
topics are opt-out within a granted consent (see ``selectors.contact_topics``). Consent itself
(granted, denied, unsubscribed) stays with contacts' ``Consent``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

from tendril.contacts.models import Contact


class Topic(models.Model):
    """Something people can subscribe to by email, named and described in English (the
    default) and, optionally, in Vietnamese and Thai."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True, default="")
    name_vi = models.CharField(max_length=100, blank=True, default="")
    description_vi = models.CharField(max_length=500, blank=True, default="")
    name_th = models.CharField(max_length=100, blank=True, default="")
    description_th = models.CharField(max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    # An archived topic is no longer offered nor sent; people's choices on it are kept.
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str | None) -> str:
        """The name in ``language`` when one was written, else the default."""
        return _translated(self.name, {"vi": self.name_vi, "th": self.name_th}, language)

    def description_in(self, language: str | None) -> str:
        return _translated(
            self.description, {"vi": self.description_vi, "th": self.description_th}, language
        )

    @property
    def display_name(self) -> str:
        """The name in the current language (the contact's on the preference centre)."""
        return self.name_in(get_language())

    @property
    def display_description(self) -> str:
        return self.description_in(get_language())


def _translated(default: str, versions: dict[str, str], language: str | None) -> str:
    return versions.get((language or "")[:2], "") or default


class TopicSubscription(models.Model):
    """A contact's own choice for one topic (subscribed or not), when and how it was made."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="topic_choices")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    subscribed = models.BooleanField()
    changed_at = models.DateTimeField()
    # preference centre, unsubscribe, api, ui, import, demo...
    method = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "topic"], name="topic_choice_once")
        ]
        indexes = [models.Index(fields=["topic", "subscribed"], name="topic_choice_counts")]
