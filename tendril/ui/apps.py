from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "tendril.ui"
    label = "ui"
    verbose_name = "User interface"
