"""Static lists changed by a CSV file: the marketer uploads a file of emails (the column
found by its name, or chosen) and its contacts are added to the list, or removed from it.

Each row's email is read with its spreadsheet row number (the header being row 1).

The file is read with the contact import's reader (encodings, delimiters, quotes, bounded
lines: :class:`tendril.contacts.importer.reading.CsvFile`). Nothing is dropped silently: a row
without a usable email is kept as ``invalid`` with the reason, and a repeated email is counted.
The whole upload is bounded (``MAX_BYTES``, ``MAX_ROWS``) and refused before anything is
written when it is larger, so adding a list is one quick, all-or-nothing request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from tendril.accounts.services import Actor
from tendril.contacts.importer.mapping import norm_name, suggest_target
from tendril.contacts.importer.reading import CsvFile
from tendril.core.emails import email_normalise
from tendril.core.errors import InvalidInput
from tendril.segments.models import Segment
from tendril.segments.services import segment_contacts_by_email

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# How much of a bad cell's text the report keeps.
VALUE_SHOWN = 200


@dataclass(frozen=True)
class BadRow:
    row: int
    value: str
    detail: str


@dataclass
class EmailRows:
    """The emails of a file, each once, with the row it first appears on."""

    column: str
    rows: int = 0
    emails: list[tuple[int, str]] = field(default_factory=list)
    invalid: list[BadRow] = field(default_factory=list)
    repeated: int = 0


def _column_index(headers: list[str], column: str | None) -> int:
    """The chosen column by its header (case and spaces do not matter), else the one that
    names an email ("Email", "E-mail address", "Work email"...), else the only column."""
    if column:
        wanted = column.strip().casefold()
        for index, header in enumerate(headers):
            if header.casefold() == wanted:
                return index
        raise InvalidInput(
            _("The file has no column '%(column)s'. Its columns are: %(columns)s.")
            % {"column": column[:VALUE_SHOWN], "columns": ", ".join(headers)[:1000]},
            field="column",
        )
    for index, header in enumerate(headers):
        if suggest_target(header, {}) == "email":
            return index
    # "Work email", "Email of the guest": the one column whose name says email.
    emailish = [i for i, header in enumerate(headers) if "email" in norm_name(header)]
    if len(emailish) == 1:
        return emailish[0]
    if len(headers) == 1:
        return 0
    raise InvalidInput(
        _("No column is named like an email. Choose the column, one of: %(columns)s.")
        % {"columns": ", ".join(headers)[:1000]},
        field="column",
    )


def email_rows_read(*, file: IO[bytes], size: int, column: str | None = None) -> EmailRows:
    """Every data row's email from an uploaded CSV file (see the module's docstring)."""
    if size > MAX_BYTES:
        raise InvalidInput(
            _(
                "The file is larger than %(mb)s MB. Split it, or import the people as "
                "contacts first and add them with a filter."
            )
            % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    reader = CsvFile(file)
    index = _column_index(reader.headers, column)
    found = EmailRows(column=reader.headers[index])
    seen: set[str] = set()
    for line, cells, problem in reader.records():
        found.rows += 1
        if found.rows > MAX_ROWS:
            raise InvalidInput(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": f"{MAX_ROWS:,}"},
                field="file",
            )
        raw = cells[index].strip() if index < len(cells) else ""
        email = email_normalise(raw) if raw else None
        if problem or email is None:
            detail = problem or (
                _("the email cell is empty") if not raw else _("this is not an email address")
            )
            found.invalid.append(BadRow(line, raw[:VALUE_SHOWN], detail))
        elif email in seen:
            found.repeated += 1
        else:
            seen.add(email)
            found.emails.append((line, email))
    return found


@dataclass(frozen=True)
class UploadReport:
    """Every data row is accounted for: ``rows`` = ``matched`` + ``repeated`` +
    ``len(not_found)`` + ``len(invalid)``; ``matched`` = ``changed`` + ``already``."""

    column: str
    remove: bool
    rows: int
    matched: int
    changed: int
    already: int
    repeated: int
    not_found: list[tuple[int, str]]
    invalid: list[BadRow]


def segment_contacts_upload(
    *,
    segment: Segment,
    file: IO[bytes],
    size: int,
    column: str | None = None,
    remove: bool = False,
    by: Actor,
) -> UploadReport:
    """A CSV file's contacts added to a static segment (or removed from it); the file is read
    whole before anything is written, so a refused file changes nothing."""
    read = email_rows_read(file=file, size=size, column=column)
    change = segment_contacts_by_email(segment=segment, emails=read.emails, remove=remove, by=by)
    return UploadReport(
        column=read.column,
        remove=remove,
        rows=read.rows,
        matched=change.matched,
        changed=change.changed,
        already=change.already,
        repeated=read.repeated,
        not_found=change.not_found,
        invalid=read.invalid,
    )
