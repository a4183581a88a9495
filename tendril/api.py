"""The REST API (``/api/v1/...``): one NinjaAPI, one error shape, one router per app."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.operation import Operation
from ninja.parser import Parser

from tendril.accounts.api import router as accounts_router
from tendril.accounts.auth import api_auth
from tendril.alerts.api import router as alerts_router
from tendril.contacts.api import companies_router, contacts_router, fields_router
from tendril.contacts.api_events import router as events_router
from tendril.contacts.cleaning import storable_check
from tendril.core.errors import DomainError, InvalidInput, MalformedInput
from tendril.lifecycle.api import router as lifecycle_router
from tendril.messaging.api import router as messaging_router
from tendril.notifications.api import router as notifications_router
from tendril.personalisation.api import router as personalisation_router
from tendril.personas.api import router as personas_router
from tendril.preferences.api import router as preferences_router
from tendril.scoring.api import contact_score_router
from tendril.scoring.api import router as scoring_router
from tendril.segments.api import router as segments_router
from tendril.tracking.api import router as tracking_router
from tendril.web.api import router as web_router

logger = logging.getLogger(__name__)


class StorableParser(Parser):
    """JSON bodies and query strings, refused up front when they hold text no column can store."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        storable_check(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        values = super().parse_querydict(data, list_fields, request)
        storable_check({k: v for k, v in values.items() if isinstance(v, str | list)})
        return values


class LocalSwagger(Swagger):
    """``/api/docs`` from our own static files (swagger-ui-dist, built by ``make static``).

    Self-hosted installs are often offline, where ninja's CDN copy leaves a blank page; the page
    has no inline script, so it passes the Content-Security-Policy every HTML page carries.
    """

    template = "core/api_docs.html"

    def __init__(self) -> None:
        # validatorUrl: None keeps the page from sending the schema to swagger.io to be checked.
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings), "api": api}
        return render(request, self.template, context)


api = NinjaAPI(
    parser=StorableParser(),
    docs=LocalSwagger(),
    title="Tendril API",
    version="1",
    description="Contacts, companies, the event log and everything built on them. "
    'Errors are `{"detail": "<message>", "field": "<name or null>"}`.',
    auth=api_auth,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str, field: str | None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str | None:
    # ninja prefixes the place ("body", "query", "path") and sometimes the parameter name.
    # A bad dictionary key is reported at "<name>.<key>.[key]"; the key is the field.
    skipped = ("body", "query", "path", "form", "file", "data", "[key]")
    parts = [str(p) for p in loc if p not in skipped]
    if parts and parts[0] in ("payload", "params", "body_data"):
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.field)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_path(first.get("loc", ()))
    message = first.get("msg", "invalid input")
    if first.get("type") == "extra_forbidden":
        message = f"unknown field '{field}'"
    detail = f"{field}: {message}" if field and first.get("type") != "extra_forbidden" else message
    return _error(request, 422, detail, field)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "missing or invalid API key (send 'Authorization: Bearer <key>')", None
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # raised by the parser, wrapped by ninja
        return on_domain_error(request, exc.__cause__)
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = "the request body is not valid JSON"
    return _error(request, exc.status_code, detail, None)


@api.exception_handler(MultiPartParserError)
def on_multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return on_domain_error(
        request, MalformedInput(_("the upload cannot be read: %(error)s") % {"error": exc})
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return _error(request, 500, "something went wrong on our side; it has been logged", None)


def _query_names(operation: Operation) -> frozenset[str]:
    """The query parameters an operation declares, as a client spells them."""
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ != "query":
            continue
        flattened = getattr(model, "__ninja_flatten_map__", None)
        if flattened:
            names.update(flattened)
        else:
            names.update(f.alias or name for name, f in model.model_fields.items())
    return frozenset(names)


def refuse_unknown_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make every operation answer 422 naming a query parameter it does not take.

    ninja silently drops unknown query parameters, so ``?colour=red`` or a misspelt ``?emial=``
    would return the whole unfiltered list. Applied to each operation's ``run`` (which gives us
    the operation), the check itself wraps the view so that it runs after authentication: a
    caller without a key still gets 401 first.
    """
    operation: Operation = run.__self__  # type: ignore[attr-defined]
    allowed = _query_names(operation)
    view = operation.view_func

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(name for name in request.GET if name not in allowed)
        if unknown:
            raise InvalidInput(
                _("unknown query parameter '%(name)s'") % {"name": unknown[0]}, field=unknown[0]
            )
        return view(request, *args, **kwargs)

    operation.view_func = checked
    return run


api.add_decorator(refuse_unknown_query, mode="view")
api.add_router("/v1/contacts", contacts_router)
api.add_router("/v1/contacts", contact_score_router)
api.add_router("/v1/companies", companies_router)
api.add_router("/v1/companies", "tendril.tracking.api_networks.router")
api.add_router("/v1/custom-fields", fields_router)
api.add_router("/v1/events", events_router)
api.add_router("/v1/segments", segments_router)
api.add_router("/v1/scoring", scoring_router)
api.add_router("/v1", accounts_router)
api.add_router("/v1", lifecycle_router)
api.add_router("/v1", alerts_router)
api.add_router("/v1", personas_router)
api.add_router("/v1", preferences_router)
api.add_router("/v1", tracking_router)
api.add_router("/v1", personalisation_router)
api.add_router("/v1", web_router)
api.add_router("/v1", messaging_router)
api.add_router("/v1/notifications", notifications_router)
