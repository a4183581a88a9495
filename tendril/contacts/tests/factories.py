"""factory-boy factories for contacts, companies and events, with the same field values the
services write (a company's folded ``name_key``, search texts, timestamps from the clock)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tendril.contacts.companies import company_name_key
from tendril.contacts.models import Company, Contact, Stage
from tendril.contacts.search import company_search_text, contact_search_text
from tendril.core import clock
from tendril.core.models import Event, EventSource


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    name_key = factory.LazyAttribute(lambda c: company_name_key(c.name))
    domain = factory.Sequence(lambda n: f"company{n}.co.th")
    search_text = factory.LazyAttribute(lambda c: company_search_text(name=c.name, domain=c.domain))
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyAttribute(lambda c: c.created_at)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = "Ann"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    phone = ""
    company = factory.SubFactory(CompanyFactory)
    source = "api"
    stage = Stage.LEAD
    search_text = factory.LazyAttribute(
        lambda c: contact_search_text(
            first_name=c.first_name,
            last_name=c.last_name,
            email=c.email,
            phone=c.phone,
            company_name=c.company.name if c.company else "",
        )
    )
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyAttribute(lambda c: c.created_at)


class EventFactory(DjangoModelFactory):
    """An anonymous page view unless ``contact_id`` is given."""

    class Meta:
        model = Event

    contact_id = None
    visitor_id = factory.Sequence(lambda n: f"v-{n}")
    type = "page_view"
    properties = factory.Sequence(lambda n: {"url": f"https://tendril.example/page/{n}"})
    occurred_at = factory.LazyFunction(clock.now)
    received_at = factory.LazyAttribute(lambda e: e.occurred_at)
    source = EventSource.API
