"""Forms of the account screens. They parse what the browser sent; the services decide what is
valid (a strong enough password, a unique email, at least one admin left)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.accounts.models import Role


class UserCreateForm(forms.Form):
    email = forms.CharField(label=_("Email"), widget=forms.EmailInput())
    first_name = forms.CharField(label=_("First name"), required=False)
    last_name = forms.CharField(label=_("Last name"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MARKETER)
