"""Notifications: stored per person, counted by the bell, listed and marked read by their owner
only, in the app and through the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.notifications.kinds import notification_kind, words_of
from tendril.notifications.models import Notification
from tendril.notifications.services import notify

pytestmark = pytest.mark.django_db

KIND = "test_hello"
# Words from the catalogue (Django's own "Notification" fallback is ours too): a kind renders
# in the language active when it is read.
notification_kind(
    KIND,
    title=lambda p: _("Notification") + f" {p.get('n', '')}".rstrip(),
    body=lambda p: "<b>body</b>",
)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tell(users: list[User], n: int = 1, url: str = "/contacts/") -> list[Notification]:
    return notify(users=users, kind=KIND, params={"n": n}, url=url)


def test_notify_stores_one_unread_notification_for_each_active_user(
    marketer: User, sales_rep: User, admin_user: User
) -> None:
    admin_user.is_active = False
    admin_user.save()
    made = tell([marketer, sales_rep, admin_user])
    assert sorted(n.user_id for n in made) == sorted([marketer.pk, sales_rep.pk])
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_the_words_are_those_of_the_readers_language(marketer: User) -> None:
    (note,) = tell([marketer], n=3)
    with translation.override("th"):
        thai = words_of([(note.kind, note.params)])[0].title
    with translation.override("en"):
        english = words_of([(note.kind, note.params)])[0].title
    assert english == "Notification 3"
    assert thai != english and thai.endswith(" 3")


def test_an_unknown_kind_still_shows_a_plain_notification(marketer: User) -> None:
    assert words_of([("gone_app_kind", {})])[0].title == "Notification"


def test_the_bell_counts_the_unread_notifications_on_every_page(marketer: User) -> None:
    tell([marketer], 1)
    tell([marketer], 2)
    page = signed_in(marketer).get(reverse("segments:segment_list"))
    html = page.content.decode()
    assert 'id="notification-bell"' in html
    assert '<span class="count" aria-label="2 unread">2</span>' in html


def test_the_bell_shows_no_count_when_all_is_read(marketer: User) -> None:
    html = signed_in(marketer).get(reverse("segments:segment_list")).content.decode()
    assert 'id="notification-bell"' in html and 'class="count"' not in html


def test_the_inbox_lists_newest_first_and_escapes_what_it_shows(
    marketer: User, sales_rep: User
) -> None:
    tell([marketer], 1)
    tell([marketer], 2)
    tell([sales_rep], 99)
    html = signed_in(marketer).get(reverse("notifications:inbox")).content.decode()
    assert html.index("Notification 2") < html.index("Notification 1")
    assert "Notification 99" not in html
    assert "&lt;b&gt;body&lt;/b&gt;" in html and "<b>body</b>" not in html


def test_opening_a_notification_marks_it_read_and_leads_to_its_page(marketer: User) -> None:
    (note,) = tell([marketer], url="/segments/")
    client = signed_in(marketer)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405
    answer = client.post(reverse("notifications:open", args=[note.pk]))
    assert answer.status_code == 302 and answer["Location"] == "/segments/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_notification_never_leads_outside_tendril(marketer: User) -> None:
    (note,) = tell([marketer], url="//evil.example/")
    answer = signed_in(marketer).post(reverse("notifications:open", args=[note.pk]))
    assert answer["Location"] == reverse("notifications:inbox")


def test_nobody_opens_or_marks_another_persons_notification(
    marketer: User, sales_rep: User
) -> None:
    (note,) = tell([marketer])
    client = signed_in(sales_rep)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_empties_the_bell(marketer: User) -> None:
    tell([marketer], 1)
    tell([marketer], 2)
    client = signed_in(marketer)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=marketer, read_at__isnull=True).exists()
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert 'class="count"' not in html


# --- the API ----------------------------------------------------------------------------------


def test_the_api_lists_only_the_callers_own_newest_first(marketer: User, sales_rep: User) -> None:
    first, second = tell([marketer], 1)[0], tell([marketer], 2)[0]
    tell([sales_rep], 3)
    body = signed_in(marketer).get("/api/v1/notifications?page_size=1").json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [second.pk]
    item = body["items"][0]
    assert item["title"] == "Notification 2" and item["url"] == "/contacts/"
    assert item["read_at"] is None and first.pk != second.pk


def test_the_api_lists_unread_ones_and_marks_them_read(marketer: User) -> None:
    first, second = tell([marketer], 1)[0], tell([marketer], 2)[0]
    client = signed_in(marketer)
    read = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert [i["id"] for i in unread["items"]] == [second.pk]
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_the_api_answers_404_for_another_persons_notification(
    marketer: User, sales_rep: User
) -> None:
    (note,) = tell([marketer])
    answer = signed_in(sales_rep).post(f"/api/v1/notifications/{note.pk}/read")
    assert answer.status_code == 404
    assert set(answer.json()) == {"detail", "field"}


def test_an_api_key_has_no_inbox(marketer: User, admin_api: Client) -> None:
    (note,) = tell([marketer])
    assert admin_api.get("/api/v1/notifications").json() == {"count": 0, "items": []}
    assert admin_api.post(f"/api/v1/notifications/{note.pk}/read").status_code == 404
    assert admin_api.post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_the_api_refuses_a_bad_unread_flag(marketer: User) -> None:
    answer = signed_in(marketer).get("/api/v1/notifications?unread=perhaps")
    assert answer.status_code == 422
