from tendril.core.events import event_type

event_type(
    "webinar_joined",
    required=["webinar"],
    activity=True,
    sentence=lambda p: f"Joined the webinar {p.get('webinar', '')}",
)
