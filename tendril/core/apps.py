from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tendril.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app's consumers, tasks, event types, navigation and demo data register
        # themselves on import; doing it here completes the registries in every process (web,
        # worker, CLI) before the first request or tick.
        from tendril.core.plugins import autodiscover

        autodiscover()
