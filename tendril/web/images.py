"""Pictures uploaded for landing pages' image blocks: kept in the ``page-images`` folder under a
random name and served publicly at ``/p/img/<random>.<ext>`` (a stable address nobody can
guess), with their own type, ``nosniff``, a long cache and a policy that runs nothing.

Only PNG, JPEG, WebP and GIF are taken, recognised by their first bytes, never by the file's
name: a file called ``.png`` that is really HTML is refused, and so is SVG, which can carry
script. The bytes are kept as uploaded (nothing is re-encoded).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.core import clock
from tendril.core.errors import InvalidInput
from tendril.core.files import private_dir, private_open
from tendril.web.models import PageImage

MAX_IMAGE_SIZE = 5 * 1024 * 1024
CHUNK = 256 * 1024
# (content type, extension) by the bytes a file starts with; WebP is RIFF....WEBP.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
EXTENSIONS = ("png", "jpg", "gif", "webp")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def images_dir() -> Path:
    return private_dir(Path(settings.VAR_DIR) / "page-images")


def image_path(image: PageImage) -> Path:
    return images_dir() / f"{image.stored}.{image.extension}"


def image_kind(head: bytes) -> tuple[str, str] | None:
    """The picture's content type and extension from its first bytes; None for anything else
    (HTML, SVG, a PDF named .png...)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def _refused() -> InvalidInput:
    return InvalidInput(
        _("Upload a PNG, JPEG, WebP or GIF picture (SVG cannot be used: it can carry script)."),
        field="file",
    )


def image_create(*, file_name: str, data: Readable, by: Actor) -> PageImage:
    """Keep an uploaded picture; refused when it is empty, over 5 MB or not a PNG, JPEG, WebP
    or GIF by its bytes. The file is written before its row and removed if anything fails."""
    stored = secrets.token_hex(16)
    head = data.read(CHUNK)
    kind = image_kind(head)
    if not head:
        raise InvalidInput(_("The file is empty."), field="file")
    if kind is None:
        raise _refused()
    content_type, extension = kind
    path = images_dir() / f"{stored}.{extension}"
    size = 0
    try:
        with private_open(path) as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_IMAGE_SIZE:
                    raise InvalidInput(
                        _("A picture is at most %(mb)s MB.") % {"mb": MAX_IMAGE_SIZE // 2**20},
                        field="file",
                    )
                out.write(chunk)
                chunk = data.read(CHUNK)
        with transaction.atomic():
            image = PageImage.objects.create(
                name=(Path(file_name).name or stored)[:255],
                content_type=content_type,
                extension=extension,
                size=size,
                stored=stored,
                created_by=by if isinstance(by, User) else None,
                created_at=clock.now(),
            )
            audit_record(
                actor=by,
                action="page_image.create",
                target_type="page_image",
                target_id=image.pk,
                detail={"name": image.name, "size": size},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return image


def image_path_url(image: PageImage) -> str:
    """The picture's public address on this server (what an image block's ``src`` is)."""
    return reverse("web:page_image", args=[image.stored, image.extension])


def image_url(image: PageImage) -> str:
    """The same address in full, at ``TENDRIL_BASE_URL`` (for the API)."""
    return settings.BASE_URL + image_path_url(image)


def image_open(*, stored: str, extension: str) -> tuple[PageImage, IO[bytes]] | None:
    """The picture at ``/p/img/<stored>.<extension>``, opened; None when there is none."""
    image = PageImage.objects.filter(stored=stored, extension=extension).first()
    if image is None or not image_path(image).exists():
        return None
    return image, image_path(image).open("rb")
