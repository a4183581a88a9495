"""How dates, numbers and money read in the current language and time zone.

Every screen formats through these (or the template filters of ``tendril_format``), so a page
shows one date format, in the viewer's time zone, and amounts as their currency is written
(VND without decimals, "1.250.000 ₫" in Vietnamese; THB with satang, "฿1,250.50").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.utils import formats, timezone
from django.utils.translation import get_language, to_locale


def _locale() -> str:
    return to_locale(get_language() or "en")


def when(value: datetime | None) -> str:
    """A moment as the viewer reads it: their time zone, their language's short format.

    Templates also pass what a missing attribute resolves to (""): shown as nothing."""
    if not isinstance(value, datetime):
        return "" if value in (None, "") else str(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


def day(value: date | datetime | None) -> str:
    """A calendar day in the viewer's short date format (moments first moved to their zone)."""
    if not isinstance(value, date):
        return "" if value in (None, "") else str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: object) -> str:
    """A count or measure with the language's grouping and decimal marks; text is kept as is."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return format_decimal(amount, locale=_locale())


def money(value: object, currency: str) -> str:
    """An amount in its currency as the viewer's language writes it; an unknown currency code or
    a value that is not a number is shown as given rather than guessed at."""
    amount = _decimal(value)
    code = (currency or "").strip().upper()
    if amount is None:
        return f"{value} {code}".strip()
    if len(code) != 3 or not code.isalpha():
        return f"{number(amount)} {code}".strip()
    return format_currency(amount, code, locale=_locale())
