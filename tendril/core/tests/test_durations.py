"""One reader and writer of ISO 8601 durations for every capability."""

from datetime import timedelta

import pytest

from tendril.core.durations import duration_iso, duration_parse, duration_words


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("P30D", timedelta(days=30)),
        ("P2W", timedelta(weeks=2)),
        ("PT12H", timedelta(hours=12)),
        ("PT90S", timedelta(seconds=90)),
        ("P1DT6H30M", timedelta(days=1, hours=6, minutes=30)),
        ("-P7D", -timedelta(days=7)),
        ("+P1D", timedelta(days=1)),
        ("P0D", timedelta(0)),
    ],
)
def test_durations_of_weeks_days_hours_minutes_seconds_are_read(text, span):
    assert duration_parse(text) == span


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "P1DT", "P1M", "P1Y", "30 days", "P1.5D", "p30d", 30, None, "P-1D"]
)
def test_anything_else_is_not_a_duration(text):
    assert duration_parse(text) is None


@pytest.mark.parametrize("text", ["P7D", "PT12H", "P1DT30M", "-P2D", "PT45S", "P400D"])
def test_the_written_form_reads_back_the_same(text):
    assert duration_iso(duration_parse(text)) == text


def test_a_zero_duration_is_written_pt0s():
    assert duration_iso(timedelta(0)) == "PT0S"


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(days=30), "30 days"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=1, hours=6), "1 day 6 hours"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(seconds=1), "1 second"),
    ],
)
def test_a_duration_is_worded_as_a_reader_says_it(span, words):
    assert duration_words(span) == words
