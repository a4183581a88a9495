from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "tendril.preferences"
    label = "preferences"
    verbose_name = "Preferences"

    def ready(self) -> None:
        """The contact page shows the consent history and the email topics, and a merge keeps
        the person's topic choices (contacts cannot import us)."""
        from tendril.contacts.merging import contact_merge_hook
        from tendril.contacts.panels import contact_panel
        from tendril.preferences.services import subscriptions_merge
        from tendril.preferences.views import consent_panel

        contact_panel("preferences", consent_panel)
        contact_merge_hook("preferences", subscriptions_merge)
