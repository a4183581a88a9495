from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "tendril.lifecycle"
    label = "lifecycle"
    verbose_name = "Lifecycle"
