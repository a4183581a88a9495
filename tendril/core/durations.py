"""The one reader and writer of lengths of time as ISO 8601 durations (``P30D``, ``PT12H``,
``P2W``, ``-P7D``): segment windows, relative dates, score decay and, later, journey waits all
take them, so they all accept and word the same forms.

Weeks, days, hours, minutes and seconds only: months and years have no fixed length, and a
filter or a wait that meant "30 days" should not silently become "a month".
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.translation import ngettext

_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<weeks>\d{1,6})W)?(?:(?P<days>\d{1,6})D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d{1,8})H)?(?:(?P<minutes>\d{1,10})M)?(?:(?P<seconds>\d{1,12})S)?)?$"
)
_UNITS = ("weeks", "days", "hours", "minutes", "seconds")


def duration_parse(text: object) -> timedelta | None:
    """``text`` as a (possibly negative) timedelta, or None when it is not a duration of
    weeks, days, hours, minutes and seconds. The digits are bounded, so any result fits a
    timedelta; how long is too long is the caller's rule."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or not any(match.group(u) for u in _UNITS):
        return None
    span = timedelta(**{unit: int(match.group(unit) or 0) for unit in _UNITS})
    return -span if match["sign"] == "-" else span


def duration_iso(span: timedelta) -> str:
    """The shortest ISO 8601 form of ``span``: ``P7D``, ``PT12H``, ``P1DT30M``, ``-P2D``."""
    sign = "-" if span < timedelta(0) else ""
    seconds = int(abs(span).total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    date_part = f"{days}D" if days else ""
    time_part = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not date_part and not time_part:
        return "PT0S"
    return f"{sign}P{date_part}" + (f"T{time_part}" if time_part else "")


def duration_words(span: timedelta) -> str:
    """``span`` as a reader says it: "2 weeks", "30 days", "1 day 6 hours", "45 minutes"."""
    seconds = int(abs(span).total_seconds())
    days, rest = divmod(seconds, 86_400)
    weeks, days = divmod(days, 7) if days % 7 == 0 else (0, days)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    words = [
        ngettext("%(n)s week", "%(n)s weeks", weeks) % {"n": weeks} if weeks else "",
        ngettext("%(n)s day", "%(n)s days", days) % {"n": days} if days else "",
        ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes} if minutes else "",
        ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds} if seconds else "",
    ]
    return " ".join(word for word in words if word)
