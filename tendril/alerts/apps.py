from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tendril.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        """The words of alerts' notifications, and the Alerts box on a segment's page
        (notifications and segments cannot import us)."""
        from tendril.alerts import notices  # noqa: F401  (registers the notification kinds)
        from tendril.alerts.views import alert_panel
        from tendril.segments.panels import segment_panel

        segment_panel("alerts", alert_panel)
