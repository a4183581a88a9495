"""Writes of landing pages: the page itself (its name, address, SEO texts and draft blocks, each
checked by its block type), publishing (the draft copied to what visitors see) and
unpublishing, deletion, and a visit to a published page (``page_view`` recorded as the
visitor through the event ingest, and the visitor's row for the page's figures).

A form sent from a page marks its visitor converted: ``services.landing_visit_convert``, on the
form submission's path. The browser is then sent back to the page with a short-lived signed
marker (:func:`sent_marker`) that makes the page show that form's thank-you (post/redirect/get:
refreshing shows it again and sends nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.core import clock
from tendril.core.errors import Conflict, InvalidInput
from tendril.core.limits import over_per_minute
from tendril.core.models import EventSource
from tendril.core.text import search_fold
from tendril.tracking.organisations import visit_company
from tendril.tracking.services import MAX_URL, UTM_KEYS, VISITOR
from tendril.tracking.visits import is_robot, source_of
from tendril.web.blocks import blocks_clean, blocks_references
from tendril.web.models import Asset, Form, LandingPage, LandingVisit

MAX_NAME = 200
MAX_SLUG = 100
MAX_SEO_TITLE = 200
MAX_SEO_DESCRIPTION = 500
LANGUAGES = ("en", "vi", "th")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Views of one page by one browser per minute before it is a robot, not a person.
MAX_VIEWS_PER_MINUTE = 60
SENT_SALT = "tendril.web.sent"
# How long the page shows a form's thank-you after it was sent (a refresh, a back button).
SENT_MAX_AGE = 10 * 60
MAX_SENT_MARKER = 2000


def slug_from(text: str) -> str:
    """An address made from a name: Latin letters without their accents ("Sách điện tử" →
    "sach-dien-tu"), everything else a hyphen; empty for a name with no Latin letter or
    digit (Thai), which then needs an address typed."""
    slug = re.sub(r"[^a-z0-9]+", "-", search_fold(text)).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def _name_clean(raw: object) -> str:
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        raise InvalidInput(_("Give the page a name."), field="name")
    if len(name) > MAX_NAME or "\x00" in name:
        raise InvalidInput(_("A page's name is at most 200 characters."), field="name")
    return name


def _slug_clean(raw: object, *, name: str, page_id: int | None) -> str:
    typed = raw.strip().lower() if isinstance(raw, str) else ""
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput(_("The address is a text."), field="slug")
    slug = typed or slug_from(name)
    if not slug:
        raise InvalidInput(
            _("Type the page's address: its name has no Latin letters to make one from."),
            field="slug",
        )
    if len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise InvalidInput(
            _(
                "The address is made of lower-case letters a-z, digits and single hyphens, "
                "e.g. ebook-2026 (at most 100 characters)."
            ),
            field="slug",
        )
    taken = LandingPage.objects.filter(slug=slug)
    if page_id is not None:
        taken = taken.exclude(pk=page_id)
    if taken.exists():
        raise Conflict(
            _("Another page already has the address /p/%(slug)s.") % {"slug": slug}, field="slug"
        )
    return slug


def _text_clean(raw: object, name: str, limit: int) -> str:
    text = raw if isinstance(raw, str) else ""
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput(_("This is a text."), field=name)
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(_("This text is at most %(n)s characters.") % {"n": limit}, field=name)
    return " ".join(text.split())


def _image_clean(raw: object) -> str:
    url = raw.strip() if isinstance(raw, str) else ""
    if url and (not url.startswith("https://") or len(url) > MAX_URL or "\x00" in url):
        raise InvalidInput(
            _("The sharing image is an https:// address of a picture."), field="og_image"
        )
    return url


def _page_values(data: Mapping[str, Any], *, page: LandingPage | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = _name_clean(data["name"])
    if "slug" in data or page is None:
        name = values.get("name") or (page.name if page else "")
        values["slug"] = _slug_clean(data.get("slug"), name=name, page_id=page.pk if page else None)
    if "seo_title" in data:
        values["seo_title"] = _text_clean(data["seo_title"], "seo_title", MAX_SEO_TITLE)
    if "seo_description" in data:
        values["seo_description"] = _text_clean(
            data["seo_description"], "seo_description", MAX_SEO_DESCRIPTION
        )
    if "og_image" in data:
        values["og_image"] = _image_clean(data["og_image"])
    if "language" in data:
        if data["language"] not in LANGUAGES:
            raise InvalidInput(
                _("The page's language is one of %(languages)s.")
                % {"languages": ", ".join(LANGUAGES)},
                field="language",
            )
        values["language"] = data["language"]
    if "blocks" in data:
        values["blocks"] = blocks_clean(data["blocks"])
    return values


def _shown_lock(blocks: list[dict[str, Any]]) -> None:
    """Lock the forms and files the blocks show until the page's transaction ends: a form or
    file deleted at the same moment (which locks its row first too) either waits and then sees
    this page, and is refused, or is gone before this lock, and the page is refused."""
    forms, files = blocks_references(blocks)
    for model, ids, message in (
        (Form, forms, _("The form chosen no longer exists: choose another.")),
        (Asset, files, _("The file chosen no longer exists: choose another.")),
    ):
        locked = (
            list(model.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
            if ids
            else []
        )
        if len(locked) != len(ids):
            raise InvalidInput(message, field="blocks")


def _saved(page: LandingPage) -> None:
    """Save, turning a race on the address into the same Conflict as the check."""
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError:
        raise Conflict(
            _("Another page already has the address /p/%(slug)s.") % {"slug": page.slug},
            field="slug",
        ) from None


def _audit(page: LandingPage, action: str, by: Actor) -> None:
    audit_record(
        actor=by,
        action=f"landing_page.{action}",
        target_type="landing_page",
        target_id=page.pk,
        detail={"name": page.name, "slug": page.slug},
    )


@transaction.atomic
def page_create(*, data: Mapping[str, Any], by: Actor) -> LandingPage:
    """A new draft page; ``name`` is required, the address is made from it when not given."""
    values = _page_values({"name": None, **data}, page=None)
    _shown_lock(values.get("blocks", []))
    now = clock.now()
    user = by if isinstance(by, User) else None
    page = LandingPage(**values, created_by=user, updated_by=user, created_at=now, updated_at=now)
    _saved(page)
    _audit(page, "create", by)
    return page


@transaction.atomic
def page_update(*, page: LandingPage, data: Mapping[str, Any], by: Actor) -> LandingPage:
    """The given fields changed; ``blocks`` is the draft (visitors see it once published)."""
    page = LandingPage.objects.select_for_update().get(pk=page.pk)
    values = _page_values(data, page=page)
    _shown_lock(values.get("blocks", []))
    for name, value in values.items():
        setattr(page, name, value)
    page.updated_at = clock.now()
    page.updated_by = by if isinstance(by, User) else None
    _saved(page)
    _audit(page, "update", by)
    return page


@transaction.atomic
def page_publish(*, page: LandingPage, by: Actor) -> LandingPage:
    """Visitors see the draft from now on at ``/p/<slug>``. It is checked again first: a form
    or file it names may have been deleted since it was saved."""
    page = LandingPage.objects.select_for_update().get(pk=page.pk)
    blocks = blocks_clean(page.blocks)
    if not blocks:
        raise InvalidInput(_("Add at least one block before publishing."), field="blocks")
    _shown_lock(blocks)
    page.blocks = page.published_blocks = blocks
    page.published_at = page.updated_at = clock.now()
    page.updated_by = by if isinstance(by, User) else None
    page.save()
    _audit(page, "publish", by)
    return page


@transaction.atomic
def page_unpublish(*, page: LandingPage, by: Actor) -> LandingPage:
    """The page's address answers 404 again; its draft and its figures stay."""
    page = LandingPage.objects.select_for_update().get(pk=page.pk)
    page.published_blocks = []
    page.published_at = None
    page.updated_at = clock.now()
    page.updated_by = by if isinstance(by, User) else None
    page.save()
    _audit(page, "unpublish", by)
    return page


@transaction.atomic
def page_delete(*, page: LandingPage, by: Actor) -> None:
    """The page and its figures go; the page views and forms sent stay in the event log."""
    _audit(page, "delete", by)
    page.delete()


# --- visits ------------------------------------------------------------------------------------


def _utm(url: str) -> dict[str, str]:
    query = dict(parse_qsl(urlsplit(url).query))
    return {key: query[key][:500] for key in UTM_KEYS if query.get(key)}


def page_view_record(
    *,
    page: LandingPage,
    visitor: str,
    url: str,
    referrer: str = "",
    session: str = "",
    ip: str = "",
    user_agent: str = "",
    at: datetime | None = None,
) -> bool:
    """A view of the published page by the browser ``visitor`` (its ``tendril_vid``): a
    ``page_view`` through the event ingest, as the snippet's views are (url, title, referrer,
    source, utm_*, the company of the network), and the visitor's row for the page's figures,
    inserted once however many first views arrive at the same moment. Robots (by user agent or
    pace) are left out; returns whether the view was recorded. ``at``: when it happened, for
    views replayed after the fact (the demo); now otherwise."""
    if (
        not VISITOR.match(visitor)
        or is_robot(user_agent)
        or over_per_minute(f"landing:{page.pk}:{visitor}", MAX_VIEWS_PER_MINUTE)
    ):
        return False
    url = url[:MAX_URL]
    referrer = referrer[:MAX_URL] if referrer.startswith(("http://", "https://")) else ""
    internal = bool(referrer) and urlsplit(referrer).netloc == urlsplit(url).netloc
    properties: dict[str, Any] = {
        "url": url,
        "title": (page.seo_title or page.name)[:500],
        "referrer": referrer,
        "source": source_of(url, referrer, internal=internal),
        "landing_page": page.pk,
        **({"session": session} if session and VISITOR.match(session) else {}),
        **_utm(url),
    }
    company = visit_company(ip=ip, visitor_id=visitor)
    if company is not None:
        properties["company"] = company
    events_ingest(
        items=[
            NewEvent(type="page_view", properties=properties, visitor_id=visitor, occurred_at=at)
        ],
        source=EventSource.TRACKING,
        ids=False,
    )
    # ON CONFLICT DO NOTHING: the unique (page, visitor) keeps the first view's row.
    LandingVisit.objects.bulk_create(
        [LandingVisit(page=page, visitor_id=visitor, first_seen=at or clock.now())],
        ignore_conflicts=True,
    )
    return True


# --- a form sent from the page ----------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What a valid marker says: which form of the page was sent, and the signed download
    token of its file for the person who sent it ("" when it gives none)."""

    form_id: int
    download: str


def sent_marker(*, page: LandingPage, form_id: int, download: str) -> str:
    """The signed ``?sent=`` value the page is reached with after a form of it was accepted:
    the page, the form, the person's download token (itself signed and bound to them) and when,
    so nothing in the address can be changed or replayed after ``SENT_MAX_AGE``."""
    said = {"p": page.pk, "f": form_id, "d": download, "at": int(clock.now().timestamp())}
    return signing.dumps(said, salt=SENT_SALT, compress=True)


def sent_marker_read(*, token: str, page: LandingPage) -> Sent | None:
    """The form a marker says was sent on this page, or None for a missing, tampered, foreign
    or expired one (the page is then shown as usual)."""
    if not token or len(token) > MAX_SENT_MARKER:
        return None
    try:
        said = signing.loads(token, salt=SENT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(said, dict) or said.get("p") != page.pk:
        return None
    at, form_id, download = said.get("at"), said.get("f"), said.get("d")
    if not isinstance(at, int) or not isinstance(form_id, int) or not isinstance(download, str):
        return None
    if not 0 <= clock.now().timestamp() - at <= SENT_MAX_AGE:
        return None
    return Sent(form_id=form_id, download=download)
