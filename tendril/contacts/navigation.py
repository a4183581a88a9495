"""The contact screens in the main menu, and custom fields on the Settings page."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_marketing
from tendril.ui.navigation import nav_entry, settings_entry

nav_entry("dashboard", _("Dashboard"), "contacts:dashboard", order=10)
nav_entry("contacts", _("Contacts"), "contacts:contact_list", order=20)
nav_entry("companies", _("Companies"), "contacts:company_list", order=30)
settings_entry(
    "custom_fields",
    _("Custom fields"),
    _("extra fields on every contact"),
    "contacts:custom_fields",
    order=10,
    visible=is_marketing,
)
