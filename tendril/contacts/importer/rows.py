"""Cleaning one row into contact values with the API's rules, naming the column at fault, and
merging the rows of an email that appears more than once in the file (and knowing which rows
did, to count them)."""

from __future__ import annotations

import heapq
import re
from array import array
from bisect import bisect_left
from typing import Any

from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.contacts.cleaning import (
    TEXT_FIELDS,
    consent_clean,
    custom_value_clean,
    domain_clean,
    email_clean,
    language_clean,
    text_clean,
    whole_number_clean,
)
from tendril.contacts.importer.mapping import Column, norm_name
from tendril.contacts.models import Channel, Language, Stage
from tendril.contacts.services import custom_field_definitions
from tendril.contacts.stages import stage_clean, stage_rows
from tendril.core.errors import DomainError, InvalidInput

_GRANTED = {"granted", "yes", "y", "true", "1", "optin", "subscribed"}
_DENIED = {"denied", "no", "n", "false", "0", "optout", "unsubscribed"}
# Spreadsheet formula guard written by the exporter ("'=..."); taken off again on import.
_GUARDED = re.compile(r"^'[=+\-@\t\r]")
_LANGUAGE_NAMES = {"english": "en", "vietnamese": "vi", "thai": "th"}


class RowRules:
    """What cleaning a row needs, loaded once per import."""

    def __init__(self, columns: list[Column], headers: list[str]) -> None:
        self.columns = columns
        self.width = len(headers)
        self.unnamed = [i for i, header in enumerate(headers) if not header]
        self.customs = custom_field_definitions()
        users = list(User.objects.filter(is_active=True).values_list("email", "id", "first_name"))
        self.owners = {email.lower(): pk for email, pk, _ in users}
        self.owner_emails = {pk: email for email, pk in self.owners.items()}
        # How the timeline names an owner the import assigns: first name, else email.
        self.owner_names = {pk: first.strip() or email for email, pk, first in users}
        # A stage cell may hold the key, the stage's name, or a renamed stage's built-in name.
        offered = [row for row in stage_rows() if row.active]
        self.stages = (
            {row.key: row.key for row in offered}
            | {str(Stage(r.key).label).lower(): r.key for r in offered if r.key in Stage.values}
            | {row.label.lower(): row.key for row in offered}
        )
        # A language cell may hold the code or the language's name, in English or its own.
        self.languages = (
            {v: v for v in Language.values}
            | _LANGUAGE_NAMES
            | {norm_name(str(label)): value for value, label in Language.choices}
        )

    def cell(self, column: Column, raw: str, values: dict[str, Any]) -> None:
        target, label = column.target, column.label
        if target == "email":
            values["email"] = email_clean(raw, field=label)
        elif target in TEXT_FIELDS:
            values[target] = text_clean(raw, field=label, max_length=TEXT_FIELDS[target])
        elif target == "company":
            values.setdefault("company", {})["name"] = text_clean(raw, field=label, max_length=200)
        elif target == "company_domain":
            values.setdefault("company", {})["domain"] = domain_clean(raw, field=label)
        elif target == "industry":
            values.setdefault("company", {})["industry"] = text_clean(
                raw, field=label, max_length=100
            )
        elif target == "employees":
            values.setdefault("company", {})["employees"] = whole_number_clean(raw, field=label)
        elif target == "stage":
            values["stage"] = self.stages.get(raw.lower()) or stage_clean(raw)
        elif target == "language":
            values["language"] = self.languages.get(norm_name(raw)) or language_clean(raw)
        elif target == "owner":
            if raw.lower() not in self.owners:
                raise InvalidInput(_("no active user has the email %(email)s") % {"email": raw})
            values["owner"] = self.owners[raw.lower()]
        elif target == "email_consent":
            word = norm_name(raw)
            status = "granted" if word in _GRANTED else "denied" if word in _DENIED else raw
            if status not in ("granted", "denied"):
                raise InvalidInput(_("'%(value)s' is not granted or denied") % {"value": raw})
            values["consent"] = consent_clean({Channel.EMAIL: status})[Channel.EMAIL]
        else:
            key = target.removeprefix("fields.")
            value = custom_value_clean(self.customs[key], raw, field=label)
            values.setdefault("fields", {})[key] = value

    def row(self, cells: list[str]) -> dict[str, Any]:
        """The cleaned, non-empty values of one row, or InvalidInput naming the column."""
        values: dict[str, Any] = {}
        for column in self.columns:
            raw = cells[column.index].strip() if column.index < len(cells) else ""
            if not raw:
                continue
            if _GUARDED.match(raw):
                raw = raw[1:]
            try:
                self.cell(column, raw, values)
            except DomainError as exc:
                message = exc.message
                if column.label not in message:
                    message = f"{column.label}: {message}"
                raise InvalidInput(message, field=column.header) from None
        stray = [i for i in self.unnamed if i < len(cells) and cells[i].strip()]
        if len(cells) > self.width:
            stray += [i for i in range(self.width, len(cells)) if cells[i].strip()]
        if stray:
            raise InvalidInput(
                _("column %(number)d has a value but no name in the header row")
                % {"number": stray[0] + 1}
            )
        if "email" not in values:
            raise InvalidInput(_("the email is empty: every row needs an email address"))
        company = values.get("company")
        if company and not company.get("name") and not company.get("domain"):
            raise InvalidInput(
                _("the company industry or employees need a company name or domain in the row")
            )
        return values


def merge_row(into: dict[str, Any], values: dict[str, Any]) -> None:
    """A later row for the same email: its non-empty cells win; the company is taken whole."""
    for key, value in values.items():
        if key == "fields":
            into.setdefault("fields", {}).update(value)
        else:
            into[key] = value


class SeenEmails:
    """The emails of the accepted rows read so far, to tell a row that repeats an earlier row's
    email (merged) from the first row of an email, across chunks as well as within one.

    Kept as 8-byte hashes in one sorted array plus a set of the newest, rather than a set of
    strings: about 8 bytes a row instead of ~140 (~80 for a set of the hashes), so the import's
    memory stays near flat on files of millions of rows. The set is folded into the array when
    it reaches an eighth of it (at least ``_FRESH_MIN``), so each hash is merged a few times at
    most. Two emails share a hash with odds of about n²/2⁶⁵ (3 in 100 million for a million
    rows); that would count one row as merged instead of created, never change what is written.
    """

    _FRESH_MIN = 65536

    def __init__(self) -> None:
        self._sorted = array("q")
        self._fresh: set[int] = set()

    def add(self, email: str) -> bool:
        """Remember ``email``; False when an earlier row already had it."""
        # Python's own string hash: 64 bits, salted per process, which is all one import needs.
        digest = hash(email)
        if digest in self._fresh:
            return False
        at = bisect_left(self._sorted, digest)
        if at < len(self._sorted) and self._sorted[at] == digest:
            return False
        self._fresh.add(digest)
        if len(self._fresh) >= max(self._FRESH_MIN, len(self._sorted) // 8):
            self._sorted = array("q", heapq.merge(self._sorted, sorted(self._fresh)))
            self._fresh = set()
        return True
