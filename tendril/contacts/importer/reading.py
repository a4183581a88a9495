"""Reading the CSV file: encoding (UTF-8 with or without BOM, UTF-16, Windows-1252 lines as a
fallback), the delimiter sniffed from the header, the header checks, row streaming with line
numbers, and the preview the import screen shows before starting."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO, TypedDict

from django.utils.translation import gettext as _

from tendril.contacts.importer.mapping import suggest_target
from tendril.contacts.services import custom_field_definitions
from tendril.core.errors import InvalidInput

PREVIEW_ROWS = 5
_QUOTED = re.compile(r'"[^"]*"')


class ImportPreview(TypedDict):
    headers: list[str]
    suggested_mapping: dict[str, str | None]
    rows: list[list[str]]
    encoding: str
    delimiter: str


def _sniff(line: str) -> str:
    unquoted = _QUOTED.sub("", line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvFile:
    """Rows of a CSV file as lists of text, with the line each starts on."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.legacy_lines = 0
        self.utf8_lines = 0
        self.bom = False
        self.encoding_name = ""
        lines = self._lines(raw)
        first = next(lines, None)
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
        self._reader = csv.reader(chain([first], lines), delimiter=self.delimiter)
        try:
            self.headers = [cell.strip() for cell in next(self._reader)]
        except csv.Error as exc:
            raise InvalidInput(
                _("the header row cannot be read: %(error)s") % {"error": exc}, field="file"
            ) from None
        looks_like_data = [h for h in self.headers if re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", h)]
        if looks_like_data:
            raise InvalidInput(
                _(
                    "the file has no header row: its first line holds data (%(value)s). Add a "
                    "first line with the column names, for example email,first_name,last_name"
                )
                % {"value": looks_like_data[0]},
                field="file",
            )

    def _lines(self, raw: IO[bytes]) -> Iterator[str]:
        first = raw.readline()
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raw.seek(0)
            self.encoding_name = "utf-16"
            yield from io.TextIOWrapper(raw, encoding="utf-16", newline="")
            return
        for line in chain([first], raw):
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
            yield text

    @property
    def encoding(self) -> str:
        if self.encoding_name:
            return self.encoding_name
        if not self.legacy_lines:
            return "utf-8-sig" if self.bom else "utf-8"
        return "windows-1252" if not self.utf8_lines else "utf-8 + windows-1252"

    def records(self) -> Iterator[tuple[int, list[str], str]]:
        """``(line number, cells, problem)``; blank lines are skipped."""
        end = self._reader.line_num
        while True:
            start = end + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = self._reader.line_num
                yield start, [], _("the row cannot be read: %(error)s") % {"error": exc}
                continue
            end = self._reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells, ""


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
