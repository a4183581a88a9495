"""Personas screens: personas, the buying-stage dimensions and their stages, and the contact
page's form that moves a contact along a dimension."""

from django.urls import path

from tendril.personas import views

app_name = "personas"

urlpatterns = [
    path("personas/", views.persona_list, name="persona_list"),
    path("personas/new/", views.persona_new, name="persona_new"),
    path("personas/<int:pk>/", views.persona_detail, name="persona_detail"),
    path("personas/<int:pk>/edit/", views.persona_edit, name="persona_edit"),
    path("personas/<int:pk>/delete/", views.persona_delete, name="persona_delete"),
    path("buying-stages/", views.dimension_list, name="dimension_list"),
    path("buying-stages/new/", views.dimension_new, name="dimension_new"),
    path("buying-stages/<int:pk>/", views.dimension_detail, name="dimension_detail"),
    path("buying-stages/<int:pk>/name/", views.dimension_rename, name="dimension_rename"),
    path("buying-stages/<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("buying-stages/<int:pk>/stages/<int:stage_pk>/", views.stage_save, name="stage_save"),
    path("buying-stages/<int:pk>/stages/<int:stage_pk>/move/", views.stage_move, name="stage_move"),
    path(
        "buying-stages/<int:pk>/stages/<int:stage_pk>/remove/",
        views.stage_remove,
        name="stage_remove",
    ),
    path(
        "contacts/<int:contact_pk>/buying-stages/<int:pk>/",
        views.contact_stage_set,
        name="contact_stage_set",
    ),
]
