"""Segments in the main menu, in the place ui kept for them."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("segments", _("Segments"), "segments:segment_list", order=40)
