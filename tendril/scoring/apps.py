from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "tendril.scoring"
    label = "scoring"
    verbose_name = "Scoring"
