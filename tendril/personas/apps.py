from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "tendril.personas"
    label = "personas"
    verbose_name = "Personas"

    def ready(self) -> None:
        """The contact page shows where the contact stands on each buying-stage dimension
        (contacts cannot import us)."""
        from tendril.contacts.panels import contact_panel
        from tendril.personas.views import contact_panel as buying_stages

        contact_panel("personas", buying_stages)
