from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "tendril.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        """Contacts grade by the thresholds in scoring's settings (contacts cannot import us)."""
        from tendril.contacts.selectors import grade_thresholds_provide
        from tendril.scoring.selectors import score_thresholds

        grade_thresholds_provide(score_thresholds)
