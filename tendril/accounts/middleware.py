"""The language and time zone a request is served in: the user's own setting when they chose
one (``/api/v1/me``), else the browser's ``Accept-Language`` (or the switcher's cookie) and the
workspace's time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def user_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    chosen = getattr(user, "language", "") if user is not None else ""
    if chosen in LANGUAGE_CODES:
        return str(chosen)
    return translation.get_language_from_request(request)


def user_time_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    user = getattr(request, "user", None)
    name = getattr(user, "time_zone", "") if user is not None else ""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class UserLocaleMiddleware:
    """Activates the request's language and time zone; it replaces Django's LocaleMiddleware
    because that one runs before authentication and cannot see the user's choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = user_language(request)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        zone = user_time_zone(request)
        # Overridden for this request only: a thread that serves (or tests) the next request
        # or job must not inherit this person's language or zone.
        with translation.override(language), timezone.override(zone):
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
