"""Landing page screens and the public page.

Screens (signed-in users; admins and marketers change pages, everyone reads them, as for
forms): the list with each page's visitors, conversions and conversion rate, a page's own
screen (its figures and visitors per day, publish, unpublish, delete), the block editor, and
the preview of the draft (``noindex``, marked "Preview", sends and counts nothing).

Public (no sign-in): ``/p/<slug>``, the published blocks with the page's SEO tags; a view is
recorded as the visitor of the first-party ``tendril_vid`` cookie (made here when missing, as
the snippet makes it) unless the browser asks not to be tracked. ``/p/<slug>?sent=<marker>`` is
where a form sent from the page lands (its thank-you shown, no view recorded).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date

from babel.dates import format_skeleton
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import to_locale
from django.views.decorators.http import require_http_methods, require_POST

from tendril.accounts.permissions import AuthedRequest, is_marketing
from tendril.core.errors import DomainError
from tendril.tracking.services import VISITOR
from tendril.tracking.visits import client_ip
from tendril.ui.views import confirm_page, confirmed, form_error, found, paginate, role_required
from tendril.web import blocks, images, landing, selectors
from tendril.web.forms import LANGUAGE_LABELS, PageSettings
from tendril.web.models import LandingPage
from tendril.web.selectors import page_figures

VISITOR_COOKIE = "tendril_vid"
SESSION_COOKIE = "tendril_sid"
# As the snippet keeps them: the visitor two years after the last visit, the visit 30 minutes.
VISITOR_AGE = 2 * 365 * 24 * 3600
SESSION_AGE = 30 * 60
# No script at all; pictures may come from any https address (the image block's).
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; script-src 'none'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CHART_DAYS = 30


def _short_day(value: date) -> str:
    """A day as the chart's axis shows it in the page's language: "Mar 5", "5 thg 3"."""
    return str(format_skeleton("MMMd", value, locale=to_locale(translation.get_language() or "en")))


def public_url(page: LandingPage) -> str:
    return settings.BASE_URL + reverse("web:landing_page", args=[page.slug])


# --- the page as visitors see it --------------------------------------------------------------


def page_response(
    request: HttpRequest,
    page: LandingPage,
    *,
    preview: bool = False,
    visitor: str = "",
    url: str = "",
    posted: Mapping[int, blocks.PostedForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page drawn in its own language: the draft in a preview, else what was published;
    ``posted`` is a form of the page sent back to it (its errors, or its thank-you)."""
    with translation.override(page.language):
        context = blocks.RenderContext(
            page=page,
            preview=preview,
            visitor=visitor,
            url=url or public_url(page),
            request=request,
            posted=posted or {},
        )
        body = blocks.blocks_render(page.blocks if preview else page.published_blocks, context)
        response = render(
            request,
            "web/landing_page.html",
            {
                "page": page,
                "title": page.seo_title or page.name,
                "canonical": public_url(page),
                "body": body,
                "preview": preview,
            },
            status=status,
        )
    response["Content-Security-Policy"] = PAGE_POLICY
    response["Cache-Control"] = "private, no-cache"
    if preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _do_not_track(request: HttpRequest) -> bool:
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


def _browser_id(request: HttpRequest, name: str) -> str:
    """The cookie's id when it has the snippet's shape, else a new one like the snippet's."""
    value = request.COOKIES.get(name, "")
    return value if VISITOR.match(value) else secrets.token_hex(16)


@require_http_methods(["GET", "HEAD"])
def landing_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_published_get(slug)
    if page is None:
        raise Http404
    url = settings.BASE_URL + request.get_full_path()
    sent = landing.sent_marker_read(token=request.GET.get("sent", ""), page=page)
    if sent is not None:
        # Back from sending a form (or refreshed since): its thank-you in place of the form,
        # and no second view of the page.
        download = reverse("web:asset_download", args=[sent.download]) if sent.download else ""
        posted = {
            sent.form_id: blocks.PostedForm(values={}, errors={}, done=True, download=download)
        }
        return page_response(request, page, url=public_url(page), posted=posted)
    if _do_not_track(request) or request.method == "HEAD":
        return page_response(request, page, url=url)
    visitor = _browser_id(request, VISITOR_COOKIE)
    session = _browser_id(request, SESSION_COOKIE)
    landing.page_view_record(
        page=page,
        visitor=visitor,
        url=url,
        referrer=request.headers.get("Referer", ""),
        session=session,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    response = page_response(request, page, visitor=visitor, url=url)
    secure = settings.BASE_URL.startswith("https://")
    # Readable by the snippet (not HttpOnly): the same first-party ids it keeps.
    for name, value, age in (
        (VISITOR_COOKIE, visitor, VISITOR_AGE),
        (SESSION_COOKIE, session, SESSION_AGE),
    ):
        response.set_cookie(name, value, max_age=age, samesite="Lax", secure=secure)
    return response


@require_http_methods(["GET", "HEAD"])
def page_image(request: HttpRequest, stored: str, extension: str) -> FileResponse:
    """A picture uploaded for image blocks: public under its unguessable address, which never
    changes (so cached for a year), its type from its bytes and never sniffed, and a policy
    that runs nothing should a browser open it as a document."""
    opened = images.image_open(stored=stored, extension=extension)
    if opened is None:
        raise Http404
    image, data = opened
    response = FileResponse(data, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@login_required
def page_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    page = found(selectors.page_get_for, request.user, pk)
    return page_response(request, page, preview=True)


# --- screens -----------------------------------------------------------------------------------


def in_use_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    pages: list[LandingPage],
    back_url: str,
    status: int = 200,
) -> HttpResponse:
    """Asked to delete a form or a file that landing pages show: the pages named and linked,
    and no delete button (409 when the deletion itself was refused)."""
    context = {
        "title": title,
        "message": message,
        "pages": pages,
        "back_url": back_url,
    }
    return render(request, "web/in_use.html", context, status=status)


def _order(request: HttpRequest) -> str:
    order = request.GET.get("order", "name")
    return order if order.removeprefix("-") in selectors.PAGE_ORDERS else "name"


@login_required
def page_list(request: AuthedRequest) -> HttpResponse:
    order = _order(request)
    page = paginate(request, selectors.page_list(order=order))
    rows = [
        {
            "page": item,
            "figures": page_figures(item),
            "url": public_url(item),
            "path": reverse("web:landing_page", args=[item.slug]),
        }
        for item in page.object_list
    ]
    context = {"page": page, "rows": rows, "order": order, "can_edit": is_marketing(request.user)}
    return render(request, "web/page_list.html", context)


@login_required
def page_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    page = found(selectors.page_get_for, request.user, pk)
    per_day = selectors.page_visitors_per_day(page=page, days=CHART_DAYS)
    context = {
        "landing": page,
        "figures": page_figures(page),
        "public_url": public_url(page),
        "language": LANGUAGE_LABELS.get(page.language, page.language),
        "days": CHART_DAYS,
        "blocks": [
            {
                "label": kind.label
                if (kind := blocks.block_type_get(b.get("type")))
                else b.get("type")
            }
            for b in page.blocks
        ],
        "visitors_chart": {
            "labels": [_short_day(day) for day, _count in per_day],
            "label": _("Visitors"),
            "values": [count for _day, count in per_day],
        },
        "can_edit": is_marketing(request.user),
    }
    return render(request, "web/page_detail.html", context)


def _posted_blocks(raw: str) -> object:
    try:
        return json.loads(raw or "[]")
    except ValueError:
        return None


def _editor(
    request: AuthedRequest,
    page: LandingPage | None,
    settings_form: PageSettings,
    draft: object,
    problems: list[blocks.Problem],
    refused: bool,
) -> HttpResponse:
    by_block: dict[str, dict[str, str]] = {}
    general = []
    for problem in problems:
        if problem.index < 0:
            general.append(problem.message)
        else:
            by_block.setdefault(str(problem.index), {})[problem.field or "_"] = problem.message
    context = {
        "landing": page,
        "settings_form": settings_form,
        "editor": {
            "types": blocks.editor_types(
                selectors.form_list(), selectors.asset_list(), selectors.image_list()
            ),
            "blocks": draft if isinstance(draft, list) else [],
            "errors": by_block,
            # The image field uploads through the API with the session (and its CSRF token).
            "upload_url": "/api/v1/pages/images",
            "labels": {
                "block": _("Block %(n)s"),
                "up": _("Move up"),
                "down": _("Move down"),
                "remove": _("Delete block"),
                "unknown": _("Unknown"),
                "upload": _("Upload a picture"),
                "uploading": _("Uploading…"),
                "upload_failed": _("The picture could not be uploaded: try again."),
            },
        },
        "general_problems": general,
    }
    return render(request, "web/page_form.html", context, status=422 if refused else 200)


def _builder(request: AuthedRequest, page: LandingPage | None) -> HttpResponse:
    if request.method != "POST":
        draft = page.blocks if page else []
        return _editor(request, page, PageSettings.for_page(page), draft, [], False)
    settings_form = PageSettings(request.POST)
    draft = _posted_blocks(request.POST.get("blocks", ""))
    _cleaned, problems = blocks.blocks_check(draft)
    if draft is None:
        problems = [blocks.Problem(-1, "", _("The blocks could not be read: try again."))]
    if not settings_form.is_valid() or problems:
        return _editor(request, page, settings_form, draft, problems, True)
    data = {**settings_form.service_data(), "blocks": draft}
    try:
        if page is None:
            page = landing.page_create(data=data, by=request.user)
        else:
            page = landing.page_update(page=page, data=data, by=request.user)
    except DomainError as exc:
        if (exc.field or "").startswith("blocks"):
            problems = [blocks.Problem(-1, "", exc.message)]
        else:
            form_error(settings_form, exc)
        return _editor(request, page, settings_form, draft, problems, True)
    messages.success(request, _("The draft of %(name)s was saved.") % {"name": page.name})
    if request.POST.get("then") == "preview":
        return redirect("web:page_preview", pk=page.pk)
    return redirect("web:page_detail", pk=page.pk)


@role_required(is_marketing)
def page_new(request: AuthedRequest) -> HttpResponse:
    return _builder(request, None)


@role_required(is_marketing)
def page_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _builder(request, found(selectors.page_get_for, request.user, pk))


@require_POST
@role_required(is_marketing)
def page_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    page = found(selectors.page_get_for, request.user, pk)
    try:
        page = landing.page_publish(page=page, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is published at %(url)s.") % {"name": page.name, "url": public_url(page)},
        )
    return redirect("web:page_detail", pk=page.pk)


@require_POST
@role_required(is_marketing)
def page_unpublish(request: AuthedRequest, pk: int) -> HttpResponse:
    page = landing.page_unpublish(
        page=found(selectors.page_get_for, request.user, pk), by=request.user
    )
    messages.success(request, _("%(name)s is no longer public.") % {"name": page.name})
    return redirect("web:page_detail", pk=page.pk)


@role_required(is_marketing)
def page_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    page = found(selectors.page_get_for, request.user, pk)
    if confirmed(request):
        landing.page_delete(page=page, by=request.user)
        messages.success(request, _("The page %(name)s was deleted.") % {"name": page.name})
        return redirect("web:page_list")
    return confirm_page(
        request,
        title=_("Delete the page %(name)s?") % {"name": page.name},
        text=_(
            "Its address stops working at once and its figures are deleted. The contacts its "
            "forms made and what they did are kept."
        ),
        button=_("Delete page"),
        cancel_url=reverse("web:page_detail", args=[page.pk]),
    )
