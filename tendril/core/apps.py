from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tendril.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Consumers register themselves on import; importing them here makes the registry
        # complete in every process (web, worker, CLI) before the first batch is read.
        from tendril.contacts import consumers  # noqa: F401
