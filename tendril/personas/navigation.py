"""Personas in the main menu, after Segments (the personas are tied to them)."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import nav_entry

nav_entry("personas", _("Personas"), "personas:persona_list", order=45)
