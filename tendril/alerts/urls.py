"""Alerts screens: the Alerts box's two forms on a segment's page."""

from django.urls import path

from tendril.alerts import views

app_name = "alerts"

urlpatterns = [
    path("segments/<int:pk>/alert/", views.alert_edit, name="alert_edit"),
    path("segments/<int:pk>/alert/me/", views.alert_subscribe, name="alert_subscribe"),
]
