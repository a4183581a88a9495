"""Emails in the main menu, in the place ui kept for them (after Scoring)."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("emails", _("Emails"), "messaging:email_list", order=60)
