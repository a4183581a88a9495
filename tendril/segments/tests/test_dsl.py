"""The filter DSL: the mission's examples, every kind of condition on both databases, and the
refusals (each naming the bad part's JSON path)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tendril.contacts.models import Contact, CustomField
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory, EventFactory
from tendril.core import clock
from tendril.core.conditions import where_check, where_matches
from tendril.core.errors import InvalidInput
from tendril.core.tests.test_conditions import HOSTILE
from tendril.scoring.selectors import thresholds_forget
from tendril.scoring.services import settings_update
from tendril.segments.dsl import MAX_DEPTH, filter_contacts, moments
from tendril.segments.models import Segment
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db


def matching(node: Any) -> set[int]:
    return set(filter_contacts(node).values_list("pk", flat=True))


def event(contact: Contact, type: str, days_ago: float = 0, **properties: Any) -> None:
    EventFactory(
        contact_id=contact.pk,
        type=type,
        properties=properties,
        occurred_at=clock.now() - timedelta(days=days_ago),
    )


def refused_at(node: Any) -> str | None:
    with pytest.raises(InvalidInput) as caught:
        filter_contacts(node)
    assert caught.value.message
    return caught.value.field


# --- the mission's examples ---------------------------------------------------------------------


def test_downloaded_the_white_paper_in_the_past_week() -> None:
    recent, old, other = ContactFactory.create_batch(3)
    event(recent, "asset_downloaded", days_ago=2, asset="White paper 2026")
    event(old, "asset_downloaded", days_ago=9, asset="White paper 2026")
    event(other, "asset_downloaded", days_ago=1, asset="Price list")
    node = {
        "event": "asset_downloaded",
        "where": {"asset": {"contains": "white paper"}},
        "within": "P7D",
    }
    assert matching(node) == {recent.pk}


def test_viewed_the_campaign_page() -> None:
    viewer, elsewhere, _ = ContactFactory.create_batch(3)
    event(viewer, "page_view", url="https://acme.example/campaign/tet-2027?utm=x")
    event(elsewhere, "page_view", url="https://acme.example/pricing")
    node = {"event": "page_view", "where": {"url": {"contains": "/campaign/tet-2027"}}}
    assert matching(node) == {viewer.pk}


def test_companies_with_fewer_than_100_employees() -> None:
    small = ContactFactory(company=CompanyFactory(employees=40))
    ContactFactory(company=CompanyFactory(employees=100))
    ContactFactory(company=CompanyFactory(employees=None))
    ContactFactory(company=None)
    assert matching({"field": "company.employees", "op": "lt", "value": 100}) == {small.pk}


def test_visited_more_than_10_times_in_the_past_month_and_registered_as_a_member() -> None:
    keen, keen_guest, rare, lapsed = ContactFactory.create_batch(4)
    for contact in (keen, keen_guest):
        for n in range(11):
            event(contact, "page_view", days_ago=n, url=f"/p/{n}")
    for n in range(10):
        event(rare, "page_view", days_ago=n, url=f"/p/{n}")
    for n in range(11):
        event(lapsed, "page_view", days_ago=31 + n, url=f"/p/{n}")
    for contact in (keen, rare, lapsed):
        event(contact, "form_submit", days_ago=40, form="member-signup")
    node = {
        "all": [
            {"event": "page_view", "within": "P30D", "count": {"gt": 10}},
            {"event": "form_submit", "where": {"form": {"eq": "member-signup"}}},
        ]
    }
    assert matching(node) == {keen.pk}


# --- conditions ---------------------------------------------------------------------------------


def test_contact_fields_text_operators() -> None:
    linh = ContactFactory(first_name="Linh", source="webinar", phone="")
    ContactFactory(first_name="Bao", source="import", phone="+84 90")
    assert matching({"field": "first_name", "op": "eq", "value": "Linh"}) == {linh.pk}
    assert matching({"field": "source", "op": "starts_with", "value": "WEB"}) == {linh.pk}
    assert matching({"field": "source", "op": "in", "value": ["webinar", "x"]}) == {linh.pk}
    assert matching({"field": "phone", "op": "exists", "value": False}) == {linh.pk}
    assert linh.pk not in matching({"field": "first_name", "op": "neq", "value": "Linh"})


def test_score_grade_stage_and_owner(marketer: Any) -> None:
    hot = ContactFactory(score=12, stage="mql", owner=marketer)
    warm = ContactFactory(score=5, stage="lead")
    cold = ContactFactory(score=1, stage="lead")
    assert matching({"field": "score", "op": "gte", "value": 5}) == {hot.pk, warm.pk}
    assert matching({"field": "grade", "op": "eq", "value": "hot"}) == {hot.pk}
    assert matching({"field": "grade", "op": "in", "value": ["warm", "cold"]}) == {
        warm.pk,
        cold.pk,
    }
    assert matching({"field": "grade", "op": "neq", "value": "cold"}) == {hot.pk, warm.pk}
    assert matching({"field": "stage", "op": "eq", "value": "mql"}) == {hot.pk}
    assert matching({"field": "owner", "op": "eq", "value": marketer.pk}) == {hot.pk}
    assert matching({"field": "owner", "op": "exists", "value": False}) == {warm.pk, cold.pk}


def test_dates_absolute_and_relative_to_now() -> None:
    now = clock.now()
    new = ContactFactory(created_at=now - timedelta(days=2), last_seen_at=now)
    old = ContactFactory(created_at=now - timedelta(days=20))
    assert matching({"field": "created_at", "op": "gte", "value": "-P7D"}) == {new.pk}
    assert matching({"field": "created_at", "op": "lt", "value": "-P1W"}) == {old.pk}
    day = (now - timedelta(days=10)).date().isoformat()
    assert matching({"field": "created_at", "op": "lt", "value": day}) == {old.pk}
    assert matching({"field": "last_seen_at", "op": "exists", "value": True}) == {new.pk}


def test_custom_fields_compare_by_their_type() -> None:
    CustomField.objects.create(key="budget", label="Budget", type="number", created_at=clock.now())
    CustomField.objects.create(key="renewal", label="Renewal", type="date", created_at=clock.now())
    CustomField.objects.create(key="vip", label="VIP", type="boolean", created_at=clock.now())
    big = ContactFactory(fields={"budget": 100000, "renewal": "2027-03-01", "vip": True})
    small = ContactFactory(fields={"budget": 9, "renewal": "2026-01-15"})
    ContactFactory(fields={})
    # 9 < 100000 as numbers ("9" > "100000" as texts).
    assert matching({"field": "fields.budget", "op": "lt", "value": 50}) == {small.pk}
    assert matching({"field": "fields.budget", "op": "gt", "value": 50}) == {big.pk}
    assert matching({"field": "fields.renewal", "op": "gte", "value": "2027-01-01"}) == {big.pk}
    assert matching({"field": "fields.vip", "op": "eq", "value": True}) == {big.pk}
    assert matching({"field": "fields.budget", "op": "exists"}) == {big.pk, small.pk}
    assert refused_at({"field": "fields.budget", "op": "eq", "value": "lots"}) == "value"
    assert refused_at({"field": "fields.nope", "op": "eq", "value": 1}) == "field"


def test_nesting_all_any_not() -> None:
    a = ContactFactory(first_name="A", score=10)
    b = ContactFactory(first_name="B", score=0)
    c = ContactFactory(first_name="C", score=10)
    node = {
        "any": [
            {
                "all": [
                    {"field": "score", "op": "gte", "value": 10},
                    {"not": {"field": "first_name", "op": "eq", "value": "C"}},
                ]
            },
            {"field": "first_name", "op": "eq", "value": "B"},
        ]
    }
    assert matching(node) == {a.pk, b.pk}
    assert matching({"not": node}) == {c.pk}


def test_behaviour_counts_that_zero_satisfies_include_contacts_without_events() -> None:
    none, one, three = ContactFactory.create_batch(3)
    event(one, "email_opened", email="n1")
    for _ in range(3):
        event(three, "email_opened", email="n1")
    assert matching({"event": "email_opened", "count": {"lt": 2}}) == {none.pk, one.pk}
    assert matching({"event": "email_opened", "count": {"eq": 0}}) == {none.pk}
    assert matching({"event": "email_opened", "count": {"neq": 1}}) == {none.pk, three.pk}
    assert matching({"event": "email_opened", "count": {"neq": 0}}) == {one.pk, three.pk}
    assert matching({"event": "email_opened", "count": {"gte": 3}}) == {three.pk}


WHERES: list[dict[str, Any]] = [
    {"n": {"lt": 5}},
    {"n": {"gte": 2.5}},
    {"n": {"eq": 2}},
    {"n": {"neq": 2}},
    {"n": {"in": [1, "1", True]}},
    {"n": {"exists": True}},
    {"n": {"exists": False}},
    {"tag": {"contains": "ab"}},
    {"tag": {"starts_with": "AB"}},
    {"tag": {"eq": True}},
    {"tag": {"neq": "abc"}},
    {"tag": {"in": ["abc", 7]}},
]
PROPERTIES: list[dict[str, Any]] = [
    {"n": 1},
    {"n": 2.0},
    {"n": "1"},
    {"n": True},
    {"n": None},
    {"n": 7, "tag": "abc"},
    {"tag": "xAbc"},
    {"tag": 7},
    {"tag": True},
    {"tag": None},
    {},
]


@pytest.mark.parametrize("where", WHERES)
def test_sql_where_means_what_where_matches_means(where: dict[str, Any]) -> None:
    """The SQL twin and scoring's Python matcher agree, event by event."""
    expected = set()
    for properties in PROPERTIES:
        contact = ContactFactory()
        event(contact, "custom:probe", **properties)
        if where_matches(where_check(where, path="where"), properties):
            expected.add(contact.pk)
    assert matching({"event": "probe", "where": where}) == expected


def test_membership_of_another_segment_uses_its_stored_members() -> None:
    inside, outside = ContactFactory.create_batch(2)
    now = clock.now()
    other = Segment.objects.create(name="VIP", static=True, created_at=now, updated_at=now)
    other.members.create(contact_id=inside.pk, entered_at=now)
    assert matching({"segment": other.pk}) == {inside.pk}
    assert matching({"not": {"segment": other.pk}}) == {outside.pk}
    assert refused_at({"all": [{"segment": other.pk + 1000}]}) is not None


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "path"),
    [
        (
            {
                "all": [
                    {"field": "score", "op": "gt", "value": 1},
                    {"field": "score", "op": "nope", "value": 1},
                ]
            },
            "all[1].op",
        ),
        (
            {"any": [{"event": "page_view", "where": {"url": {"contains": 5}}}]},
            "any[0].where.url.contains",
        ),
        ({"field": "favourite_colour", "op": "eq", "value": "red"}, "field"),
        ({"field": "score", "op": "gt", "value": "ten"}, "value"),
        ({"field": "first_name", "op": "lt", "value": 3}, "op"),
        ({"field": "company.employees", "op": "lt", "value": "100"}, "value"),
        ({"event": "page_view", "within": "P5000D"}, "within"),
        ({"event": "page_view", "within": "30 days"}, "within"),
        ({"event": "page_view", "within": "-P3D"}, "within"),
        ({"field": "created_at", "op": "gt", "value": "-P20Y"}, "value"),
        ({"field": "created_at", "op": "gt", "value": "yesterday"}, "value"),
        ({"field": "created_at", "op": "gt", "value": "0001-01-01"}, "value"),
        ({"field": "created_at", "op": "gt", "value": "9999-12-31T23:59:59-15:00"}, "value"),
        ({"event": "page_view", "count": {"gt": -1}}, "count.gt"),
        ({"event": "page_view", "count": {"about": 3}}, "count.about"),
        ({"not": {"all": []}}, "not.all"),
        ({"field": "stage", "op": "eq", "value": "royalty"}, "value"),
        ({"field": "grade", "op": "eq", "value": "lukewarm"}, "value"),
        ({"all": [{"field": "score", "op": "gt", "value": 1, "extra": 1}]}, "all[0].extra"),
        ({"whatever": 1}, "whatever"),
        ({"event": "bad type!"}, "event"),
        ({"segment": "12"}, "segment"),
    ],
)
def test_bad_filters_are_refused_at_their_path(node: Any, path: str) -> None:
    assert refused_at(node) == path


def test_nesting_deeper_than_ten_levels_is_refused() -> None:
    node: dict[str, Any] = {"field": "score", "op": "gt", "value": 1}
    for _ in range(MAX_DEPTH - 1):
        node = {"not": node}
    filter_contacts(node)
    assert refused_at({"all": [node]}) == "all[0]" + ".not" * (MAX_DEPTH - 1)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_in_every_position_are_plain_values(text: str) -> None:
    CustomField.objects.create(key="note", label="Note", type="text", created_at=clock.now())
    holder = ContactFactory(first_name=text, fields={"note": text})
    event(holder, "page_view", **{text: text, "url": text})
    ContactFactory(first_name="plain", fields={"note": "plain"})
    assert matching({"field": "first_name", "op": "eq", "value": text}) == {holder.pk}
    assert matching({"field": "fields.note", "op": "contains", "value": text}) == {holder.pk}
    assert matching({"event": "page_view", "where": {text: {"eq": text}}}) == {holder.pk}
    assert matching({"event": "page_view", "where": {"url": {"starts_with": text}}}) == {holder.pk}
    for node in (
        {"field": text, "op": "eq", "value": 1},
        {"field": "score", "op": text, "value": 1},
        {"event": text},
        {text: []},
        {"event": "page_view", "within": text},
        {"event": "page_view", "count": {text: 1}},
        {"field": "fields." + text, "op": "eq", "value": 1},
        {"field": "created_at", "op": "gt", "value": text},
    ):
        with contextlib.suppress(InvalidInput):
            matching(node)
    assert Contact.objects.count() == 2


@pytest.fixture
def fresh_thresholds() -> Iterator[None]:
    """Scoring caches the thresholds per process; a test's settings roll back, its cache not."""
    thresholds_forget()
    yield
    thresholds_forget()


@pytest.mark.usefixtures("fresh_thresholds")
def test_grade_follows_the_scoring_settings_thresholds() -> None:
    top = ContactFactory(score=30)
    mid = ContactFactory(score=12)
    settings_update(hot=25, warm=10, decay_points=0, decay_every="P30D", by=None)
    assert matching({"field": "grade", "op": "eq", "value": "hot"}) == {top.pk}
    assert matching({"field": "grade", "op": "eq", "value": "warm"}) == {mid.pk}


def test_a_filter_without_custom_fields_compiles_without_reading_them(
    django_assert_num_queries: Any,
) -> None:
    """The consumer compiles every segment's filter and its clock moments per batch."""
    node = {
        "all": [{"event": "page_view", "within": "P7D"}, {"field": "score", "op": "gt", "value": 5}]
    }
    with django_assert_num_queries(0):
        filter_contacts(node)
        moments(node)


def test_a_chain_of_segment_references_is_checked_in_one_read(
    django_assert_num_queries: Any,
) -> None:
    """Each membership condition is followed through its chain to refuse cycles; the consumer
    does this for every segment per batch of events."""
    first = segment_create(name="First", static=True, by=None)
    second = segment_create(name="Second", filter={"segment": first.pk}, by=None)
    third = segment_create(name="Third", filter={"segment": second.pk}, by=None)
    with django_assert_num_queries(1):
        filter_contacts({"any": [{"segment": third.pk}, {"segment": second.pk}]})
