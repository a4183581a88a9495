"""A stored ``where`` told in words, as the scoring rules table shows it."""

from __future__ import annotations

from tendril.core.conditions import where_words


def test_every_comparison_of_every_property_is_told_and_joined() -> None:
    where = {"url": {"contains": "/pricing"}, "plan": {"exists": True}, "n": {"in": [1, "a"]}}
    assert where_words(where) == "url contains /pricing and plan is set and n is one of 1, a"


def test_a_missing_property_and_an_empty_where_read_plainly() -> None:
    assert where_words({"coupon": {"exists": False}}) == "coupon is not set"
    assert where_words({}) == ""
