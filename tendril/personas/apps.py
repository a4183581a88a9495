from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "tendril.personas"
    label = "personas"
    verbose_name = "Personas"
