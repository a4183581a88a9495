"""The Sites screens' form: a site's name and its domains. It only parses what was typed (one
domain a line, or separated by commas); the services judge it, and the views put their messages
on the field they name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.tracking import services
from tendril.tracking.models import Site

# Host names hold neither commas nor line breaks; spaces are kept, so "my shop.com" is shown
# back as the mistake it is instead of quietly becoming two domains.
_SEPARATORS = re.compile(r"[,\r\n]+")


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    # Not required here: the service's own message says what a site needs.
    domains = forms.CharField(
        label=_("Domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_(
            "The domains the site's pages are served from, one a line or separated by commas. "
            "*.example.com covers every subdomain."
        ),
    )

    internal_ips = forms.CharField(
        label=_("Internal networks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_(
            "Visits from these IP addresses or networks (e.g. 203.0.113.0/24), such as your "
            "office, are not recorded. One a line or separated by commas."
        ),
    )

    @classmethod
    def for_site(cls, site: Site) -> SiteForm:
        return cls(
            initial={
                "name": site.name,
                "domains": "\n".join(site.domains),
                "internal_ips": "\n".join(site.internal_ips),
            }
        )

    def _list(self, name: str) -> list[str]:
        parts = (part.strip() for part in _SEPARATORS.split(self.cleaned_data[name]))
        return [part for part in parts if part]

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"],
            "domains": self._list("domains"),
            "internal_ips": self._list("internal_ips"),
        }
