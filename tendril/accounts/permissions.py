"""Who may use which screen: the role predicates that ``role_required`` and the menu check,
and the request type of a signed-in screen."""

from __future__ import annotations

from django.http import HttpRequest

from tendril.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required`` or ``role_required``: its user is a real ``User``."""

    user: User


def is_marketing(user: User) -> bool:
    """Marketing's work (imports, custom fields, erasure...): admins and marketers."""
    return user.can_edit_marketing


def is_admin(user: User) -> bool:
    """Users, API keys and the audit log: admins only."""
    return user.is_admin
