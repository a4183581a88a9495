"""Forms & pages in the main menu, in the place ui kept for them (before Sites)."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("web", _("Forms & pages"), "web:form_list", order=80)
