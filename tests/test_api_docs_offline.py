"""``/api/docs`` works on an offline install: Swagger UI from our own static files only."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_references_only_local_urls():
    response = Client().get("/api/docs")

    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert response.status_code == 200
    assert urls and all(url.startswith("/") or url == "data:," for url in urls), urls
    assert "//" not in "".join(u for u in urls if u != "data:,")
    # No address of another host anywhere in the page (settings and inline JSON included).
    assert re.findall(r"https?://|//cdn|unpkg|jsdelivr", html) == []
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert "/api/openapi.json" in html


def test_the_files_the_api_docs_page_loads_are_built():
    for name in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "api-docs.js"):
        assert finders.find(f"build/{name}") is not None, name
