"""A form or a file that a landing page shows cannot be deleted (its block would silently
disappear): the API answers 409 naming the pages, the delete screen shows them and no delete
button; a page saving a form at the moment it is deleted never ends up showing nothing (on
PostgreSQL, at a live server)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import Role, User
from tendril.accounts.services import apikey_create
from tendril.web.landing import page_create, page_publish, page_update
from tendril.web.models import Asset, Form, LandingPage
from tendril.web.services import form_create, form_update
from tendril.web.tests.landing_helpers import FORM_FIELDS, make_asset

HEADING = {"type": "heading", "text": "Spring"}


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def form(db: Any) -> Form:
    return form_create(data={"name": "Ebook form", "fields": FORM_FIELDS}, by=None)


def _page(name: str, blocks: list[dict[str, Any]], *, publish: bool = False) -> LandingPage:
    page = page_create(data={"name": name, "blocks": blocks}, by=None)
    return page_publish(page=page, by=None) if publish else page


@pytest.mark.django_db
def test_the_api_refuses_deleting_a_form_on_pages_and_names_them(
    marketer_api: Client, form: Form
) -> None:
    _page("Webinar", [{"type": "form", "form": form.pk}])  # a draft
    _page("Ebook", [HEADING, {"type": "form", "form": form.pk}], publish=True)
    _page("Pricing", [HEADING], publish=True)

    answer = marketer_api.delete(f"/api/v1/forms/{form.pk}")

    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "This form is on the landing pages Ebook, Webinar: take it off them first.",
        "field": "form",
    }
    assert Form.objects.filter(pk=form.pk).exists()


@pytest.mark.django_db
def test_a_form_still_published_on_a_page_whose_draft_dropped_it_is_in_use(
    marketer_api: Client, form: Form
) -> None:
    page = _page("Ebook", [{"type": "form", "form": form.pk}], publish=True)
    page_update(page=page, data={"blocks": [HEADING]}, by=None)

    answer = marketer_api.delete(f"/api/v1/forms/{form.pk}")
    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "This form is on the landing page Ebook: take it off the page first."
    )
    # Published without it: now it may go.
    page_publish(page=page, by=None)
    assert marketer_api.delete(f"/api/v1/forms/{form.pk}").status_code == 204


@pytest.mark.django_db
def test_the_form_a_file_block_shows_is_in_use_unless_another_form_gives_the_file(
    marketer_api: Client,
) -> None:
    asset = make_asset()
    giver = form_create(data={"name": "Giver", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    _page("Ebook", [{"type": "asset", "asset": asset.pk}], publish=True)

    assert marketer_api.delete(f"/api/v1/forms/{giver.pk}").status_code == 409
    other = form_create(data={"name": "Other", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    assert marketer_api.delete(f"/api/v1/forms/{giver.pk}").status_code == 204
    assert marketer_api.delete(f"/api/v1/forms/{other.pk}").status_code == 409


@pytest.mark.django_db
def test_a_form_cannot_stop_giving_the_file_a_page_shows_through_it(marketer_api: Client) -> None:
    asset, ebook = make_asset(), make_asset()
    giver = form_create(data={"name": "Giver", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    _page("Ebook", [{"type": "asset", "asset": asset.pk}], publish=True)

    for change in ({"asset": None}, {"asset": ebook.pk}):
        answer = marketer_api.patch(
            f"/api/v1/forms/{giver.pk}", change, content_type="application/json"
        )
        assert answer.status_code == 409
        assert answer.json() == {
            "detail": "The landing page Ebook offers this form's file: take the file off the "
            "page first.",
            "field": "asset",
        }
    giver.refresh_from_db()
    assert giver.asset_id == asset.pk
    # Another form giving the file: the page keeps a way to offer it, so the change is fine.
    form_create(data={"name": "Other", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    assert form_update(form=giver, data={"asset": None}, by=None).asset_id is None


@pytest.mark.django_db
def test_the_api_refuses_deleting_a_file_on_pages_and_names_them(marketer_api: Client) -> None:
    asset = make_asset()
    giver = form_create(data={"name": "Giver", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    page = _page("Ebook", [{"type": "asset", "asset": asset.pk}])  # a draft

    answer = marketer_api.delete(f"/api/v1/assets/{asset.pk}")
    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "This file is on the landing page Ebook: take it off the page first.",
        "field": "asset",
    }
    assert Asset.objects.filter(pk=asset.pk).exists()
    page_update(page=page, data={"blocks": [HEADING]}, by=None)
    form_update(form=giver, data={"asset": None}, by=None)  # no page shows it now
    assert marketer_api.delete(f"/api/v1/assets/{asset.pk}").status_code == 204


@pytest.mark.django_db
def test_the_delete_screen_names_the_pages_and_has_no_delete_button(
    marketer: User, form: Form
) -> None:
    page = _page('Ebook <script>alert("x")</script>', [{"type": "form", "form": form.pk}])
    client = Client()
    client.force_login(marketer)

    asked = client.get(f"/forms/{form.pk}/delete/")
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "The form Ebook form cannot be deleted" in html
    assert "This form is on the landing page Ebook &lt;script&gt;" in html
    assert f'href="/forms/pages/{page.pk}/"' in html
    assert "<script>alert" not in html
    assert 'name="confirm"' not in html and "Delete form" not in html

    refused = client.post(f"/forms/{form.pk}/delete/", {"confirm": "yes"})
    assert refused.status_code == 409
    assert Form.objects.filter(pk=form.pk).exists()

    # Taken off the page, the usual confirmation deletes it.
    page_update(page=page, data={"blocks": [HEADING]}, by=None)
    assert "Delete form" in client.get(f"/forms/{form.pk}/delete/").content.decode()
    assert client.post(f"/forms/{form.pk}/delete/", {"confirm": "yes"}).status_code == 302
    assert not Form.objects.filter(pk=form.pk).exists()


def _send(url: str, method: str, secret: str, body: Any = None) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _race(url: str, secret: str, round_: int) -> None:
    """Four pages put the form on while it is deleted, all at the same moment."""
    form = form_create(data={"name": f"Race {round_}", "fields": FORM_FIELDS}, by=None)
    pages = [_page(f"Race {round_} {n}", [HEADING]) for n in range(4)]
    barrier = threading.Barrier(len(pages) + 1)
    statuses: dict[str, int] = {}

    def save(page: LandingPage) -> None:
        barrier.wait()
        statuses[page.slug] = _send(
            f"{url}/api/v1/pages/{page.pk}",
            "PATCH",
            secret,
            {"blocks": [HEADING, {"type": "form", "form": form.pk}]},
        )

    def delete() -> None:
        barrier.wait()
        statuses["delete"] = _send(f"{url}/api/v1/forms/{form.pk}", "DELETE", secret)

    threads = [threading.Thread(target=save, args=(page,)) for page in pages]
    threads.append(threading.Thread(target=delete))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [page for page in pages if statuses[page.slug] == 200]
    assert all(statuses[page.slug] in (200, 422) for page in pages), statuses
    if Form.objects.filter(pk=form.pk).exists():
        assert statuses["delete"] == 409 and saved, statuses
    else:
        assert statuses["delete"] == 204 and not saved, statuses
    for page in LandingPage.objects.filter(pk__in=[p.pk for p in pages]):
        shown = [b.get("form") for b in page.blocks if b["type"] == "form"]
        assert all(Form.objects.filter(pk=pk).exists() for pk in shown)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_form_deleted_while_pages_put_it_on_never_leaves_a_page_showing_nothing(
    live_server: Any,
) -> None:
    _, secret = apikey_create(name="race", role=Role.MARKETER, by=None)
    for round_ in range(5):
        _race(live_server.url, secret, round_)
