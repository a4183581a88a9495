"""Reading the CSV file: encoding (UTF-8 with or without BOM, UTF-16, Windows-1252 lines as a
fallback), the delimiter sniffed from the header, the header checks, row streaming with line
numbers, and the preview the import screen shows before starting.

Every read is bounded, so no file can pin a core or fill the memory: the header line may hold
``MAX_HEADER_BYTES`` and ``MAX_COLUMNS`` columns (more is refused before anything else is read);
a row may hold ``MAX_ROW_BYTES`` over at most ``MAX_ROW_LINES`` lines (a longer one is rejected
and skipped in bounded pieces).

A row is one line unless a quoted value spans lines (a spreadsheet cell with line breaks). A
quote that is never closed must not swallow the rows after it, as Python's csv module would (it
reads on to the end of the file, or to the next stray quote, and returns one giant row). So the
rows are parsed in strict mode, every line handed to the parser is kept until its row is done,
and a row that fails (an unclosed or misplaced quote, too long, too many lines, or joined into
more cells than the header has) is rejected under its own line number alone: its other lines
are handed back and read again as rows of their own.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, AnyStr, TypedDict

from django.utils.translation import gettext as _

from tendril.contacts.importer.mapping import suggest_target
from tendril.contacts.services import custom_field_definitions
from tendril.core.errors import InvalidInput

PREVIEW_ROWS = 5
MAX_HEADER_BYTES = 64 * 1024
MAX_COLUMNS = 500
MAX_ROW_BYTES = 128 * 1024
MAX_ROW_LINES = 100
_SKIP_PIECE = 64 * 1024
_QUOTED = re.compile(r'"[^"]*"')


class ImportPreview(TypedDict):
    headers: list[str]
    suggested_mapping: dict[str, str | None]
    rows: list[list[str]]
    encoding: str
    delimiter: str


class _Overlong:
    """A line longer than the limit: its text was skipped, never held in memory."""


OVERLONG = _Overlong()
Line = str | _Overlong


class _RowTooLong(Exception):
    """The row being parsed has passed MAX_ROW_BYTES or MAX_ROW_LINES."""


def _sniff(line: str) -> str:
    unquoted = _QUOTED.sub("", line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _bounded(
    stream: IO[AnyStr], limit: int, endings: AnyStr | tuple[AnyStr, ...]
) -> AnyStr | _Overlong:
    """``stream``'s next line, or ``OVERLONG`` (the rest of the line skipped in bounded pieces)
    when it is longer than ``limit``."""
    line = stream.readline(limit + 1)
    if len(line) <= limit:
        return line
    while line and not line.endswith(endings):
        line = stream.readline(_SKIP_PIECE)
    return OVERLONG


class _LineSource:
    """The file's physical lines as text, each read with a bounded ``readline``.

    UTF-16 (with its BOM) is decoded as a whole; anything else line by line, as UTF-8 or, for a
    line that is not valid UTF-8, Windows-1252 (Latin-1 for the five bytes it leaves undefined).
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.legacy_lines = 0
        self.utf8_lines = 0
        self.utf16 = raw.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        raw.seek(0)
        self.text = io.TextIOWrapper(raw, encoding="utf-16", newline="") if self.utf16 else None

    def line(self, limit: int) -> Line | None:
        """The next line with its line ending, ``OVERLONG`` past ``limit``, None at the end."""
        if self.text is not None:
            return _bounded(self.text, limit, ("\n", "\r")) or None
        line = _bounded(self.raw, limit, b"\n")
        if isinstance(line, _Overlong):
            return line
        if not line:
            return None
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            self.legacy_lines += 1
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
        else:
            if not line.isascii():
                self.utf8_lines += 1
        return text


class _Feed:
    """The lines handed to ``csv.reader``, numbered, with what it takes to read them again.

    The lines given out for the current row are kept in ``taken``; ``give_back`` puts all but
    the first back in front of the file, so a rejected row costs only its own first line.
    """

    def __init__(self, source: _LineSource, next_number: int) -> None:
        self.source = source
        self.next_number = next_number
        self.pending: deque[tuple[int, Line]] = deque()
        self.taken: list[tuple[int, Line]] = []
        self.size = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_ROW_LINES or self.size > MAX_ROW_BYTES:
            raise _RowTooLong
        if self.pending:
            item = self.pending.popleft()
        else:
            line = self.source.line(MAX_ROW_BYTES)
            if line is None:
                raise StopIteration
            item = (self.next_number, line)
            self.next_number += 1
        self.taken.append(item)
        line = item[1]
        if isinstance(line, _Overlong):
            raise _RowTooLong
        self.size += len(line)
        return line

    def start_row(self) -> None:
        self.taken.clear()
        self.size = 0

    def give_back(self) -> None:
        self.pending.extendleft(reversed(self.taken[1:]))


class CsvFile:
    """Rows of a CSV file as lists of text, with the line each starts on."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._source = _LineSource(raw)
        self.bom = False
        first = self._source.line(MAX_HEADER_BYTES)
        if isinstance(first, _Overlong):
            raise InvalidInput(
                _(
                    "the header row (the first line) is longer than %(limit)d KB: it should "
                    "only hold the column names. Check that the file is a CSV file."
                )
                % {"limit": MAX_HEADER_BYTES // 1024},
                field="file",
            )
        if first is None or not first.strip():
            raise InvalidInput(
                _(
                    "the file has no header row: its first line is empty. Put the column "
                    "names on the first line, for example email,first_name,last_name"
                ),
                field="file",
            )
        if first.startswith("\ufeff"):
            self.bom = True
            first = first[1:]
        self.delimiter = _sniff(first)
        self.headers = self._header(first)
        self.width = len(self.headers)
        self._feed = _Feed(self._source, next_number=2)
        self._reader = csv.reader(self._feed, delimiter=self.delimiter, strict=True)

    def _header(self, line: str) -> list[str]:
        try:
            rows = list(csv.reader([line], delimiter=self.delimiter, strict=True))
        except csv.Error:
            rows = []
        if len(rows) != 1:
            raise InvalidInput(
                _('the header row cannot be read: check the quotes (") in its column names'),
                field="file",
            )
        headers = [cell.strip() for cell in rows[0]]
        if len(headers) > MAX_COLUMNS:
            raise InvalidInput(
                _("the header row has %(count)d columns; an import takes at most %(limit)d")
                % {"count": len(headers), "limit": MAX_COLUMNS},
                field="file",
            )
        looks_like_data = [h for h in headers if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", h)]
        if looks_like_data:
            raise InvalidInput(
                _(
                    "the file has no header row: its first line holds data (%(value)s). Add a "
                    "first line with the column names, for example email,first_name,last_name"
                )
                % {"value": looks_like_data[0]},
                field="file",
            )
        return headers

    @property
    def encoding(self) -> str:
        source = self._source
        if source.utf16:
            return "utf-16"
        if not source.legacy_lines:
            return "utf-8-sig" if self.bom else "utf-8"
        return "windows-1252" if not source.utf8_lines else "utf-8 + windows-1252"

    def records(self) -> Iterator[tuple[int, list[str], str]]:
        """``(line number, cells, problem)``; blank lines are skipped."""
        feed, reader = self._feed, self._reader
        while True:
            feed.start_row()
            try:
                cells: list[str] | None = next(reader)
            except StopIteration:
                return
            except (csv.Error, _RowTooLong):
                cells = None
            # A quoted value that ran over lines into more cells than the header has is an
            # unclosed quote, not a value with line breaks.
            if cells is None or (len(feed.taken) > 1 and len(cells) > self.width):
                yield feed.taken[0][0], [], self._problem(feed.taken)
                feed.give_back()
                continue
            if any(cell.strip() for cell in cells):
                yield feed.taken[0][0], cells, ""

    @staticmethod
    def _problem(taken: list[tuple[int, Line]]) -> str:
        if len(taken) == 1 and isinstance(taken[0][1], _Overlong):
            return _("the row is longer than %(limit)d KB; it was skipped") % {
                "limit": MAX_ROW_BYTES // 1024
            }
        return _(
            'the row cannot be read: a quote (") in it is not closed, or is followed by more '
            'text before the next separator (a quote inside a value is written twice: "")'
        )


def import_preview(*, path: str | Path, rows: int = PREVIEW_ROWS) -> ImportPreview:
    """What the import screen shows before starting: headers, suggested fields, first rows."""
    customs = custom_field_definitions()
    with open(path, "rb") as raw:
        reader = CsvFile(raw)
        sample = [cells for _line, cells, _problem in islice(reader.records(), rows)]
        return {
            "headers": reader.headers,
            "suggested_mapping": {h: suggest_target(h, customs) for h in reader.headers if h},
            "rows": sample,
            "encoding": reader.encoding,
            "delimiter": reader.delimiter,
        }
