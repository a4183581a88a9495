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

    @classmethod
    def for_site(cls, site: Site) -> SiteForm:
        return cls(initial={"name": site.name, "domains": "\n".join(site.domains)})

    def service_data(self) -> dict[str, Any]:
        domains = (part.strip() for part in _SEPARATORS.split(self.cleaned_data["domains"]))
        return {"name": self.cleaned_data["name"], "domains": [d for d in domains if d]}
