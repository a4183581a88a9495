"""Request guards that must answer before Django reads the body, and the security headers every
response carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _


def _refuse(status: int, message: str) -> HttpResponse:
    # The API's error shape; a browser shows it as plain text, which is all a person needs.
    return JsonResponse({"detail": message, "field": None}, status=status)


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
            return _refuse(413, message)
        return self.get_response(request)


class MultipartBoundaryMiddleware:
    """Answer 400 with a plain message when a ``multipart/form-data`` body has no usable boundary.

    Django finds out only when something reads ``request.POST``: the CSRF check turns it into a
    blank "Bad Request" page and the API into a 500. Checking the header the way Django's parser
    does, before anyone reads the body, gives every door the same clear answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data") and not _has_boundary(content_type):
            return _refuse(
                400,
                _(
                    "The upload cannot be read: its Content-Type multipart/form-data has no "
                    "valid boundary. Let your HTTP client build the multipart body (for example "
                    "curl -F file=@contacts.csv) instead of setting the header by hand."
                ),
            )
        return self.get_response(request)


def _has_boundary(content_type: str) -> bool:
    if not content_type.isascii():
        return False
    _value, options = parse_header_parameters(content_type)
    boundary = options.get("boundary")
    return boundary is not None and MultiPartParser.boundary_re.fullmatch(boundary) is not None


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every HTML page.

    The pages load scripts and styles only from our own static files (no inline ``<script>``,
    ``style=`` or ``on*=``), so an injected tag cannot run even if an escaping bug lets one
    through. Django 5.2 has no CSP support of its own; 6.0's can replace this.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if self.policy and content_type.startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
