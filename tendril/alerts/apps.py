from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tendril.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        """The words of alerts' notifications, the Alerts box on a segment's page, and a
        merge's notifications repointed (notifications, segments and contacts cannot import
        us)."""
        from tendril.alerts import notices  # noqa: F401  (registers the notification kinds)
        from tendril.alerts.services import notices_merge
        from tendril.alerts.views import alert_panel
        from tendril.contacts.merging import contact_merge_hook
        from tendril.segments.panels import segment_panel

        segment_panel("alerts", alert_panel)
        contact_merge_hook("alerts", notices_merge)
