from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tendril.alerts"
    label = "alerts"
    verbose_name = "Alerts"
