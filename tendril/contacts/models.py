"""People (contacts), their companies, custom fields, consent and the suppression list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The built-in lifecycle stages along the funnel (API.md), and their translated names.

    Which stages exist, in which order and under which names is data (``LifecycleStage``, read
    through ``selectors.stages()``): admins rename, reorder, add and hide stages. These keys
    are seeded, and name a stage the admin has not renamed."""

    SUBSCRIBER = "subscriber", _("Subscriber")
    LEAD = "lead", _("Lead")
    MQL = "mql", _("Marketing qualified (MQL)")
    SAL = "sal", _("Sales accepted (SAL)")
    SQL = "sql", _("Sales qualified (SQL)")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CUSTOMER = "customer", _("Customer")
    EVANGELIST = "evangelist", _("Evangelist")


# The stage new contacts start in: it cannot be hidden.
DEFAULT_STAGE = Stage.LEAD.value
STAGE_KEY_LENGTH = 32


class LifecycleStage(models.Model):
    """One stage of the funnel contacts stand on, as the admin arranged it: ``position`` orders
    them (rules promote forward along it), a hidden (inactive) stage is no longer offered, and
    ``label`` is empty until an admin renames a built-in stage (its name is then translated)."""

    key = models.SlugField(max_length=STAGE_KEY_LENGTH, unique=True)
    label = models.CharField(max_length=60, blank=True, default="")
    position = models.PositiveIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.key


class Grade(models.TextChoices):
    """How ready a contact is, read from its score against the thresholds (never stored: a
    new threshold regrades everyone at once)."""

    HOT = "hot", _("Hot")
    WARM = "warm", _("Warm")
    COLD = "cold", _("Cold")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class Language(models.TextChoices):
    """The languages Tendril speaks (API.md): a contact's decides its emails and name order."""

    EN = "en", "English"
    VI = "vi", "Tiếng Việt"
    TH = "th", "ภาษาไทย"


class Company(models.Model):
    name = models.CharField(max_length=200)
    # The name as companies are compared (``companies.company_name_key``): case and spacing
    # folded, so "ACME  Co" and "Acme Co" are one company.
    name_key = models.CharField(max_length=200, db_index=True, default="")
    domain = models.CharField(max_length=253, null=True, blank=True, unique=True)
    industry = models.CharField(max_length=100, blank=True, default="")
    employees = models.PositiveIntegerField(null=True, blank=True)
    # Name and domain folded for search (``tendril.core.text.search_fold``): no case, no accents.
    search_text = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "companies"
        indexes = [models.Index(Lower("name"), name="company_name_ci")]
        constraints = [
            # Without a domain, the name is what identifies a company: concurrent writers that
            # name the same new company must end up with one row.
            models.UniqueConstraint(
                fields=["name_key"],
                condition=models.Q(domain__isnull=True),
                name="company_one_per_name_without_domain",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person Tendril knows by email address."""

    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    fields = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=100, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
    )
    # A ``LifecycleStage`` key, checked by every writer against ``stages.stage_clean``.
    stage = models.CharField(max_length=STAGE_KEY_LENGTH, default=DEFAULT_STAGE)
    # Kept up to date by the scoring capability from its ledger; read here for lists and filters.
    score = models.IntegerField(default=0)
    # "" when unknown: the workspace's default language applies.
    language = models.CharField(
        max_length=8, choices=Language.choices, blank=True, default="", db_default=""
    )
    # Names, email, phone and company name folded for search (no case, no accents), written by
    # every contact write path; trigram-indexed on PostgreSQL (migration 0006).
    search_text = models.TextField(blank=True, default="", db_default="")
    # The import that created this contact, so that import can be undone for 30 days.
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="contact_newest"),
            # Stage alone, and stage with source (the list's two most used filters): the
            # list's count of such a filter reads the index only (migration 0006).
            models.Index(fields=["stage", "source"], name="contact_stage_source"),
            # The source filter of the contact list reads the distinct sources.
            models.Index(fields=["source"], name="contact_source"),
            # The list's sorts (``selectors.contact_list``): a backward scan serves the reverse.
            # last_seen_at's two, with the never seen last either way, are PostgreSQL-only
            # (migration 0007): SQLite cannot put NULLS LAST in an index.
            models.Index(fields=["-score", "-id"], name="contact_score_id"),
            models.Index(
                Lower("last_name"), Lower("first_name"), models.F("id"), name="contact_name_sort"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def stage_label(self) -> str:
        """The stage's name as the admin set it (or its translated built-in name)."""
        from tendril.contacts.stages import stage_label

        return stage_label(self.stage)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        """The name in the order the contact's language writes it (Vietnamese: family name
        first, "Nguyễn Thị Hằng"; Thai, English or unknown: given name first); the email when
        there is no name."""
        if self.language == Language.VI:
            name = f"{self.last_name} {self.first_name}".strip()
        else:
            name = self.full_name
        return name or self.email


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes / no")


class CustomField(models.Model):
    """A field marketers add to every contact (industry focus, budget, event date, ...)."""

    key = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=16, choices=FieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


# How a consent was given or withdrawn (``Consent.method``, ``consent_changed``'s "method").
# The person's own withdrawal, from an email's unsubscribe link or their preference centre:
UNSUBSCRIBE = "unsubscribe"
# The ways only the person themselves gives consent; after an unsubscribe these are the only
# ways back (an import, the API or a marketer's click cannot re-grant it).
PREFERENCE_CENTRE = "preference centre"
OPT_IN_BY_PERSON = frozenset({"form", "double opt-in", PREFERENCE_CENTRE})


class Consent(models.Model):
    """The current permission a contact gave (or refused) for one channel, and how."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=ConsentStatus.choices)
    given_at = models.DateTimeField()
    method = models.CharField(
        max_length=40, help_text="How it was given: form, import, api, ui, double opt-in..."
    )
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "channel"], name="consent_one_per_channel")
        ]


class Suppression(models.Model):
    """An address that must never be mailed again, kept only as a SHA-256 hash."""

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField()


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ImportJob(models.Model):
    """A CSV import: the uploaded file, its column mapping, progress and rejected rows."""

    file_path = models.CharField(max_length=500)
    file_name = models.CharField(max_length=255)
    mapping = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=100, blank=True, default="import")
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    # Rows whose email repeated an earlier row of the same file: folded into that row's contact.
    merged = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # The first rejected rows, enough for a person to fix the file; the count has them all.
    rejected = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the contacts this import created were deleted in one action (undo, audited).
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]


class SavedView(models.Model):
    """A named way of looking at the contact list: filters, columns and sort, private or shared."""

    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    shared = models.BooleanField(default=False)
    # The list's query parameters (q, stage, grade, owner, company, source, segment).
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    order = models.CharField(max_length=32, blank=True, default="")
    page_size = models.PositiveSmallIntegerField(default=50)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class BulkAction(models.TextChoices):
    ASSIGN_OWNER = "assign_owner", _("Assign owner")
    SET_STAGE = "set_stage", _("Set stage")
    EXPORT = "export", _("Export")
    ERASE = "erase", _("Erase")


class BulkStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkJob(models.Model):
    """One bulk action over contacts (chosen ids or every contact matching a view), run in the
    background with progress; erasures are audited."""

    action = models.CharField(max_length=16, choices=BulkAction.choices)
    # The action's argument: {"owner": id|None} or {"stage": "mql"}.
    params = models.JSONField(default=dict, blank=True)
    # Either the chosen contact ids, or the list filters every matching contact is taken from.
    contact_ids = models.JSONField(default=list, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=BulkStatus.choices, default=BulkStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # The CSV of an export, served to its creator while it lasts.
    file_path = models.CharField(max_length=500, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
