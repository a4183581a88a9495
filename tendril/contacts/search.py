"""Contact and company search: the folded search text every write path stores, the words a query
is matched by, and the refresh of a company's contacts when the company is renamed.

A contact's search text is its own part (names, email, phone as typed and as digits), a tab,
then its company's name. Folding happens in Python
(``tendril.core.text.search_fold``), so SQLite and PostgreSQL match alike; the company part comes
last, after a tab no folded word contains, so a rename rewrites every contact of the company in
one UPDATE, in SQL, without folding anything again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import F, Q, Value
from django.db.models.functions import Concat, StrIndex, Substr

from tendril.contacts.models import Company, Contact
from tendril.core.text import search_fold

# Between a contact's own text and its company's; query words are split on white space, so no
# word ever contains it, and no match runs across it.
COMPANY_PART = "\t"
# The contact values its search text is made of (the company by its name).
SEARCHED_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "company"})
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
    *, first_name: str, last_name: str, email: str, phone: str, company_name: str
) -> str:
    """What a contact is found by: names, email, the phone as typed and as digits only (so
    "0912 345" and "0912345" both find "+84 912 345 678"), then its company's name."""
    digits = _digits(phone)
    own = search_fold(" ".join((first_name, last_name, email, phone, digits)))
    return f"{own}{COMPANY_PART}{search_fold(company_name)}"


def company_search_apply(company: Company) -> None:
    """Set ``company.search_text`` (unsaved) from its name and domain."""
    company.search_text = company_search_text(name=company.name, domain=company.domain)


def contact_search_apply(contact: Contact, *, company_name: str | None = None) -> None:
    """Set ``contact.search_text`` (unsaved) from its fields and its company's name (read from
    ``contact.company`` unless the caller, writing in bulk, already has it)."""
    if company_name is None:
        company_name = contact.company.name if contact.company else ""
    contact.search_text = contact_search_text(
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        phone=contact.phone,
        company_name=company_name,
    )


def company_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The name of each company, for writers that hold company ids only."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(Company.objects.filter(pk__in=wanted).values_list("pk", "name"))


def company_contacts_refresh(company_id: int) -> int:
    """After a company was renamed (and saved): give every contact of the company the new name
    in its search text, in one UPDATE; returns how many contacts were rewritten.

    Call it in the transaction that renames the company, after ``company_search_apply`` and the
    save, so no reader sees the contacts behind their company.
    """
    name = Company.objects.filter(pk=company_id).values_list("name", flat=True).first() or ""
    own_part = Substr(F("search_text"), 1, StrIndex(F("search_text"), Value(COMPANY_PART)))
    return Contact.objects.filter(company_id=company_id).update(
        search_text=Concat(own_part, Value(search_fold(name)))
    )


def _phone_word(word: str) -> str:
    """A typed phone fragment as digits, without the leading zeros of a national ("0912 ...")
    or international ("0084 ...") prefix, so it finds a number stored as "+84 912 ..."."""
    digits = _digits(word)
    return digits.lstrip("0") or digits


def search_words(q: str) -> list[str]:
    """The folded words a query is matched by, each a substring of the search text: the first
    ``MAX_WORDS``; a phone fragment ("091-234") as its digits."""
    words = search_fold(q).split()[:MAX_WORDS]
    return [_phone_word(w) if _PHONE_LIKE.match(w) else w for w in words]


def search_matches(q: str) -> Q:
    """Rows (contacts or companies) whose search text holds every word of ``q``, ignoring case
    and accents. On PostgreSQL each ``LIKE '%word%'`` is served by the trigram index (0006)."""
    condition = Q()
    for word in search_words(q):
        condition &= Q(search_text__contains=word)
    return condition
