"""The public page /p/<slug>: the published blocks with the page's SEO tags in its language,
404 until published, hostile text escaped under a strict policy; a view recorded as the
visitor of the first-party cookie (made when missing, none under Do Not Track, none for
robots); a form sent from the page converts its visitor, whose anonymous views join the
contact; the page's figures and the preview."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tendril.accounts.models import User
from tendril.contacts.models import Contact
from tendril.core.models import Event
from tendril.web import selectors
from tendril.web.landing import page_create, page_publish, page_update
from tendril.web.models import Form, LandingPage, LandingVisit
from tendril.web.services import form_create
from tendril.web.tests.landing_helpers import FORM_FIELDS, PERSON, make_asset, post_from_page

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'
VISITOR = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.BASE_URL = "http://testserver"


@pytest.fixture
def form() -> Form:
    return form_create(data={"name": "Ebook form", "fields": FORM_FIELDS}, by=None)


@pytest.fixture
def page(form: Form) -> LandingPage:
    page = page_create(
        data={
            "name": "Ebook",
            "slug": "ebook",
            "language": "vi",
            "seo_title": "Sách điện tử miễn phí",
            "seo_description": "Tải về sách điện tử về tự động hoá tiếp thị.",
            "og_image": "https://cdn.example.com/cover.png",
            "blocks": [
                {"type": "heading", "level": "1", "text": "Tự động hoá tiếp thị"},
                {"type": "text", "text": "Dòng một\ndòng hai\n\nĐoạn hai"},
                {"type": "image", "url": "https://cdn.example.com/c.png", "alt": "Bìa sách"},
                {"type": "button", "label": "Xem giá", "url": "https://example.com/pricing"},
                {"type": "form", "form": form.pk},
            ],
        },
        by=None,
    )
    return page_publish(page=page, by=None)


def visit(client: Client, path: str = "/p/ebook", **headers: Any) -> Any:
    return client.get(path, HTTP_USER_AGENT=headers.pop("agent", PERSON), **headers)


def test_the_published_page_has_its_blocks_and_seo_tags_in_its_language(page: LandingPage) -> None:
    response = visit(Client())
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "<title>Sách điện tử miễn phí</title>" in html
    assert (
        '<meta name="description" content="Tải về sách điện tử về tự động hoá tiếp thị.">' in html
    )
    assert '<link rel="canonical" href="http://testserver/p/ebook">' in html
    assert '<meta property="og:title" content="Sách điện tử miễn phí">' in html
    assert '<meta property="og:image" content="https://cdn.example.com/cover.png">' in html
    assert "<h1>Tự động hoá tiếp thị</h1>" in html
    assert "<p>Dòng một<br>dòng hai</p>\n\n<p>Đoạn hai</p>" in html
    assert '<img src="https://cdn.example.com/c.png" alt="Bìa sách" loading="lazy">' in html
    assert '<a class="button" href="https://example.com/pricing">Xem giá</a>' in html
    assert 'action="/f/' in html and 'name="_lp" value="ebook"' in html
    assert "noindex" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "<script" not in html


@pytest.mark.parametrize("path", ["/p/nothing-here", "/p/draft"])
def test_an_unknown_or_unpublished_page_is_404(path: str) -> None:
    page_create(data={"name": "Draft", "blocks": [{"type": "text", "text": "x"}]}, by=None)

    assert visit(Client(), path).status_code == 404
    assert not Event.objects.filter(type="page_view").exists()


def test_head_answers_without_recording_a_view(page: LandingPage) -> None:
    response = Client().head("/p/ebook", HTTP_USER_AGENT=PERSON)

    assert response.status_code == 200
    assert not LandingVisit.objects.exists()


def test_hostile_text_is_escaped_everywhere() -> None:
    page = page_create(
        data={
            "name": HOSTILE,
            "slug": "hostile",
            "seo_title": HOSTILE,
            "seo_description": '"><script>x</script>',
            "blocks": [
                {"type": "heading", "text": HOSTILE},
                {"type": "text", "text": HOSTILE},
                {"type": "image", "url": 'https://x.io/a.png"onerror="alert(1)', "alt": HOSTILE},
                {"type": "button", "label": HOSTILE, "url": 'https://x.io/?a=<b>&c="d"'},
            ],
        },
        by=None,
    )
    page_publish(page=page, by=None)

    html = visit(Client(), "/p/hostile").content.decode()

    assert "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'onerror="alert' not in html


def test_a_view_is_recorded_as_a_new_visitor_with_the_cookie_set(page: LandingPage) -> None:
    client = Client()
    response = visit(
        client,
        "/p/ebook?utm_source=zalo&utm_campaign=spring",
        HTTP_REFERER="https://www.facebook.com/",
    )

    visitor = response.cookies["tendril_vid"]
    assert re.fullmatch(r"[0-9a-f]{32}", visitor.value)
    assert visitor["max-age"] == 63072000 and visitor["samesite"] == "Lax"
    assert not visitor["httponly"]
    event = Event.objects.get(type="page_view")
    assert event.visitor_id == visitor.value and event.contact_id is None
    assert event.properties == {
        "url": "http://testserver/p/ebook?utm_source=zalo&utm_campaign=spring",
        "title": "Sách điện tử miễn phí",
        "referrer": "https://www.facebook.com/",
        "source": "social",
        "landing_page": page.pk,
        "session": response.cookies["tendril_sid"].value,
        "utm_source": "zalo",
        "utm_campaign": "spring",
    }
    # A second view by the same browser is a second page view of the same visitor.
    visit(client)
    assert Event.objects.filter(type="page_view", visitor_id=visitor.value).count() == 2
    assert LandingVisit.objects.get().visitor_id == visitor.value


def test_the_forms_campaign_fields_take_the_pages_utm_parameters() -> None:
    form = form_create(
        data={"name": "Campaign", "fields": [*FORM_FIELDS, {"key": "utm_campaign"}]}, by=None
    )
    page = page_create(data={"name": "C", "blocks": [{"type": "form", "form": form.pk}]}, by=None)
    page_publish(page=page, by=None)

    html = visit(Client(), "/p/c?utm_campaign=spring").content.decode()

    assert '<input type="hidden" name="utm_campaign" value="spring">' in html


def test_the_snippets_cookie_is_the_visitor(page: LandingPage) -> None:
    client = Client()
    client.cookies["tendril_vid"] = VISITOR

    response = visit(client)

    assert response.cookies["tendril_vid"].value == VISITOR
    assert LandingVisit.objects.get().visitor_id == VISITOR
    assert f'name="_v" value="{VISITOR}"' in response.content.decode()


@pytest.mark.parametrize(
    "headers", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}, {"agent": "Googlebot/2.1"}]
)
def test_do_not_track_and_robots_are_not_counted(
    page: LandingPage, headers: dict[str, str]
) -> None:
    response = visit(Client(), **headers)

    assert response.status_code == 200
    assert not Event.objects.filter(type="page_view").exists()
    assert not LandingVisit.objects.exists()
    if "agent" not in headers:
        assert "tendril_vid" not in response.cookies


def test_a_form_sent_from_the_page_converts_its_visitor(page: LandingPage, form: Form) -> None:
    client = Client()
    client.cookies["tendril_vid"] = VISITOR
    visit(client)
    other = Client()
    visit(other)

    response = post_from_page(client, form, page, VISITOR, email="lan@acme.vn", first_name="Lan")

    assert response.status_code == 303
    html = client.get(response["Location"], HTTP_USER_AGENT=PERSON).content.decode()
    assert "<h1>Tự động hoá tiếp thị</h1>" in html  # the page itself, its form thanking
    assert 'role="status"' in html
    contact = Contact.objects.get(email="lan@acme.vn")
    # The anonymous view joined the contact.
    assert Event.objects.get(type="page_view", visitor_id=VISITOR).contact_id == contact.pk
    submitted = Event.objects.get(type="form_submit")
    assert submitted.properties["landing_page"] == page.pk
    assert LandingVisit.objects.get(visitor_id=VISITOR).converted_at is not None
    figures = selectors.page_figures(selectors.page_list().get(pk=page.pk))
    assert (figures.visitors, figures.conversions, figures.rate) == (2, 1, 50)


def test_a_refused_form_is_shown_on_the_page_with_its_messages_in_the_pages_language(
    page: LandingPage, form: Form
) -> None:
    response = post_from_page(Client(), form, page, VISITOR, email="not-an-email")

    assert response.status_code == 422
    html = response.content.decode()
    assert "<h1>Tự động hoá tiếp thị</h1>" in html
    assert 'value="not-an-email"' in html
    assert "Vui lòng sửa các trường được đánh dấu bên dưới." in html
    assert not LandingVisit.objects.filter(converted_at__isnull=False).exists()


def test_a_second_form_sent_does_not_count_twice(page: LandingPage, form: Form) -> None:
    client = Client()
    client.cookies["tendril_vid"] = VISITOR
    visit(client)
    post_from_page(client, form, page, VISITOR, email="a@acme.vn", first_name="A")
    first = LandingVisit.objects.get().converted_at
    post_from_page(client, form, page, VISITOR, email="a@acme.vn", first_name="A")

    assert LandingVisit.objects.get().converted_at == first
    assert selectors.page_figures(page).conversions == 1


def test_a_file_download_block_shows_the_form_that_gives_it(form: Form) -> None:
    asset = make_asset("Marketing ebook")
    gated = form_create(data={"name": "Gated", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    page = page_create(
        data={"name": "Gated", "blocks": [{"type": "asset", "asset": asset.pk}]}, by=None
    )
    page_publish(page=page, by=None)

    html = visit(Client(), "/p/gated").content.decode()
    assert "Download Marketing ebook" in html
    assert f'action="/f/{gated.key}"' in html

    client = Client()
    response = post_from_page(client, gated, page, VISITOR, email="b@acme.vn", first_name="B")
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert 'href="/a/' in html  # the signed link, on the page


def test_the_preview_shows_the_draft_to_signed_in_users_only(
    page: LandingPage, marketer: User
) -> None:
    page_update(page=page, data={"blocks": [{"type": "heading", "text": "New draft"}]}, by=None)
    path = f"/forms/pages/{page.pk}/preview/"

    assert Client().get(path).status_code == 302
    client = Client()
    client.force_login(marketer)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "New draft" in html and '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Xem trước" in html  # "Preview", in the page's language
    assert not LandingVisit.objects.exists()
    assert not Event.objects.filter(type="page_view").exists()
    assert "Tự động hoá tiếp thị" in visit(Client()).content.decode()  # the public one unchanged
