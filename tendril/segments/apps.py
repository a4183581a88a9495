from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "tendril.segments"
    label = "segments"
    verbose_name = "Segments"
