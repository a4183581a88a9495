"""Reads of accounts: users, API keys and the audit log.

Only admins see accounts and keys: to anyone else a ``*_get_for`` answers NotFound, so a
screen or endpoint that forgot its role check still reveals nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.models import ApiKey, AuditEntry, RoleAbilities, User
from tendril.core.errors import first_or_not_found


def user_list(*, active_only: bool = False) -> QuerySet[User]:
    """Accounts by name, active ones first; ``active_only`` for who can own a contact."""
    users = User.objects.order_by("-is_active", "first_name", "last_name", "email")
    return users.filter(is_active=True) if active_only else users


def user_get_for(viewer: RoleAbilities, user_id: int) -> User:
    users = User.objects.filter(pk=user_id) if viewer.is_admin else User.objects.none()
    return first_or_not_found(users, _("no user with id %(id)s") % {"id": user_id})


def apikey_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by").order_by("-created_at", "-id")


def apikey_get_for(viewer: RoleAbilities, key_id: int) -> ApiKey:
    keys = ApiKey.objects.filter(pk=key_id) if viewer.is_admin else ApiKey.objects.none()
    return first_or_not_found(keys, _("no API key with id %(id)s") % {"id": key_id})


def audit_list() -> QuerySet[AuditEntry]:
    """Newest first (the model's ordering)."""
    return AuditEntry.objects.all()
