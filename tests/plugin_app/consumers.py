from tendril.core.consumers import event_consumer
from tendril.core.models import Event

SEEN: list[tuple[int | None, str]] = []


@event_consumer("plugin_app.webinars", types=["webinar_joined"])
def remember(events: list[Event]) -> None:
    SEEN.extend((e.contact_id, e.properties["webinar"]) for e in events)
