from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tendril.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Consumers and periodic jobs register themselves on import; importing them here makes
        # the registries complete in every process (web, worker, CLI) before the first tick.
        from tendril.contacts import consumers  # noqa: F401
        from tendril.core import tasks  # noqa: F401
