"""Segment screens: the list and a segment's page for every role, its filter in words, static
lists kept by hand on their page, and an audited delete that only marketing may do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.models import Contact
from tendril.contacts.tests.factories import CompanyFactory, ContactFactory, EventFactory
from tendril.segments.describe import describe
from tendril.segments.models import Segment, SegmentMember
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db

SMALL_PRICING = {
    "all": [
        {"field": "company.employees", "op": "lt", "value": 100},
        {"event": "page_view", "where": {"url": {"contains": "/pricing"}}, "within": "P30D"},
    ]
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def small_pricing_visitor(**kwargs: Any) -> Contact:
    contact = ContactFactory(company=CompanyFactory(employees=40), **kwargs)
    EventFactory(contact_id=contact.pk, properties={"url": "https://x.example/pricing"})
    return contact


def test_the_menu_leads_to_the_segment_list_with_counts_and_search(sales_rep: User) -> None:
    small_pricing_visitor()
    segment_create(name="Small pricing visitors", filter=SMALL_PRICING, by=sales_rep)
    segment_create(name="Newsletter", static=True, by=sales_rep)
    client = signed_in(sales_rep)

    home = client.get(reverse("contacts:dashboard")).content.decode()
    assert reverse("segments:segment_list") in home

    page = client.get(reverse("segments:segment_list")).content.decode()
    assert "Small pricing visitors" in page and "Newsletter" in page
    assert "New static list" not in page  # sales read only

    found = client.get(reverse("segments:segment_list"), {"q": "pricing"}).content.decode()
    assert "Small pricing visitors" in found and "Newsletter" not in found


def test_a_segment_page_tells_its_filter_in_words_and_lists_its_members(marketer: User) -> None:
    member = small_pricing_visitor(first_name="Mai", last_name="Pham")
    ContactFactory(first_name="Big", last_name="Corp", company=CompanyFactory(employees=5000))
    segment = segment_create(name="Small pricing", filter=SMALL_PRICING, by=marketer)

    page = signed_in(marketer).get(reverse("segments:segment_detail", args=[segment.pk]))

    text = page.content.decode()
    assert (
        "Company employees less than 100 AND did page_view where url contains /pricing "
        "at least once in the past 30 days"
    ) in text
    assert member.display_name in text and "Big Corp" not in text
    assert f"?segment={segment.pk}" in text


def test_words_for_groups_not_counts_and_membership(marketer: User) -> None:
    other = segment_create(
        name="Customers", filter={"field": "stage", "op": "eq", "value": "customer"}, by=marketer
    )
    words = describe(
        {
            "any": [
                {"not": {"field": "email", "op": "exists"}},
                {
                    "all": [
                        {"segment": other.pk},
                        {"field": "grade", "op": "in", "value": ["hot", "warm"]},
                    ]
                },
                {"event": "email_open", "count": {"gte": 3}, "within": "P2W"},
            ]
        }
    )
    assert words == (
        "NOT (Email is set) OR (in segment Customers AND Grade is one of Hot, Warm) "
        "OR did email_open at least 3 times in the past 2 weeks"
    )
    assert describe({"field": "phone", "op": "exists", "value": False}) == "Phone is not set"


def test_marketing_keeps_a_static_list_by_email_and_by_ticking(marketer: User) -> None:
    ann = ContactFactory(email="ann@example.com")
    bob = ContactFactory(email="bob@example.com")
    client = signed_in(marketer)

    created = client.post(reverse("segments:segment_new_static"), {"name": "VIP"})
    segment = Segment.objects.get(name="VIP")
    assert created.status_code == 302 and segment.static

    url = reverse("segments:segment_add", args=[segment.pk])
    refused = client.post(url, {"emails": "ann@example.com\nnobody@example.com"})
    assert refused.status_code == 422
    assert "There is no contact with the email nobody@example.com." in refused.content.decode()
    assert not SegmentMember.objects.filter(segment=segment).exists()

    client.post(url, {"emails": "ANN@example.com, bob@example.com"})
    members = SegmentMember.objects.filter(segment=segment)
    assert set(members.values_list("contact_id", flat=True)) == {ann.pk, bob.pk}

    client.post(reverse("segments:segment_remove", args=[segment.pk]), {"ids": [str(bob.pk)]})
    assert list(members.values_list("contact_id", flat=True)) == [ann.pk]


def test_a_name_taken_is_shown_on_the_name_field(marketer: User) -> None:
    segment_create(name="VIP", static=True, by=marketer)
    page = signed_in(marketer).post(reverse("segments:segment_new_static"), {"name": "vip"})
    assert page.status_code == 422
    assert "There is already a segment named" in page.content.decode()


def test_delete_asks_first_and_is_audited(admin_user: User) -> None:
    segment = segment_create(name="Old", static=True, by=admin_user)
    client = signed_in(admin_user)
    url = reverse("segments:segment_delete", args=[segment.pk])

    asked = client.get(url)
    assert asked.status_code == 200 and Segment.objects.filter(pk=segment.pk).exists()

    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and not Segment.objects.filter(pk=segment.pk).exists()
    assert AuditEntry.objects.filter(action="segment.delete", target_id=segment.pk).exists()


def test_sales_reads_segments_but_cannot_change_them(sales_rep: User, marketer: User) -> None:
    contact = ContactFactory(email="c@example.com")
    segment = segment_create(name="VIP", static=True, by=marketer)
    segment_add_contacts(segment=segment, ids=[contact.pk], by=marketer)
    client = signed_in(sales_rep)

    page = client.get(reverse("segments:segment_detail", args=[segment.pk]))
    assert page.status_code == 200 and "Add contacts" not in page.content.decode()
    attempts = [
        client.get(reverse("segments:segment_new_static")),
        client.post(
            reverse("segments:segment_add", args=[segment.pk]), {"emails": "c@example.com"}
        ),
        client.post(reverse("segments:segment_remove", args=[segment.pk]), {"ids": [contact.pk]}),
        client.post(reverse("segments:segment_delete", args=[segment.pk]), {"confirm": "yes"}),
    ]
    assert [r.status_code for r in attempts] == [403] * 4
    assert SegmentMember.objects.filter(segment=segment).count() == 1


def test_an_unknown_segment_is_a_404(marketer: User) -> None:
    assert (
        signed_in(marketer).get(reverse("segments:segment_detail", args=[999])).status_code == 404
    )


def test_the_builder_saves_a_new_segment_and_fills_it(marketer: User) -> None:
    member = small_pricing_visitor()
    client = signed_in(marketer)
    assert client.get(reverse("segments:segment_new")).status_code == 200

    saved = client.post(
        reverse("segments:segment_new"),
        {"name": "Small pricing", "filter": json.dumps(SMALL_PRICING)},
    )

    segment = Segment.objects.get(name="Small pricing")
    assert saved.status_code == 302 and segment.filter == SMALL_PRICING
    assert list(SegmentMember.objects.values_list("contact_id", flat=True)) == [member.pk]


def test_a_refused_filter_part_comes_back_with_its_path_for_the_builder(marketer: User) -> None:
    bad = {"all": [{"field": "company.employees", "op": "contains", "value": 100}]}
    page = signed_in(marketer).post(
        reverse("segments:segment_new"), {"name": "Bad", "filter": json.dumps(bad)}
    )
    assert page.status_code == 422
    assert 'data-error-path="all[0].op"' in page.content.decode()
    assert not Segment.objects.exists()


def test_editing_the_filter_rebuilds_the_members(marketer: User) -> None:
    member = small_pricing_visitor()
    segment = segment_create(name="Small", filter=SMALL_PRICING, by=marketer)
    bigger = {"field": "company.employees", "op": "gt", "value": 1000}
    client = signed_in(marketer)
    page = client.get(reverse("segments:segment_edit", args=[segment.pk])).content.decode()
    assert "company.employees" in page  # the stored filter, for the builder to draw

    client.post(
        reverse("segments:segment_edit", args=[segment.pk]),
        {"name": "Big", "filter": json.dumps(bigger)},
    )

    segment.refresh_from_db()
    assert segment.name == "Big" and segment.filter == bigger
    assert not SegmentMember.objects.filter(segment=segment, contact_id=member.pk).exists()


def test_the_preview_counts_and_samples_without_saving(marketer: User) -> None:
    small_pricing_visitor(first_name="Mai", last_name="Pham")
    ContactFactory(first_name="Big", last_name="Corp", company=CompanyFactory(employees=5000))
    client = signed_in(marketer)
    url = reverse("segments:segment_preview")

    shown = client.post(url, {"filter": json.dumps(SMALL_PRICING)}).content.decode()
    assert "<strong>1</strong>" in shown and "Mai Pham" in shown and "Big Corp" not in shown
    refused = client.post(url, {"filter": json.dumps({"all": [{"field": "nope", "op": "eq"}]})})
    assert 'data-error-path="all[0].field"' in refused.content.decode()
    assert not Segment.objects.exists()


def test_sales_cannot_open_the_builder_or_the_preview(sales_rep: User, marketer: User) -> None:
    segment = segment_create(name="Small", filter=SMALL_PRICING, by=marketer)
    client = signed_in(sales_rep)
    attempts = [
        client.get(reverse("segments:segment_new")),
        client.get(reverse("segments:segment_edit", args=[segment.pk])),
        client.post(reverse("segments:segment_preview"), {"filter": json.dumps(SMALL_PRICING)}),
    ]
    assert [r.status_code for r in attempts] == [403] * 3


def test_the_segment_page_opens_the_contact_list_with_only_its_members(marketer: User) -> None:
    member = small_pricing_visitor(first_name="Mai", last_name="Pham")
    ContactFactory(first_name="Big", last_name="Corp", company=CompanyFactory(employees=5000))
    segment = segment_create(name="Small pricing", filter=SMALL_PRICING, by=marketer)
    client = signed_in(marketer)

    listed = client.get(reverse("contacts:contact_list"), {"segment": segment.pk})

    text = listed.content.decode()
    assert member.display_name in text and "Big Corp" not in text
    assert f'name="segment" value="{segment.pk}"' in text  # kept as the filters change
    everyone = client.get(reverse("contacts:contact_list")).content.decode()
    assert "Big Corp" in everyone
