"""The shell's forms: signing in, and the confirmations destructive actions post."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ConfirmForm(forms.Form):
    """Destructive actions post this; the confirmation page is the one place it is shown."""

    confirm = forms.BooleanField(required=True)


def _typed_form(text: str) -> str:
    """What a person typed, as compared: no case, no spaces, no digit grouping ("1,234",
    "1.234" and "1 234" all read 1234)."""
    return re.sub(r"[\s,.'\u00a0\u202f]", "", text).casefold()


class TypedConfirmForm(forms.Form):
    """For the largest destructive actions: the person types what will happen (a number of
    contacts, a word shown to them), so a stray click cannot do it."""

    typed = forms.CharField(max_length=100)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["typed"].label = _("Type %(expected)s to confirm") % {"expected": expected}

    def clean_typed(self) -> str:
        typed: str = self.cleaned_data["typed"]
        if _typed_form(typed) != _typed_form(self.expected):
            raise forms.ValidationError(
                _("Type %(expected)s exactly to confirm.") % {"expected": self.expected}
            )
        return typed
