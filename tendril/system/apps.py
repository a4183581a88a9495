from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "tendril.system"
    label = "system"
    verbose_name = "System"
