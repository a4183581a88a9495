"""Writes of marketing emails: making, changing and deleting an email template (each checked
as a template before it is stored, each recorded in the audit log), personalising one for a
contact, and sending one test copy through Django's email backend (``EMAIL_URL``).

A test send goes to one address a marketer types, with "[Test]" before the subject: it checks
no consent (the address is the marketer's own), and it is not a marketing send: the sending
pipeline with consent, suppression, the send ledger and tracking comes with broadcasts.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tendril.accounts.models import User
from tendril.accounts.services import Actor, audit_record
from tendril.contacts.models import Contact, Language
from tendril.core import clock
from tendril.core.errors import DomainError, InvalidInput
from tendril.core.naming import name_clean, name_free, saved_or_conflict
from tendril.messaging import rendering
from tendril.messaging.models import Email
from tendril.messaging.rendering import RenderedEmail

MAX_NAME = 200
MAX_SUBJECT = 500
MAX_BODY = 500_000
MAX_FROM_NAME = 100
# A test send waits this long for the mail server before telling the marketer it is away.
SMTP_TIMEOUT = 15
TEST_PREFIX = "[Test] "


class MailServerFailed(DomainError):
    """The mail server is away or refused the message: the marketer hears why, no 5xx."""

    status = 409


def _user(by: Actor) -> User | None:
    # An API key acts for no user: the email records no author then.
    return by if isinstance(by, User) else None


def _text(data: Mapping[str, Any], name: str, limit: int) -> str:
    value = data[name]
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise InvalidInput(_("This text is at most %(n)s characters.") % {"n": limit}, field=name)
    return value


def _values(data: Mapping[str, Any], *, email: Email | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data or email is None:
        values["name"] = name_clean(
            data.get("name"),
            empty=_("Give the email a name."),
            too_long=_("An email's name is at most %(n)s characters.") % {"n": MAX_NAME},
            limit=MAX_NAME,
        )
        name_free(
            Email.objects.all(),
            values["name"],
            pk=email.pk if email else None,
            taken=_("There is already an email named “%(name)s”.") % {"name": values["name"]},
        )
    if "subject" in data or email is None:
        subject = _text({"subject": data.get("subject")}, "subject", MAX_SUBJECT).strip()
        if not subject:
            raise InvalidInput(_("Write the email's subject."), field="subject")
        if "\n" in subject or "\r" in subject:
            raise InvalidInput(_("A subject is one line."), field="subject")
        values["subject"] = subject
    for name in ("html", "text"):
        if name in data:
            values[name] = _text(data, name, MAX_BODY)
    if "from_email" in data:
        from_email = _text(data, "from_email", 254).strip()
        if from_email:
            try:
                validate_email(from_email)
            except ValidationError:
                raise InvalidInput(_("This is not an email address."), field="from_email") from None
        values["from_email"] = from_email
    if "from_name" in data:
        from_name = _text(data, "from_name", MAX_FROM_NAME).strip()
        if "\n" in from_name or "\r" in from_name:
            raise InvalidInput(_("A sender's name is one line."), field="from_name")
        values["from_name"] = from_name
    if "language" in data:
        language = data["language"] or ""
        if language not in ("", *Language.values):
            raise InvalidInput(_("The language is en, vi or th."), field="language")
        values["language"] = language
    html = values.get("html", email.html if email else "")
    text = values.get("text", email.text if email else "")
    if not html.strip() and not text.strip():
        raise InvalidInput(_("Write the email's HTML or its text."), field="html")
    rendering.templates_check(values)
    return values


def _save(email: Email) -> None:
    taken = _("There is already an email named “%(name)s”.") % {"name": email.name}
    with saved_or_conflict(taken, field="name"):
        email.save()


@transaction.atomic
def email_create(*, data: Mapping[str, Any], by: Actor) -> Email:
    """A new email: ``name`` and ``subject`` required, ``html`` or ``text`` (or both); each
    template is checked first (InvalidInput naming the field and the line)."""
    values = _values(data, email=None)
    now = clock.now()
    user = _user(by)
    email = Email(**values, created_by=user, updated_by=user, created_at=now, updated_at=now)
    _save(email)
    audit_record(
        actor=by, action="email.create", target_type="email", target_id=email.pk,
        detail={"name": email.name},
    )  # fmt: skip
    return email


@transaction.atomic
def email_update(*, email: Email, data: Mapping[str, Any], by: Actor) -> Email:
    """Change what was given, checked as on creation."""
    email = Email.objects.select_for_update().get(pk=email.pk)
    values = _values(data, email=email)
    for name, value in values.items():
        setattr(email, name, value)
    email.updated_at = clock.now()
    email.updated_by = _user(by)
    _save(email)
    audit_record(
        actor=by, action="email.update", target_type="email", target_id=email.pk,
        detail={"changed": sorted(values)},
    )  # fmt: skip
    return email


@transaction.atomic
def email_delete(*, email: Email, by: Actor) -> None:
    audit_record(
        actor=by, action="email.delete", target_type="email", target_id=email.pk,
        detail={"name": email.name},
    )  # fmt: skip
    email.delete()


def email_render(*, email: Email, contact: Contact | None) -> RenderedEmail:
    """The email personalised for ``contact`` (a made-up "Alex Sample" when None, whose links
    name no one); RenderFailed naming the email when a template fails for this contact."""
    context = rendering.SAMPLE_CONTEXT if contact is None else rendering.contact_context(contact)
    return rendering.render(
        name=email.name, subject=email.subject, html=email.html, text=email.text, context=context
    )


def sender_of(email: Email) -> str:
    """The From header: the email's own sender, else the installation's ``TENDRIL_FROM_EMAIL``
    (its name kept unless the email names another)."""
    if not email.from_email and not email.from_name:
        return str(settings.DEFAULT_FROM_EMAIL)
    default = Address(addr_spec=_default_address())
    address = email.from_email or default.addr_spec
    return str(Address(display_name=email.from_name or default.display_name, addr_spec=address))


def _default_address() -> str:
    return parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]


@dataclass(frozen=True)
class TestSent:
    to: str
    subject: str
    message_id: str
    contact_id: int | None


def email_test_send(
    *, email: Email, to: str, contact: Contact | None = None, by: Actor
) -> TestSent:
    """Send one test copy to ``to``, personalised for ``contact`` (or the made-up sample),
    "[Test]" before its subject, HTML with its text alternative. MailServerFailed with a plain
    message when the mail server is away or refuses it."""
    if not isinstance(to, str) or len(to) > 254:
        raise InvalidInput(_("This is not an email address."), field="to")
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError:
        raise InvalidInput(_("This is not an email address."), field="to") from None
    rendered = email_render(email=email, contact=contact)
    from_header = sender_of(email)
    domain = _default_address().rpartition("@")[2] or "tendril.local"
    message_id = make_msgid(domain=domain)
    message = EmailMultiAlternatives(
        subject=TEST_PREFIX + rendered.subject,
        body=rendered.text,
        from_email=from_header,
        to=[to],
        headers={"Message-ID": message_id},
        connection=get_connection(timeout=SMTP_TIMEOUT),
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise MailServerFailed(
            _("The mail server refused to deliver to %(to)s.") % {"to": to}, field="to"
        ) from None
    except smtplib.SMTPSenderRefused:
        raise MailServerFailed(
            _("The mail server refused the sender %(sender)s.") % {"sender": from_header},
            field="from_email",
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailServerFailed(
            _("The mail server could not be reached or refused the message (%(error)s).")
            % {"error": exc or type(exc).__name__}
        ) from None
    audit_record(
        actor=by, action="email.test_send", target_type="email", target_id=email.pk,
        detail={"to": to, "contact": contact.pk if contact else None},
    )  # fmt: skip
    return TestSent(
        to=to,
        subject=TEST_PREFIX + rendered.subject,
        message_id=message_id,
        contact_id=contact.pk if contact else None,
    )
