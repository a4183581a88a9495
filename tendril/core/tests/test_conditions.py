"""The shared property condition language: what it refuses (with the path of the mistake) and
what it matches."""

from __future__ import annotations

from typing import Any

import pytest

from tendril.core.conditions import OPS, where_check, where_matches
from tendril.core.errors import InvalidInput

HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE contacts_contact; --",
    "%_\\",  # LIKE wildcards are letters here
    "{{ 7*7 }}",
    "Nguyễn Thị Hằng",
    "สมชาย",
    "\u202eevil",
]


def test_ops_are_the_api_field_ops() -> None:
    assert OPS == ("eq", "neq", "lt", "lte", "gt", "gte", "contains", "starts_with", "in", "exists")


def test_no_where_is_the_empty_condition_that_always_holds() -> None:
    assert where_check(None, path="where") == {}
    assert where_matches({}, {"url": "/x"})


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ([], "where"),
        ("url", "where"),
        ({"url": "/pricing"}, "where.url"),
        ({"url": {}}, "where.url"),
        ({"url": {"like": "/pricing"}}, "where.url.like"),
        ({"url": {"contains": ["/a", "/b"]}}, "where.url.contains"),
        ({"plan": {"in": "pro"}}, "where.plan.in"),
        ({"plan": {"in": ["pro", {"x": 1}]}}, "where.plan.in[1]"),
        ({"url": {"lt": "/pricing"}}, "where.url.lt"),
        ({"amount": {"gte": True}}, "where.amount.gte"),
        ({"url": {"contains": 3}}, "where.url.contains"),
        ({"url": {"eq": {"contains": "/x"}}}, "where.url.eq"),
        ({"url": {"eq": None}}, "where.url.eq"),
        ({"url": {"exists": "yes"}}, "where.url.exists"),
        ({"url": {"eq": "a\x00b"}}, "where.url.eq"),
        ({"url": {"eq": "x" * 1001}}, "where.url.eq"),
        ({"": {"eq": "x"}}, "where"),
    ],
)
def test_bad_conditions_are_refused_naming_the_path(where: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        where_check(where, path="where")
    assert raised.value.field == field
    assert raised.value.message


def test_the_path_starts_where_the_caller_says() -> None:
    with pytest.raises(InvalidInput) as raised:
        where_check({"url": {"nope": 1}}, path="all[2].where")
    assert raised.value.field == "all[2].where.url.nope"


def test_too_many_properties_are_refused() -> None:
    with pytest.raises(InvalidInput):
        where_check({f"p{i}": {"exists": True} for i in range(21)}, path="where")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_are_plain_values_matched_literally(text: str) -> None:
    where = where_check({text: {"contains": text, "eq": text}}, path="where")
    assert where_matches(where, {text: text})
    assert not where_matches(where, {text: "something else"})


@pytest.mark.parametrize(
    ("where", "properties", "matches"),
    [
        ({"url": {"contains": "/PRICING"}}, {"url": "https://x.io/pricing?a=1"}, True),
        ({"url": {"contains": "/pricing"}}, {"url": "https://x.io/blog"}, False),
        ({"url": {"starts_with": "https://x.io"}}, {"url": "https://x.io/a"}, True),
        ({"url": {"starts_with": "/a"}}, {"url": "https://x.io/a"}, False),
        ({"plan": {"eq": "pro"}}, {"plan": "pro"}, True),
        ({"plan": {"eq": "pro"}}, {"plan": "Pro"}, False),
        ({"plan": {"neq": "pro"}}, {"plan": "free"}, True),
        ({"plan": {"neq": "pro"}}, {}, False),
        ({"plan": {"in": ["pro", "team"]}}, {"plan": "team"}, True),
        ({"plan": {"in": ["pro", "team"]}}, {"plan": "free"}, False),
        ({"amount": {"gt": 100}}, {"amount": 100.5}, True),
        ({"amount": {"gt": 100}}, {"amount": 100}, False),
        ({"amount": {"gte": 100}}, {"amount": 100}, True),
        ({"amount": {"lt": 100}}, {"amount": "50"}, False),
        ({"amount": {"lte": 2}}, {"amount": 2.0}, True),
        ({"amount": {"eq": 2}}, {"amount": 2.0}, True),
        ({"flag": {"eq": True}}, {"flag": 1}, False),
        ({"count": {"eq": 1}}, {"count": True}, False),
        ({"ebook": {"exists": True}}, {"ebook": "guide"}, True),
        ({"ebook": {"exists": True}}, {"ebook": None}, False),
        ({"ebook": {"exists": False}}, {}, True),
        ({"ebook": {"exists": False}}, {"ebook": "guide"}, False),
        ({"url": {"contains": "/p"}}, {}, False),
        ({"url": {"contains": "/p"}}, {"url": ["/p"]}, False),
        ({"amount": {"gt": 1, "lt": 10}}, {"amount": 5}, True),
        ({"amount": {"gt": 1, "lt": 10}}, {"amount": 50}, False),
        ({"url": {"contains": "/p"}, "ref": {"eq": "ad"}}, {"url": "/p", "ref": "ad"}, True),
        ({"url": {"contains": "/p"}, "ref": {"eq": "ad"}}, {"url": "/p", "ref": "mail"}, False),
    ],
)
def test_conditions_match_event_properties(
    where: dict[str, Any], properties: dict[str, Any], matches: bool
) -> None:
    assert where_matches(where_check(where, path="where"), properties) is matches


def test_like_wildcards_are_letters_not_patterns() -> None:
    where = where_check({"url": {"contains": "%", "starts_with": "_"}}, path="where")
    assert not where_matches(where, {"url": "/pricing"})
    assert where_matches(where, {"url": "_50%"})
