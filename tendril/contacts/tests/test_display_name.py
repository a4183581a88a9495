"""A contact's name in the order its language writes it, and its language through the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tendril.contacts.importer import import_contacts_path
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("vi", "Nguyễn Thị Hằng"),
        ("th", "Thị Hằng Nguyễn"),
        ("en", "Thị Hằng Nguyễn"),
        ("", "Thị Hằng Nguyễn"),
    ],
)
def test_vietnamese_names_show_the_family_name_first(language: str, shown: str) -> None:
    contact = Contact(email="hang@saomai.vn", first_name="Thị Hằng", last_name="Nguyễn")
    contact.language = language

    assert contact.display_name == shown
    assert str(contact) == shown


@pytest.mark.parametrize("language", ["vi", "th", ""])
def test_a_contact_without_a_name_shows_its_email(language: str) -> None:
    contact = Contact(email="someone@gmail.com", language=language)

    assert contact.display_name == "someone@gmail.com"


def test_only_one_name_shows_without_stray_spaces() -> None:
    assert Contact(email="a@b.vn", last_name="Nguyễn", language="vi").display_name == "Nguyễn"
    assert Contact(email="a@b.vn", first_name="Somchai", language="th").display_name == "Somchai"


def send(client: Any, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_the_api_takes_a_language_and_answers_the_display_name(marketer_api: Any) -> None:
    body = {"email": "hang@saomai.vn", "first_name": "Thị Hằng", "last_name": "Nguyễn"}

    created = send(marketer_api, "post", "/api/v1/contacts", {**body, "language": "vi"})

    assert created.status_code == 201, created.content
    assert (created.json()["language"], created.json()["display_name"]) == (
        "vi",
        "Nguyễn Thị Hằng",
    )
    path = f"/api/v1/contacts/{created.json()['id']}"
    patched = send(marketer_api, "patch", path, {"language": None})
    assert patched.status_code == 200
    assert (patched.json()["language"], patched.json()["display_name"]) == (
        None,
        "Thị Hằng Nguyễn",
    )
    assert Contact.objects.get(email="hang@saomai.vn").language == ""


@pytest.mark.django_db
def test_put_upserts_the_language(marketer_api: Any) -> None:
    contact_create(data={"email": "somchai@gmail.com", "first_name": "สมชาย"}, by=None)

    response = send(
        marketer_api, "put", "/api/v1/contacts", {"email": "somchai@gmail.com", "language": "th"}
    )

    assert response.status_code == 200
    assert response.json()["language"] == "th"


@pytest.mark.django_db
def test_an_empty_language_means_unknown_like_null(marketer_api: Any) -> None:
    response = send(
        marketer_api, "post", "/api/v1/contacts", {"email": "a@gmail.com", "language": ""}
    )

    assert response.status_code == 201
    assert response.json()["language"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "VI", "vietnamese", 3])
def test_a_language_tendril_does_not_speak_is_refused_on_its_field(
    marketer_api: Any, language: Any
) -> None:
    response = send(
        marketer_api, "post", "/api/v1/contacts", {"email": "a@gmail.com", "language": language}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "language"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_an_import_language_column_takes_codes_and_names(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name,Language\n"
        "hang@gmail.com,Thị Hằng,Nguyễn,Tiếng Việt\n"
        "somchai@gmail.com,Somchai,Jaidee,th\n"
        "ann@gmail.com,Ann,Lee,English\n"
        "bad@gmail.com,Bad,Row,Klingon\n",
        encoding="utf-8",
    )

    report = import_contacts_path(path=path)

    languages = dict(Contact.objects.values_list("email", "language"))
    assert languages == {"hang@gmail.com": "vi", "somchai@gmail.com": "th", "ann@gmail.com": "en"}
    assert Contact.objects.get(email="hang@gmail.com").display_name == "Nguyễn Thị Hằng"
    assert report["rejected_count"] == 1
    assert report["rejected"][0]["row"] == 5
    assert "Language" in report["rejected"][0]["detail"]
