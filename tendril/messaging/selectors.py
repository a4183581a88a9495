"""Reads of marketing emails: the list (newest change first, searchable by name) and one
email for a viewer (every role reads emails; only marketing changes them)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.core.errors import first_or_not_found
from tendril.messaging.models import Email


def email_list(*, q: str | None = None) -> QuerySet[Email]:
    emails = Email.objects.all()
    if q:
        emails = emails.filter(name__icontains=q)
    return emails


def email_get_for(viewer: Caller, email_id: int) -> Email:
    """The email, or NotFound (every signed-in role reads emails)."""
    return first_or_not_found(Email.objects.filter(pk=email_id), _("There is no such email."))
