"""Contact and company search: the folded search text every write path stores, the words a query
is matched by, and the refresh of a company's contacts when the company is renamed.

A contact's search text is its own part (names, email, phone as typed and as digits), a tab,
then its company's search text (name, domain). Folding happens in Python
(``tendril.core.text.search_fold``), so SQLite and PostgreSQL match alike; the company part comes
last, after a tab no folded word contains, so a rename rewrites every contact of the company in
one UPDATE, in SQL, without folding anything again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, StrIndex, Substr

from tendril.contacts.models import Company, Contact
from tendril.core.text import search_fold

# Between a contact's own text and its company's; query words are split on white space, so no
# word ever contains it, and no match runs across it.
COMPANY_PART = "\t"
# A query uses its first words only: each is one more substring test over every candidate row.
MAX_WORDS = 5
_NOT_DIGIT = re.compile(r"\D")
# A typed phone fragment: digits with the punctuation people put in phone numbers.
_PHONE_LIKE = re.compile(r"^\+?[\d().\-/]*\d[\d().\-/]*$")


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def company_search_text(*, name: str, domain: str | None) -> str:
    """What a company is found by: its name and domain, folded."""
    return search_fold(f"{name} {domain or ''}")


def contact_search_text(
    *, first_name: str, last_name: str, email: str, phone: str, company_text: str
) -> str:
    """What a contact is found by: names, email, the phone as typed and as digits only (so
    "0912 345" and "0912345" both find "+84 912 345 678"), then its company's search text."""
    digits = _digits(phone)
    own = search_fold(" ".join((first_name, last_name, email, phone, digits)))
    return f"{own}{COMPANY_PART}{company_text}"


def company_search_apply(company: Company) -> None:
    """Set ``company.search_text`` (unsaved) from its name and domain."""
    company.search_text = company_search_text(name=company.name, domain=company.domain)


def contact_search_apply(contact: Contact, *, company_text: str | None = None) -> None:
    """Set ``contact.search_text`` (unsaved) from its fields and its company's search text
    (read from ``contact.company`` unless the caller, writing in bulk, already has it)."""
    if company_text is None:
        company_text = contact.company.search_text if contact.company_id else ""
    contact.search_text = contact_search_text(
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phone,
        company_text=company_text,
    )


def company_search_texts(ids: Iterable[int | None]) -> dict[int, str]:
    """The stored search text of each company, for writers that hold company ids only."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(Company.objects.filter(pk__in=wanted).values_list("pk", "search_text"))


def company_contacts_refresh(company_id: int) -> int:
    """After a company's name or domain changed (and its new search text was saved): give every
    contact of the company the new company part, in one UPDATE; returns how many contacts.

    Callers: ``company_search_apply(company)``, save the company, then call this in the same
    transaction.
    """
    own_part = Substr(F("search_text"), 1, StrIndex(F("search_text"), Value(COMPANY_PART)))
    company_text = Subquery(
        Company.objects.filter(pk=OuterRef("company_id")).values("search_text")[:1]
    )
    return Contact.objects.filter(company_id=company_id).update(
        search_text=Concat(own_part, company_text)
    )


def search_words(q: str) -> list[str]:
    """The folded words a query is matched by, each a substring of the search text: the first
    ``MAX_WORDS``; a phone fragment ("091-234") as its digits."""
    words = search_fold(q).split()[:MAX_WORDS]
    return [_digits(w) if _PHONE_LIKE.match(w) else w for w in words]
