"""The System screen's menu entry (admins only)."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_admin
from tendril.ui.navigation import nav_entry

nav_entry("system", _("System"), "system:index", order=210, visible=is_admin)
