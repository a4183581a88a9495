"""The email editor's form: it only parses what was typed; the services judge it (templates
included), and ``form_error`` puts their messages, with the template line, on the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import Language
from tendril.messaging import services
from tendril.messaging.models import Email


def _code(label: Any, rows: int, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=services.MAX_BODY,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "mono", "spellcheck": "false"}),
    )


class EmailForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=services.MAX_NAME,
        help_text=_("For you and your team; readers never see it."),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=services.MAX_SUBJECT,
        help_text=_("e.g. “News for {{ contact.first_name|default('you') }}”"),
    )
    from_name = forms.CharField(
        label=_("Sender's name"), required=False, max_length=services.MAX_FROM_NAME
    )
    from_email = forms.CharField(
        label=_("Sender's address"),
        required=False,
        max_length=254,
        help_text=_("Empty: the address this installation sends from."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Not said")), *Language.choices],
    )
    html = _code(
        _("HTML"),
        20,
        _("The email's body, personalised as shown under “What a template can use”."),
    )
    text = _code(
        _("Plain text"),
        8,
        _("Empty: made from the HTML when the email is sent."),
    )

    @classmethod
    def for_email(cls, email: Email) -> EmailForm:
        return cls(initial={name: getattr(email, name) for name in cls.base_fields})


class TestSendForm(forms.Form):
    to = forms.EmailField(label=_("Send a test to"), max_length=254)
