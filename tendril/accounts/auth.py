"""Who is calling the API: a bearer API key, or a logged-in browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth

from tendril.accounts.models import ApiKey, User
from tendril.accounts.services import apikey_authenticate
from tendril.core.errors import Forbidden

Caller = User | ApiKey


class AuthedRequest(HttpRequest):
    """A request that passed ``api_auth``: ninja sets ``auth`` to the caller."""

    auth: Caller


class BearerKey(HttpBearer):
    openapi_description = "An API key from Settings → API keys or `tendril apikey create`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return apikey_authenticate(secret=token.strip())


class ActiveSession(SessionAuth):
    """The UI's own session (with CSRF on writes), so screens can call the API too."""

    def __call__(self, request: HttpRequest) -> Any:
        # Only a signed-in browser is held to CSRF: a script without a session (no key, or a
        # wrong one) is simply not authenticated, and gets the API's 401, never a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth: list[HttpBearer | APIKeyCookie] = [BearerKey(), ActiveSession()]


def require_marketing(caller: Caller) -> None:
    """Marketing's work (imports, custom fields, erasure...): admins and marketers only."""
    if not caller.can_edit_marketing:
        raise Forbidden(_("sales reps cannot do this; ask a marketer or an admin"))


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden(_("only an admin can do this"))
