"""The segment screens' forms: a static list's name, and the emails added to a static list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.core.emails import email_normalise

MAX_EMAILS = 1000


class StaticSegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class AddEmailsForm(forms.Form):
    """Emails, one a line (or separated by commas or spaces), as the marketer pasted them."""

    emails = forms.CharField(
        label=_("Emails to add"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One email a line, or separated by commas."),
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", " ").split()
        if len(raw) > MAX_EMAILS:
            raise forms.ValidationError(_("At most %(n)s emails at a time.") % {"n": MAX_EMAILS})
        emails = []
        for item in raw:
            email = email_normalise(item)
            if email is None:
                raise forms.ValidationError(
                    _("'%(email)s' is not an email address.") % {"email": item[:100]}
                )
            emails.append(email)
        return emails
