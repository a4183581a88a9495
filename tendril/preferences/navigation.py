"""Email topics on the Settings page (every role may read them; marketing changes them)."""

from django.utils.translation import gettext_lazy as _

from tendril.ui.navigation import settings_entry

settings_entry(
    "topics",
    _("Email topics"),
    _("what people can subscribe to on their preference centre"),
    "preferences:topic_list",
    order=12,
)
