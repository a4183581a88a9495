"""Sites in the main menu, next to Forms & pages: both are about the marketer's own websites."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("sites", _("Sites"), "tracking:site_list", order=85)
