"""The account screens' cards on the Settings page (admins only)."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_admin
from tendril.ui.navigation import settings_entry

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
