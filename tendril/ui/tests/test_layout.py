"""The layout every screen shares, and the helpers that answer 403 and 404 inside it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tendril.core.errors import NotFound
from tendril.ui.views import found, role_required

pytestmark = pytest.mark.django_db


def test_the_user_sees_their_name_and_role(client: Client, sales_rep: AbstractUser) -> None:
    client.force_login(sales_rep)

    html = client.get("/settings/").content.decode()

    assert '<div class="who">Sales Tester</div>' in html
    assert "<div>Sales rep</div>" in html


def test_an_unknown_address_shows_the_not_found_page_inside_the_layout(
    client: Client, marketer: AbstractUser
) -> None:
    client.force_login(marketer)

    response = client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in body
    assert "Sign out" in body
    assert '<a href="/">Back to the dashboard</a>' in body


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the page")


def test_a_role_check_that_fails_answers_the_forbidden_page(sales_rep: AbstractUser) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = sales_rep

    response = role_required(lambda user: False)(_page)(request)

    assert response.status_code == 403
    assert "Your role does not give access to this page." in response.content.decode()


def test_a_role_check_sends_anonymous_visitors_to_sign_in(db: None) -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    response = role_required(lambda user: True)(_page)(request)

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/somewhere/"


def test_a_record_the_selector_does_not_find_is_a_404(db: None) -> None:
    def missing(viewer: object, pk: int) -> object:
        raise NotFound(f"no thing with id {pk}")

    with pytest.raises(Http404, match="no thing with id 7"):
        found(missing, None, 7)
