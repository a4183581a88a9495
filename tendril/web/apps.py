from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tendril.web"
    label = "web"
    verbose_name = "Forms and pages"
