"""Dates, numbers and money read as the viewer's language and time zone write them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tendril.ui import formatting

MOMENT = datetime(2026, 11, 30, 7, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "30 Nov 2026, 14:05"), ("vi", "30/11/2026, 14:05"), ("th", "30 พ.ย. 2026, 14:05")],
)
def test_a_moment_reads_in_the_viewers_language_and_time_zone(language: str, expected: str) -> None:
    with translation.override(language), timezone.override("Asia/Ho_Chi_Minh"):
        assert formatting.when(MOMENT) == expected


def test_a_day_is_the_viewers_calendar_day_not_utcs() -> None:
    late = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    with translation.override("vi"), timezone.override("Asia/Bangkok"):
        assert formatting.day(late) == "01/12/2026"


@pytest.mark.parametrize(
    ("language", "currency", "amount", "expected"),
    [
        ("vi", "VND", 1250000, "1.250.000\xa0₫"),
        ("th", "THB", Decimal("1250.5"), "฿1,250.50"),
        ("en", "vnd", "1250000", "₫1,250,000"),
    ],
)
def test_money_reads_as_its_currency_is_written(
    language: str, currency: str, amount: object, expected: str
) -> None:
    with translation.override(language):
        assert formatting.money(amount, currency) == expected


def test_money_that_is_not_a_number_is_shown_as_given() -> None:
    assert formatting.money("about a million", "VND") == "about a million VND"


def test_numbers_group_digits_as_the_language_does() -> None:
    with translation.override("vi"):
        assert formatting.number(1234567) == "1.234.567"
    with translation.override("en"):
        assert formatting.number(1234567) == "1,234,567"


@pytest.mark.parametrize("missing", [None, ""])
def test_a_missing_moment_or_day_shows_as_nothing(missing: object) -> None:
    assert formatting.when(missing) == ""  # type: ignore[arg-type]
    assert formatting.day(missing) == ""  # type: ignore[arg-type]
