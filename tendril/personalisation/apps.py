from django.apps import AppConfig


class PersonalisationConfig(AppConfig):
    name = "tendril.personalisation"
    label = "personalisation"
    verbose_name = "Personalisation and pop-ups"

    def ready(self) -> None:
        """Landing pages may hold a personalised slot: register the "slot" block type where the
        pages capability keeps its registry (web cannot import us)."""
        from tendril.personalisation.blocks import slot_block_register

        slot_block_register()
