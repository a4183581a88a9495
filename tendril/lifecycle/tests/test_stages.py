"""Stages are data: an admin's new, renamed, reordered or hidden stage is what every door
checks and every list offers (API, forms, bulk, import, segment filters, dashboard)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.bulk import bulk_job_create
from tendril.contacts.importer import import_contacts_path
from tendril.contacts.models import BulkAction, Contact, LifecycleStage
from tendril.contacts.selectors import dashboard_figures
from tendril.contacts.stages import stage_label, stages
from tendril.contacts.tests.factories import ContactFactory
from tendril.core.errors import Conflict, InvalidInput
from tendril.lifecycle.services import (
    stage_add,
    stage_delete,
    stage_hide,
    stage_move,
    stage_rename,
    stage_rule_create,
    stage_show,
)
from tendril.segments.builder import catalogue
from tendril.segments.describe import describe
from tendril.segments.dsl import filter_contacts

pytestmark = pytest.mark.django_db


def _stage(key: str) -> LifecycleStage:
    return LifecycleStage.objects.get(key=key)


def _keys() -> list[str]:
    return [key for key, _label in stages()]


def test_the_built_in_stages_come_in_funnel_order_with_their_translated_names() -> None:
    assert _keys() == [
        "subscriber",
        "lead",
        "mql",
        "sal",
        "sql",
        "opportunity",
        "customer",
        "evangelist",
    ]
    assert stage_label("mql") == "Marketing qualified (MQL)"


def test_an_added_stage_is_accepted_by_the_api_and_an_unknown_one_still_refused(
    marketer_api: Client,
) -> None:
    partner = stage_add(key="", label="Partner", by=None)
    contact = ContactFactory()

    def patch(stage: str) -> int:
        body = json.dumps({"stage": stage})
        url = f"/api/v1/contacts/{contact.pk}"
        return marketer_api.patch(url, body, content_type="application/json").status_code

    assert (partner.key, _keys()[-1]) == ("partner", "partner")
    assert patch("partner") == 200
    refused = marketer_api.patch(
        f"/api/v1/contacts/{contact.pk}",
        json.dumps({"stage": "nowhere"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "partner" in refused.json()["detail"] and refused.json()["field"] == "stage"


def test_a_renamed_stage_is_named_so_everywhere_and_an_empty_name_gives_back_its_own() -> None:
    stage_rename(stage=_stage("mql"), label="Warm lead", by=None)
    ContactFactory(stage="mql")

    assert stage_label("mql") == "Warm lead"
    assert ("mql", "Warm lead") in stages()
    assert describe({"field": "stage", "op": "eq", "value": "mql"}) == "Stage is Warm lead"
    [field] = [f for f in catalogue()["fields"] if f["value"] == "stage"]
    assert ["mql", "Warm lead"] in field["choices"]
    per_stage = {row.stage: row for row in dashboard_figures().per_stage}
    assert (per_stage["mql"].label, per_stage["mql"].count) == ("Warm lead", 1)

    stage_rename(stage=_stage("mql"), label="", by=None)
    assert stage_label("mql") == "Marketing qualified (MQL)"


def test_an_added_stage_must_have_a_name_and_a_key_of_its_own() -> None:
    with pytest.raises(InvalidInput):
        stage_add(key="", label="  ", by=None)
    with pytest.raises(Conflict):
        stage_add(key="lead", label="Another lead", by=None)


def test_moving_a_stage_changes_the_order_rules_promote_by() -> None:
    stage_move(stage=_stage("sal"), step=+1, by=None)

    assert _keys()[3:5] == ["sql", "sal"]
    stage_move(stage=_stage("subscriber"), step=-1, by=None)  # already first: stays
    assert _keys()[0] == "subscriber"


def test_hiding_a_stage_contacts_hold_is_refused_with_their_count() -> None:
    ContactFactory.create_batch(3, stage="sal")

    with pytest.raises(Conflict) as refused:
        stage_hide(stage=_stage("sal"), by=None)

    assert refused.value.message == (
        "3 contacts are in this stage: move them to another stage first."
    )
    assert "sal" in _keys()


def test_the_stage_new_contacts_start_in_or_a_rule_moves_to_cannot_be_hidden() -> None:
    stage_rule_create(
        data={"name": "Buyers", "stage": "customer", "trigger": "event", "event": "purchase"},
        by=None,
    )

    with pytest.raises(Conflict, match="New contacts start in this stage"):
        stage_hide(stage=_stage("lead"), by=None)
    with pytest.raises(Conflict, match="1 stage rule moves contacts to this stage"):
        stage_hide(stage=_stage("customer"), by=None)


def test_a_hidden_stage_is_no_longer_offered_nor_accepted_but_still_named() -> None:
    stage_hide(stage=_stage("evangelist"), by=None)

    assert "evangelist" not in _keys()
    assert stage_label("evangelist") == "Evangelist"
    with pytest.raises(InvalidInput):
        stage_rule_create(
            data={"name": "Fans", "stage": "evangelist", "trigger": "score", "score": 90}, by=None
        )
    stage_show(stage=_stage("evangelist"), by=None)
    assert _keys()[-1] == "evangelist"


def test_only_an_unused_stage_an_admin_added_can_be_deleted() -> None:
    partner = stage_add(key="partner", label="Partner", by=None)
    with pytest.raises(Conflict):
        stage_delete(stage=_stage("evangelist"), by=None)
    ContactFactory(stage="partner")
    with pytest.raises(Conflict, match="1 contact is in this stage"):
        stage_delete(stage=partner, by=None)

    Contact.objects.filter(stage="partner").update(stage="lead")
    stage_delete(stage=partner, by=None)

    assert not LifecycleStage.objects.filter(key="partner").exists()


def test_segment_filters_bulk_and_imports_take_an_added_stage(
    tmp_path: Path, marketer: User
) -> None:
    stage_add(key="partner", label="Partner", by=None)
    partner = ContactFactory(stage="partner")
    ContactFactory()

    matched = filter_contacts({"field": "stage", "op": "eq", "value": "partner"})
    assert list(matched.values_list("pk", flat=True)) == [partner.pk]
    job = bulk_job_create(
        action=BulkAction.SET_STAGE, by=marketer, ids=[partner.pk], params={"stage": "partner"}
    )
    assert job.params == {"stage": "partner"}
    path = tmp_path / "people.csv"
    path.write_text("email,stage\nann@acme.io,Partner\nbo@beta.io,mql\n")
    report = import_contacts_path(path=path)
    assert report["rejected_count"] == 0
    assert Contact.objects.get(email="ann@acme.io").stage == "partner"


def test_the_admin_renames_and_hides_stages_on_the_settings_screen(admin_user: User) -> None:
    client = Client()
    client.force_login(admin_user)
    ContactFactory(stage="sal")

    client.post(reverse("lifecycle:stage_rename", args=["sql"]), {"label": "Ready for sales"})
    refused = client.post(reverse("lifecycle:stage_hide", args=["sal"]), follow=True)
    page = client.get(reverse("lifecycle:stages")).content.decode()

    assert stage_label("sql") == "Ready for sales"
    assert "1 contact is in this stage: move it to another stage first." in (
        refused.content.decode()
    )
    assert 'value="Ready for sales"' in page
    assert _stage("sal").active


def test_the_admin_moves_a_stage_with_its_arrows_and_an_unknown_direction_is_404(
    admin_user: User,
) -> None:
    client = Client()
    client.force_login(admin_user)

    moved = client.post(reverse("lifecycle:stage_move", args=["customer", "earlier"]))
    unknown = client.post(reverse("lifecycle:stage_move", args=["customer", "sideways"]))

    assert moved.status_code == 302 and unknown.status_code == 404
    assert _keys()[5:7] == ["customer", "opportunity"]
