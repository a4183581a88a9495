"""The shell's forms: signing in, and the confirmation every destructive action posts."""

from __future__ import annotations

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
