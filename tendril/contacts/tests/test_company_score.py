"""A company's score: the sum of its contacts' scores, shown on the list (sortable by it, in
the screens and the API) and on the company page with its contacts per grade and its highest
scored contacts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tendril.contacts.models import Company
from tendril.contacts.selectors import company_get_for, company_list, company_score
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies() -> dict[str, Company]:
    """Acme: 12 + 6 + 1 = 19 (hot, warm, cold at the default 10 / 5); Bolt: 30; Calm: none."""
    acme, bolt, calm = (CompanyFactory(name=n) for n in ("Acme", "Bolt", "Calm"))
    for score in (12, 6, 1):
        ContactFactory(company=acme, score=score)
    ContactFactory(company=bolt, score=30)
    return {"acme": acme, "bolt": bolt, "calm": calm}


def test_a_company_score_is_the_sum_of_its_contacts_scores(companies: dict[str, Any]) -> None:
    scores = {c.name: c.total_score for c in company_list()}
    assert scores == {"Acme": 19, "Bolt": 30, "Calm": 0}


def test_companies_sort_by_score_with_ties_by_name(companies: dict[str, Any]) -> None:
    assert [c.name for c in company_list(order="-score")] == ["Bolt", "Acme", "Calm"]
    assert [c.name for c in company_list(order="score")] == ["Calm", "Acme", "Bolt"]
    assert [c.name for c in company_list(order="-contacts")] == ["Acme", "Bolt", "Calm"]
    assert [c.name for c in company_list(order="nonsense")] == ["Acme", "Bolt", "Calm"]


def test_a_company_score_is_broken_down_by_grade_with_its_top_contacts(
    companies: dict[str, Any],
) -> None:
    score = company_score(company=companies["acme"], top=2)
    assert (score.hot, score.warm, score.cold) == (1, 1, 1)
    assert [c.score for c in score.top] == [12, 6]
    assert company_score(company=companies["calm"]).top == []


def test_the_company_list_sorts_by_score_from_its_column_head(
    client: Client, sales_rep: Any, companies: dict[str, Any]
) -> None:
    client.force_login(sales_rep)
    html = client.get("/companies/?order=-score").content.decode()
    assert html.index(">Bolt<") < html.index(">Acme<") < html.index(">Calm<")
    assert 'aria-sort="descending"' in html and "order=score" in html


def test_the_company_page_shows_the_score_per_grade_and_the_top_contacts(
    client: Client, sales_rep: Any, companies: dict[str, Any]
) -> None:
    acme = companies["acme"]
    top = acme.contacts.order_by("-score").first()
    client.force_login(sales_rep)
    html = client.get(f"/companies/{acme.pk}/").content.decode()
    assert 'data-figure="total-score">19<' in html
    assert 'id="company-score"' in html and 'data-grade="hot"' in html
    assert html.index(f'href="/contacts/{top.pk}/"') < html.index('id="contacts"')


def test_the_api_lists_companies_by_score(marketer_api: Client, companies: dict[str, Any]) -> None:
    answer = marketer_api.get("/api/v1/companies?order=-score").json()
    assert [(c["name"], c["total_score"]) for c in answer["items"]] == [
        ("Bolt", 30),
        ("Acme", 19),
        ("Calm", 0),
    ]
    assert marketer_api.get("/api/v1/companies?order=points").status_code == 422
    assert company_get_for(None, companies["calm"].pk).total_score == 0
