"""The contact list screen: sortable headers, page size, the column chooser (custom fields
too), compact cells, and the Export link that exports exactly the list shown."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tendril.accounts.models import AuditEntry, User
from tendril.contacts.listing import DEFAULT_COLUMNS
from tendril.contacts.models import Contact
from tendril.contacts.services import contact_create, custom_field_create
from tendril.ui.formatting import day

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _emails(html: str) -> list[str]:
    """The emails of the rows shown, top to bottom."""
    rows = re.findall(r'<tr data-contact="\d+">(.*?)</tr>', html, flags=re.S)
    return [m.group(1) for row in rows if (m := re.search(r"([\w.+-]+@[\w.-]+)</a>", row))]


def _headers(html: str) -> dict[str, str]:
    """Each column header's key and the link it sorts by."""
    found = re.findall(r'data-column="([^"]+)">\s*<a class="sort" href="([^"]+)"', html)
    return {key: unescape(href) for key, href in found}


@pytest.fixture
def people() -> dict[str, Contact]:
    made = {}
    for email, score, company, stage in [
        ("low@gmail.com", 1, "Globex", "lead"),
        ("top@gmail.com", 30, "Globex", "mql"),
        ("mid@gmail.com", 12, "Initech", "mql"),
        ("other@gmail.com", 20, "Globex", "lead"),
    ]:
        contact = contact_create(
            data={"email": email, "company": {"name": company}, "stage": stage}, by=None
        )
        Contact.objects.filter(pk=contact.pk).update(score=score)
        made[email.split("@")[0]] = contact
    return made


def test_clicking_the_score_header_sorts_highest_first_then_lowest(
    people: Any, marketer: User
) -> None:
    client = _signed_in(marketer)
    first = client.get("/contacts/").content.decode()
    by_score = _headers(first)["score"]

    highest = client.get("/contacts/" + by_score).content.decode()
    again = _headers(highest)["score"]
    lowest = client.get("/contacts/" + again).content.decode()

    assert by_score == "?order=-score"
    assert _emails(highest) == [
        "top@gmail.com",
        "other@gmail.com",
        "mid@gmail.com",
        "low@gmail.com",
    ]
    assert 'aria-sort="descending" data-column="score"' in highest
    assert "▼" in highest
    assert again == "?order=score"
    assert _emails(lowest)[0] == "low@gmail.com"
    assert 'aria-sort="ascending" data-column="score"' in lowest


def test_sort_links_keep_the_search_filters_page_size_and_columns(
    people: Any, marketer: User
) -> None:
    html = (
        _signed_in(marketer)
        .get(
            "/contacts/", {"q": "globex", "stage": "lead", "page_size": "25", "columns": ["score"]}
        )
        .content.decode()
    )

    assert _headers(html)["name"] == ("?q=globex&stage=lead&order=name&page_size=25&columns=score")
    assert _emails(html) == ["other@gmail.com", "low@gmail.com"]


def test_the_page_size_chooser_sets_rows_per_page(marketer: User) -> None:
    for n in range(30):
        contact_create(data={"email": f"person{n:02}@a.test"}, by=None)
    client = _signed_in(marketer)

    default = client.get("/contacts/").content.decode()
    small = client.get("/contacts/", {"page_size": "25"}).content.decode()
    odd = client.get("/contacts/", {"page_size": "7"}).content.decode()

    assert len(_emails(default)) == 30
    assert len(_emails(small)) == 25
    assert '<option value="25" selected>' in small
    assert len(_emails(odd)) == 30  # not offered: the default applies


def test_the_column_chooser_shows_a_custom_field_with_the_viewers_formats(
    marketer: User,
) -> None:
    custom_field_create(key="budget", label="Yearly budget", type="number", by=None)
    custom_field_create(key="met", label="Met on", type="date", by=None)
    contact_create(
        data={"email": "ana@gmail.com", "fields": {"budget": 1250000, "met": "2026-03-31"}},
        by=None,
    )
    client = _signed_in(marketer)

    default = client.get("/contacts/").content.decode()
    chosen = client.get("/contacts/", {"columns": ["email", "fields.budget", "fields.met"]})
    html = chosen.content.decode()

    assert 'value="fields.budget">' in default and "1,250,000" not in default
    assert re.findall(r'data-column="([^"]+)"', html) == [
        "name",
        "email",
        "fields.budget",
        "fields.met",
    ]
    assert '<td title="1,250,000">1,250,000</td>' in html
    assert 'value="fields.budget" checked' in html
    assert f'<td title="{day(date(2026, 3, 31))}">' in html


def test_rows_stay_on_one_line_with_the_full_text_on_hover(marketer: User) -> None:
    long_name = "Nguyễn Thị Thanh Hằng Phương Bích Ngọc"
    contact_create(
        data={"email": "hang@gmail.com", "first_name": long_name, "language": "vi"}, by=None
    )

    html = _signed_in(marketer).get("/contacts/").content.decode()

    assert '<table class="contacts compact">' in html
    assert f'title="{long_name}"' in html


def test_the_export_link_exports_exactly_the_list_shown(people: Any, marketer: User) -> None:
    client = _signed_in(marketer)
    html = client.get(
        "/contacts/",
        {"q": "globex", "stage": "lead", "order": "-score", "columns": ["company", "score"]},
    ).content.decode()
    link = unescape(re.search(r'href="(/contacts/export\.csv\?[^"]+)"', html).group(1))

    response = client.get(link)
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))

    assert link == (
        "/contacts/export.csv?q=globex&stage=lead&order=-score"
        "&columns=name&columns=company&columns=score"
    )
    assert rows[0] == ["email", "first_name", "last_name", "company", "company_domain", "score"]
    assert [r[0] for r in rows[1:]] == ["other@gmail.com", "low@gmail.com"]
    audit = AuditEntry.objects.get(action="contacts.export")
    assert audit.detail["filters"] == {"q": "globex", "stage": "lead"}


def test_the_export_without_columns_has_every_column(people: Any, admin_user: User) -> None:
    response = _signed_in(admin_user).get("/contacts/export.csv", {"stage": "mql"})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert {r["email"] for r in rows} == {"top@gmail.com", "mid@gmail.com"}
    assert "email_consent" in rows[0]


def test_sales_reps_see_no_bulk_bar_and_no_export_link(people: Any, sales_rep: User) -> None:
    html = _signed_in(sales_rep).get("/contacts/").content.decode()

    assert len(_emails(html)) == 4
    assert 'id="bulk-form"' not in html
    assert 'name="ids"' not in html
    assert "export.csv" not in html


def test_marketers_get_a_checkbox_per_row_tied_to_the_bulk_bar(people: Any, marketer: User) -> None:
    html = _signed_in(marketer).get("/contacts/", {"page_size": "25"}).content.decode()

    assert 'id="bulk-form"' in html
    assert html.count('name="ids"') == 4
    assert 'form="bulk-form"' in html
    assert '<input type="hidden" name="page_size" value="25">' in html


def test_a_live_search_puts_the_lists_short_address_in_the_address_bar(marketer: User) -> None:
    response = _signed_in(marketer).get(
        "/contacts/",
        {
            "q": "globex",
            "stage": "",
            "page_size": "50",
            "order": "-created_at",
            "columns": list(DEFAULT_COLUMNS),
        },
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Push-Url"] == "/contacts/?q=globex"


def test_a_list_with_more_matches_than_the_cap_says_more_than_and_still_shows_its_page(
    people: dict[str, Contact], marketer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tendril.contacts.views.contact_list.LIST_COUNT_CAP", 2)
    html = _signed_in(marketer).get("/contacts/?page_size=25").content.decode()
    assert "More than 2 results" in html
    assert "Select every matching contact (more than 2)" in html
    assert len(_emails(html)) == 4


def test_a_list_within_the_cap_gives_its_exact_count(
    people: dict[str, Contact], marketer: User
) -> None:
    html = _signed_in(marketer).get("/contacts/?q=globex").content.decode()
    assert "3 results" in html
    assert "More than" not in html


def test_the_list_page_reads_the_owners_it_offers_once(people: Any, marketer: User) -> None:
    """The filter form and the bulk bar offer the same active users: one query serves both."""
    client = _signed_in(marketer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/contacts/").content.decode()
    active_users = 'FROM "accounts_user" WHERE "accounts_user"."is_active"'
    owner_reads = [q["sql"] for q in queries if active_users in q["sql"]]
    assert len(owner_reads) == 1, owner_reads
    assert html.count(f'<option value="{marketer.pk}"') == 2  # the filter's owner, the bulk bar's
