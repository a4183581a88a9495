"""A form sent from a landing page, post/redirect/get: an accepted one answers 303 back to
``/p/<slug>?sent=<signed marker>``, where the page shows that form's thank-you (and the signed
download link bound to the person, for a gated file) in place of the form; refreshing sends
nothing again; a tampered, foreign or expired marker shows the page as usual; a refused form
still answers 422 with what was typed; a form with its own address to go to still goes there."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client

from tendril.contacts.models import Contact
from tendril.core import clock
from tendril.core.models import Event
from tendril.web.landing import page_create, page_publish, sent_marker
from tendril.web.models import Form, LandingPage
from tendril.web.services import form_create
from tendril.web.tests.landing_helpers import FORM_FIELDS, PERSON, make_asset, post_from_page

pytestmark = pytest.mark.django_db
VISITOR = "0123456789abcdef0123456789abcdef"
THANKS = "Cảm ơn bạn, sách đang trên đường tới!"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.BASE_URL = "http://testserver"


@pytest.fixture
def form() -> Form:
    return form_create(
        data={"name": "Ebook form", "fields": FORM_FIELDS, "thank_you": THANKS}, by=None
    )


def _published(slug: str, blocks: list[dict[str, Any]]) -> LandingPage:
    page = page_create(
        data={"name": slug, "slug": slug, "language": "vi", "blocks": blocks}, by=None
    )
    return page_publish(page=page, by=None)


@pytest.fixture
def page(form: Form) -> LandingPage:
    return _published(
        "ebook", [{"type": "heading", "text": "Ebook"}, {"type": "form", "form": form.pk}]
    )


def _browser() -> Client:
    client = Client(HTTP_USER_AGENT=PERSON)
    client.cookies["tendril_vid"] = VISITOR
    return client


def _form_shown(html: str, form: Form) -> bool:
    return f'action="/f/{form.key}"' in html


def test_an_accepted_form_redirects_to_the_page_which_thanks_and_a_refresh_sends_nothing(
    page: LandingPage, form: Form
) -> None:
    client = _browser()
    client.get("/p/ebook")
    sent = post_from_page(client, form, page, VISITOR, email="lan@acme.vn", first_name="Lan")

    assert sent.status_code == 303
    location = urlsplit(sent["Location"])
    assert location.path == "/p/ebook"
    assert list(parse_qs(location.query)) == ["sent"]
    for _refresh in range(3):
        shown = client.get(sent["Location"])
        html = shown.content.decode()
        assert shown.status_code == 200
        assert THANKS in html and 'role="status"' in html
        assert not _form_shown(html, form)
    assert Event.objects.filter(type="form_submit").count() == 1
    assert Contact.objects.filter(email="lan@acme.vn").count() == 1
    # The thank-you is not another view of the page.
    assert Event.objects.filter(type="page_view").count() == 1


def test_the_gated_files_link_is_the_signed_one_bound_to_the_person(form: Form) -> None:
    asset = make_asset("Marketing ebook")
    gated = form_create(data={"name": "Gated", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    page = _published("gated", [{"type": "asset", "asset": asset.pk}])
    client = _browser()

    sent = post_from_page(client, gated, page, VISITOR, email="b@acme.vn", first_name="B")
    html = client.get(sent["Location"]).content.decode()
    link = re.search(r'<a class="download" href="(/a/[^"]+)"', html)

    assert link is not None
    downloaded = Client().get(link[1])
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content).startswith(b"%PDF")
    event = Event.objects.get(type="asset_downloaded")
    assert event.contact_id == Contact.objects.get(email="b@acme.vn").pk


@pytest.mark.parametrize(
    "marker",
    [
        # The signature changed (not its last character, whose low bits are base64 padding).
        lambda m: m[:-5] + ("A" if m[-5] != "A" else "B") + m[-4:],
        lambda m: "eyJwIjoxLCJmIjoxLCJkIjoiIn0:forged",
        lambda m: "x" * 3000,
        lambda m: "",
    ],
)
def test_a_tampered_marker_shows_the_page_as_usual(
    page: LandingPage, form: Form, marker: Any
) -> None:
    good = sent_marker(page=page, form_id=form.pk, download="")
    html = _browser().get("/p/ebook", {"sent": marker(good)}).content.decode()
    assert _form_shown(html, form) and THANKS not in html


def test_an_expired_or_foreign_marker_shows_the_page_as_usual(
    page: LandingPage, form: Form
) -> None:
    _published("other", [{"type": "form", "form": form.pk}])
    good = sent_marker(page=page, form_id=form.pk, download="")
    assert THANKS in _browser().get("/p/ebook", {"sent": good}).content.decode()

    html = _browser().get("/p/other", {"sent": good}).content.decode()
    assert _form_shown(html, form) and THANKS not in html
    with time_machine.travel(clock.now() + timedelta(minutes=11)):
        html = _browser().get("/p/ebook", {"sent": good}).content.decode()
    assert _form_shown(html, form) and THANKS not in html


def test_a_refused_form_answers_422_on_the_page_with_what_was_typed(
    page: LandingPage, form: Form
) -> None:
    refused = post_from_page(_browser(), form, page, VISITOR, email="nope", first_name="Lan")
    html = refused.content.decode()
    assert refused.status_code == 422
    assert 'value="nope"' in html and 'value="Lan"' in html and _form_shown(html, form)
    assert not Event.objects.filter(type="form_submit").exists()


def test_a_form_with_its_own_address_to_go_to_still_goes_there(page: LandingPage) -> None:
    leaving = form_create(
        data={
            "name": "Leaving",
            "fields": FORM_FIELDS,
            "redirect_url": "https://example.com/thanks",
        },
        by=None,
    )
    page = _published("leaving", [{"type": "form", "form": leaving.pk}])
    sent = post_from_page(_browser(), leaving, page, VISITOR, email="c@acme.vn", first_name="C")
    assert sent.status_code == 302 and sent["Location"] == "https://example.com/thanks"


def test_spam_is_answered_like_a_success(page: LandingPage, form: Form) -> None:
    sent = post_from_page(_browser(), form, page, VISITOR, email="r@bot.test", website="x")
    assert sent.status_code == 303 and sent["Location"].startswith("/p/ebook?sent=")
    assert not Event.objects.filter(type="form_submit").exists()
