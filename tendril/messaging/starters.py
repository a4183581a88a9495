"""The starter library: five complete, responsive emails (newsletter, product announcement,
webinar invitation, ebook offer, welcome), each written in English, Vietnamese and Thai. A
marketer begins a new email from one and changes what they like; each has the preference
centre and unsubscribe links in its footer.

Kept in ``starters/`` as one layout (``layout.html``: the responsive frame and its styles, with
``$placeholders``), each email's own words (``<kind>.<language>.html``), each language's footer
(``footer.<language>.html``) and, in ``index.json``, names, subjects, titles, preheaders, each
kind's accent colour and each language's brand line. A starter is the layout filled in: the
marketer gets one complete HTML email."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

FOLDER = Path(__file__).parent / "starters"
KINDS = ("newsletter", "announcement", "webinar", "ebook", "welcome")
LANGUAGES = ("en", "vi", "th")


@dataclass(frozen=True)
class Starter:
    key: str  # "newsletter-vi"
    kind: str
    language: str
    name: str
    subject: str

    @property
    def html(self) -> str:
        index = _index()
        kind, language = index[self.kind], index[self.kind][self.language]
        layout = (FOLDER / "layout.html").read_text(encoding="utf-8")
        return Template(layout).substitute(
            lang=self.language,
            title=language["title"],
            preheader=language["preheader"],
            accent=kind["accent"],
            brand=index["languages"][self.language]["brand"],
            content=_file(f"{self.kind}.{self.language}.html"),
            footer=_file(f"footer.{self.language}.html"),
        )


def _file(name: str) -> str:
    """A part, without the newline that ends the file."""
    return (FOLDER / name).read_text(encoding="utf-8").removesuffix("\n")


@cache
def _index() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_file("index.json"))
    return loaded


@cache
def starters() -> tuple[Starter, ...]:
    """Every starter, by kind then language (English, Vietnamese, Thai)."""
    index = _index()
    return tuple(
        Starter(
            key=f"{kind}-{language}",
            kind=kind,
            language=language,
            name=index[kind][language]["name"],
            subject=index[kind][language]["subject"],
        )
        for kind in KINDS
        for language in LANGUAGES
    )


def starter_get(key: str) -> Starter | None:
    return next((s for s in starters() if s.key == key), None)
