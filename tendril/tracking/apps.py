from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tendril.tracking"
    label = "tracking"
    verbose_name = "Website tracking"

    def ready(self) -> None:
        """The company page shows the company's networks and its website visits (contacts
        cannot import us)."""
        from tendril.contacts.panels import company_panel
        from tendril.tracking.network_views import networks_panel, visits_panel

        company_panel("tracking.networks", networks_panel)
        company_panel("tracking.visits", visits_panel)
