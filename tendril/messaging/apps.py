from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "tendril.messaging"
    label = "messaging"
    verbose_name = "Emails"
