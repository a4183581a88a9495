"""Gated content: files (ebooks, white papers) given away behind a form. The file is kept in the
private ``assets`` folder under a random name; the only way to it is a signed link the form's
thank-you page gives the person who filled it, valid for a day and bound to them, so every
download is recorded as theirs (``asset_downloaded``)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.core import clock
from tendril.core.errors import Conflict, DomainError, InvalidInput
from tendril.core.files import private_dir, private_open
from tendril.core.models import EventSource
from tendril.web.models import Asset

MAX_SIZE = 50 * 1024 * 1024
# What marketers give away; anything that a browser would run (HTML, SVG, scripts) is refused.
TYPES = {
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}
LINK_SALT = "tendril.web.asset"
LINK_MAX_AGE = timedelta(days=1)
CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class LinkRefused(DomainError):
    status = 400


def assets_dir() -> Path:
    return private_dir(Path(settings.VAR_DIR) / "assets")


def asset_path(asset: Asset) -> Path:
    return assets_dir() / asset.stored


def asset_create(*, name: object, file_name: str, data: Readable, by: Actor) -> Asset:
    """Keep an uploaded file as an asset; refused when it is empty, too large or of a kind a
    browser would run."""
    title = name.strip() if isinstance(name, str) else ""
    if not title or len(title) > 200 or "\x00" in title:
        raise InvalidInput(_("Give the file a name of at most 200 characters."), field="name")
    suffix = Path(file_name).suffix.lower()
    if suffix not in TYPES:
        raise InvalidInput(
            _("Files of this kind cannot be given away; use one of %(kinds)s.")
            % {"kinds": ", ".join(sorted(TYPES))},
            field="file",
        )
    stored = secrets.token_hex(16)
    size = 0
    path = assets_dir() / stored
    try:
        with private_open(path) as out:
            while chunk := data.read(CHUNK):
                size += len(chunk)
                if size > MAX_SIZE:
                    raise InvalidInput(
                        _("A file is at most %(mb)s MB.") % {"mb": MAX_SIZE // 2**20}, field="file"
                    )
                out.write(chunk)
        if not size:
            raise InvalidInput(_("The file is empty."), field="file")
        with transaction.atomic():
            asset = Asset.objects.create(
                name=title,
                file_name=Path(file_name).name[:255],
                content_type=TYPES[suffix],
                size=size,
                stored=stored,
                created_by=by if isinstance(by, User) else None,
                created_at=clock.now(),
            )
            audit_record(
                actor=by,
                action="asset.create",
                target_type="asset",
                target_id=asset.pk,
                detail={"name": asset.name, "file": asset.file_name, "size": size},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return asset


def asset_delete(*, asset: Asset, by: Actor) -> None:
    """The file goes with its row; refused while a form gives it away or a landing page's
    draft or published blocks show it (its row locked first, as a page saving it locks it)."""
    # Imported here: the selectors read the blocks, whose forms import this module.
    from tendril.web.selectors import pages_using
    from tendril.web.services import asset_in_use_message

    with transaction.atomic():
        if Asset.objects.select_for_update().filter(pk=asset.pk).first() is None:
            return
        pages = pages_using(asset=asset)
        if pages:
            raise Conflict(asset_in_use_message(pages), field="asset")
        audit_record(
            actor=by,
            action="asset.delete",
            target_type="asset",
            target_id=asset.pk,
            detail={"name": asset.name, "file": asset.file_name},
        )
        try:
            asset.delete()
        except ProtectedError:
            raise Conflict(
                _("A form gives this file away; change the form first."), field="asset"
            ) from None
        transaction.on_commit(lambda: asset_path(asset).unlink(missing_ok=True))


def download_token(asset: Asset, *, contact_id: int, visitor: str) -> str:
    return signing.dumps({"a": asset.pk, "c": contact_id, "v": visitor}, salt=LINK_SALT)


def download_open(*, token: str) -> tuple[Asset, IO[bytes]]:
    """The asset a download link names, opened, with ``asset_downloaded`` recorded for the
    person it was given to; a tampered, expired or dead link is refused."""
    try:
        said = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(_("This download link has expired: fill the form again.")) from None
    except signing.BadSignature:
        raise LinkRefused(_("This download link is not valid.")) from None
    asset = Asset.objects.filter(pk=said.get("a")).first()
    if asset is None or not asset_path(asset).exists():
        raise LinkRefused(_("This file is no longer available."))
    visitor = said.get("v") if isinstance(said.get("v"), str) else ""
    events_ingest(
        items=[
            NewEvent(
                type="asset_downloaded",
                properties={"asset": asset.name, "asset_id": asset.pk},
                contact_id=said.get("c"),
                visitor_id=visitor,
            )
        ],
        source=EventSource.TRACKING,
    )
    return asset, asset_path(asset).open("rb")
