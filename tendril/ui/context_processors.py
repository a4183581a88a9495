"""What the layout needs on every page: the way home and, once signed in, the menu and the
account box's links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

from tendril.ui.navigation import account_items, nav_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Home is where signing in lands; the project picks it (LOGIN_REDIRECT_URL), not the shell.
    context: dict[str, Any] = {"home_url": resolve_url(settings.LOGIN_REDIRECT_URL)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_items(request)
        context["account_items"] = account_items(user)
    return context
