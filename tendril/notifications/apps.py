from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tendril.notifications"
    label = "notifications"
    verbose_name = "Notifications"
