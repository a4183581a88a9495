"""The stage rules in the main menu (after Scoring, whose scores they promote by), and the
stages themselves on the Settings page, for admins."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_admin
from tendril.ui.navigation import nav_entry, settings_entry

nav_entry("lifecycle", _("Lifecycle"), "lifecycle:rules", order=55)
settings_entry(
    "stages",
    _("Lifecycle stages"),
    _("the stages contacts move through: names, order, hidden ones"),
    "lifecycle:stages",
    order=15,
    visible=is_admin,
)
