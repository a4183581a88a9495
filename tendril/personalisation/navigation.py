"""Personalisation in the main menu, after Forms & pages (its pop-ups hold those forms), for
marketing only: the screens refuse sales reps."""

from django.utils.translation import gettext_lazy as _

from tendril.accounts.permissions import is_marketing
from tendril.ui.navigation import nav_entry

nav_entry(
    "personalisation",
    _("Personalisation"),
    "personalisation:slot_list",
    order=82,
    visible=is_marketing,
)
