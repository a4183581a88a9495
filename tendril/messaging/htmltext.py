"""The plain-text part of an email made from its HTML, for mail clients that show no HTML and
for spam filters that compare both parts: paragraphs and headings as blocks, links as
"text (url)", list items as "- item", table cells side by side, nothing of <style>, <script>
or <head>. Built on the standard library's HTML parser, which takes any broken HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset(
    {"p", "div", "table", "tr", "ul", "ol", "blockquote", "section", "article", "header",
     "footer", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center"}
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HIDDEN = frozenset({"head", "style", "script", "title", "template"})
WIDTH = 72


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.links: list[tuple[str, int]] = []
        self.heading: list[int] = []

    def _break(self, lines: int = 2) -> None:
        self.out.append("\n" * lines)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._break(1)
        elif tag == "li":
            self._break(1)
            self.out.append("- ")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.out.append(alt)
        if tag in BLOCKS:
            self._break()
        if tag in HEADINGS:
            self.heading.append(len(self.out))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = _squash("".join(self.out[start:]))
            # A link whose text is its address, or a mailto/anchor, needs no repeat.
            if href and not href.startswith(("#", "mailto:")) and href != label:
                self.out.append(f" ({href})" if label else href)
        elif tag in HEADINGS and self.heading:
            start = self.heading.pop()
            self.out[start:] = [_squash("".join(self.out[start:])).upper()]
        if tag in BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(re.sub(r"\s+", " ", data))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def html_to_text(html: str) -> str:
    """The text a reader would see in ``html``, as plain text paragraphs."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip() + "\n" if text.strip() else ""
