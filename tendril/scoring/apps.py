from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "tendril.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        """Contacts grade by the thresholds in scoring's settings, the contact page shows
        why a contact has its score, and a merge moves the ledger (contacts cannot import
        us)."""
        from tendril.contacts.merging import contact_merge_hook
        from tendril.contacts.panels import contact_panel
        from tendril.contacts.selectors import grade_thresholds_provide
        from tendril.scoring.selectors import score_thresholds
        from tendril.scoring.services import ledger_merge
        from tendril.scoring.views import contact_panel as why_this_score

        grade_thresholds_provide(score_thresholds)
        contact_panel("scoring", why_this_score)
        contact_merge_hook("scoring", ledger_merge)
