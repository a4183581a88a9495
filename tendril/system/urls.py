from django.urls import path

from tendril.system import views

app_name = "system"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("system/", views.system_index, name="index"),
    path(
        "system/dead-letters/<int:pk>/<slug:action>/",
        views.dead_letter_action,
        name="dead_letter_action",
    ),
]
