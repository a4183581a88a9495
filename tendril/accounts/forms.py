"""Forms of the account screens. They parse what the browser sent; the services decide what is
valid (a strong enough password, a unique email, at least one admin left)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tendril.accounts.models import Role
from tendril.accounts.services import time_zone_names
from tendril.core import clock


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


# Where Tendril's first users work: offered first, before every zone in alphabetical order.
TIME_ZONES_FIRST = ("Asia/Ho_Chi_Minh", "Asia/Bangkok")


def _zone_label(name: str) -> str:
    offset = clock.now().astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
    return f"{name.replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})"


def _language_choices() -> list[tuple[str, Any]]:
    # Each language is named in itself, so people find theirs whatever the page is in.
    return [("", _("Browser default")), *settings.LANGUAGES]


def _time_zone_choices() -> list[Any]:
    zones = sorted(time_zone_names())
    return [
        ("", _("Workspace default (%(zone)s)") % {"zone": settings.TIME_ZONE}),
        (_("Vietnam and Thailand"), [(z, _zone_label(z)) for z in TIME_ZONES_FIRST]),
        (_("All time zones"), [(z, _zone_label(z)) for z in zones]),
    ]


class PreferencesForm(forms.Form):
    # Choices are callables: they are built per request, in the language being shown.
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        required=False,
        help_text=_("Dates and times are shown in this time zone."),
    )
