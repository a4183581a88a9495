"""Scoring screens: the scoring page for every role (rules in words, the band counts, the
thresholds), rules written and refused on their fields by marketing only, and the contact
page's "Why this score?" with the ledger and the stage history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.services import contact_update
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.scoring.consumers import score_events
from tendril.scoring.models import ScoreEntry, ScoringRule
from tendril.scoring.selectors import scoring_settings
from tendril.scoring.services import rule_create

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pricing_rule(**data: Any) -> ScoringRule:
    return rule_create(
        data={
            "name": "Pricing page",
            "event": "page_view",
            "where": {"url": {"contains": "/pricing"}},
            "points": 1,
            "max_per_contact": 5,
            **data,
        },
        by=None,
    )


def _rule_post(**data: Any) -> dict[str, Any]:
    return {"name": "Ebook", "event": "asset_downloaded", "where": "", "points": "4", **data}


@pytest.mark.parametrize("role", ["admin_user", "marketer", "sales_rep"])
def test_every_role_reads_the_rules_in_words_and_the_band_counts(
    role: str, request: pytest.FixtureRequest
) -> None:
    _pricing_rule()
    ContactFactory(score=12)
    ContactFactory(score=6)
    ContactFactory(score=0)
    ContactFactory(score=1)
    client = signed_in(request.getfixturevalue(role))

    home = client.get(reverse("contacts:dashboard")).content.decode()
    page = client.get(reverse("scoring:scoring"))

    assert reverse("scoring:scoring") in home
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pricing page" in html and "url contains /pricing" in html
    assert page.context["chart_data"]["values"] == [1, 1, 2]
    assert 'id="score-bands-data"' in html


def test_sales_reads_but_cannot_write_rules_or_thresholds(sales_rep: User) -> None:
    rule = _pricing_rule()
    client = signed_in(sales_rep)

    page = client.get(reverse("scoring:scoring")).content.decode()
    assert reverse("scoring:rule_new") not in page
    assert reverse("scoring:rule_edit", args=[rule.pk]) not in page
    assert client.get(reverse("scoring:rule_new")).status_code == 403
    assert client.post(reverse("scoring:rule_new"), _rule_post()).status_code == 403
    assert (
        client.post(reverse("scoring:rule_edit", args=[rule.pk]), _rule_post()).status_code == 403
    )
    assert client.post(reverse("scoring:rule_delete", args=[rule.pk])).status_code == 403
    thresholds = {"hot": 50, "warm": 20, "decay_points": 0}
    assert client.post(reverse("scoring:thresholds_save"), thresholds).status_code == 403
    assert ScoringRule.objects.count() == 1
    assert scoring_settings().hot == 10


@pytest.mark.parametrize("role", ["admin_user", "marketer"])
def test_marketing_adds_a_rule_with_conditions(role: str, request: pytest.FixtureRequest) -> None:
    client = signed_in(request.getfixturevalue(role))
    where = json.dumps({"asset": {"starts_with": "ebook"}})

    response = client.post(
        reverse("scoring:rule_new"), _rule_post(where=where, max_per_contact="8", active="on")
    )

    assert response.status_code == 302
    rule = ScoringRule.objects.get()
    assert (rule.name, rule.event, rule.points, rule.max_per_contact, rule.active) == (
        "Ebook",
        "asset_downloaded",
        4,
        8,
        True,
    )
    assert rule.where == {"asset": {"starts_with": "ebook"}}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"points": "0"}, "points", "Points must be a whole number other than 0."),
        ({"event": "score_changed"}, "event", "A rule cannot score score changes themselves."),
        ({"where": '{"url": {"like": "x"}}'}, "where", "Unknown comparison."),
        ({"max_per_contact": "0"}, "max_per_contact", "The most points per contact must be"),
        ({"name": " "}, "name", "This field is required."),
    ],
)
def test_a_refused_rule_shows_the_message_on_its_field(
    marketer: User, data: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(marketer).post(reverse("scoring:rule_new"), _rule_post(**data))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert any(message in text for text in errors[field])
    assert not ScoringRule.objects.exists()


def test_editing_a_rule_recounts_the_scores_it_gave(marketer: User) -> None:
    rule = _pricing_rule(points=1, max_per_contact=None)
    contact = ContactFactory()
    score_events(
        [EventFactory(contact_id=contact.pk, properties={"url": "/pricing"}) for _ in range(3)]
    )
    client = signed_in(marketer)
    form = client.get(reverse("scoring:rule_edit", args=[rule.pk])).content.decode()
    assert "Pricing page" in form and "/pricing" in form
    assert '<option value="asset_downloaded">' in form
    assert '<option value="score_changed">' not in form

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("scoring:rule_edit", args=[rule.pk]),
            _rule_post(
                name="Pricing page",
                event="page_view",
                where=json.dumps(rule.where),
                points="3",
                active="on",
            ),
        )

    assert response.status_code == 302
    assert "being recounted" in client.get(response.url).content.decode()
    contact.refresh_from_db()
    assert contact.score == 9
    assert ScoreEntry.objects.count() == 3


def test_deleting_a_rule_asks_first_and_keeps_its_points(marketer: User) -> None:
    rule = _pricing_rule()
    contact = ContactFactory()
    score_events([EventFactory(contact_id=contact.pk, properties={"url": "/pricing"})])
    client = signed_in(marketer)

    asked = client.get(reverse("scoring:rule_delete", args=[rule.pk]))
    assert asked.status_code == 200 and ScoringRule.objects.exists()
    done = client.post(reverse("scoring:rule_delete", args=[rule.pk]), {"confirm": "yes"})

    assert done.status_code == 302
    assert not ScoringRule.objects.exists()
    assert ScoreEntry.objects.get().rule_name == "Pricing page"


def test_thresholds_are_saved_and_a_refused_one_is_shown_on_its_field(marketer: User) -> None:
    client = signed_in(marketer)

    refused = client.post(
        reverse("scoring:thresholds_save"), {"hot": 5, "warm": 8, "decay_points": 0}
    )
    assert refused.status_code == 422
    assert refused.context["thresholds_form"].errors["hot"] == [
        "Hot must be a higher score than warm."
    ]
    no_period = client.post(
        reverse("scoring:thresholds_save"), {"hot": 20, "warm": 8, "decay_points": 2}
    )
    assert "decay_every" in no_period.context["thresholds_form"].errors

    saved = client.post(
        reverse("scoring:thresholds_save"),
        {"hot": 20, "warm": 8, "decay_points": 1, "decay_every": "P7D"},
    )
    assert saved.status_code == 302
    row = scoring_settings()
    assert (row.hot, row.warm, row.decay_points, row.decay_every.days) == (20, 8, 1, 7)  # type: ignore[union-attr]


def test_the_contact_page_says_why_the_score_and_who_changed_the_stage(
    marketer: User, sales_rep: User
) -> None:
    _pricing_rule(points=2)
    contact = ContactFactory(owner=sales_rep)
    score_events([EventFactory(contact_id=contact.pk, properties={"url": "https://x.io/pricing"})])
    contact_update(contact=contact, data={"stage": "mql"}, by=marketer, method="ui")

    html = signed_in(sales_rep).get(reverse("contacts:contact_detail", args=[contact.pk]))

    panel = html.content.decode().split('id="why-score"')[1]
    assert "+2" in panel and "Pricing page" in panel
    assert "Viewed" in panel
    stage_part = panel.split("Stage history")[1]
    assert "MQL" in stage_part and marketer.first_name in stage_part
