"""The signed links each marketing email carries: the person's preference centre and the
one-click unsubscribe (RFC 8058). The email engine builds them with ``preference_url`` and
``unsubscribe_url``.

A link carries the contact's id signed with the server's secret under its own salt, so it
cannot be forged or pointed at someone else, and it never expires: a person must be able to
unsubscribe from an email they kept for a year. A tampered link is refused (400); the link of a
contact merged into another acts on the contact kept (following merges of merges); the link of
an erased contact names no one any more ("this link no longer works").
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tendril.contacts.models import Contact
from tendril.contacts.selectors import contact_merged_into
from tendril.core.errors import DomainError

SALT = "tendril.preferences.link"


class LinkRefused(DomainError):
    """A link that was not made by us (tampered, cut short)."""

    status = 400


class LinkGone(DomainError):
    """A link made by us for a contact that no longer exists (erased, or merged into one
    erased since)."""

    status = 404


def preference_token(contact_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(contact_id))


def _absolute(path: str) -> str:
    return settings.BASE_URL + path


def preference_path(contact: Contact) -> str:
    return reverse("preferences:centre", args=[preference_token(contact.pk)])


def preference_url(contact: Contact) -> str:
    """The person's preference centre, as an absolute address for an email's footer."""
    return _absolute(preference_path(contact))


def unsubscribe_url(contact: Contact) -> str:
    """The one-click unsubscribe address for the ``List-Unsubscribe`` header (with
    ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``): a POST unsubscribes at once, a GET
    (a person, or a link scanner) only shows a button."""
    return _absolute(reverse("preferences:one_click", args=[preference_token(contact.pk)]))


def token_contact_id(token: str) -> int:
    """The contact id a link was made for; LinkRefused when we did not make it."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise LinkRefused("bad signature") from None
    if not value.isdigit():
        raise LinkRefused("bad value")
    return int(value)


def token_contact(token: str) -> Contact:
    """The contact a link was made for, or the one it was merged into since (the person is
    the same: an unsubscribe in an email sent before the merge must still unsubscribe them);
    LinkRefused for a link we did not make, LinkGone for an erased contact."""
    contact_id = token_contact_id(token)
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        kept = contact_merged_into(contact_id)
        contact = Contact.objects.filter(pk=kept).first() if kept is not None else None
    if contact is None:
        raise LinkGone("no such contact")
    return contact
