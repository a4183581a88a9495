"""Write paths that can race, hit by 20 clients at once through a real server on PostgreSQL.

Each burst (``bench/concurrent_writes.py`` holds them and measures the same ones) releases its
clients together from a barrier; every test then checks that no request failed with a 5xx and
that the race left exactly one of each thing behind.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bench.concurrent_writes import (
    COMPANY_DOMAIN,
    COMPANY_NAME,
    EMAIL_DOMAIN,
    EVENT_EMAIL,
    EVENTS_ONE_EMAIL,
    ONE_COMPANY_WITH_DOMAIN,
    ONE_COMPANY_WITHOUT_DOMAIN,
    POST_EMAIL,
    POST_ONE_EMAIL,
    PUT_EMAIL,
    PUT_ONE_EMAIL,
    VISITOR_EMAIL,
    VISITOR_ID,
    VISITOR_IDENTIFIES,
    Answer,
    Burst,
    fire,
)
from tendril.accounts.services import apikey_create
from tendril.contacts.models import Company, Contact
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.core.models import Event, VisitorLink

pytestmark = pytest.mark.postgres


@pytest.fixture
def race(live_server: Any, transactional_db: Any):
    """Fire a burst at the live server with a marketer's key; returns the answers' statuses
    (and the answers), after checking that none was a server error."""
    _, key = apikey_create(name="racing clients", role="marketer", by=None)

    def run(burst: Burst) -> tuple[Counter[int], list[Answer]]:
        answers = fire(live_server.url, key, burst)
        statuses = Counter(a.status for a in answers)
        assert len(answers) == len(burst.bodies) * burst.rounds
        assert not [a for a in answers if a.status >= 500], statuses
        return statuses, answers

    return run


def created_events(contact: Contact) -> int:
    return Event.objects.filter(contact_id=contact.pk, type="contact_created").count()


def test_one_new_email_upserted_and_created_by_many_clients_is_one_contact(race):
    put, _ = race(PUT_ONE_EMAIL)
    post, _ = race(POST_ONE_EMAIL)

    assert put == {201: 1, 200: 99}
    assert post == {201: 1, 409: 59}
    for email in (PUT_EMAIL, POST_EMAIL):
        assert created_events(Contact.objects.get(email=email)) == 1
    assert Company.objects.filter(domain=EMAIL_DOMAIN).count() == 1


def test_many_clients_naming_one_new_company_with_a_domain_share_one_company(race):
    statuses, answers = race(ONE_COMPANY_WITH_DOMAIN)

    assert statuses == {201: 20}
    company = Company.objects.get(domain=COMPANY_DOMAIN)
    assert {a.body["company"]["id"] for a in answers} == {company.pk}
    assert Contact.objects.filter(company=company).count() == 20


def test_many_clients_naming_one_new_company_without_a_domain_share_one_company(race):
    statuses, answers = race(ONE_COMPANY_WITHOUT_DOMAIN)

    assert statuses == {201: 20}
    company = Company.objects.get(name__iexact=COMPANY_NAME)
    assert company.domain is None
    assert {a.body["company"]["id"] for a in answers} == {company.pk}


def test_events_for_one_new_email_at_once_make_one_contact_and_lose_no_event(race):
    statuses, answers = race(EVENTS_ONE_EMAIL)

    assert statuses == {202: 20}
    contact = Contact.objects.get(email=EVENT_EMAIL)
    assert created_events(contact) == 1
    stored = Event.objects.filter(contact_id=contact.pk, type="page_view")
    assert set(stored.values_list("id", flat=True)) == {a.body["id"] for a in answers}


def test_a_visitor_identifying_with_many_events_at_once_joins_its_history_once(race):
    earlier = {EventFactory(visitor_id=VISITOR_ID).pk for _ in range(3)}

    statuses, _ = race(VISITOR_IDENTIFIES)

    assert statuses == {202: 20}
    contact = Contact.objects.get(email=VISITOR_EMAIL)
    assert created_events(contact) == 1
    assert VisitorLink.objects.get(visitor_id=VISITOR_ID).contact_id == contact.pk
    joined = Event.objects.filter(pk__in=earlier, contact_id=contact.pk).count()
    announced = Event.objects.filter(contact_id=contact.pk, type="visitor_identified")
    assert joined == 3
    assert [sorted(e.properties["events"]) for e in announced] == [sorted(earlier)]


def test_many_clients_upserting_one_known_contact_change_it_once(race):
    known = ContactFactory(first_name="Anong")
    body = {"email": known.email, "first_name": "Anongnart"}

    statuses, _ = race(Burst("PUT", "/api/v1/contacts", [body] * 20))

    assert statuses == {200: 20}
    known.refresh_from_db()
    assert known.first_name == "Anongnart"
    assert Contact.objects.filter(email=known.email).count() == 1
    assert created_events(known) == 0
    changes = Event.objects.filter(contact_id=known.pk, type="contact_updated")
    assert [e.properties["changed"] for e in changes] == [["first_name"]]


def test_one_new_company_named_with_and_without_its_domain_at_once_is_one_company(race):
    burst = Burst(
        "POST",
        "/api/v1/contacts",
        [
            {
                "email": f"buyer{i}@gmail.com",
                "company": {
                    "name": "Kanok Rice",
                    **({"domain": "kanokrice.co.th"} if i % 2 else {}),
                },
            }
            for i in range(20)
        ],
    )

    statuses, answers = race(burst)

    assert statuses == {201: 20}
    company = Company.objects.get(name="Kanok Rice")
    assert company.domain == "kanokrice.co.th"
    assert {a.body["company"]["id"] for a in answers} == {company.pk}


def test_batches_identifying_overlapping_visitors_at_once_do_not_deadlock(race):
    people = [ContactFactory(email=f"p{n}@gmail.com") for n in range(10)]
    earlier = {n: EventFactory(visitor_id=f"v{n}").pk for n in range(10)}
    burst = Burst(
        "POST",
        "/api/v1/events/batch",
        [
            [
                {
                    "contact": {"email": f"p{i % 10}@gmail.com"},
                    "visitor_id": f"v{i % 10}",
                    "type": "page_view",
                    "properties": {"url": f"/k{k}"},
                }
                for i in range(k, k + 4)
            ]
            for k in range(20)
        ],
    )

    statuses, _ = race(burst)

    assert statuses == {202: 20}
    for n, person in enumerate(people):
        assert Event.objects.get(pk=earlier[n]).contact_id == person.pk
        announced = Event.objects.filter(contact_id=person.pk, type="visitor_identified")
        assert [e.properties["events"] for e in announced] == [[earlier[n]]]


def test_many_clients_creating_a_company_with_one_new_domain_at_once_make_one(race):
    burst = Burst(
        "POST",
        "/api/v1/companies",
        [{"name": f"Lotus Foods {i}", "domain": "https://www.lotus-race.co.th"} for i in range(20)],
    )

    statuses, answers = race(burst)

    assert statuses == {201: 1, 409: 19}
    assert {a.body["field"] for a in answers if a.status == 409} == {"domain"}
    company = Company.objects.get(domain="lotus-race.co.th")
    assert [a.body["id"] for a in answers if a.status == 201] == [company.pk]


def test_many_clients_creating_one_company_name_without_a_domain_at_once_make_one(race):
    burst = Burst(
        "POST",
        "/api/v1/companies",
        [{"name": "Isan Silk" if i % 2 else "ISAN SILK"} for i in range(20)],
    )

    statuses, answers = race(burst)

    assert statuses == {201: 1, 409: 19}
    assert {a.body["field"] for a in answers if a.status == 409} == {"name"}
    assert Company.objects.filter(name__iexact="isan silk").count() == 1
