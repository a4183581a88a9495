"""Users, API keys and the audit log: the only place their rules change data."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import timedelta
from functools import cache
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tendril.accounts.middleware import LANGUAGE_CODES
from tendril.accounts.models import ApiKey, AuditEntry, Role, User
from tendril.core import clock
from tendril.core.emails import email_normalise
from tendril.core.errors import Conflict, InvalidInput

Actor = User | ApiKey | None
KEY_PREFIX = "tdl_"
# Writing last_used_at on every request would make each API call a write; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zones this machine knows (read from disk once)."""
    return frozenset(zoneinfo.available_timezones())


def actor_label(actor: Actor) -> str:
    if isinstance(actor, ApiKey):
        return f"api key {actor.name} ({actor.prefix})"
    if isinstance(actor, User):
        return actor.email
    return "system"


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str = "",
    target_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor_label(actor),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail or {},
    )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(
            _("role must be one of %(choices)s") % {"choices": ", ".join(Role.values)}, field="role"
        )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def apikey_create(*, name: str, role: str, by: Actor) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is shown this once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("give the key a name"), field="name")
    if len(name) > 100:
        raise InvalidInput(_("the name is longer than 100 characters"), field="name")
    _check_role(role)
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            digest=_digest(secret),
            role=role,
            created_by=by if isinstance(by, User) else None,
            created_at=clock.now(),
        )
        audit_record(
            actor=by,
            action="apikey.create",
            target_type="apikey",
            target_id=key.pk,
            detail={"name": name, "role": role},
        )
    return key, secret


def apikey_revoke(*, key: ApiKey, by: Actor) -> ApiKey:
    with transaction.atomic():
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            key.save(update_fields=["revoked_at"])
            audit_record(
                actor=by,
                action="apikey.revoke",
                target_type="apikey",
                target_id=key.pk,
                detail={"name": key.name},
            )
    return key


def apikey_authenticate(*, secret: str) -> ApiKey | None:
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    key = ApiKey.objects.filter(digest=_digest(secret), revoked_at__isnull=True).first()
    if key is None:
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _clean_email(email: str) -> str:
    cleaned = email_normalise(email)
    if cleaned is None:
        raise InvalidInput(
            _("'%(email)s' is not a valid email address") % {"email": email.strip()}, field="email"
        )
    return cleaned


def user_create(
    *,
    email: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    by: Actor,
) -> User:
    email = _clean_email(email)
    _check_role(role)
    if User.objects.filter(email=email).exists():
        raise Conflict(
            _("a user with the email %(email)s already exists") % {"email": email}, field="email"
        )
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            password,
            role=role,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        audit_record(
            actor=by,
            action="user.create",
            target_type="user",
            target_id=user.pk,
            detail={"email": email, "role": role},
        )
    return user


def user_update(
    *, user: User, role: str | None = None, is_active: bool | None = None, by: Actor
) -> User:
    """Change a user's role or deactivate them; an admin cannot lock out the last admin."""
    changes: dict[str, Any] = {}
    if role is not None and role != user.role:
        _check_role(role)
        changes["role"] = role
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = is_active
    if not changes:
        return user
    with transaction.atomic():
        losing_admin = user.role == Role.ADMIN and (
            changes.get("role", Role.ADMIN) != Role.ADMIN or changes.get("is_active") is False
        )
        other_admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
        if losing_admin and not other_admins.exists():
            raise Conflict(_("Tendril needs at least one active admin"), field="role")
        for name, value in changes.items():
            setattr(user, name, value)
        user.is_staff = user.is_superuser = user.role == Role.ADMIN
        user.save()
        audit_record(
            actor=by,
            action="user.update",
            target_type="user",
            target_id=user.pk,
            detail={k: str(v) for k, v in changes.items()},
        )
    return user


def user_preferences_set(*, user: User, language: str | None, time_zone: str | None) -> User:
    """Save the language and time zone a user reads Tendril in; None (or "") goes back to
    following the browser's language and the workspace's time zone."""
    language = language or ""
    time_zone = time_zone or ""
    if language and language not in LANGUAGE_CODES:
        raise InvalidInput(
            _("the language must be one of %(choices)s, or empty to follow the browser")
            % {"choices": ", ".join(sorted(LANGUAGE_CODES))},
            field="language",
        )
    if time_zone and time_zone not in time_zone_names():
        raise InvalidInput(
            _("“%(name)s” is not a time zone; use a name like Asia/Ho_Chi_Minh")
            % {"name": time_zone[:64]},
            field="time_zone",
        )
    with transaction.atomic():
        user.language, user.time_zone = language, time_zone
        user.save(update_fields=["language", "time_zone"])
    return user


def admin_ensure(*, email: str, password: str | None) -> tuple[User, str | None]:
    """The first admin, created once; returns the generated password if one was made."""
    existing = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if existing is not None:
        return existing, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(_clean_email(email), password)
    audit_record(
        actor=None,
        action="user.create",
        target_type="user",
        target_id=user.pk,
        detail={"email": user.email, "role": Role.ADMIN},
    )
    return user, generated
