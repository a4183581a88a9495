"""Mail providers anyone can sign up to: their domain says nothing about a person's company."""

from __future__ import annotations

FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.co.jp",
        "yahoo.co.th",
        "yahoo.com.vn",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.co.th",
        "outlook.com",
        "outlook.co.th",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "zoho.com",
        "zohomail.com",
        "tutanota.com",
        "fastmail.com",
        "hey.com",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "rediffmail.com",
        "libero.it",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "t-online.de",
        "btinternet.com",
        "example.com",
        "example.org",
        "example.net",
    }
)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def is_company_domain(domain: str) -> bool:
    return bool(domain) and "." in domain and domain not in FREEMAIL_DOMAINS
