"""The personas screens: list, page with its stage counts, form, deletion; the dimensions'
editing; the contact page's "Buying stages" panel. Marketing edits, sales reads and moves."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tendril.accounts.models import User
from tendril.contacts.tests.factories import ContactFactory
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage, Persona
from tendril.personas.services import contact_buying_stage_set, persona_create
from tendril.segments.services import segment_add_contacts, segment_create

pytestmark = pytest.mark.django_db
HOSTILE = "<img src=x onerror=alert(1)>"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_marketer_describes_a_persona_and_its_page_counts_people_per_stage(
    marketer: User, b2b: BuyingStageDimension
) -> None:
    client = signed_in(marketer)
    people = ContactFactory.create_batch(3)
    segment = segment_create(name="SMEs in Ho Chi Minh City", static=True, by=None)
    segment_add_contacts(segment=segment, ids=[p.pk for p in people], by=None)
    contact_buying_stage_set(contact=people[0], dimension=b2b, stage="searching", by=None)
    answer = client.post(
        reverse("personas:persona_new"),
        {
            "name": HOSTILE,
            "description": "IT manager",
            "goals": "Fewer outages\n\nA smaller bill",
            "dimension": b2b.pk,
            "segments": [segment.pk],
        },
    )
    persona = Persona.objects.get()
    assert answer.status_code == 302 and persona.goals == ["Fewer outages", "A smaller bill"]
    page = client.get(reverse("personas:persona_detail", args=[persona.pk]))
    html = page.content.decode()
    assert HOSTILE not in html and "&lt;img src=x" in html
    assert reverse("segments:segment_detail", args=[segment.pk]) in html
    chart = json.loads(
        html.split('id="persona-stages-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["values"] == [0, 0, 0, 1, 0, 0, 0, 0]
    assert chart["labels"][3] == "Searching"
    listing = client.get(reverse("personas:persona_list")).content.decode()
    assert "SMEs in Ho Chi Minh City" in listing and "3 members" in listing


def test_a_bad_persona_form_shows_the_error_on_its_field(
    marketer: User, b2b: BuyingStageDimension
) -> None:
    persona_create(data={"name": "Taken", "dimension": b2b.pk}, by=None)
    answer = signed_in(marketer).post(
        reverse("personas:persona_new"), {"name": "taken", "dimension": b2b.pk}
    )
    assert answer.status_code == 422
    assert "There is already a persona named" in answer.content.decode()


def test_editing_and_deleting_a_persona(marketer: User, b2b: BuyingStageDimension) -> None:
    client = signed_in(marketer)
    persona = persona_create(data={"name": "Ploy", "dimension": b2b.pk}, by=None)
    edit = reverse("personas:persona_edit", args=[persona.pk])
    assert 'value="Ploy"' in client.get(edit).content.decode()
    client.post(edit, {"name": "Ploy, shopper", "dimension": b2b.pk, "goals": "Deals"})
    assert Persona.objects.get().goals == ["Deals"]
    delete = reverse("personas:persona_delete", args=[persona.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"confirm": "yes"}).status_code == 302
    assert not Persona.objects.exists()


def test_sales_reps_read_personas_and_move_contacts_but_do_not_edit(
    sales_rep: User, b2c: BuyingStageDimension
) -> None:
    client = signed_in(sales_rep)
    persona = persona_create(data={"name": "Ploy", "dimension": b2c.pk}, by=None)
    assert client.get(reverse("personas:persona_list")).status_code == 200
    assert client.get(reverse("personas:persona_detail", args=[persona.pk])).status_code == 200
    assert client.get(reverse("personas:persona_new")).status_code == 403
    assert client.get(reverse("personas:persona_edit", args=[persona.pk])).status_code == 403
    assert client.post(reverse("personas:persona_delete", args=[persona.pk])).status_code == 403
    stage = b2c.stages.get(key="first_contact")
    rename = reverse("personas:stage_save", args=[b2c.pk, stage.pk])
    assert client.post(rename, {f"stage-{stage.pk}-label": "X"}).status_code == 403
    contact = ContactFactory()
    page = client.get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    assert 'id="buying-stages"' in page and "B2C funnel" in page
    moved = client.post(
        reverse("personas:contact_stage_set", args=[contact.pk, b2c.pk]), {"stage": "conversion"}
    )
    assert moved.status_code == 302 and moved["Location"].endswith("#buying-stages")
    assert ContactBuyingStage.objects.get(contact=contact).stage.key == "conversion"
    page = client.get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    assert 'value="conversion" selected' in page


def test_an_unknown_stage_from_the_contact_page_is_refused_with_a_message(
    marketer: User, b2c: BuyingStageDimension
) -> None:
    client = signed_in(marketer)
    contact = ContactFactory()
    url = reverse("personas:contact_stage_set", args=[contact.pk, b2c.pk])
    answer = client.post(url, {"stage": "purchase"}, follow=True)
    assert "has no stage" in answer.content.decode()
    assert not ContactBuyingStage.objects.exists()


def test_a_marketer_edits_a_dimensions_stages_on_its_page(
    marketer: User, b2c: BuyingStageDimension
) -> None:
    client = signed_in(marketer)
    page = reverse("personas:dimension_detail", args=[b2c.pk])
    assert client.get(reverse("personas:dimension_list")).status_code == 200
    client.post(reverse("personas:stage_add", args=[b2c.pk]), {"new-label": "Loyalty"})
    loyalty = b2c.stages.get(label="Loyalty")
    client.post(reverse("personas:stage_move", args=[b2c.pk, loyalty.pk]), {"to": "up"})
    first = b2c.stages.get(key="first_contact")
    client.post(
        reverse("personas:stage_save", args=[b2c.pk, first.pk]),
        {f"stage-{first.pk}-label": "Hello", f"stage-{first.pk}-description": "Said hi"},
    )
    client.post(reverse("personas:dimension_rename", args=[b2c.pk]), {"name": "Shoppers"})
    html = client.get(page).content.decode()
    order = [s.display_label for s in b2c.stages.order_by("position")]
    assert order == ["Hello", "Conversion", "Evaluation", "Loyalty", "Advocacy"]
    assert "Shoppers" in html and "Said hi" in html
    remove = reverse("personas:stage_remove", args=[b2c.pk, loyalty.pk])
    client.post(remove, {"confirm": "yes"})
    assert not b2c.stages.filter(pk=loyalty.pk).exists()
