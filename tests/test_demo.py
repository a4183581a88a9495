from __future__ import annotations

import time

import pytest
from django.db.models import F, OuterRef, Subquery

from tendril.accounts.demo import DEMO_PASSWORD
from tendril.accounts.models import AuditEntry, User
from tendril.contacts.freemail import email_domain, is_company_domain
from tendril.contacts.models import Company, Consent, Contact, CustomField, Stage
from tendril.core.consumers import consumers_run_all
from tendril.core.events import activity_condition
from tendril.core.models import ConsumerCursor, Event, EventSource
from tendril.demo import demo_load

SMALL = {"contacts": 200, "companies": 30, "days": 30}


@pytest.mark.django_db
def test_demo_load_creates_a_small_data_set_of_the_asked_size():
    lines: list[str] = []
    summary = demo_load(**SMALL, progress=lines.append)

    assert summary["companies"] == Company.objects.count() == 30
    assert summary["contacts"] == Contact.objects.count() == 200
    assert summary["events"] == Event.objects.filter(source=EventSource.DEMO).count()
    assert 1_000 <= summary["events"] <= 6_000
    assert summary["password"] == DEMO_PASSWORD
    assert any(line.startswith("companies 30") for line in lines)
    assert any(line.startswith("events ") for line in lines)


@pytest.mark.django_db
def test_demo_load_a_second_time_creates_nothing():
    demo_load(**SMALL)
    counts = (Company.objects.count(), Contact.objects.count(), Event.objects.count())

    assert demo_load(**SMALL) == {"skipped": 1}
    assert (Company.objects.count(), Contact.objects.count(), Event.objects.count()) == counts


@pytest.mark.django_db
def test_demo_load_is_deterministic_for_a_seed():
    demo_load(**SMALL, seed=3)
    first = sorted(Contact.objects.values_list("email", "stage", "score"))
    Event.objects.all().delete()
    Contact.objects.all().delete()
    Company.objects.all().delete()
    AuditEntry.objects.all().delete()

    demo_load(**SMALL, seed=3)
    assert sorted(Contact.objects.values_list("email", "stage", "score")) == first


@pytest.mark.django_db
def test_demo_events_never_precede_their_contact():
    demo_load(**SMALL)

    created = Contact.objects.filter(pk=OuterRef("contact_id")).values("created_at")
    early = Event.objects.filter(contact_id__isnull=False, occurred_at__lt=Subquery(created))
    assert not early.exists()


@pytest.mark.django_db
def test_demo_last_seen_is_the_newest_activity():
    demo_load(**SMALL)

    for contact in Contact.objects.filter(last_seen_at__isnull=False)[:50]:
        newest = (
            Event.objects.filter(contact_id=contact.pk)
            .filter(activity_condition())
            .latest("occurred_at")
        )
        assert contact.last_seen_at == newest.occurred_at


@pytest.mark.django_db
def test_demo_last_seen_agrees_with_the_event_consumer():
    demo_load(**SMALL)
    before = dict(Contact.objects.values_list("pk", "last_seen_at"))

    consumers_run_all(max_batches=100)

    cursor = ConsumerCursor.objects.get(name="contacts.last_seen")
    assert cursor.position == Event.objects.order_by("-id").first().pk
    assert dict(Contact.objects.values_list("pk", "last_seen_at")) == before


@pytest.mark.django_db
def test_demo_company_contacts_use_the_company_domain_and_freemail_ones_have_no_company():
    demo_load(**SMALL)

    for contact in Contact.objects.select_related("company"):
        domain = email_domain(contact.email)
        if contact.company is None:
            assert not is_company_domain(domain), contact.email
        else:
            assert domain == contact.company.domain
    freemail = Contact.objects.filter(company__isnull=True).count()
    assert 10 <= freemail <= 60  # about 15 % of 200


@pytest.mark.django_db
def test_demo_sets_up_users_fields_consent_and_a_funnel():
    demo_load(**SMALL)

    marketer = User.objects.get(email="linh.marketing@demo.tendril")
    assert marketer.check_password(DEMO_PASSWORD)
    assert User.objects.filter(email__endswith="@demo.tendril", role="sales").count() == 2
    assert Contact.objects.filter(owner__email__endswith="@demo.tendril").exists()
    assert set(CustomField.objects.values_list("key", flat=True)) >= {
        "job_title",
        "budget",
        "interest",
        "newsletter",
    }
    assert Contact.objects.filter(fields__has_key="interest").exists()
    assert Consent.objects.filter(status="granted", method__in=["form", "import"]).exists()
    assert Consent.objects.filter(status="denied").exists()
    # Consent comes with the person; only the demo's later unsubscribes come after.
    later = Consent.objects.filter(given_at__gt=F("contact__created_at"))
    assert not later.exclude(method="unsubscribe").exists()
    stages = set(Contact.objects.values_list("stage", flat=True))
    assert {Stage.SUBSCRIBER, Stage.LEAD, Stage.MQL} <= stages
    scores = list(Contact.objects.values_list("score", flat=True))
    assert min(scores) >= 0 and max(scores) <= 40
    assert sorted(scores)[len(scores) // 2] < 10  # skewed low: the median contact is not hot
    types = set(Event.objects.values_list("type", flat=True))
    assert {"page_view", "form_submit", "asset_downloaded", "email_opened"} <= types


@pytest.mark.django_db
def test_demo_emails_only_people_who_agreed():
    demo_load(**SMALL)

    opened = Event.objects.filter(type="email_opened").values_list("contact_id", flat=True)
    granted = Consent.objects.filter(status="granted").values_list("contact", flat=True)
    assert opened.exists()
    assert set(opened) <= set(granted)


@pytest.mark.django_db
def test_demo_full_size_loads_in_well_under_a_minute():
    started = time.monotonic()
    summary = demo_load()
    elapsed = time.monotonic() - started

    assert summary["companies"] == 300
    assert summary["contacts"] == 2_000
    assert 20_000 <= int(summary["events"]) <= 40_000
    assert elapsed < 60
    hot = Contact.objects.filter(score__gte=10)
    cold = Contact.objects.filter(score__lt=5).values("pk")
    assert Event.objects.filter(contact_id__in=hot.values("pk")).count() / hot.count() > (
        Event.objects.filter(contact_id__in=cold).count()
        / Contact.objects.filter(score__lt=5).count()
    )
