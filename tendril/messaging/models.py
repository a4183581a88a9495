"""Marketing emails as marketers write them: a subject, an HTML body and an optional plain-text
body, each a sandboxed Jinja2 template personalised per contact at send time (rendering.py).
Sending to segments, the send ledger and tracking build on this model later (issue 18)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from tendril.contacts.models import Language


class Email(models.Model):
    """A marketing email template. An empty ``text`` is made from the HTML when rendering; an
    empty ``from_email`` / ``from_name`` means the installation's ``TENDRIL_FROM_EMAIL``."""

    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=500)
    html = models.TextField(blank=True, default="")
    text = models.TextField(blank=True, default="")
    from_email = models.EmailField(max_length=254, blank=True, default="")
    from_name = models.CharField(max_length=100, blank=True, default="")
    # The language the email is written in (what the starter library and lists show); empty:
    # not said. The footer texts it carries are the marketer's own.
    language = models.CharField(max_length=8, choices=Language.choices, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="messaging_email_name_once")]

    def __str__(self) -> str:
        return self.name
