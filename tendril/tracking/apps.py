from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tendril.tracking"
    label = "tracking"
    verbose_name = "Website tracking"
