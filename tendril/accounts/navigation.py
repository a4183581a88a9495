"""The account screens on the Settings page (your preferences; the rest for admins only) and
in the account box."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_admin
from tendril.ui.navigation import account_entry, settings_entry

settings_entry(
    "users",
    _("Users"),
    _("who can sign in, and their roles"),
    "accounts:users",
    order=20,
    visible=is_admin,
)
settings_entry(
    "api_keys",
    _("API keys"),
    _("keys for scripts and integrations"),
    "accounts:api_keys",
    order=30,
    visible=is_admin,
)
settings_entry(
    "audit_log",
    _("Audit log"),
    _("who changed or deleted what"),
    "accounts:audit_log",
    order=40,
    visible=is_admin,
)
settings_entry(
    "preferences",
    _("Preferences"),
    _("your language and time zone"),
    "accounts:preferences",
    order=10,
)
account_entry("preferences", _("Preferences"), "accounts:preferences", order=10)
