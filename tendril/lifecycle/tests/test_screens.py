"""The stage rules screens and the contact page's stage history panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.services import contact_update
from tendril.contacts.tests.factories import ContactFactory, EventFactory
from tendril.lifecycle.consumers import stage_rules_apply
from tendril.lifecycle.models import StageRule, Trigger
from tendril.lifecycle.services import stage_rule_create

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_marketer_adds_an_event_rule_and_sees_it_in_words(marketer: User) -> None:
    client = _signed_in(marketer)

    saved = client.post(
        reverse("lifecycle:rule_new"),
        {
            "name": "Big buyers are customers",
            "stage": "customer",
            "trigger": "event",
            "score": "",
            "segment": "",
            "event": "purchase",
            "where": '{"amount": {"gte": 100}}',
            "active": "on",
        },
    )
    page = client.get(reverse("lifecycle:rules")).content.decode()

    assert saved.status_code == 302
    rule = StageRule.objects.get()
    assert (rule.trigger, rule.event, rule.where) == (
        Trigger.EVENT,
        "purchase",
        {"amount": {"gte": 100}},
    )
    assert "Big buyers are customers" in page and "Customer" in page
    assert "purchase happens" in page


def test_a_rule_missing_what_its_trigger_needs_is_shown_on_its_field(marketer: User) -> None:
    refused = _signed_in(marketer).post(
        reverse("lifecycle:rule_new"),
        {"name": "Scored", "stage": "mql", "trigger": "score", "score": "", "active": "on"},
    )

    assert refused.status_code == 422
    assert refused.context["form"].errors["score"] == ["Say which score moves the contact."]
    assert not StageRule.objects.exists()


def test_the_contact_page_lists_stage_changes_newest_first_with_who_made_them(
    marketer: User, sales_rep: User
) -> None:
    rule = stage_rule_create(
        data={"name": "Hot leads are MQL", "stage": "mql", "trigger": "score", "score": 10},
        by=None,
    )
    contact = ContactFactory(owner=sales_rep, stage="subscriber")
    contact_update(contact=contact, data={"stage": "lead"}, by=marketer, method="ui")
    stage_rules_apply(
        [EventFactory(contact_id=contact.pk, type="score_changed", properties={"score": 10})]
    )

    html = _signed_in(sales_rep).get(reverse("contacts:contact_detail", args=[contact.pk]))

    panel = html.content.decode().split('id="stage-history"')[1]
    newest, older = panel.split("<tr>")[2:4]
    assert "Marketing qualified (MQL)" in newest and f"Rule “{rule.name}”" in newest
    assert "Lead" in older and "Subscriber" in older and marketer.first_name in older
