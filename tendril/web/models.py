"""Web forms: what a form asks (its fields, mapped to contact fields), what it promises (the
consent text), and each submission that asked for consent by double opt-in until it is
confirmed. Landing pages: their blocks (a draft and what is published), the pictures uploaded
for them, and each visitor of a page, with when they converted."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Asset(models.Model):
    """A file given away behind a form (an ebook, a white paper): its bytes live in the private
    ``assets`` folder under ``stored`` (a random name), never under a guessable address."""

    name = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    stored = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Form(models.Model):
    name = models.CharField(max_length=200)
    # Public: it is in the page's address (/f/<key>); it only lets a visitor submit this form.
    key = models.CharField(max_length=40, unique=True)
    # [{key, label, type, required, options?}]; key: email, first_name, last_name, phone,
    # company, fields.<custom field>, or utm_* for hidden campaign fields.
    fields = models.JSONField(default=list)
    consent_text = models.TextField(blank=True, default="")
    double_opt_in = models.BooleanField(default=False)
    redirect_url = models.URLField(max_length=2000, blank=True, default="")
    thank_you = models.TextField(blank=True, default="")
    # Gated content: what the thank-you page lets the person download once the form is filled.
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="forms"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="web_form_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class FormConsent(models.Model):
    """A ticked consent box: the exact text the person agreed to, on which form, and when it
    counted: at once, or (double opt-in) when they confirmed from their mailbox; for those, the
    confirmation email's outbox state."""

    form = models.ForeignKey(Form, null=True, on_delete=models.SET_NULL, related_name="+")
    contact_id = models.BigIntegerField(db_index=True)
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=8, blank=True, default="")
    consent_text = models.TextField()
    requested_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["retry_at"],
                name="web_consent_outbox",
                condition=models.Q(sent_at__isnull=True, confirmed_at__isnull=True),
            )
        ]


class LandingPage(models.Model):
    """A page a marketer builds from blocks (``tendril.web.blocks``), public at ``/p/<slug>``
    once published. ``blocks`` is the draft the editor saves; ``published_blocks`` is what
    visitors see, copied from the draft on publishing, so editing a live page changes nothing
    until it is published again."""

    name = models.CharField(max_length=200)
    # Lower case a-z, 0-9 and single hyphens (checked by the services): the page's address.
    slug = models.CharField(max_length=100, unique=True)
    seo_title = models.CharField(max_length=200, blank=True, default="")
    seo_description = models.CharField(max_length=500, blank=True, default="")
    og_image = models.URLField(max_length=2000, blank=True, default="")
    language = models.CharField(max_length=8, default="en")
    # [{"type": "heading", "level": 1, "text": "..."}, ...]
    blocks = models.JSONField(default=list)
    published_blocks = models.JSONField(default=list)
    # None: a draft nobody sees (never published, or unpublished).
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def has_changes(self) -> bool:
        """The draft differs from what visitors see."""
        return self.is_published and self.blocks != self.published_blocks


class LandingVisit(models.Model):
    """One visitor (the ``tendril_vid`` browser id) of one page: when first seen, and when they
    first sent a form on it. Visitors and conversion rate of a page are counted from these."""

    page = models.ForeignKey(LandingPage, on_delete=models.CASCADE, related_name="visits")
    visitor_id = models.CharField(max_length=64)
    first_seen = models.DateTimeField()
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Concurrent first views of one visitor insert one row (ON CONFLICT DO NOTHING).
            models.UniqueConstraint(fields=["page", "visitor_id"], name="web_landing_visit_once")
        ]
        indexes = [models.Index(fields=["page", "first_seen"], name="web_landing_visit_day")]


class PageImage(models.Model):
    """A picture uploaded for landing pages' image blocks. Unlike a gated file it is public:
    served at ``/p/img/<stored>.<ext>``, an address nobody can guess but that never changes."""

    name = models.CharField(max_length=255)  # the uploaded file's name, to recognise it by
    content_type = models.CharField(max_length=20)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    stored = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
