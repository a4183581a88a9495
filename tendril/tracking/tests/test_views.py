"""The Sites screens: the list, a site's page with its snippet, its form, a new key and deletion.
Marketing and admins change sites; sales reps read them and are refused the rest."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tendril.accounts.models import AuditEntry, User
from tendril.tracking.models import Site
from tendril.tracking.selectors import site_by_key
from tendril.tracking.services import site_create

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_site(name: str = "Shop", domains: list[str] | None = None) -> Site:
    return site_create(data={"name": name, "domains": domains or ["shop.example.com"]}, by=None)


@override_settings(BASE_URL="https://mkt.example.com")
def test_a_marketer_adds_a_site_and_its_page_shows_the_snippet_with_its_key(
    marketer: User,
) -> None:
    client = signed_in(marketer)
    assert client.get(reverse("tracking:site_new")).status_code == 200
    answer = client.post(
        reverse("tracking:site_new"),
        {"name": "Shop", "domains": "Shop.Example.com, blog.example.com\r\n\r\n*.example.vn\n"},
    )
    site = Site.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("tracking:site_detail", args=[site.pk])
    assert site.domains == ["shop.example.com", "blog.example.com", "*.example.vn"]
    assert site.created_by == marketer
    html = client.get(answer["Location"]).content.decode()
    tag = f'<script async src="https://mkt.example.com/t/tendril.js" data-site="{site.key}">'
    # In the textarea as text, ready to copy; never as a live script tag on Tendril's page.
    assert tag not in html
    assert tag.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html
    assert 'data-copy="#site-snippet-code"' in html
    assert f'<code class="site-key">{site.key}</code>' in html
    assert "<code>*.example.vn</code>" in html


def test_the_list_shows_each_site_with_its_domains_and_a_link(marketer: User) -> None:
    shop = a_site("Shop", ["shop.example.com", "*.example.vn"])
    a_site("Blog", ["blog.example.com"])
    html = signed_in(marketer).get(reverse("tracking:site_list")).content.decode()
    assert html.index(">Blog</a>") < html.index(">Shop</a>")
    assert f'href="{reverse("tracking:site_detail", args=[shop.pk])}"' in html
    assert "<code>shop.example.com</code><br><code>*.example.vn</code>" in html
    assert f'datetime="{shop.created_at.isoformat()}"' in html
    assert f'href="{reverse("tracking:site_new")}"' in html


def test_sites_are_in_the_main_menu_for_every_role(sales_rep: User) -> None:
    html = signed_in(sales_rep).get(reverse("tracking:site_list")).content.decode()
    assert 'href="/sites/" class="active" aria-current="page"' in html
    assert "There are no sites yet." in html


def test_editing_a_site_changes_its_name_and_domains(marketer: User) -> None:
    client = signed_in(marketer)
    site = a_site("Shop", ["shop.example.com", "blog.example.com"])
    edit = reverse("tracking:site_edit", args=[site.pk])
    form = client.get(edit).content.decode()
    assert 'value="Shop"' in form and "shop.example.com\nblog.example.com</textarea>" in form
    answer = client.post(edit, {"name": "Shop VN", "domains": "shop.example.vn"})
    assert answer.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.domains) == ("Shop VN", ["shop.example.vn"])


def test_a_new_key_asks_first_then_the_old_key_stops_working(marketer: User) -> None:
    client = signed_in(marketer)
    site = a_site()
    old = site.key
    url = reverse("tracking:site_key", args=[site.pk])
    asked = client.get(url).content.decode()
    assert "The old key stops working at once" in asked
    assert site_by_key(old) == site
    answer = client.post(url, {"confirm": "yes"}, follow=True)
    site.refresh_from_db()
    assert site.key != old and site_by_key(old) is None
    assert "has a new key" in answer.content.decode()
    assert f'data-site="{site.key}"'.replace('"', "&quot;") in answer.content.decode()
    assert AuditEntry.objects.filter(action="site.update", target_id=site.pk).exists()


def test_deleting_a_site_asks_first_then_removes_it(marketer: User) -> None:
    client = signed_in(marketer)
    site = a_site()
    url = reverse("tracking:site_delete", args=[site.pk])
    assert "Delete the site Shop?" in client.get(url).content.decode()
    assert client.post(url).status_code == 200  # not confirmed: asked again
    assert Site.objects.exists()
    answer = client.post(url, {"confirm": "yes"})
    assert answer.status_code == 302 and answer["Location"] == reverse("tracking:site_list")
    assert not Site.objects.exists()


def test_a_sales_rep_reads_sites_but_cannot_add_change_or_delete_them(sales_rep: User) -> None:
    client = signed_in(sales_rep)
    site = a_site()
    key = site.key
    listing = client.get(reverse("tracking:site_list")).content.decode()
    assert "Shop" in listing and reverse("tracking:site_new") not in listing
    page = client.get(reverse("tracking:site_detail", args=[site.pk])).content.decode()
    assert key in page and reverse("tracking:site_edit", args=[site.pk]) not in page
    assert reverse("tracking:site_key", args=[site.pk]) not in page
    new = client.post(reverse("tracking:site_new"), {"name": "Mine", "domains": "mine.example"})
    assert new.status_code == 403
    for name in ("site_edit", "site_key", "site_delete"):
        url = reverse(f"tracking:{name}", args=[site.pk])
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"name": "X", "domains": "x.example", "confirm": "yes"}).status_code
            == 403
        )
    site.refresh_from_db()
    assert (site.name, site.key) == ("Shop", key)
    assert Site.objects.count() == 1


def test_an_admin_adds_a_site(admin_user: User) -> None:
    answer = signed_in(admin_user).post(
        reverse("tracking:site_new"), {"name": "Docs", "domains": "docs.example.com"}
    )
    assert answer.status_code == 302 and Site.objects.get().name == "Docs"


def test_a_bad_domain_shows_its_message_on_the_domains_field(marketer: User) -> None:
    answer = signed_in(marketer).post(
        reverse("tracking:site_new"), {"name": "Shop", "domains": "shop.example.com\nmy shop.com"}
    )
    assert answer.status_code == 422
    form = answer.context["form"]
    assert form.errors == {
        "domains": ["'my shop.com' is not a domain name, e.g. example.com or *.example.com"]
    }
    html = answer.content.decode()
    assert 'id="id_domains_error"' in html and "shop.example.com\nmy shop.com</textarea>" in html
    assert not Site.objects.exists()


def test_no_domain_and_a_taken_name_show_on_their_fields(marketer: User) -> None:
    client = signed_in(marketer)
    empty = client.post(reverse("tracking:site_new"), {"name": "Shop", "domains": " , \n"})
    assert empty.status_code == 422
    assert empty.context["form"].errors == {
        "domains": ["Give at least one domain the site is served from."]
    }
    taken = a_site("Blog", ["blog.example.com"])
    site = a_site("Shop")
    clash = client.post(
        reverse("tracking:site_edit", args=[site.pk]), {"name": "blog", "domains": "a.example"}
    )
    assert clash.status_code == 422
    assert clash.context["form"].errors == {"name": ["There is already a site named 'blog'."]}
    assert taken.name == "Blog" and Site.objects.get(pk=site.pk).name == "Shop"


def test_a_hostile_name_and_domain_are_shown_as_text(marketer: User) -> None:
    client = signed_in(marketer)
    site = a_site(HOSTILE)
    listing = client.get(reverse("tracking:site_list")).content.decode()
    page = client.get(reverse("tracking:site_detail", args=[site.pk])).content.decode()
    refused = client.post(
        reverse("tracking:site_new"), {"name": "Other", "domains": HOSTILE}
    ).content.decode()
    for html in (listing, page, refused):
        assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; is not a domain name" in refused


def test_an_unknown_site_is_not_found(marketer: User) -> None:
    client = signed_in(marketer)
    for name in ("site_detail", "site_edit", "site_key", "site_delete"):
        assert client.get(reverse(f"tracking:{name}", args=[404])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    answer = Client().get(reverse("tracking:site_list"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("ui:login"))


def test_internal_networks_are_saved_from_the_form_and_a_bad_one_shows_on_its_field(
    marketer: User,
) -> None:
    client = signed_in(marketer)
    site = a_site()
    edit = reverse("tracking:site_edit", args=[site.pk])
    bad = client.post(
        edit, {"name": "Shop", "domains": "shop.example.com", "internal_ips": "10.0.0.0/8, office"}
    )
    assert bad.status_code == 422
    assert bad.context["form"].errors["internal_ips"] == [
        "'office' is not an IP address or network, e.g. 203.0.113.0/24"
    ]
    client.post(
        edit,
        {"name": "Shop", "domains": "shop.example.com", "internal_ips": "10.0.0.0/8\n203.0.113.7"},
    )
    site.refresh_from_db()
    assert site.internal_ips == ["10.0.0.0/8", "203.0.113.7/32"]
