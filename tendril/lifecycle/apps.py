from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "tendril.lifecycle"
    label = "lifecycle"
    verbose_name = "Lifecycle"

    def ready(self) -> None:
        """The contact page shows the contact's stage history (contacts cannot import us)."""
        from tendril.contacts.panels import contact_panel
        from tendril.lifecycle.views import contact_panel as stage_history

        contact_panel("lifecycle", stage_history)
