"""Scoring screens: the scoring page, its thresholds form, and a rule's new, edit and delete."""

from django.urls import path

from tendril.scoring import views

app_name = "scoring"

urlpatterns = [
    path("scoring/", views.scoring_page, name="scoring"),
    path("scoring/thresholds/", views.thresholds_save, name="thresholds_save"),
    path("scoring/rules/new/", views.rule_new, name="rule_new"),
    path("scoring/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("scoring/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
