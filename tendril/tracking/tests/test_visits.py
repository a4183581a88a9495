"""Where a visit came from: a page view's source from its UTM medium, ad click ids, or the
referrer's site (the mission's site analysis and the journeys' "came from email" both read it)."""

from __future__ import annotations

import pytest

from tendril.tracking.visits import source_of

PAGE = "https://shop.example.com/pricing"


@pytest.mark.parametrize(
    ("url", "referrer", "internal", "source"),
    [
        (f"{PAGE}?utm_source=news&utm_medium=email", "", False, "email"),
        (f"{PAGE}?utm_medium=Newsletter", "https://mail.google.com/", False, "email"),
        (f"{PAGE}?utm_medium=cpc&utm_source=google", "https://www.google.com/", False, "paid"),
        (f"{PAGE}?gclid=abc", "https://www.google.com/", False, "paid"),
        (f"{PAGE}?utm_medium=social", "", False, "social"),
        (PAGE, "https://www.google.com.vn/", False, "search"),
        (PAGE, "https://coccoc.com/search?q=crm", False, "search"),
        (PAGE, "https://www.bing.com/", False, "search"),
        (PAGE, "https://m.facebook.com/", False, "social"),
        (PAGE, "https://zalo.me/g/abc", False, "social"),
        (PAGE, "https://t.co/xyz", False, "social"),
        (PAGE, "https://www.linkedin.com/feed/", False, "social"),
        (PAGE, "https://blog.partner.org/post", False, "referral"),
        (PAGE, "https://shop.example.com/", True, "internal"),
        (PAGE, "", False, "direct"),
        (f"{PAGE}?utm_source=partner", "", False, "referral"),
    ],
)
def test_a_page_views_source_is_classified(
    url: str, referrer: str, internal: bool, source: str
) -> None:
    assert source_of(url, referrer, internal=internal) == source
