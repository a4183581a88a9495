"""A customer's website for browser tests: its own little server on 127.0.0.1, another origin
than Tendril's test server (localhost), so chromium sees a page of the loopback network (as a
page routed inside the browser would not be) and lets it load Tendril's scripts from loopback.
Each page carries the tracking snippet and whatever ``body`` the test gives it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Page

SHOP_HOST = "127.0.0.1"
# Headless chromium says "HeadlessChrome", which the collector takes for a robot, rightly.
PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def serve_shop(
    page: Page, live_server: Any, site_key: str, *, body: str = "", tag_attributes: str = ""
) -> str:
    """Start the shop's server (stopped with the test's page); returns the shop's address."""

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html = (
                f'<!doctype html><html lang="en"><head><title>Shop {self.path}</title>'
                f'<script async src="{live_server.url}/t/tendril.js" data-site="{site_key}"'
                f"{tag_attributes}></script></head><body>{body}</body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((SHOP_HOST, 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page.context.on("close", lambda _context: server.shutdown())
    return f"http://{SHOP_HOST}:{server.server_address[1]}"
