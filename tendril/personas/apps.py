from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "tendril.personas"
    label = "personas"
    verbose_name = "Personas"

    def ready(self) -> None:
        """The contact page shows where the contact stands on each buying-stage dimension, and
        segment filters take ``buying_stage.<dimension id>`` (contacts and segments cannot
        import us)."""
        from tendril.contacts.panels import contact_panel
        from tendril.personas.filters import FIELDS, PREFIX
        from tendril.personas.views import contact_panel as buying_stages
        from tendril.segments.dsl import field_prefix

        contact_panel("personas", buying_stages)
        field_prefix(PREFIX, FIELDS)
