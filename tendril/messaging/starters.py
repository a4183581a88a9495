"""The starter library: five complete, responsive emails (newsletter, product announcement,
webinar invitation, ebook offer, welcome), each written in English, Vietnamese and Thai, kept
as files in ``starters/`` (``<kind>.<language>.html``, their names and subjects in
``starters/index.json``). A marketer begins a new email from one and changes what they like;
each has the preference centre and unsubscribe links in its footer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
        return (FOLDER / f"{self.kind}.{self.language}.html").read_text(encoding="utf-8")


@cache
def starters() -> tuple[Starter, ...]:
    """Every starter, by kind then language (English, Vietnamese, Thai)."""
    index = json.loads((FOLDER / "index.json").read_text(encoding="utf-8"))
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
