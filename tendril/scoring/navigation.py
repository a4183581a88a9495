"""Scoring in the main menu, in the place ui kept for it."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("scoring", _("Scoring"), "scoring:scoring", order=50)
