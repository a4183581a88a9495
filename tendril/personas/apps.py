from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "tendril.personas"
    label = "personas"
    verbose_name = "Personas"

    def ready(self) -> None:
        """The contact page shows where the contact stands on each buying-stage dimension,
        segment filters take ``buying_stage.<dimension id>``, and a merge keeps the further
        stage on each dimension (contacts and segments cannot import us)."""
        from tendril.contacts.merging import contact_merge_hook
        from tendril.contacts.panels import contact_panel
        from tendril.personas.filters import FIELDS, PREFIX
        from tendril.personas.services import buying_stages_merge
        from tendril.personas.views import contact_panel as buying_stages
        from tendril.segments.dsl import field_prefix

        contact_panel("personas", buying_stages)
        field_prefix(PREFIX, FIELDS)
        contact_merge_hook("personas", buying_stages_merge)
