"""The segment screens' forms: a static list's name, the emails added to a static list, a CSV
file of emails to add or remove, and a dynamic segment's name and filter."""

from __future__ import annotations

import json

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


class UploadForm(forms.Form):
    """A CSV file whose contacts are added to (or removed from) a static list."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A header row, then one contact a row. The column named like an email is used "
            "(Email, E-mail address...), unless you name another one below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    column = forms.CharField(
        label=_("Email column"),
        required=False,
        max_length=200,
        help_text=_("The column's name in the header row; leave empty to find it."),
    )
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("add", _("Add these contacts to the list")),
            ("remove", _("Remove these contacts from the list")),
        ],
        initial="add",
        widget=forms.RadioSelect,
    )


class SegmentForm(forms.Form):
    """A dynamic segment: its name and its filter, which the builder keeps as JSON in the
    hidden ``filter`` input (checked by the service, which names a bad part by its path)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    filter = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_filter(self) -> object:
        raw = self.cleaned_data["filter"]
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            message = _("The filter could not be read; build it again.")
            raise forms.ValidationError(message) from None
