"""The browser-facing tracking endpoints: the snippet (``GET /t/tendril.js``) and the collector
(``POST /t/collect``). Public: the site key in the body is the only credential, and nothing
here can read data. Answers carry CORS headers only for the pages of the key's site."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from tendril.core.errors import DomainError
from tendril.tracking import selectors, services

SNIPPET = Path(__file__).parent / "static" / "tracking" / "tendril.js"
# A hit is one moment on one page; anything larger is not from the snippet.
MAX_BODY = 16 * 1024


@cache
def snippet() -> tuple[bytes, bytes]:
    """The snippet as served, and gzipped (read once per process)."""
    body = SNIPPET.read_bytes()
    return body, gzip.compress(body, 9)


@require_GET
def tendril_js(request: HttpRequest) -> HttpResponse:
    plain, packed = snippet()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(packed if gzipped else plain, content_type="text/javascript")
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _origin_host(request: HttpRequest) -> tuple[str | None, str | None]:
    """The asking page's origin and host: ``Origin``, or ``Referer`` where a browser omits it."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin, urlsplit(origin).hostname
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}", parts.hostname
    return None, None


def _refused(message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"detail": message, "field": field}, status=status)


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def collect(request: HttpRequest) -> HttpResponse:
    """Store a hit. ``sendBeacon`` posts it as ``text/plain``, which needs no preflight; a
    preflight (``OPTIONS``) is answered for any origin, and the post itself decides."""
    origin, host = _origin_host(request)
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        if origin:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "POST"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "86400"
            response["Vary"] = "Origin"
        return response
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
        return _refused("payload too large", 413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _refused("the body is not JSON", 400)
    try:
        hit = services.hit_parse(body)
        site = selectors.site_by_key(hit.key)
        if site is None:
            return _refused("unknown site key", 403, "k")
        services.hit_record(site=site, hit=hit, origin_host=host)
    except DomainError as error:
        return _refused(error.message, error.status, error.field)
    response = HttpResponse(status=204)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response
