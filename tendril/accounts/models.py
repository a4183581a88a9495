"""People who use Tendril, their roles, API keys, and the audit log of destructive actions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from tendril.core.emails import email_fold


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MARKETER = "marketer", _("Marketer")
    SALES = "sales", _("Sales rep")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=email_fold(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class RoleAbilities:
    """What a role may do; shared by users and API keys so permission checks need not care
    which one is calling."""

    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_edit_marketing(self) -> bool:
        """Emails, journeys, segments, custom fields and imports are marketing's work."""
        return self.role in (Role.ADMIN, Role.MARKETER)


class User(RoleAbilities, AbstractUser):
    """A Tendril user, who logs in with an email address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MARKETER)
    # "" means: follow the browser (Accept-Language) / the workspace's time zone (API.md /me).
    language = models.CharField(max_length=8, blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class ApiKey(RoleAbilities, models.Model):
    """A bearer key for the REST API; only its SHA-256 digest is stored."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="Shown in lists so keys can be told apart")
    digest = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """A destructive or sensitive action: who did it, to what, and when."""

    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=200, help_text="User email or 'api key <name>'")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True, default="")
    target_id = models.CharField(max_length=80, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
