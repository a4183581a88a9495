"""Error pages speak the reader's language: 404, 403, 500 and a refused (CSRF) form."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_not_found_page_is_in_the_browsers_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/no/such/page/")

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_forbidden_page_is_in_the_users_language(sales_rep):
    sales_rep.language = "th"
    sales_rep.save()
    client = Client()
    client.force_login(sales_rep)

    response = client.get("/settings/users/")

    assert response.status_code == 403
    assert "ไม่ได้รับอนุญาต" in response.content.decode()


def test_server_error_page_is_translated():
    with translation.override("th"):
        response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="th">' in page
    assert "เกิดข้อผิดพลาดที่ฝั่งของเรา" in page


def test_a_refused_form_gets_a_translated_page_not_djangos():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="vi")

    response = client.post("/login/", {"username": "a@b.c", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu này đã hết hạn" in page
    assert "CSRF verification failed" not in page
