"""Pictures uploaded for image blocks: taken by their bytes (PNG, JPEG, WebP, GIF; a ".png"
that is really HTML, and SVG, refused), at most 5 MB, served publicly at an unguessable stable
address with their type, nosniff, a long cache and a policy that runs nothing; the image block
shows an uploaded picture or an https address."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.web import images
from tendril.web.landing import page_create, page_publish
from tendril.web.models import PageImage
from tendril.web.tests.landing_helpers import PERSON

pytestmark = pytest.mark.django_db
# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.BASE_URL = "http://testserver"


def upload(client: Client, name: str, content: bytes) -> Any:
    return client.post("/api/v1/pages/images", {"file": SimpleUploadedFile(name, content)})


def stored_files(tmp_path: Any) -> list[Any]:
    folder = tmp_path / "page-images"
    return list(folder.iterdir()) if folder.exists() else []


def test_an_uploaded_picture_is_served_publicly_with_safe_headers(
    marketer_api: Client, sales_api: Client
) -> None:
    made = upload(marketer_api, "cover.png", PNG)

    assert made.status_code == 201, made.content
    answer = made.json()
    assert answer["name"] == "cover.png" and answer["content_type"] == "image/png"
    assert answer["size"] == len(PNG)
    assert re.fullmatch(r"http://testserver/p/img/[0-9a-f]{32}\.png", answer["url"])
    served = Client().get(answer["url"].removeprefix("http://testserver"))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert "max-age=31536000" in served["Cache-Control"] and "public" in served["Cache-Control"]
    listed = sales_api.get("/api/v1/pages/images").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == answer["id"]


@pytest.mark.parametrize(
    ("name", "content", "kind", "extension"),
    [
        ("photo.jpeg", JPEG, "image/jpeg", "jpg"),
        ("anim.gif", GIF, "image/gif", "gif"),
        ("modern.webp", WEBP, "image/webp", "webp"),
        ("named-wrongly.txt", PNG, "image/png", "png"),  # the bytes decide, not the name
    ],
)
def test_each_kind_is_known_by_its_bytes(
    marketer_api: Client, name: str, content: bytes, kind: str, extension: str
) -> None:
    answer = upload(marketer_api, name, content).json()
    assert answer["content_type"] == kind
    assert answer["url"].endswith(f".{extension}")


@pytest.mark.parametrize(
    ("name", "content"),
    [("cover.png", HTML), ("logo.svg", SVG), ("logo.png", SVG), ("empty.png", b"")],
)
def test_what_is_not_a_picture_by_its_bytes_is_refused_and_not_kept(
    marketer_api: Client, tmp_path: Any, name: str, content: bytes
) -> None:
    refused = upload(marketer_api, name, content)
    assert refused.status_code == 422
    assert refused.json()["field"] == "file"
    assert not PageImage.objects.exists() and not stored_files(tmp_path)


def test_a_picture_over_the_limit_is_refused_and_not_kept(
    marketer_api: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(images, "CHUNK", 16)
    monkeypatch.setattr(images, "MAX_IMAGE_SIZE", len(PNG) - 1)
    refused = upload(marketer_api, "big.png", PNG)
    assert refused.status_code == 422
    assert refused.json()["detail"] == "A picture is at most 0 MB."
    assert not PageImage.objects.exists() and not stored_files(tmp_path)


def test_the_real_limit_is_five_megabytes(marketer_api: Client, tmp_path: Any) -> None:
    too_big = PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG) + 1)
    refused = upload(marketer_api, "huge.png", too_big)
    assert refused.status_code == 422 and refused.json()["detail"] == "A picture is at most 5 MB."
    assert upload(marketer_api, "fits.png", too_big[:-1]).status_code == 201


def test_only_marketers_upload_and_unknown_pictures_are_404(sales_api: Client) -> None:
    assert upload(sales_api, "cover.png", PNG).status_code == 403
    assert Client().get("/p/img/" + "0" * 32 + ".png").status_code == 404
    assert Client().get("/p/img/../../etc/passwd").status_code == 404


def test_the_image_block_shows_an_uploaded_picture(marketer_api: Client) -> None:
    image = upload(marketer_api, "cover.png", PNG).json()
    made = marketer_api.post(
        "/api/v1/pages",
        {
            "name": "Cover",
            "blocks": [
                {"type": "image", "image": image["id"], "alt": 'Bìa "sách"'},
                {"type": "image", "url": "https://cdn.example.com/c.png", "alt": "Elsewhere"},
            ],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    marketer_api.post(f"/api/v1/pages/{made.json()['id']}/publish")

    html = Client().get("/p/cover", HTTP_USER_AGENT=PERSON).content.decode()
    path = image["url"].removeprefix("http://testserver")
    assert f'<img src="{path}" alt="Bìa &quot;sách&quot;" loading="lazy">' in html
    assert '<img src="https://cdn.example.com/c.png" alt="Elsewhere"' in html


@pytest.mark.parametrize(
    ("block", "path"),
    [
        ({"type": "image", "alt": "Nothing"}, "blocks[0].image"),
        ({"type": "image", "image": 999999, "alt": "Gone"}, "blocks[0].image"),
        (
            {"type": "image", "url": "http://plain.example.com/c.png", "alt": "Plain"},
            "blocks[0].url",
        ),
    ],
)
def test_an_image_block_needs_a_picture_or_an_https_address(
    marketer_api: Client, block: dict[str, Any], path: str
) -> None:
    refused = marketer_api.post(
        "/api/v1/pages", {"name": "Bad", "blocks": [block]}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["field"] == path


def test_the_editor_offers_the_uploaded_pictures(marketer: Any, marketer_api: Client) -> None:
    image = upload(marketer_api, "cover.png", PNG).json()
    page_publish(
        page=page_create(
            data={"name": "P", "blocks": [{"type": "image", "image": image["id"], "alt": "A"}]},
            by=None,
        ),
        by=None,
    )
    client = Client()
    client.force_login(marketer)
    html = client.get("/forms/pages/new/").content.decode()
    data = json.loads(
        re.search(
            r'<script id="page-editor-data" type="application/json">(.*?)</script>', html, re.S
        )[1]  # type: ignore[index]
    )
    kind = next(t for t in data["types"] if t["name"] == "image")
    field = next(f for f in kind["fields"] if f["name"] == "image")
    assert field["kind"] == "image"
    assert field["choices"] == [
        [str(image["id"]), "cover.png", image["url"].removeprefix("http://testserver")]
    ]
    assert data["upload_url"] == "/api/v1/pages/images"
