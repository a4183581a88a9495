"""Gated content: a file uploaded to give away behind a form; the thank-you page of that form
gives the person who filled it a signed, expiring link, and each download is recorded as
theirs. Files a browser would run are refused; tampered, expired and dead links get a 400."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.models import Event
from tendril.web import assets
from tendril.web.models import Asset
from tendril.web.services import form_create, render_token

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 a white paper\n%%EOF"
FIELDS = [{"key": "email", "label": "Email"}]


@pytest.fixture(autouse=True)
def _private_folder(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def open_bytes(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)


def upload(client: Client, name: str, file_name: str, content: bytes) -> Any:
    return client.post(
        "/api/v1/assets", {"name": name, "file": SimpleUploadedFile(file_name, content)}
    )


def test_a_file_is_given_once_the_form_is_filled_and_the_download_is_recorded(
    marketer_api: Client, client: Client
) -> None:
    made = upload(marketer_api, "White paper 2026", "white-paper.pdf", PDF)
    assert made.status_code == 201, made.content
    asset = made.json()
    assert (asset["size"], asset["content_type"]) == (len(PDF), "application/pdf")
    form = form_create(
        data={"name": "White paper", "fields": FIELDS, "asset": asset["id"]}, by=None
    )

    answer = client.post(
        f"/f/{form.key}",
        json.dumps({"email": "reader@example.com"}),
        content_type="application/json",
    )
    link = answer.json()["download_url"]
    got = client.get(link)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert got["Content-Disposition"].startswith('attachment; filename="white-paper.pdf"')
    reader = Contact.objects.get(email="reader@example.com")
    downloaded = Event.objects.get(type="asset_downloaded")
    assert downloaded.contact_id == reader.pk
    assert downloaded.properties == {"asset": "White paper 2026", "asset_id": asset["id"]}


def test_the_thank_you_page_shows_the_download_link(client: Client, tmp_path: Any) -> None:
    asset = assets.asset_create(name="Ebook", file_name="ebook.pdf", data=open_bytes(PDF), by=None)
    form = form_create(data={"name": "Ebook", "fields": FIELDS, "asset": asset.pk}, by=None)
    with time_machine.travel(clock.now().timestamp() - 60, tick=False):
        shown = render_token()
    page = client.post(f"/f/{form.key}", {"email": "e@example.com", "_t": shown})
    assert page.status_code == 200
    assert "/a/" in page.content.decode() and "Download Ebook" in page.content.decode()


def test_tampered_expired_and_dead_links_are_refused(client: Client) -> None:
    asset = assets.asset_create(name="Ebook", file_name="ebook.pdf", data=open_bytes(PDF), by=None)
    token = assets.download_token(asset, contact_id=1, visitor="")
    # A character of the signature changed (not the last: its low bits are base64 padding).
    tampered = token[:-5] + ("x" if token[-5] != "x" else "y") + token[-4:]
    assert client.get(f"/a/{tampered}").status_code == 400
    with time_machine.travel(clock.now() + timedelta(days=2)):
        assert client.get(f"/a/{token}").status_code == 400
    assets.asset_path(asset).unlink()
    assert client.get(f"/a/{token}").status_code == 400
    assert not Event.objects.filter(type="asset_downloaded").exists()


@pytest.mark.parametrize(
    ("file_name", "content", "field"),
    [
        ("page.html", b"<script>alert(1)</script>", "file"),
        ("logo.svg", b"<svg onload=alert(1)>", "file"),
        ("empty.pdf", b"", "file"),
    ],
)
def test_files_a_browser_would_run_and_empty_ones_are_refused(
    marketer_api: Client, file_name: str, content: bytes, field: str
) -> None:
    refused = upload(marketer_api, "X", file_name, content)
    assert refused.status_code == 422 and refused.json()["field"] == field
    assert not Asset.objects.exists()


def test_a_file_larger_than_allowed_is_refused_and_not_kept(
    marketer_api: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(assets, "MAX_SIZE", 10)
    refused = upload(marketer_api, "Big", "big.pdf", PDF)
    assert refused.status_code == 422
    assert not Asset.objects.exists() and not list((tmp_path / "assets").iterdir())


def test_a_file_a_form_gives_away_cannot_be_deleted(
    marketer_api: Client, sales_api: Client
) -> None:
    asset = upload(marketer_api, "Ebook", "ebook.pdf", PDF).json()
    form_create(data={"name": "Ebook", "fields": FIELDS, "asset": asset["id"]}, by=None)
    assert sales_api.delete(f"/api/v1/assets/{asset['id']}").status_code == 403
    assert marketer_api.delete(f"/api/v1/assets/{asset['id']}").status_code == 409
    assert sales_api.get("/api/v1/assets").json()["count"] == 1
