"""Request guards that must answer before Django reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RequestTooBigMiddleware:
    """Answer 413 with a plain message when a non-upload body is over the limit.

    Django would raise ``RequestDataTooBig`` deep in the parser, which the API layer turns into
    a vague 400; the client deserves to know that the size is the problem.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if settings.MAX_IMPORT_BYTES and content_type.startswith("multipart/form-data"):
            limit = settings.MAX_IMPORT_BYTES
        if limit and length > limit:
            message = _("The request body is %(size)d bytes; the limit is %(limit)d bytes.") % {
                "size": length,
                "limit": limit,
            }
            return JsonResponse({"detail": message, "field": None}, status=413)
        return self.get_response(request)
