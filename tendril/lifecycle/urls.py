"""Lifecycle screens."""

from django.urls import URLPattern

app_name = "lifecycle"

urlpatterns: list[URLPattern] = []
