"""Lifecycle screens: the stage rules, and Settings → Lifecycle stages."""

from django.urls import path

from tendril.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("lifecycle/", views.rules_page, name="rules"),
    path("lifecycle/rules/new/", views.rule_new, name="rule_new"),
    path("lifecycle/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("lifecycle/rules/<int:pk>/apply/", views.rule_apply, name="rule_apply"),
    path("lifecycle/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("settings/stages/", views.stages_page, name="stages"),
    path("settings/stages/<slug:key>/name/", views.stage_rename, name="stage_rename"),
    path("settings/stages/<slug:key>/move/<str:step>/", views.stage_move, name="stage_move"),
    path("settings/stages/<slug:key>/hide/", views.stage_hide, name="stage_hide"),
    path("settings/stages/<slug:key>/show/", views.stage_show, name="stage_show"),
    path("settings/stages/<slug:key>/delete/", views.stage_delete, name="stage_delete"),
]
